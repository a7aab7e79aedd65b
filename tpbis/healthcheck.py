"""Docker's healthcheck of the web container: exit 0 when /healthz answers 200.

    python -m tpbis.healthcheck

Standard library only (no Django to load every 30 seconds). The request names the site's
host (the first of ALLOWED_HOSTS) and says it came over HTTPS, as the TLS proxy would, so that
production's host check and HTTPS redirect answer it like any other request.
"""

import os
import sys
import urllib.error
import urllib.request

URL = "http://127.0.0.1:8000/healthz"


def site_host() -> str:
    first = os.environ.get("ALLOWED_HOSTS", "").split(",")[0].strip()
    # ".example.org" allows example.org and its subdomains; "*" allows any host.
    return first.lstrip(".") if first not in {"", "*"} else "localhost"


def main() -> int:
    headers = {"Host": site_host(), "X-Forwarded-Proto": "https"}
    request = urllib.request.Request(URL, headers=headers)  # noqa: S310 (a fixed http URL)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            print(response.read().decode())
            return 0 if response.status == 200 else 1
    except (OSError, urllib.error.URLError) as error:
        print(error, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())

"""What the demo delegate's agenda transfers on a first visit, compressed as production sends it.

Collects the static files as production does (WhiteNoise's CompressedManifestStaticFilesStorage,
which writes a gzip and a Brotli copy of each), renders the agenda of the demo delegate
(`manage.py loaddemo` first) as the app sends it to a browser that accepts gzip, and adds the
compressed size of every file the page links to. Bodies only: each response's headers add a few
hundred bytes. The browser's measure, headers included, is in
tests/e2e/test_offline_pages.py.

    DJANGO_SETTINGS_MODULE=tpbis.settings python benchmarks/agenda_transfer.py
"""

import gzip
import re
import sys
import tempfile
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client, override_settings  # noqa: E402

BUDGET = 60 * 1024
ASSET = re.compile(r'<(?:link|script)\b[^>]*?(?:href|src)="(/static/[^"]+)"')
DELEGATE = "delegate@example.org"


def main() -> None:
    with tempfile.TemporaryDirectory() as static_root:
        storages = {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
        }
        with override_settings(STATIC_ROOT=static_root, STORAGES=storages, DEBUG=False):
            call_command("collectstatic", interactive=False, verbosity=0)
            client = Client(SERVER_NAME="localhost")
            client.force_login(get_user_model().objects.get(email=DELEGATE))
            response = client.get("/me/agenda/", headers={"accept-encoding": "gzip, br"})
            html = gzip.decompress(response.content).decode()
            manifest = client.get("/manifest.webmanifest", headers={"accept-encoding": "gzip"})
            rows = [("page (gzip)", len(html.encode()), len(response.content), None)]
            rows.append(("manifest", len(manifest.content), len(manifest.content), None))
            for url in sorted(set(ASSET.findall(html))):
                path = Path(static_root) / url.removeprefix("/static/")
                plain = path.stat().st_size
                gz = path.with_name(path.name + ".gz")
                br = path.with_name(path.name + ".br")
                rows.append(
                    (
                        url,
                        plain,
                        gz.stat().st_size if gz.exists() else plain,
                        br.stat().st_size if br.exists() else None,
                    )
                )
    print(f"{'':60} {'plain':>8} {'gzip':>8} {'br':>8}")
    for name, plain, gz, br in rows:
        print(f"{name:60} {plain:8} {gz:8} {br if br is not None else '':>8}")
    plain_total = sum(row[1] for row in rows)
    gzip_total = sum(row[2] for row in rows)
    best_total = sum(min(row[2], row[3] or row[2]) for row in rows)
    print(f"{'total':60} {plain_total:8} {gzip_total:8} {best_total:8}")
    print(
        f"budget {BUDGET} bytes: gzip uses {gzip_total / BUDGET:.0%},"
        f" Brotli {best_total / BUDGET:.0%}"
    )


if __name__ == "__main__":
    main()

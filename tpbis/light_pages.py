"""Pages that cost little to send: compressed text, and "not modified" for pages kept offline.

Compression and BREACH: an attacker who can make a victim's browser send many requests and
who sees the compressed sizes may guess a secret that the page reflects next to text the
attacker chooses. Here the CSRF token is masked anew in every response, Django's GZip adds
random bytes to each response ("Heal the Breach"), and the session cookie is SameSite=Lax, so
the requests another site makes on the victim's behalf carry no session. The README says more.
"""

import hashlib
import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase
from django.middleware.gzip import GZipMiddleware
from django.utils.cache import get_conditional_response

from programs.offline import OFFLINE_HEADER

Handler = Callable[[HttpRequest], HttpResponseBase]

COMPRESSED_TYPES = ("text/", "application/json", "application/manifest+json", "image/svg+xml")
# The masked token differs in every response; the secret behind it is hashed in instead.
CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"')


class CompressTextMiddleware(GZipMiddleware):
    """Django's GZip for pages and data, not for files that are compressed already (PDF,
    images, archives), whose downloads would only get slower."""

    def process_response(self, request: HttpRequest, response: HttpResponseBase):
        if not response.get("Content-Type", "").startswith(COMPRESSED_TYPES):
            return response
        return super().process_response(request, response)


def kept_page_etag(request: HttpRequest, content: bytes) -> str:
    """The page's ETag: the same page for the same user in the same session gets the same."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(request.META.get("CSRF_COOKIE", "").encode())
    digest.update(CSRF_INPUT.sub(b"", content))
    return f'"{digest.hexdigest()}"'


class RevalidateKeptPagesMiddleware:
    """An ETag on pages kept for offline use, and "304 Not Modified" when it matches.

    These pages are stored on the device anyway, by the service worker: browsers may keep
    them too (`private, no-cache`, see tpbis.security.PrivacyHeadersMiddleware) and ask
    whether they changed, instead of downloading them again on every visit.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if (
            request.method not in ("GET", "HEAD")
            or response.status_code != 200
            or response.streaming
            or response.get(OFFLINE_HEADER) != "keep"
        ):
            return response
        response["ETag"] = kept_page_etag(request, response.content)
        return get_conditional_response(request, etag=response["ETag"], response=response)

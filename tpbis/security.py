"""Headers and limits that every response gets, whatever view made it.

Content-Security-Policy comes from django-csp (settings.CONTENT_SECURITY_POLICY); these two
middlewares add what it does not cover.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers, patch_cache_control

from programs.offline import OFFLINE_HEADER
from programs.uploads import LARGEST_UPLOAD_BYTES, MB, megabytes

# Room for the other fields of a form that carries the largest file.
REQUEST_BODY_LIMIT = LARGEST_UPLOAD_BYTES + MB

Handler = Callable[[HttpRequest], HttpResponseBase]


def permissions_policy(*, camera: bool) -> str:
    """The Permissions-Policy value: every listed feature off, the camera on if `camera`."""
    allowed = {"camera"} if camera else set()
    return ", ".join(
        f"{feature}=(self)" if feature in allowed else f"{feature}=()"
        for feature in settings.PERMISSIONS_POLICY_DENIED
    )


def is_download(response: HttpResponseBase) -> bool:
    return isinstance(response, FileResponse) or response.get("Content-Disposition", "").startswith(
        "attachment"
    )


class PrivacyHeadersMiddleware:
    """Permissions-Policy on every response; `Cache-Control: no-store` where people's data is.

    No browser or proxy may keep a copy of anything a signed-in user was shown: every
    response to an authenticated user is marked no-store, and so is every file download
    (FileResponse or `Content-Disposition: attachment`), whoever asked for it. Telling pages
    with personal data from pages without would be a list to keep up to date; the pages of
    a signed-in user are cheap to make again. Anonymous pages (sign-in, certificate
    verification, the token-authenticated calendar feed with its ETag) keep their own caching.

    Pages kept for offline use (`programs.offline.keep_offline`) are stored on the device by the
    service worker anyway: they are sent `private, no-cache`, so the browser asks whether they
    changed instead of downloading them again. Signing out clears every copy on the device
    (`Clear-Site-Data`): pages, stored files and anything else the site kept in the browser.

    Only the pages named in PERMISSIONS_POLICY_CAMERA_URL_NAMES (badge scanning) may use the
    camera.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response
        self.policies = {camera: permissions_policy(camera=camera) for camera in (False, True)}

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        match = request.resolver_match
        camera = bool(match) and match.view_name in settings.PERMISSIONS_POLICY_CAMERA_URL_NAMES
        response.setdefault("Permissions-Policy", self.policies[camera])
        user = getattr(request, "user", None)
        private = (user is not None and user.is_authenticated) or is_download(response)
        if response.get(OFFLINE_HEADER) == "keep" and response.status_code == 200:
            patch_cache_control(response, private=True, no_cache=True, max_age=0)
        elif private and "no-store" not in response.get("Cache-Control", ""):
            add_never_cache_headers(response)
        if match and match.view_name == "account_logout" and request.method == "POST":
            response["Clear-Site-Data"] = '"cache", "storage"'
        return response


class RequestBodyLimitMiddleware:
    """Refuses, with a page that says why, a request body larger than any upload may be.

    DATA_UPLOAD_MAX_MEMORY_SIZE limits the fields of a form but not its files; without this
    a client could stream gigabytes to the disk. The declared Content-Length is checked before
    anything is read; the proxy in front should cap bodies too (and chunked bodies without a
    length), and at the same size.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > REQUEST_BODY_LIMIT:
            return self.too_large(request)
        return self.get_response(request)

    @staticmethod
    def too_large(request: HttpRequest) -> HttpResponse:
        return render(
            request,
            "413.html",
            {"limit": megabytes(REQUEST_BODY_LIMIT)},
            status=413,
        )

"""Headers on every response, the request-body cap, and pages free of inline code."""

import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import FileResponse, HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from tests.conftest import client_for
from tests.factories import SessionFactory
from tpbis.security import REQUEST_BODY_LIMIT, PrivacyHeadersMiddleware
from visits.models import SessionPhoto

NEVER_STORED = "max-age=0, no-cache, no-store, must-revalidate, private"
POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "media-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
NO_CAMERA = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)


def directives(header: str) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


@pytest.fixture
def item(programme):
    return SessionFactory(programme=programme)


def test_pages_send_a_strict_content_security_policy(cast, programme):
    for user, url in [
        (None, reverse("account_login")),
        (cast["organiser"], reverse("programs:detail", args=[programme.slug])),
    ]:
        response = client_for(user).get(url)
        assert response.status_code == 200
        assert directives(response["Content-Security-Policy"]) == POLICY


def test_badge_scanning_alone_may_use_the_camera(cast, programme, item):
    client = client_for(cast["staff"])
    scan = client.get(reverse("visits:attendance_scan", args=[programme.slug, item.pk]))
    assert scan.status_code == 200
    assert scan["Permissions-Policy"] == NO_CAMERA.replace("camera=()", "camera=(self)")
    for url in [
        reverse("visits:attendance", args=[programme.slug, item.pk]),
        reverse("programs:detail", args=[programme.slug]),
        reverse("account_login"),
    ]:
        assert client.get(url)["Permissions-Policy"] == NO_CAMERA


def test_every_response_to_a_signed_in_user_is_never_stored(cast, programme):
    participant = programme.participants.first()
    for role, url in [
        ("organiser", reverse("participants:detail", args=[programme.slug, participant.pk])),
        ("organiser", reverse("participants:list", args=[programme.slug])),
        ("delegate", reverse("participants:my_profile")),
        # The pages kept for use offline are revalidated instead (tests/test_pwa.py).
        ("delegate", reverse("visits:calendar")),
    ]:
        response = client_for(cast[role]).get(url)
        assert response.status_code == 200
        assert response["Cache-Control"] == NEVER_STORED


def test_a_response_that_already_forbids_storing_keeps_its_header(cast):
    request = RequestFactory().get("/")
    request.user = cast["organiser"]

    def view(request):
        response = HttpResponse("passport numbers")
        response["Cache-Control"] = "private, no-store"
        return response

    assert PrivacyHeadersMiddleware(view)(request)["Cache-Control"] == "private, no-store"


def test_downloads_are_never_stored_even_for_an_anonymous_request():
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    download = PrivacyHeadersMiddleware(
        lambda r: FileResponse(io.BytesIO(b"a,b\n"), as_attachment=True, filename="list.csv")
    )(request)
    page = PrivacyHeadersMiddleware(lambda r: HttpResponse("public"))(request)
    assert download["Cache-Control"] == NEVER_STORED
    assert "Cache-Control" not in page


def test_a_body_over_the_cap_gets_a_413_page_and_nothing_is_read(cast, programme, item):
    url = reverse("visits:photo_upload", args=[programme.slug, item.pk])
    response = client_for(cast["staff"]).post(
        url, {"caption": "Too big"}, CONTENT_LENGTH=str(REQUEST_BODY_LIMIT + 1)
    )
    assert response.status_code == 413
    page = response.content.decode()
    assert "<h1>The upload is too large</h1>" in page
    assert "A form can send at most 21 MB at once, and nothing was saved." in page
    assert not SessionPhoto.objects.exists()


def test_language_cookie_is_http_only_same_site_and_secure_when_asked(db, settings):
    settings.LANGUAGE_COOKIE_SECURE = True
    response = client_for(None).post(reverse("set_language"), {"language": "id", "next": "/"})
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert (cookie.value, cookie["samesite"], cookie["httponly"], cookie["secure"]) == (
        "id",
        "Lax",
        True,
        True,
    )


# Templates of pages served over HTTP; reports/pdf/ is rendered by WeasyPrint, never served.
SERVED_TEMPLATES = [
    path
    for folder in [
        Path(settings.BASE_DIR) / "templates",
        *Path(settings.BASE_DIR).glob("*/templates"),
    ]
    for path in folder.rglob("*.html")
    if "pdf" not in path.relative_to(folder).parts[:-1] and "email" not in path.parts
]
INLINE_CODE = re.compile(
    r"<script(?![^>]*\bsrc=)[^>]*>"  # a script element without src
    r"|<style\b|\sstyle=|\son[a-z]+=|\shx-on[:-]",  # styles, handlers, htmx's eval'd handlers
    re.IGNORECASE,
)


def test_served_templates_hold_no_inline_script_style_or_handler():
    assert len(SERVED_TEMPLATES) > 50
    offenders = {
        str(path.relative_to(settings.BASE_DIR)): INLINE_CODE.findall(path.read_text())
        for path in SERVED_TEMPLATES
        if INLINE_CODE.search(path.read_text())
    }
    assert offenders == {}

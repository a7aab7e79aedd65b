"""The error pages: the app's layout, what happened, where to go, in both languages."""

import pytest
from django.conf import settings
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from django.views.defaults import bad_request, server_error

from .conftest import client_for
from .test_i18n import english_strings_that_change, visible_texts

SIGN_IN_LINK = f'<a href="{reverse("account_login")}?next='
HOME_LINK = '<a href="/">Go to the start page</a>'


@pytest.fixture(autouse=True)
def _production_errors(settings):
    settings.DEBUG = False


def test_unknown_address_gets_the_404_page_with_a_sign_in_link(db):
    response = client_for(None).get("/no-such-page/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "<title>Page not found · TPBIS programmes</title>" in page
    assert "<h1>Page not found</h1>" in page
    assert 'class="site-header"' in page
    assert HOME_LINK in page
    assert f"{SIGN_IN_LINK}/no-such-page/" in page


def test_404_for_a_signed_in_user_offers_no_sign_in(cast, programme):
    response = client_for(cast["other_organiser"]).get(
        reverse("participants:list", args=[programme.slug])
    )
    page = response.content.decode()
    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in page
    assert HOME_LINK in page
    assert SIGN_IN_LINK not in page


def test_a_member_without_the_role_gets_the_403_page(cast, programme):
    response = client_for(cast["staff"]).get(reverse("programs:edit", args=[programme.slug]))
    page = response.content.decode()
    assert response.status_code == 403
    assert "<title>Access denied · TPBIS programmes</title>" in page
    assert "<h1>Access denied</h1>" in page
    assert "ask the programme's organisers" in page
    assert HOME_LINK in page
    assert SIGN_IN_LINK not in page


def test_500_page_renders_without_request_context_or_database():
    # Django renders 500.html with an empty context: no user, no CSRF token, no database.
    request = RequestFactory().get("/broken/")
    response = server_error(request)
    page = response.content.decode()
    assert response.status_code == 500
    assert "<h1>Something went wrong</h1>" in page
    assert 'class="site-header"' in page
    assert HOME_LINK in page
    # The language form would post without a CSRF token: it is left out.
    assert "set_language" not in page and 'class="language"' not in page


def test_400_page_uses_the_layout(db):
    request = RequestFactory().get("/")
    request.user = None
    response = bad_request(request, Exception("bad"))
    page = response.content.decode()
    assert response.status_code == 400
    assert "<h1>Bad request</h1>" in page
    assert HOME_LINK in page


def _assert_indonesian(page: str, heading: str) -> None:
    assert '<html lang="id">' in page
    with translation.override("id"):
        assert f"<h1>{gettext(heading)}</h1>" in page
        assert gettext("Go to the start page") in page
    # No English text that has an Indonesian translation is left on the page.
    assert visible_texts(page) & english_strings_that_change() == set()


def test_error_pages_in_indonesian(cast, programme):
    visitor = client_for(None)
    visitor.cookies[settings.LANGUAGE_COOKIE_NAME] = "id"
    page = visitor.get("/no-such-page/").content.decode()
    _assert_indonesian(page, "Page not found")
    assert ">Masuk</a>" in page

    delegate = client_for(cast["staff"])
    delegate.cookies[settings.LANGUAGE_COOKIE_NAME] = "id"
    response = delegate.get(reverse("programs:edit", args=[programme.slug]))
    assert response.status_code == 403
    _assert_indonesian(response.content.decode(), "Access denied")

    with translation.override("id"):
        page = server_error(RequestFactory().get("/")).content.decode()
    _assert_indonesian(page, "Something went wrong")


def test_favicon_is_linked_and_served_at_the_usual_address(db):
    client = client_for(None)
    page = client.get(reverse("account_login")).content.decode()
    assert '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">' in page
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/static/img/favicon.png"

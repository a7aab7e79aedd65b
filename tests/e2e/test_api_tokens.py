"""An organiser makes an API token on a phone, copies it once, then revokes it.

Screenshots land in artifacts/screenshots/ to be looked at.
"""

from django.test import Client

from programs.models import ApiToken
from tests.factories import PASSWORD, MembershipFactory, UserFactory

from .support import BROWSER_TEST, PHONE, fits_the_phone, log_in, shoot

pytestmark = BROWSER_TEST


def test_organiser_makes_and_revokes_a_token_on_a_phone(live_server, browser):
    organiser = UserFactory(email="organiser.api@example.org")
    programme = MembershipFactory(user=organiser).programme

    page = browser.new_context(viewport=PHONE).new_page()
    log_in(page, live_server, organiser.email, PASSWORD)
    page.goto(f"{live_server.url}/accounts/email/")
    page.get_by_role("link", name="API tokens").click()
    page.get_by_label("Name").fill("Registration sync")
    page.get_by_label(programme.short_name).check()
    page.get_by_label("May change data").check()
    page.get_by_role("button", name="Create the token").click()

    secret = page.locator(".token-secret code").inner_text()
    token = ApiToken.objects.get(user=organiser)
    assert secret.startswith(token.prefix)
    assert fits_the_phone(page)
    shoot(page, "api-token-1-created-phone")
    answer = Client(headers={"Authorization": f"Bearer {secret}"}).get(
        f"/api/v1/programmes/{programme.slug}/"
    )
    assert answer.json()["slug"] == programme.slug

    page.reload()
    assert secret not in page.content()
    page.get_by_role("button", name="Revoke Registration sync").click()
    page.get_by_role("button", name="Revoke the token").click()
    assert page.get_by_text("The token “Registration sync” was revoked.").is_visible()
    shoot(page, "api-token-2-revoked-phone")
    token.refresh_from_db()
    assert token.revoked_at is not None

"""An invited delegate on a phone: opens the link, creates an account, confirms, sees the profile.

Screenshots of each step land in artifacts/screenshots/ to be looked at.
"""

import re

from django.core import mail

from participants.invitations import send_invitation
from participants.models import Participant
from tests.factories import MembershipFactory, ParticipantFactory, ProgrammeFactory

from .support import BROWSER_TEST, PHONE, fits_the_phone, shoot

PASSWORD = "a-long-and-unusual-passphrase-42"

pytestmark = BROWSER_TEST


def test_invited_delegate_creates_account_and_confirms_on_a_phone(live_server, browser):
    programme = ProgrammeFactory(
        title_en="Knowledge Sharing Programme on Social Inclusion",
        short_name_en="TPBIS 2023",
    )
    organiser = MembershipFactory(programme=programme).user
    participant = ParticipantFactory(
        programme=programme, full_name="Nguyễn Thị Lan", email="lan@example.org"
    )
    send_invitation(participant=participant, by=organiser, request_or_base_url=live_server.url)
    link = re.search(r"http://\S+/invitations/\S+/", mail.outbox[0].body)[0]

    page = browser.new_page(viewport=PHONE)
    page.goto(link)
    assert page.get_by_role("heading", level=1).inner_text() == "Welcome, Nguyễn Thị Lan"
    assert fits_the_phone(page)
    shoot(page, "invitation-1-welcome-phone")

    page.get_by_role("link", name="Create your account").click()
    email = page.locator('input[name="email"]')
    assert email.input_value() == "lan@example.org"
    page.locator('input[name="password1"]').fill(PASSWORD)
    page.locator('input[name="password2"]').fill(PASSWORD)
    assert fits_the_phone(page)
    shoot(page, "invitation-2-signup-phone")

    page.get_by_role("button", name="Sign Up").click()
    page.wait_for_url(link)
    assert page.get_by_role("heading", level=1).inner_text() == "Will you attend?"
    assert fits_the_phone(page)
    shoot(page, "invitation-3-confirm-phone")

    assert page.get_by_role("heading", name="Privacy notice").is_visible()
    page.get_by_label("I have read the privacy notice").check()
    page.get_by_label("May be used in the programme's gallery and closing report").check()
    page.get_by_role("button", name="I will attend").click()
    page.wait_for_url(re.compile(r".*/me/profile/.*"))
    assert page.get_by_role("heading", level=1).inner_text() == "My profile"
    assert page.get_by_text("Thank you: your attendance").is_visible()
    assert fits_the_phone(page)
    shoot(page, "invitation-4-profile-phone")

    participant.refresh_from_db()
    assert participant.status == Participant.Status.CONFIRMED
    assert participant.user.email == "lan@example.org"
    assert participant.privacy_consent_at is not None
    assert participant.photo_consent is True

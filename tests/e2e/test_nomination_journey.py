"""From nomination to confirmed delegate: a focal point nominates within a quota of one seat
and one reserve, the organiser selects one candidate and keeps the other in reserve, the
selected candidate accepts the invitation, withdraws, and the reserve takes the seat.

Screenshots of each step land in artifacts/screenshots/ to be looked at.
"""

import re
from datetime import timedelta

from django.core import mail
from django.utils import timezone

from participants.models import Invitation, Nomination, Participant
from tests.factories import (
    PASSWORD,
    DelegationFactory,
    FocalPointFactory,
    MembershipFactory,
    NominationCallFactory,
    ProgrammeFactory,
    UserFactory,
    member_country,
)
from tpbis.demo.documents import text_pdf

from .support import BROWSER_TEST, DESKTOP, PHONE, fits_the_phone, log_in, shoot

pytestmark = BROWSER_TEST

CANDIDATE_PASSWORD = "a-long-and-unusual-passphrase-42"


def _document(title: str) -> dict:
    return {"name": "document.pdf", "mimeType": "application/pdf", "buffer": text_pdf(title, [])}


def _nominate(page, live_server, slug: str, name: str, email: str) -> None:
    page.goto(f"{live_server.url}/programmes/{slug}/nominations/")
    page.get_by_role("link", name="Nominate a candidate").click()
    page.get_by_label("Full name").fill(name)
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Gender").select_option("female")
    page.get_by_label("Institution", exact=True).fill("National Library of Laos")
    page.get_by_label("CV").set_input_files(_document(f"CV of {name}"))
    page.get_by_label("Nomination letter").set_input_files(_document(f"Nomination of {name}"))
    page.get_by_role("button", name="Nominate", exact=True).click()
    page.get_by_role("heading", name=name).wait_for()


def _link_in_mail_to(email: str, pattern: str) -> str:
    (message,) = [m for m in mail.outbox if email in m.to and re.search(pattern, m.body)]
    return re.search(pattern, message.body)[0]


def test_nomination_to_confirmed_delegate_and_a_reserve_taking_the_seat(live_server, browser):
    today = timezone.localdate()
    programme = ProgrammeFactory(
        title_en="Knowledge Sharing Programme on Social Inclusion",
        short_name_en="TPBIS",
        start_date=today + timedelta(days=60),
    )
    organiser = MembershipFactory(programme=programme, user=UserFactory()).user
    delegation = DelegationFactory(
        programme=programme, country=member_country("LA"), seats=1, reserves=1
    )
    focal_point = FocalPointFactory(delegation=delegation, user=UserFactory()).user
    NominationCallFactory(programme=programme)

    # The focal point, on a phone, nominates two candidates: the whole quota.
    focal_page = browser.new_page(viewport=PHONE)
    log_in(focal_page, live_server, focal_point.email, PASSWORD)
    _nominate(focal_page, live_server, programme.slug, "Vannaphone Sisouvanh", "vanna@example.org")
    assert fits_the_phone(focal_page)
    shoot(focal_page, "nomination-1-nominated-phone")
    _nominate(focal_page, live_server, programme.slug, "Bounmy Keomany", "bounmy@example.org")
    focal_page.goto(f"{live_server.url}/programmes/{programme.slug}/nominations/")
    assert focal_page.get_by_text("2 of 2 nominated (1 seat and 1 in reserve).").is_visible()
    assert focal_page.get_by_role("link", name="Nominate a candidate").count() == 0
    assert fits_the_phone(focal_page)
    shoot(focal_page, "nomination-2-quota-full-phone")
    # A third, by the form's address, is refused with the reason.
    focal_page.goto(
        f"{live_server.url}/programmes/{programme.slug}/nominations/delegations/"
        f"{delegation.pk}/new/"
    )
    assert "its whole quota of 1 seat and 1 in reserve" in (
        focal_page.get_by_role("alert").inner_text()
    )
    assert Nomination.objects.filter(delegation=delegation).count() == 2

    # The organiser selects the first candidate and keeps the second in reserve.
    organiser_page = browser.new_page(viewport=DESKTOP)
    log_in(organiser_page, live_server, organiser.email, PASSWORD)
    selection = f"{live_server.url}/programmes/{programme.slug}/selection/"
    for name, decision in (("Vannaphone Sisouvanh", "selected"), ("Bounmy Keomany", "reserve")):
        organiser_page.goto(selection)
        organiser_page.get_by_label(f"Decision for {name}").select_option(decision)
        organiser_page.get_by_label(f"Note on {name}").fill("Meets every criterion.")
        organiser_page.get_by_role("row", name=name).get_by_role("button", name="Save").click()
        organiser_page.get_by_text(f"{name}: {decision.capitalize()}.").wait_for()
    organiser_page.goto(selection)
    assert organiser_page.get_by_text("Seats taken: 1 of 1 · reserves: 1 of 1").is_visible()
    shoot(organiser_page, "nomination-3-selection-desktop")
    selected = Nomination.objects.get(email="vanna@example.org")
    reserve = Nomination.objects.get(email="bounmy@example.org")
    assert (selected.status, reserve.status, reserve.reserve_rank) == ("selected", "reserve", 1)
    # The decisions went to each candidate and to the focal point.
    decided = [m for m in mail.outbox if focal_point.email in m.to]
    assert len(decided) == 2
    delegate = selected.participant
    assert (delegate.full_name, delegate.country_id) == (
        "Vannaphone Sisouvanh",
        delegation.country_id,
    )

    # The selected candidate accepts the invitation e-mailed to them.
    link = _link_in_mail_to("vanna@example.org", r"http://\S+/invitations/\S+/")
    candidate_page = browser.new_page(viewport=PHONE)
    candidate_page.goto(link)
    candidate_page.get_by_role("link", name="Create your account").click()
    candidate_page.locator('input[name="password1"]').fill(CANDIDATE_PASSWORD)
    candidate_page.locator('input[name="password2"]').fill(CANDIDATE_PASSWORD)
    candidate_page.get_by_role("button", name="Sign Up").click()
    candidate_page.get_by_role("heading", name="Will you attend?").wait_for()
    candidate_page.get_by_label("I have read the privacy notice").check()
    candidate_page.get_by_label("Must be left out of the gallery and the closing report").check()
    candidate_page.get_by_role("button", name="I will attend").click()
    candidate_page.wait_for_url(re.compile(r".*/me/profile/.*"))
    assert fits_the_phone(candidate_page)
    shoot(candidate_page, "nomination-4-accepted-phone")
    delegate.refresh_from_db()
    assert delegate.status == Participant.Status.CONFIRMED

    # The delegate withdraws; the organiser gives the seat to the reserve in one click.
    organiser_page.goto(
        f"{live_server.url}/programmes/{programme.slug}/participants/{delegate.pk}/"
    )
    organiser_page.get_by_label("New status").select_option("withdrawn")
    organiser_page.get_by_label("Reason").fill("Her ministry cannot release her")
    organiser_page.get_by_role("button", name="Change the status").click()
    organiser_page.get_by_role("heading", name="Replace a withdrawn delegate").wait_for()
    assert organiser_page.get_by_text("Next reserve: Bounmy Keomany").is_visible()
    shoot(organiser_page, "nomination-5-next-reserve-desktop")
    organiser_page.get_by_role("button", name="Give the seat to Bounmy Keomany").click()
    organiser_page.get_by_role("heading", name="Bounmy Keomany").wait_for()
    assert organiser_page.get_by_text("Replaces Vannaphone Sisouvanh.").is_visible()
    shoot(organiser_page, "nomination-6-promoted-desktop")

    reserve.refresh_from_db()
    assert reserve.status == Nomination.Status.SELECTED
    assert reserve.participant.replaces == delegate
    assert Invitation.objects.filter(participant=reserve.participant).exists()
    assert _link_in_mail_to("bounmy@example.org", r"http://\S+/invitations/\S+/")

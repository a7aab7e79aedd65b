"""After the programme, on a phone: a delegate writes their action plan; months later beat
e-mails the follow-up survey, and the delegate answers it by the link, signing in by code.

Screenshots of each step land in artifacts/screenshots/ to be looked at.
"""

import re
from datetime import timedelta

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from participants.followup import run_follow_ups
from participants.followup_models import FollowUpResponse
from participants.models import Participant
from tests.factories import (
    FollowUpQuestionFactory,
    FollowUpRoundFactory,
    ProgrammeFactory,
    SurveyedParticipantFactory,
)

from .support import BROWSER_TEST, PHONE, fits_the_phone, shoot

pytestmark = BROWSER_TEST


def test_delegate_writes_a_plan_and_answers_the_follow_up_by_the_e_mailed_link(
    live_server, browser
):
    today = timezone.localdate()
    # A programme that ended last week: the delegate may write a plan with milestones ahead.
    programme = ProgrammeFactory(
        short_name_en="TPBIS 2023",
        start_date=today - timedelta(days=12),
        end_date=today - timedelta(days=8),
    )
    lan = SurveyedParticipantFactory(
        programme=programme, full_name="Nguyễn Thị Lan", email="lan@example.org"
    )
    FollowUpQuestionFactory(
        programme=programme,
        text_en="Has your institution supported your plan?",
        kind="choice",
        choices="Yes\nPartly\nNot yet",
    )
    page = browser.new_page(viewport=PHONE)

    # During the programme, signed in: the action plan with two milestones.
    page.goto(f"{live_server.url}{reverse('account_request_login_code')}")
    sign_in_by_code(page, "lan@example.org")
    page.goto(f"{live_server.url}{reverse('participants:my_action_plan')}")
    page.get_by_label("Goal").fill("Open a reading corner for children in two district libraries")
    page.get_by_label("Activities").fill("Train four librarians; a monthly reading day")
    page.get_by_label("Partners").fill("Hanoi Department of Culture")
    titles = page.locator('input[name$="-title"]')
    dates = page.locator('input[name$="-due_on"]')
    titles.nth(0).fill("Librarians trained")
    dates.nth(0).fill((today + timedelta(days=30)).isoformat())
    titles.nth(1).fill("First reading corner open")
    dates.nth(1).fill((today + timedelta(days=90)).isoformat())
    page.get_by_label("may appear in the programme's reports", exact=False).check()
    assert fits_the_phone(page)
    shoot(page, "follow-up-1-action-plan-phone")
    page.get_by_role("button", name="Submit to the organisers").click()
    page.wait_for_load_state()
    lan.refresh_from_db()
    assert [m.title for m in lan.action_plan.milestones.all()] == [
        "Librarians trained",
        "First reading corner open",
    ]
    page.context.clear_cookies()

    # Months later: the round opens today and beat sends the invitation.
    FollowUpRoundFactory(programme=programme, opens_on=today, closes_on=today + timedelta(days=28))
    mail.outbox.clear()
    run_follow_ups(now=timezone.now(), base_url=live_server.url)
    (invitation,) = mail.outbox
    assert invitation.to == ["lan@example.org"]
    link = re.search(r"http://\S+/follow-up/\S+/", invitation.body)[0]

    page.goto(link)
    assert page.get_by_role("heading", level=1).inner_text() == "Follow-up survey"
    assert page.get_by_label("E-mail address").input_value() == "lan@example.org"
    assert fits_the_phone(page)
    shoot(page, "follow-up-2-sign-in-phone")
    mail.outbox.clear()
    page.get_by_role("button", name="Send me a sign-in code").click()
    enter_code(page)
    page.wait_for_url(link)
    assert page.get_by_role("heading", level=1).inner_text() == "How is your action plan going?"
    assert fits_the_phone(page)
    shoot(page, "follow-up-3-survey-phone")

    first = page.get_by_role("group", name="Librarians trained")
    first.get_by_label("Reached").check()
    first.get_by_label("Note (optional)").fill("All four trained in January.")
    page.get_by_role("group", name="First reading corner open").get_by_label("In progress").check()
    page.get_by_role("group", name="Has your institution supported your plan?").get_by_label(
        "Partly"
    ).check()
    page.get_by_label("What has your plan changed so far?").fill(
        "Forty children came to the first reading day."
    )
    page.get_by_label("The outcome report may quote").check()
    page.get_by_role("button", name="Send my answers").click()
    page.wait_for_url(link)
    assert page.get_by_text("Thank you! Your answers have been saved.").is_visible()
    assert fits_the_phone(page)
    shoot(page, "follow-up-4-thanks-phone")

    response = FollowUpResponse.objects.get()
    assert response.invitation.participant == Participant.objects.get(pk=lan.pk)
    assert response.may_quote is True
    assert sorted(response.milestones.values_list("milestone__title", "status", "note")) == [
        ("First reading corner open", "in_progress", ""),
        ("Librarians trained", "reached", "All four trained in January."),
    ]
    assert list(response.answers.values_list("text", flat=True)) == ["Partly"]


def sign_in_by_code(page, email: str) -> None:
    mail.outbox.clear()
    page.locator('input[name="email"]').fill(email)
    page.locator('form button[type="submit"]').last.click()
    enter_code(page)


def enter_code(page) -> None:
    page.wait_for_url(re.compile(r".*/login/code/confirm/.*"))
    code = re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", mail.outbox[-1].body, re.MULTILINE)[1]
    page.locator('input[name="code"]').fill(code)
    page.locator('input[name="code"]').press("Enter")

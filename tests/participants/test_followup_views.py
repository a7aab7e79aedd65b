"""Follow-up surveys on the web: the personal link with sign-in by code, the survey, the
organisers' rounds, results and export."""

import io
import re
from datetime import UTC, date, datetime

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from participants.followup import run_follow_ups
from participants.followup_models import (
    FollowUpInvitation,
    FollowUpQuestion,
    FollowUpResponse,
    FollowUpRound,
    MilestoneProgress,
)
from participants.models import Participant
from tests.conftest import client_for
from tests.factories import (
    ActionPlanFactory,
    FollowUpInvitationFactory,
    FollowUpQuestionFactory,
    FollowUpResponseFactory,
    FollowUpRoundFactory,
    MembershipFactory,
    MilestoneFactory,
    SurveyedParticipantFactory,
    UserFactory,
    member_country,
)

BASE_URL = "http://testserver"
OPEN_DAY = datetime(2024, 2, 18, 2, 0, tzinfo=UTC)


@pytest.fixture
def round_(programme):
    return FollowUpRoundFactory(programme=programme)


@pytest.fixture
def organiser(programme):
    return MembershipFactory(programme=programme, role="organiser").user


@pytest.fixture
def ana(programme):
    ana = SurveyedParticipantFactory(programme=programme, full_name="Ana", email="ana@example.org")
    MilestoneFactory(plan__participant=ana, title="Volunteers trained", due_on=date(2024, 1, 15))
    MilestoneFactory(plan=ana.action_plan, title="Reading corner open", due_on=date(2024, 3, 1))
    return ana


def link_for(participant) -> str:
    """Beat sends the invitation; the link is the one in the e-mail."""
    mail.outbox.clear()
    run_follow_ups(now=OPEN_DAY, base_url=BASE_URL)
    message = next(m for m in mail.outbox if m.to == [participant.user.email])
    return re.search(r"http://testserver(/follow-up/\S+/)", message.body).group(1)


def milestone_data(participant, *statuses) -> dict:
    data = {}
    for milestone, status in zip(participant.action_plan.milestones.all(), statuses, strict=True):
        data[f"status_{milestone.pk}"] = status
        data[f"note_{milestone.pk}"] = ""
    return data


# --- The personal link ------------------------------------------------------------------------


def test_link_asks_for_sign_in_by_code_and_leads_back_to_the_survey(client, round_, ana):
    link = link_for(ana)
    page = client.get(link)
    assert page.status_code == 200
    html = page.content.decode()
    assert f'action="{reverse("account_request_login_code")}"' in html
    assert 'value="ana@example.org" readonly' in html
    assert "Volunteers trained" not in html

    mail.outbox.clear()
    asked = client.post(
        reverse("account_request_login_code"), {"email": "ana@example.org", "next": link}
    )
    assert asked.status_code == 302
    code = re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", mail.outbox[0].body, re.MULTILINE)[1]
    signed_in = client.post(asked["Location"], {"code": code})
    assert signed_in.status_code == 302
    assert signed_in["Location"] == link

    survey = client.get(link)
    assert survey.status_code == 200
    assert "Volunteers trained" in survey.content.decode()


def test_survey_saves_milestones_answers_and_consent_to_quote(round_, ana):
    question = FollowUpQuestionFactory(programme=ana.programme, text_en="How useful was it?")
    link = link_for(ana)
    client = client_for(ana.user)
    data = {
        **milestone_data(ana, "reached", "in_progress"),
        f"question_{question.pk}": "5",
        "story": "Forty children came in the first month.",
        "may_quote": "on",
    }
    first = next(iter(ana.action_plan.milestones.all()))
    data[f"note_{first.pk}"] = "Two volunteers, both trained."
    response = client.post(link, data)
    assert response.status_code == 302
    assert response["Location"] == link

    saved = FollowUpResponse.objects.get()
    assert (saved.story, saved.may_quote) == ("Forty children came in the first month.", True)
    assert sorted(saved.milestones.values_list("milestone__title", "status", "note")) == [
        ("Reading corner open", "in_progress", ""),
        ("Volunteers trained", "reached", "Two volunteers, both trained."),
    ]
    assert list(saved.answers.values_list("rating", flat=True)) == [5]

    # Sending again replaces the answers.
    client.post(link, {**data, **milestone_data(ana, "reached", "reached"), "may_quote": ""})
    assert MilestoneProgress.objects.filter(status="reached").count() == 2
    assert FollowUpResponse.objects.get().may_quote is False


def test_survey_without_a_status_shows_errors_and_saves_nothing(round_, ana):
    link = link_for(ana)
    response = client_for(ana.user).post(link, {"story": "Half done"})
    assert response.status_code == 200
    assert "Please correct the errors below." in response.content.decode()
    assert FollowUpResponse.objects.count() == 0


def test_link_refuses_another_account(round_, ana):
    link = link_for(ana)
    response = client_for(UserFactory()).get(link)
    assert response.status_code == 403
    assert "This link belongs to another account." in response.content.decode()


def test_unknown_or_replaced_link_is_not_found(client, db):
    assert client.get(reverse("participants:followup_survey", args=["nope"])).status_code == 404


def test_withdrawn_participant_can_no_longer_answer(round_, ana):
    link = link_for(ana)
    Participant.objects.filter(pk=ana.pk).update(status=Participant.Status.WITHDRAWN)
    response = client_for(ana.user).post(link, milestone_data(ana, "reached", "reached"))
    assert response.status_code == 403
    assert FollowUpResponse.objects.count() == 0


def test_closed_round_takes_no_more_answers(round_, ana):
    link = link_for(ana)
    FollowUpRound.objects.update(closed_at=timezone.now())
    response = client_for(ana.user).post(link, milestone_data(ana, "reached", "reached"))
    assert "This survey has closed." in response.content.decode()
    assert FollowUpResponse.objects.count() == 0


# --- The organisers' pages ---------------------------------------------------------------------


def test_adding_a_round_takes_its_dates_from_the_interval(programme, organiser):
    url = reverse("participants:followup_rounds", args=[programme.slug])
    response = client_for(organiser).post(url, {"months_after": "6"})
    assert response.status_code == 302
    round_ = FollowUpRound.objects.get()
    assert (round_.opens_on, round_.closes_on) == (date(2024, 5, 17), date(2024, 6, 14))
    assert round_.state == "planned"


@pytest.mark.parametrize(
    ("data", "field", "error"),
    [
        ({"months_after": "3"}, "months_after", "The programme has a round at this interval"),
        ({"months_after": "0"}, "months_after", "greater than or equal to 1"),
        (
            {"months_after": "4", "opens_on": "2023-11-10"},
            "opens_on",
            "A follow-up opens after the programme",
        ),
        (
            {"months_after": "4", "opens_on": "2024-03-20", "closes_on": "2024-03-19"},
            "closes_on",
            "The round must close after it opens.",
        ),
    ],
)
def test_a_round_with_bad_dates_is_refused_field_by_field(
    programme, organiser, round_, data, field, error
):
    url = reverse("participants:followup_rounds", args=[programme.slug])
    response = client_for(organiser).post(url, data)
    assert response.status_code == 200
    assert error in str(response.context["form"].errors[field])
    assert FollowUpRound.objects.count() == 1


def test_opening_a_round_today_sends_the_invitations(
    programme, organiser, ana, django_capture_on_commit_callbacks
):
    round_ = FollowUpRoundFactory(
        programme=programme, opens_on=date(2099, 1, 1), closes_on=date(2099, 2, 1)
    )
    url = reverse("participants:followup_round_state", args=[programme.slug, round_.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(organiser).post(url, {"action": "open"})
    assert response.status_code == 302
    round_.refresh_from_db()
    assert round_.opens_on == timezone.localdate(timezone=programme.tzinfo)
    assert round_.closes_on - round_.opens_on == date(2099, 2, 1) - date(2099, 1, 1)
    assert round_.state == "open"
    assert [m.to for m in mail.outbox] == [["ana@example.org"]]


def test_closing_a_round(programme, organiser, round_):
    url = reverse("participants:followup_round_state", args=[programme.slug, round_.pk])
    client_for(organiser).post(url, {"action": "close"})
    round_.refresh_from_db()
    assert round_.state == "closed"
    # A closed round can no longer be edited.
    edit = reverse("participants:followup_round_edit", args=[programme.slug, round_.pk])
    client_for(organiser).post(edit, {"months_after": "4"})
    round_.refresh_from_db()
    assert round_.months_after == 3


def answered(round_, *, country="VN", gender="female", statuses=(), story="", may_quote=False):
    response = FollowUpResponseFactory(
        invitation__round=round_,
        invitation__participant__country=member_country(country),
        invitation__participant__gender=gender,
        story=story,
        may_quote=may_quote,
    )
    plan = ActionPlanFactory(participant=response.invitation.participant)
    for status in statuses:
        milestone = MilestoneFactory(plan=plan)
        MilestoneProgress.objects.create(response=response, milestone=milestone, status=status)
    return response


def test_results_count_only_participants_who_may_be_counted(programme, organiser, round_):
    answered(round_, statuses=["reached", "in_progress"])
    answered(round_, statuses=["reached"])
    FollowUpInvitationFactory(round=round_)  # no answer yet
    withdrawn = answered(round_, statuses=["dropped"])
    Participant.objects.filter(pk=withdrawn.invitation.participant_id).update(
        status=Participant.Status.WITHDRAWN
    )
    url = reverse("participants:followup_results", args=[programme.slug, round_.pk])
    response = client_for(organiser).get(url)
    summary = response.context["summary"]
    assert (summary.invited, summary.responded, summary.response_rate) == (3, 2, 67)
    assert [(bar.label, bar.count) for bar in summary.milestone_bars] == [
        ("Not started", 0),
        ("In progress", 1),
        ("Reached", 2),
        ("Dropped", 0),
    ]
    assert "2</span> of 3 milestones reached" in response.content.decode()


def test_results_page_runs_a_fixed_number_of_queries(
    programme, organiser, round_, django_assert_max_num_queries
):
    FollowUpQuestionFactory(programme=programme)
    FollowUpQuestionFactory(programme=programme, kind=FollowUpQuestion.Kind.TEXT)
    url = reverse("participants:followup_results", args=[programme.slug, round_.pk])
    client = client_for(organiser)
    answered(round_, statuses=["reached"])
    # Session and user, programme and role, the round, invited, responded, statuses, questions,
    # answer counts, texts, and the page's navigation.
    with django_assert_max_num_queries(14):
        client.get(url)
    for _ in range(5):
        answered(round_, statuses=["reached", "dropped"])
    with django_assert_max_num_queries(14):
        client.get(url)


def test_export_names_only_those_who_agreed_to_be_quoted(programme, organiser, round_):
    FollowUpQuestionFactory(programme=programme, text_en="How useful was it?")
    quoted = answered(round_, statuses=["reached"], story="It worked.", may_quote=True)
    answered(round_, country="TH", gender="male", statuses=["dropped"], story="Private.")
    url = reverse("participants:followup_export", args=[programme.slug, round_.pk])
    response = client_for(organiser).get(url)
    assert response["Cache-Control"] == "private, no-store"
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[0][:8] == (
        "Response",
        "Submitted",
        "Name (when quoting is allowed)",
        "Country",
        "Gender",
        "Milestones",
        "Reached",
        "Milestone progress",
    )
    assert rows[0][8:] == ("How useful was it?", "What has changed", "May be quoted")
    by_country = {row[3]: row for row in rows[1:]}
    assert by_country["Vietnam"][2] == quoted.invitation.participant.display_name
    assert by_country["Vietnam"][5:7] == (1, 1)
    assert by_country["Thailand"][2] is None
    assert by_country["Thailand"][-2:] == ("Private.", "no")


def test_questions_page_adds_a_question(programme, organiser):
    url = reverse("participants:followup_questions", args=[programme.slug])
    client_for(organiser).post(
        url, {"text_en": "Did your institution support the plan?", "kind": "text"}
    )
    question = FollowUpQuestion.objects.get()
    assert (question.text_en, question.position) == ("Did your institution support the plan?", 1)


def test_invitations_are_unique_per_round_and_participant(round_, ana):
    FollowUpInvitationFactory(round=round_, participant=ana)
    with pytest.raises(IntegrityError), transaction.atomic():
        FollowUpInvitation.objects.create(round=round_, participant=ana)

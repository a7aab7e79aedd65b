"""The outcome report of a closed follow-up round, through the one pipeline for generated files."""

import pytest
from django.urls import reverse
from django.utils import timezone

from participants.followup_models import MilestoneProgress
from participants.models import Participant
from reports.models import GenerationJob
from tests.conftest import client_for
from tests.factories import (
    ActionPlanFactory,
    FollowUpInvitationFactory,
    FollowUpQuestionFactory,
    FollowUpResponseFactory,
    FollowUpRoundFactory,
    MembershipFactory,
    MilestoneFactory,
    member_country,
)

from .test_documents import pdf_text


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def organiser(programme):
    return MembershipFactory(programme=programme, role="organiser").user


def answered(round_, name, *, country="VN", gender="female", statuses=(), **fields):
    response = FollowUpResponseFactory(
        invitation__round=round_,
        invitation__participant__full_name=name,
        invitation__participant__country=member_country(country),
        invitation__participant__gender=gender,
        **fields,
    )
    plan = ActionPlanFactory(participant=response.invitation.participant)
    for status in statuses:
        MilestoneProgress.objects.create(
            response=response, milestone=MilestoneFactory(plan=plan), status=status
        )
    return response


@pytest.fixture
def closed_round(programme):
    round_ = FollowUpRoundFactory(programme=programme, closed_at=timezone.now())
    question = FollowUpQuestionFactory(
        programme=programme,
        text_en="Did your institution support the plan?",
        text_local="Apakah institusi Anda mendukung rencana ini?",
        kind="choice",
        choices="Yes\nPartly\nNo",
    )
    thu = answered(
        round_,
        "Nguyen Thu",
        statuses=["reached", "reached", "in_progress"],
        story="Our reading corner now opens every afternoon.",
        may_quote=True,
    )
    thu.answers.create(question=question, text="Yes")
    answered(
        round_,
        "Somchai K",
        country="TH",
        gender="male",
        statuses=["dropped"],
        story="Please keep this private.",
        may_quote=False,
    )
    FollowUpInvitationFactory(round=round_, participant__country=member_country("TH"))
    withdrawn = answered(
        round_,
        "Withdrawn Person",
        country="LA",
        statuses=["reached"],
        story="Quote of someone who withdrew.",
        may_quote=True,
    )
    Participant.objects.filter(pk=withdrawn.invitation.participant_id).update(
        status=Participant.Status.WITHDRAWN
    )
    unconsented = answered(
        round_, "No Consent", country="LA", story="Without privacy consent.", may_quote=True
    )
    Participant.objects.filter(pk=unconsented.invitation.participant_id).update(
        privacy_consent_at=None
    )
    return round_


def generate(client, round_, django_capture_on_commit_callbacks, language="en"):
    url = reverse("reports:outcome_report", args=[round_.programme.slug, round_.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"language": language})
    assert response.url == url
    return GenerationJob.objects.get(
        kind=GenerationJob.Kind.OUTCOME_REPORT, follow_up_round=round_, language=language
    )


def test_outcome_report_counts_quotes_with_consent_and_leaves_out_the_others(
    programme, organiser, closed_round, django_capture_on_commit_callbacks
):
    job = generate(client_for(organiser), closed_round, django_capture_on_commit_callbacks)
    assert job.status == GenerationJob.Status.DONE, job.error
    assert job.combined.name.endswith(f"outcome_report-round-{closed_round.pk}-en.pdf")
    text = " ".join(pdf_text(job.combined.read()).split())
    # The heading in the report's language, the host language's beneath it.
    assert "OUTCOME REPORT Laporan hasil" in text
    # The key figures (their lines run together when the text is extracted).
    assert "3participantsasked2responses67%responserate2of4milestonesreached" in "".join(
        text.split()
    )
    # By member country: asked, answered, rate, milestones, reached.
    assert "Vietnam 1 1 100 % 3 2 (67 %)" in text
    assert "Thailand 2 1 50 % 1 0" in text
    assert "Female 2 1 50 % 3 2 (67 %)" in text
    assert "Male 1 1 100 % 1 0 (0 %)" in text
    assert "Did your institution support the plan? 1 answer" in text
    assert "“Our reading corner now opens every afternoon.” — Nguyen Thu, Vietnam" in text
    assert "Please keep this private." not in text
    for absent in ("Withdrawn Person", "Laos", "Quote of someone who withdrew", "No Consent"):
        assert absent not in text


def test_outcome_report_in_the_host_language(
    programme, organiser, closed_round, django_capture_on_commit_callbacks
):
    job = generate(
        client_for(organiser), closed_round, django_capture_on_commit_callbacks, language="id"
    )
    assert job.status == GenerationJob.Status.DONE, job.error
    text = " ".join(pdf_text(job.combined.read()).split())
    assert "LAPORAN HASIL Outcome report" in text
    assert "Tonggak capaian rencana aksi Milestones of the action plans" in text
    assert "Apakah institusi Anda mendukung rencana ini?" in text
    assert "Vietnam 1 1 100 % 3 2 (67 %)" in text


def test_no_outcome_report_while_the_round_is_open(
    programme, organiser, django_capture_on_commit_callbacks
):
    round_ = FollowUpRoundFactory(programme=programme)
    url = reverse("reports:outcome_report", args=[programme.slug, round_.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(organiser).post(url, {"language": "en"}, follow=True)
    assert "The outcome report is made once the round is closed." in response.content.decode()
    assert GenerationJob.objects.count() == 0


def test_outcome_report_lists_the_programmes_sdg_targets(
    programme, organiser, closed_round, django_capture_on_commit_callbacks
):
    programme.sdg_targets = ["4.6", "16.10"]
    programme.save(update_fields=["sdg_targets"])
    job = generate(client_for(organiser), closed_round, django_capture_on_commit_callbacks)
    assert job.status == GenerationJob.Status.DONE, job.error
    text = " ".join(pdf_text(job.combined.read()).split())
    assert "SUSTAINABLE DEVELOPMENT GOALS" in text.upper()
    assert "Goal 4: Quality education" in text
    assert "4.6" in text and "16.10" in text
    assert "Goal 5" not in text


def test_outcome_report_without_sdg_targets_has_no_such_section(
    programme, organiser, closed_round, django_capture_on_commit_callbacks
):
    job = generate(client_for(organiser), closed_round, django_capture_on_commit_callbacks)
    text = pdf_text(job.combined.read())
    assert "Sustainable Development Goals" not in " ".join(text.split())

"""The demo after the programme: action plans, a closed three-month follow-up round with its
answers and outcome report, and the six-month round, open."""

import pytest
from django.core.management import call_command

from participants.action_plan_models import ActionPlan, Milestone
from participants.followup_models import (
    FollowUpAnswer,
    FollowUpInvitation,
    FollowUpResponse,
    FollowUpRound,
    MilestoneProgress,
)
from participants.followup_summary import follow_up_summary, groups, quotes
from programs.models import Programme

MODELS = [
    ActionPlan,
    Milestone,
    FollowUpRound,
    FollowUpInvitation,
    FollowUpResponse,
    MilestoneProgress,
    FollowUpAnswer,
]


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("loaddemo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return Programme.objects.get(slug="tpbis-2023")


def _as_loaded() -> dict:
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in MODELS}


def test_demo_has_a_closed_round_with_answers_and_an_open_one(demo):
    closed, later = demo.follow_up_rounds.order_by("months_after")
    assert (closed.months_after, closed.state) == (3, "closed")
    assert (str(closed.opens_on), str(closed.closes_on)) == ("2024-02-17", "2024-03-16")
    assert (later.months_after, later.state) == (6, "open")
    completed = demo.participants.filter(status="completed")
    # Everyone who took part was asked in both rounds.
    assert closed.invitations.count() == later.invitations.count() == completed.count()
    summary = follow_up_summary(closed)
    assert summary.invited == completed.count()
    assert 0 < summary.responded < summary.invited
    # Everyone with an action plan answered on each of its milestones.
    milestones = Milestone.objects.filter(plan__participant__in=completed)
    assert summary.milestones_reported == milestones.count() > 0
    assert 0 < summary.reached < summary.milestones_reported
    by_country, by_gender = groups(closed)
    assert "Indonesia" in [row.label for row in by_country]
    assert {row.label for row in by_gender} <= {"Female", "Male"}
    published = quotes(closed)
    assert [q.text for q in published] == [
        "Twelve colleagues now run a weekly reading circle for mothers and children.",
        "The director agreed to open the library on Saturdays from April.",
    ]
    assert FollowUpResponse.objects.filter(invitation__round=later).count() == 0


def test_loading_the_demo_again_changes_no_follow_up_row(demo):
    before = _as_loaded()
    call_command("loaddemo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert _as_loaded() == before

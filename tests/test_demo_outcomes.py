"""The demo's outcomes of the Jakarta programme: SDG targets, action plans (some shared, one a
draft, one commented) and alumni listings; loading twice changes nothing."""

import io

import pytest
from django.core.management import call_command

from participants.action_plan_models import ActionPlan, ActionPlanComment, Milestone
from participants.action_plans import plans_for_reports
from participants.alumni_models import AlumniListing
from programs.models import Programme

pytestmark = pytest.mark.django_db


def _outcomes() -> dict:
    return {
        "plans": list(ActionPlan.objects.order_by("pk").values()),
        "milestones": list(Milestone.objects.order_by("pk").values()),
        "comments": list(ActionPlanComment.objects.order_by("pk").values()),
        "listings": list(AlumniListing.objects.order_by("pk").values()),
        "sdg": list(Programme.objects.order_by("pk").values_list("slug", "sdg_targets")),
    }


def test_demo_outcomes_load_once_and_show_consent_at_work():
    call_command("loaddemo", stdout=io.StringIO())
    first = _outcomes()
    call_command("loaddemo", stdout=io.StringIO())
    assert _outcomes() == first

    programme = Programme.objects.get(slug="tpbis-2023")
    assert programme.sdg_targets == ["4.6", "10.2", "11.4", "16.10"]
    plans = ActionPlan.objects.filter(participant__programme=programme)
    assert plans.count() == 4
    assert plans.filter(share_in_reports=False).count() == 1
    assert plans.filter(submitted_at=None).count() == 1
    # Two shared and submitted: the draft and the unshared plan stay out of the reports.
    assert {plan.participant.email for plan in plans_for_reports(programme)} == {
        "delegate@example.org",
        "sita.shrestha@example.org",
    }
    comment = ActionPlanComment.objects.get()
    assert (comment.plan.participant.email, comment.author.email) == (
        "delegate@example.org",
        "organiser@example.org",
    )
    assert AlumniListing.objects.filter(participant__programme=programme).count() == 4
    assert AlumniListing.objects.filter(share_contact=True).count() == 2

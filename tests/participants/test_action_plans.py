"""Action plans: the participant's page with its milestones, the team's list and comments, and
which plans the reports may quote."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from participants.action_plan_models import ActionPlan, ActionPlanComment, Milestone
from participants.action_plans import milestone_window, plans_for_reports
from participants.models import Participant
from participants.retention import anonymise_participant

from ..conftest import client_for
from ..factories import (
    ActionPlanCommentFactory,
    ActionPlanFactory,
    MilestoneFactory,
    ParticipantFactory,
    ProgrammeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

MY_PLAN = reverse("participants:my_action_plan")


def _taking_part(cast, programme, role="delegate") -> Participant:
    participant = programme.participants.get(user=cast[role])
    participant.status = Participant.Status.CONFIRMED
    participant.save()
    return participant


def _post(goal="Open a reading corner", milestones=(), saved=(), submit=False) -> dict:
    """The plan form's data: new `milestones` as (title, day), `saved` as (milestone, title,
    day, delete)."""
    data = {
        "goal": goal,
        "activities": "Train volunteers",
        "partners": "District office",
        "share_in_reports": "on",
        "milestones-TOTAL_FORMS": str(len(saved) + len(milestones)),
        "milestones-INITIAL_FORMS": str(len(saved)),
        "milestones-MIN_NUM_FORMS": "0",
        "milestones-MAX_NUM_FORMS": "20",
    }
    rows = [(m.pk, title, day, delete) for m, title, day, delete in saved]
    rows += [(None, title, day, False) for title, day in milestones]
    for n, (pk, title, day, delete) in enumerate(rows):
        data[f"milestones-{n}-id"] = pk or ""
        data[f"milestones-{n}-title"] = title
        data[f"milestones-{n}-due_on"] = day
        if delete:
            data[f"milestones-{n}-DELETE"] = "on"
    data["submit" if submit else "save"] = ""
    return data


# --- The participant's own page -------------------------------------------------------------


def test_new_plan_page_offers_the_form_with_empty_milestones(cast, programme):
    _taking_part(cast, programme)
    response = client_for(cast["delegate"]).get(MY_PLAN)
    assert response.status_code == 200
    assert response.context["plan"] is None
    assert len(response.context["milestones"].forms) == 2
    assert "Submit to the organisers" in response.content.decode()


def test_saving_a_draft_stores_plan_and_milestones_unsubmitted(cast, programme):
    participant = _taking_part(cast, programme)
    response = client_for(cast["delegate"]).post(
        MY_PLAN, _post(milestones=[("Train volunteers", "2024-02-01"), ("Open", "2024-06-01")])
    )
    assert response.status_code == 302
    plan = ActionPlan.objects.get(participant=participant)
    assert (plan.goal, plan.share_in_reports, plan.submitted_at) == (
        "Open a reading corner",
        True,
        None,
    )
    assert list(plan.milestones.values_list("title", "due_on")) == [
        ("Train volunteers", date(2024, 2, 1)),
        ("Open", date(2024, 6, 1)),
    ]


def test_submitting_sets_submitted_at_and_saving_again_keeps_it(cast, programme):
    participant = _taking_part(cast, programme)
    client = client_for(cast["delegate"])
    client.post(MY_PLAN, _post(milestones=[("Open", "2024-06-01")], submit=True))
    plan = ActionPlan.objects.get(participant=participant)
    submitted = plan.submitted_at
    assert submitted is not None
    milestone = plan.milestones.get()
    client.post(
        MY_PLAN, _post(goal="Two corners", saved=[(milestone, "Open", "2024-07-01", False)])
    )
    plan.refresh_from_db()
    assert (plan.goal, plan.submitted_at) == ("Two corners", submitted)
    assert list(plan.milestones.values_list("due_on", flat=True)) == [date(2024, 7, 1)]


def test_submitting_without_milestones_is_refused_and_saves_nothing(cast, programme):
    participant = _taking_part(cast, programme)
    response = client_for(cast["delegate"]).post(MY_PLAN, _post(submit=True))
    assert response.status_code == 400
    assert "Add at least one milestone before you submit the plan." in response.content.decode()
    assert not ActionPlan.objects.filter(participant=participant).exists()


@pytest.mark.parametrize(
    ("day", "message"),
    [
        ("2023-11-12", "A milestone falls on or after the programme&#x27;s first day, 13 November"),
        ("2026-11-18", "A milestone falls within 3 years of the programme, by 17 November 2026"),
    ],
)
def test_milestone_outside_the_window_is_a_field_error_and_saves_nothing(
    cast, programme, day, message
):
    participant = _taking_part(cast, programme)
    response = client_for(cast["delegate"]).post(
        MY_PLAN, _post(milestones=[("Fine", "2024-01-01"), ("Wrong", day)])
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ActionPlan.objects.filter(participant=participant).exists()
    assert not Milestone.objects.exists()


def test_milestone_window_runs_from_first_day_to_three_years_after_the_last(db):
    programme = ProgrammeFactory(start_date=date(2024, 2, 26), end_date=date(2024, 2, 29))
    assert milestone_window(programme) == (date(2024, 2, 26), date(2027, 2, 28))


def test_milestones_can_be_removed_and_added_in_one_save(cast, programme):
    participant = _taking_part(cast, programme)
    plan = ActionPlanFactory(participant=participant, submitted_at=None)
    kept = MilestoneFactory(plan=plan, title="Kept", due_on=date(2024, 1, 1))
    gone = MilestoneFactory(plan=plan, title="Gone", due_on=date(2024, 2, 1))
    response = client_for(cast["delegate"]).post(
        MY_PLAN,
        _post(
            saved=[(kept, "Kept", "2024-01-01", False), (gone, "Gone", "2024-02-01", True)],
            milestones=[("New", "2024-03-01")],
        ),
    )
    assert response.status_code == 302
    assert list(plan.milestones.values_list("title", flat=True)) == ["Kept", "New"]


def test_another_participants_milestone_cannot_be_changed_through_the_formset(cast, programme):
    participant = _taking_part(cast, programme)
    ActionPlanFactory(participant=participant)
    foreign = MilestoneFactory(title="Someone else's", due_on=date(2024, 1, 1))
    client_for(cast["delegate"]).post(
        MY_PLAN, _post(saved=[(foreign, "Mine now", "2024-01-01", False)])
    )
    foreign.refresh_from_db()
    assert (foreign.title, foreign.plan_id) != ("Mine now", participant.action_plan.pk)
    assert foreign.title == "Someone else's"


@pytest.mark.parametrize("status", [Participant.Status.WITHDRAWN, Participant.Status.DECLINED])
def test_withdrawn_or_declined_participant_cannot_write_a_plan(cast, programme, status):
    participant = programme.participants.get(user=cast["delegate"])
    participant.status = status
    participant.save()
    client = client_for(cast["delegate"])
    page = client.get(MY_PLAN)
    assert page.status_code == 200
    assert page.context["form"] is None
    assert "Action plans are written by the participants who take part" in page.content.decode()
    response = client.post(MY_PLAN, _post(milestones=[("Open", "2024-06-01")]))
    assert response.status_code == 403
    assert not ActionPlan.objects.exists()


def test_participant_sees_the_organisers_comments_on_their_plan(cast, programme):
    participant = _taking_part(cast, programme)
    plan = ActionPlanFactory(participant=participant)
    ActionPlanCommentFactory(plan=plan, text="Write to the district office early.")
    ActionPlanCommentFactory(plan=ActionPlanFactory(), text="Not for you")
    page = client_for(cast["delegate"]).get(MY_PLAN).content.decode()
    assert "Write to the district office early." in page
    assert "Not for you" not in page


# --- The team's pages -----------------------------------------------------------------------


def test_team_list_shows_who_has_a_plan_submitted_or_not(cast, programme):
    a = _taking_part(cast, programme)
    b = _taking_part(cast, programme, "delegate_b")
    plan = ActionPlanFactory(participant=a)
    MilestoneFactory.create_batch(3, plan=plan)
    ActionPlanFactory(participant=b, submitted_at=None, share_in_reports=False)
    # No account: cannot write a plan, not listed.
    ParticipantFactory(programme=programme, status=Participant.Status.CONFIRMED)
    response = client_for(cast["staff"]).get(
        reverse("participants:action_plans", args=[programme.slug])
    )
    assert response.status_code == 200
    rows = {row.pk: row for row in response.context["rows"]}
    assert set(rows) == {a.pk, b.pk}
    assert (rows[a.pk].milestone_count, rows[b.pk].milestone_count) == (3, 0)
    assert (response.context["written"], response.context["submitted"]) == (2, 1)
    assert response.context["shared"] == 1


@pytest.mark.parametrize("size", [2, 12])
def test_team_list_runs_a_fixed_number_of_queries(
    cast, programme, size, django_assert_max_num_queries
):
    for _n in range(size):
        person = ParticipantFactory(
            programme=programme, user=UserFactory(), status=Participant.Status.COMPLETED
        )
        MilestoneFactory.create_batch(2, plan=ActionPlanFactory(participant=person))
        ActionPlanCommentFactory(plan=person.action_plan)
    client = client_for(cast["organiser"])
    url = reverse("participants:action_plans", args=[programme.slug])
    # Queries: session, user, the programme, the membership, the rows with plans and counts;
    # the navigation's memberships and participations.
    with django_assert_max_num_queries(8):
        response = client.get(url)
    assert response.context["written"] == size


def test_team_comment_is_saved_and_shown_to_the_participant(cast, programme):
    participant = _taking_part(cast, programme)
    plan = ActionPlanFactory(participant=participant)
    url = reverse("participants:action_plan", args=[programme.slug, participant.pk])
    response = client_for(cast["staff"]).post(url, {"text": "  Good plan.  "})
    assert response.status_code == 302
    comment = ActionPlanComment.objects.get(plan=plan)
    assert (comment.text, comment.author) == ("Good plan.", cast["staff"])
    assert "Good plan." in client_for(cast["delegate"]).get(MY_PLAN).content.decode()


def test_empty_comment_is_a_field_error(cast, programme):
    participant = _taking_part(cast, programme)
    ActionPlanFactory(participant=participant)
    url = reverse("participants:action_plan", args=[programme.slug, participant.pk])
    response = client_for(cast["organiser"]).post(url, {"text": "  "})
    assert response.status_code == 400
    assert response.context["form"].errors == {"text": ["This field is required."]}
    assert not ActionPlanComment.objects.exists()


def test_plan_page_of_someone_without_a_plan_says_so_and_takes_no_comment(cast, programme):
    participant = _taking_part(cast, programme)
    url = reverse("participants:action_plan", args=[programme.slug, participant.pk])
    client = client_for(cast["organiser"])
    assert "has not started an action plan yet" in client.get(url).content.decode()
    assert client.post(url, {"text": "Hello"}).status_code == 404


def test_plan_page_of_another_programmes_participant_is_404(cast, programme):
    stranger = ActionPlanFactory().participant
    url = reverse("participants:action_plan", args=[programme.slug, stranger.pk])
    assert client_for(cast["organiser"]).get(url).status_code == 404


# --- Which plans the reports quote ----------------------------------------------------------


def test_reports_quote_only_submitted_plans_shared_by_people_who_take_part(programme):
    def plan(name, **fields):
        person = ParticipantFactory(
            programme=programme,
            full_name=name,
            status=fields.pop("status", Participant.Status.COMPLETED),
        )
        return ActionPlanFactory(participant=person, **fields)

    shared = plan("Ana")
    plan("Ben", share_in_reports=False)
    plan("Cai", submitted_at=None)
    plan("Dewi", status=Participant.Status.WITHDRAWN)
    plan("Eko", status=Participant.Status.DECLINED)
    erased = plan("Fay")
    anonymise_participant(participant=erased.participant, now=timezone.now())
    ActionPlanFactory(participant__status=Participant.Status.COMPLETED)  # another programme
    assert plans_for_reports(programme) == [shared]

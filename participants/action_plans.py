"""Action plans: who writes one, saving it with its milestones, the team's comments, and the
plans the closing report may quote.

A plan reaches a report only when its author agreed (`share_in_reports`), submitted it, and
still takes part: never a withdrawn or declined participant's, never an erased one's.
"""

from datetime import date, datetime

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.forms import BaseInlineFormSet, ModelForm

from programs.models import Programme

from .action_plan_models import ActionPlan, ActionPlanComment
from .evaluation import ELIGIBLE_STATUSES
from .models import INACTIVE_STATUSES, Participant, by_readable_name

# Participants who took part (or are about to) write plans: as asked for the evaluation.
WRITING_STATUSES = ELIGIBLE_STATUSES
# Milestones further away than this after the last day are almost certainly a typing error.
MILESTONE_HORIZON_YEARS = 3


def may_write_plan(participant: Participant) -> bool:
    return participant.status in WRITING_STATUSES and not participant.is_erased


def milestone_window(programme: Programme) -> tuple[date, date]:
    """The first and last day a milestone may fall on: from the programme's first day to
    `MILESTONE_HORIZON_YEARS` after its last (28 February for a 29 February)."""
    end = programme.end_date
    year = end.year + MILESTONE_HORIZON_YEARS
    try:
        last = end.replace(year=year)
    except ValueError:
        last = end.replace(year=year, day=28)
    return programme.start_date, last


def plan_of(participant: Participant) -> ActionPlan | None:
    return (
        ActionPlan.objects.filter(participant=participant)
        .prefetch_related("milestones", "comments__author")
        .first()
    )


def save_action_plan(
    *,
    participant: Participant,
    form: ModelForm,
    milestones: BaseInlineFormSet,
    submit: bool,
    now: datetime,
) -> ActionPlan:
    """Save a valid plan form and its milestones together; `submit` marks the plan ready.

    Side effects: saves the ActionPlan (with `submitted_at` = `now` when first submitted) and
    creates, changes and deletes its Milestone rows, all or nothing.
    """
    with transaction.atomic():
        plan = form.save(commit=False)
        plan.participant = participant
        if submit and plan.submitted_at is None:
            plan.submitted_at = now
        plan.save()
        milestones.instance = plan
        milestones.save()
    return plan


def add_comment(*, plan: ActionPlan, author, text: str) -> ActionPlanComment:
    """Side effects: creates an ActionPlanComment, which the participant sees on their plan."""
    return ActionPlanComment.objects.create(plan=plan, author=author, text=text)


def plan_rows(programme: Programme) -> QuerySet[Participant]:
    """Everyone who may write a plan (with an account) or has one, with their plan and the
    counts of its milestones and comments, in list order: one query."""
    return (
        programme.participants.filter(
            Q(user__isnull=False, status__in=WRITING_STATUSES) | Q(action_plan__isnull=False)
        )
        .select_related("action_plan", "country")
        .annotate(
            milestone_count=Count("action_plan__milestones", distinct=True),
            comment_count=Count("action_plan__comments", distinct=True),
        )
        .order_by(*by_readable_name(), "pk")
    )


def plans_for_reports(programme: Programme) -> list[ActionPlan]:
    """The submitted plans the programme's reports may quote, by their authors' names: those
    whose authors agreed and still take part. Two queries (plans, milestones)."""
    return list(
        ActionPlan.objects.filter(
            participant__programme=programme,
            share_in_reports=True,
            submitted_at__isnull=False,
            participant__erased_at__isnull=True,
        )
        .exclude(participant__status__in=INACTIVE_STATUSES)
        .select_related("participant__country", "participant__province")
        .prefetch_related("milestones")
        .order_by(*by_readable_name("participant__"), "pk")
    )

"""What a follow-up round found: the summary page, the export, and the outcome report's figures.

Only participants who may still be counted (`followup.counted_filter`) appear anywhere here:
someone who withdrew or was erased after answering leaves every figure. Quotes come only from
responses whose author ticked "may be quoted".
"""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from programs.numbers import percent

from .evaluation import Bar, QuestionSummary, summarise_answers
from .followup import counted_filter, counted_invitations, questions_of
from .followup_models import (
    FollowUpAnswer,
    FollowUpResponse,
    FollowUpRound,
    MilestoneProgress,
)
from .models import Participant

STATUSES = MilestoneProgress.Status


def counted_responses(round_: FollowUpRound) -> QuerySet[FollowUpResponse]:
    return FollowUpResponse.objects.filter(
        counted_filter("invitation__participant__"),
        invitation__round=round_,
        invitation__sent_at__isnull=False,
    )


@dataclass
class GroupRow:
    """Invitations, responses and milestones of one country or gender."""

    label: str
    invited: int = 0
    responded: int = 0
    milestones: int = 0
    reached: int = 0

    @property
    def response_rate(self) -> int:
        return percent(self.responded, self.invited) or 0

    @property
    def reached_percent(self) -> int:
        return percent(self.reached, self.milestones) or 0


@dataclass
class FollowUpSummary:
    round: FollowUpRound
    invited: int
    responded: int
    milestone_bars: list[Bar]
    milestones_reported: int
    questions: list[QuestionSummary] = field(default_factory=list)

    @property
    def response_rate(self) -> int:
        return percent(self.responded, self.invited) or 0

    @property
    def reached(self) -> int:
        return next(bar.count for bar in self.milestone_bars if bar.key == STATUSES.REACHED)


@dataclass
class StatusBar(Bar):
    key: str = ""


def _milestone_bars(round_: FollowUpRound) -> tuple[list[StatusBar], int]:
    counts = dict(
        MilestoneProgress.objects.filter(response__in=counted_responses(round_))
        .values_list("status")
        .annotate(n=Count("id"))
        .order_by()
    )
    total = sum(counts.values())
    return [
        StatusBar(
            label=str(label),
            count=counts.get(value, 0),
            percent=percent(counts.get(value, 0), total) or 0,
            key=value,
        )
        for value, label in STATUSES.choices
    ], total


def _question_summaries(round_: FollowUpRound, *, with_texts: bool) -> list[QuestionSummary]:
    answers = FollowUpAnswer.objects.filter(response__in=counted_responses(round_))
    questions = list(questions_of(round_.programme))
    return summarise_answers(questions, answers, with_texts=with_texts)


def follow_up_summary(round_: FollowUpRound, *, with_texts: bool = True) -> FollowUpSummary:
    """Response rate, milestone statuses and the answers per question, without names.

    Queries: invitations counted, responses counted, milestone statuses, questions, answer
    counts, free-text answers.
    """
    bars, reported = _milestone_bars(round_)
    return FollowUpSummary(
        round=round_,
        invited=counted_invitations(round_).count(),
        responded=counted_responses(round_).count(),
        milestone_bars=bars,
        milestones_reported=reported,
        questions=_question_summaries(round_, with_texts=with_texts),
    )


def groups(round_: FollowUpRound) -> tuple[list[GroupRow], list[GroupRow]]:
    """The round by member country and by gender: two queries."""
    by_country: dict[str, GroupRow] = {}
    by_gender: dict[str, GroupRow] = {}
    genders = dict(Participant.Gender.choices)
    labels: dict[int, tuple[str, str]] = {}
    invitations = counted_invitations(round_).select_related("participant__country")
    for invitation in invitations.annotate(answered=Count("response")).order_by():
        participant = invitation.participant
        country = str(participant.country) if participant.country_id else _("Not recorded")
        gender = str(genders.get(participant.gender, _("Not recorded")))
        labels[participant.pk] = (country, gender)
        for rows, label in ((by_country, country), (by_gender, gender)):
            row = rows.setdefault(label, GroupRow(label))
            row.invited += 1
            row.responded += invitation.answered
    progress = MilestoneProgress.objects.filter(response__in=counted_responses(round_))
    for status, participant_id in progress.values_list(
        "status", "response__invitation__participant_id"
    ):
        for rows, label in zip((by_country, by_gender), labels[participant_id], strict=True):
            row = rows[label]
            row.milestones += 1
            row.reached += status == STATUSES.REACHED
    return (
        sorted(by_country.values(), key=lambda row: row.label),
        sorted(by_gender.values(), key=lambda row: row.label),
    )


@dataclass
class FollowUpQuote:
    name: str
    origin: str
    text: str


def quotes(round_: FollowUpRound) -> list[FollowUpQuote]:
    """What participants wrote and agreed to have quoted, with their name and country."""
    responses = (
        counted_responses(round_)
        .filter(may_quote=True)
        .exclude(story="")
        .select_related("invitation__participant__country")
        .order_by("submitted_at", "pk")
    )
    return [
        FollowUpQuote(
            name=response.invitation.participant.display_name,
            origin=response.invitation.participant.origin,
            text=response.story,
        )
        for response in responses
    ]


def follow_up_table(round_: FollowUpRound) -> tuple[list[str], list[list[Any]]]:
    """One row per response: country, gender, each milestone's status, each answer, the story
    (its author's name only when they agreed to be quoted)."""
    questions = list(questions_of(round_.programme))
    responses = list(
        counted_responses(round_)
        .select_related("invitation__participant__country")
        .prefetch_related("milestones__milestone", "answers")
        .order_by("pk")
    )
    header = [
        _("Response"),
        _("Submitted"),
        _("Name (when quoting is allowed)"),
        _("Country"),
        _("Gender"),
        _("Milestones"),
        _("Reached"),
        _("Milestone progress"),
        *[q.text for q in questions],
        _("What has changed"),
        _("May be quoted"),
    ]
    tz = round_.programme.tzinfo
    rows = []
    for number, response in enumerate(responses, start=1):
        participant = response.invitation.participant
        progress = list(response.milestones.all())
        values = {
            a.question_id: a.rating if a.rating is not None else a.text
            for a in response.answers.all()
        }
        rows.append(
            [
                number,
                timezone.localtime(response.submitted_at, tz).date().isoformat(),
                participant.display_name if response.may_quote else "",
                str(participant.country) if participant.country_id else "",
                participant.get_gender_display(),
                len(progress),
                sum(1 for p in progress if p.status == STATUSES.REACHED),
                "; ".join(
                    f"{p.milestone.title}: {p.get_status_display()}"
                    + (f" ({p.note})" if p.note else "")
                    for p in progress
                ),
                *[values.get(q.pk, "") for q in questions],
                response.story,
                _("yes") if response.may_quote else _("no"),
            ]
        )
    return [str(label) for label in header], rows

"""The Jakarta programme after it ended: a closed follow-up round three months on (February
2024) with its answers, and the six-month round, open (sent in May 2024, not yet answered:
beat closes it after its last day).

Everyone who took part was asked; those with an action plan (`outcomes`, loaded before) say
where its milestones stand, the others answer the programme's questions only. Every row is
found by its natural key: loading twice changes nothing.
"""

from datetime import date, datetime, time

from participants.action_plan_models import Milestone
from participants.followup_models import (
    FollowUpAnswer,
    FollowUpInvitation,
    FollowUpQuestion,
    FollowUpResponse,
    FollowUpRound,
    MilestoneProgress,
)
from participants.models import Participant
from programs.models import Programme

from .nominations import save_questions

QUESTIONS = [
    (
        "How much has the programme helped you carry out your plan?",
        "Seberapa besar program ini membantu Anda melaksanakan rencana Anda?",
        "rating",
        "",
    ),
    (
        "Has your institution supported your plan?",
        "Apakah institusi Anda mendukung rencana Anda?",
        "choice",
        "Yes\nPartly\nNot yet",
    ),
]

# Per participant, in the order of their e-mail addresses: the statuses of their milestones
# in February 2024 (None: did not answer, unless they have a plan to report on).
PROGRESS = [
    ("reached", "reached", "in_progress"),
    ("reached", "in_progress", "not_started"),
    None,
    ("reached", "reached", "reached"),
    ("in_progress", "not_started", "not_started"),
    ("reached", "dropped", "in_progress"),
    None,
    ("reached", "reached", "in_progress"),
]
# By the same position: what some wrote, and whether the outcome report may quote it.
STORIES = {
    0: ("Twelve colleagues now run a weekly reading circle for mothers and children.", True),
    3: ("The director agreed to open the library on Saturdays from April.", True),
    5: ("Our budget was cut; I adapted the plan to what volunteers can do.", False),
}
CHOICES = ["Yes", "Partly", "Yes", "Not yet"]

THREE_MONTHS = {"months_after": 3, "opens_on": date(2024, 2, 17), "closes_on": date(2024, 3, 16)}
SIX_MONTHS = {"months_after": 6, "opens_on": date(2024, 5, 17), "closes_on": date(2024, 6, 14)}


def _moment(programme: Programme, day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=programme.tzinfo)


def load_follow_up(programme: Programme) -> None:
    """The two rounds, their invitations and the three-month answers.

    Side effects: sets the privacy consent of the programme's participants who took part (as
    they gave it when accepting their invitation) where it is missing; creates the rows above.
    """
    questions = save_questions(FollowUpQuestion, QUESTIONS, programme=programme)
    surveyed = list(
        programme.participants.filter(status=Participant.Status.COMPLETED).order_by("email")
    )
    consented = _moment(programme, date(2023, 11, 1), 10)
    programme.participants.filter(
        pk__in=[p.pk for p in surveyed], privacy_consent_at__isnull=True
    ).update(privacy_consent_at=consented)
    closed, _created = FollowUpRound.objects.update_or_create(
        programme=programme,
        months_after=3,
        defaults={
            **THREE_MONTHS,
            "opened_at": _moment(programme, THREE_MONTHS["opens_on"], 8),
            "closed_at": _moment(programme, date(2024, 3, 17), 0),
        },
    )
    open_round, _created = FollowUpRound.objects.update_or_create(
        programme=programme,
        months_after=6,
        defaults={**SIX_MONTHS, "opened_at": _moment(programme, SIX_MONTHS["opens_on"], 8)},
    )
    for index, participant in enumerate(surveyed):
        for round_ in (closed, open_round):
            sent = round_.opened_at
            FollowUpInvitation.objects.get_or_create(
                round=round_,
                participant=participant,
                defaults={"sent_at": sent, "last_sent_at": sent},
            )
        milestones = Milestone.objects.filter(plan__participant=participant)
        statuses = PROGRESS[index % len(PROGRESS)]
        if statuses is None and milestones.exists():
            statuses = PROGRESS[0]  # everyone with a plan answered
        if statuses is None:
            continue
        invitation = FollowUpInvitation.objects.get(round=closed, participant=participant)
        story, may_quote = STORIES.get(index, ("", False))
        response, _created = FollowUpResponse.objects.get_or_create(
            invitation=invitation, defaults={"story": story, "may_quote": may_quote}
        )
        # Those without an action plan answer the questions only; a plan's first milestones
        # take the statuses.
        for milestone, status in zip(milestones.order_by("due_on", "pk"), statuses, strict=False):
            MilestoneProgress.objects.get_or_create(
                response=response, milestone=milestone, defaults={"status": status}
            )
        FollowUpAnswer.objects.get_or_create(
            response=response, question=questions[0], defaults={"rating": 3 + index % 3}
        )
        FollowUpAnswer.objects.get_or_create(
            response=response,
            question=questions[1],
            defaults={"text": CHOICES[index % len(CHOICES)]},
        )

"""Follow-up surveys: who is asked, opening and closing rounds, the e-mails, saving answers.

Who is asked: participants of the programme who took part (confirmed, arrived or completed:
never withdrawn or declined), whose data was not erased, who accepted the programme's privacy
notice (their consent to be contacted about the programme, recorded when they accepted their
invitation) and who have an account with an e-mail address: the survey is answered signed in
to that account, by the code e-mailed to that address. Anyone who stops meeting these terms
(withdrawn later, say) may no longer answer, and their answers leave every summary and report.

Sending: beat calls `run_follow_ups` often. It opens the rounds whose day has come, creates
the missing invitations (create-or-skip against the one-per-round constraint) and sends each
unsent one inside a transaction that locks its row (`skip_locked`): a second run at the same
moment skips the locked rows and finds them sent afterwards, so every participant gets one
invitation per round. A mail server failure rolls the row back and the next run tries again.
Reminders go the same way after `settings.FOLLOW_UP_REMINDER_DAYS`, at most
`settings.FOLLOW_UP_MAX_REMINDERS` times, until the participant answers or the round closes.
"""

import calendar
import logging
import secrets
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse

from programs.mail import bilingual_message
from programs.models import Programme

from .action_plan_models import Milestone
from .evaluation import ELIGIBLE_STATUSES, answer_rows
from .followup_models import (
    FollowUpAnswer,
    FollowUpInvitation,
    FollowUpQuestion,
    FollowUpResponse,
    FollowUpRound,
    MilestoneProgress,
)
from .invitations import hash_token
from .models import Participant

logger = logging.getLogger(__name__)

INVITATION_TEMPLATE = "participants/email/follow_up"
REMINDER_TEMPLATE = "participants/email/follow_up_reminder"
# A round is open for this long unless the organisers say otherwise.
DEFAULT_OPEN_DAYS = 28


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it is shorter (31 Jan + 1 =
    28 or 29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def default_dates(programme: Programme, months_after: int) -> tuple[date, date]:
    opens_on = add_months(programme.end_date, months_after)
    return opens_on, opens_on + timedelta(days=DEFAULT_OPEN_DAYS)


def counted_filter(prefix: str = "") -> Q:
    """Who may be counted and quoted: took part, not erased, accepted the privacy notice (a
    filter on participants; `prefix` "participant__" from invitations)."""
    return Q(
        **{
            f"{prefix}status__in": ELIGIBLE_STATUSES,
            f"{prefix}erased_at__isnull": True,
            f"{prefix}privacy_consent_at__isnull": False,
        }
    )


def eligible_filter(prefix: str = "") -> Q:
    """Who may be asked (see the module's docstring): counted, with an account to sign in to."""
    return (
        counted_filter(prefix)
        & Q(**{f"{prefix}user__isnull": False, f"{prefix}user__is_active": True})
        & ~Q(**{f"{prefix}user__email": ""})
    )


def eligible_participants(programme: Programme) -> QuerySet[Participant]:
    return programme.participants.filter(eligible_filter())


def may_answer(invitation: FollowUpInvitation) -> bool:
    return (
        eligible_participants(invitation.round.programme)
        .filter(pk=invitation.participant_id)
        .exists()
    )


def counted_invitations(round_: FollowUpRound) -> QuerySet[FollowUpInvitation]:
    """The round's sent invitations of participants who may still be counted (an account closed
    since does not take back what they answered)."""
    return round_.invitations.filter(counted_filter("participant__"), sent_at__isnull=False)


def local_today(programme: Programme, now: datetime) -> date:
    return programme.to_local(now).date()


# --- Opening and closing ---------------------------------------------------------------------


def close_round(*, round_: FollowUpRound, now: datetime) -> bool:
    """Close the round: no more answers, no more reminders. Side effects: sets `closed_at`."""
    updated = FollowUpRound.objects.filter(pk=round_.pk, closed_at__isnull=True).update(
        closed_at=now
    )
    round_.refresh_from_db(fields=["closed_at"])
    return bool(updated)


def open_round_now(*, round_: FollowUpRound, now: datetime) -> None:
    """Bring a planned round's first day to today; beat sends the invitations on its next run.

    Side effects: moves `opens_on` (and `closes_on` by as much) and saves them.
    """
    today = local_today(round_.programme, now)
    if round_.opens_on > today:
        length = round_.closes_on - round_.opens_on
        round_.opens_on, round_.closes_on = today, today + length
        round_.save(update_fields=["opens_on", "closes_on"])


def close_due_rounds(*, now: datetime) -> int:
    """Close the rounds whose last day is over in their programme's time zone."""
    closed = 0
    for round_ in FollowUpRound.objects.filter(
        closed_at__isnull=True, closes_on__lt=now.date() + timedelta(days=1)
    ).select_related("programme"):
        if local_today(round_.programme, now) > round_.closes_on:
            closed += close_round(round_=round_, now=now)
    return closed


def due_rounds(*, now: datetime) -> list[FollowUpRound]:
    """Open rounds whose first day has come in their programme's time zone."""
    rounds = FollowUpRound.objects.filter(
        closed_at__isnull=True,
        opens_on__lte=now.date() + timedelta(days=1),
        programme__archived_at__isnull=True,
    ).select_related("programme")
    return [r for r in rounds if r.opens_on <= local_today(r.programme, now) <= r.closes_on]


def create_invitations(round_: FollowUpRound) -> int:
    """Create the invitations the round lacks; existing ones are skipped, not duplicated."""
    invited = round_.invitations.values("participant_id")
    missing = eligible_participants(round_.programme).exclude(pk__in=invited)
    rows = [FollowUpInvitation(round=round_, participant=p) for p in missing.only("pk")]
    # The unique constraint settles a race with another run: its rows win, ours are skipped.
    return len(FollowUpInvitation.objects.bulk_create(rows, ignore_conflicts=True))


# --- The e-mails ------------------------------------------------------------------------------


def survey_link(token: str, base_url: str) -> str:
    return base_url.rstrip("/") + reverse("participants:followup_survey", args=[token])


def _send(invitation: FollowUpInvitation, *, template: str, now: datetime, base_url: str) -> None:
    """Issue a new token and e-mail the link (the link sent before stops working)."""
    token = secrets.token_urlsafe(32)
    invitation.token_hash = hash_token(token)
    invitation.last_sent_at = now
    participant = invitation.participant
    programme = invitation.round.programme
    context = {
        "programme": programme,
        "round": invitation.round,
        "name": participant.display_name,
        "link": survey_link(token, base_url),
        "closes_on": invitation.round.closes_on,
        "milestone_count": Milestone.objects.filter(plan__participant=participant).count(),
    }
    bilingual_message(
        template, context, language=programme.content_language, to=participant.user.email
    ).send()


def _locked(queryset: QuerySet[FollowUpInvitation], pk: int) -> FollowUpInvitation | None:
    return (
        queryset.select_for_update(of=("self",), skip_locked=True)
        .select_related("round__programme", "participant__user")
        .filter(pk=pk)
        .first()
    )


def send_invitation(*, invitation_id: int, now: datetime, base_url: str) -> bool:
    """Send the first e-mail of one invitation unless it went out already; True when sent now.

    Side effects: token, `sent_at` and `last_sent_at`, and one e-mail; rolled back together
    when the mail server fails.
    """
    try:
        with transaction.atomic():
            unsent = FollowUpInvitation.objects.filter(
                eligible_filter("participant__"), sent_at__isnull=True
            )
            invitation = _locked(unsent, invitation_id)
            if invitation is None:
                return False  # sent, being sent by another run, or no longer eligible
            _send(invitation, template=INVITATION_TEMPLATE, now=now, base_url=base_url)
            invitation.sent_at = now
            invitation.save(update_fields=["token_hash", "sent_at", "last_sent_at"])
    except OSError:
        logger.exception("Sending follow-up invitation %s failed", invitation_id)
        return False
    return True


def reminders_due(round_: FollowUpRound, *, now: datetime) -> QuerySet[FollowUpInvitation]:
    cutoff = now - timedelta(days=settings.FOLLOW_UP_REMINDER_DAYS)
    return round_.invitations.filter(
        eligible_filter("participant__"),
        sent_at__isnull=False,
        last_sent_at__lte=cutoff,
        reminders_sent__lt=settings.FOLLOW_UP_MAX_REMINDERS,
        response__isnull=True,
        round__closed_at__isnull=True,
    )


def send_reminder(
    *, round_: FollowUpRound, invitation_id: int, now: datetime, base_url: str
) -> bool:
    """Remind one participant who has not answered, if still due. Side effects: a new token,
    `reminders_sent` + 1, `last_sent_at`, one e-mail (all rolled back on a mail failure)."""
    try:
        with transaction.atomic():
            invitation = _locked(reminders_due(round_, now=now), invitation_id)
            if invitation is None:
                return False
            _send(invitation, template=REMINDER_TEMPLATE, now=now, base_url=base_url)
            invitation.reminders_sent += 1
            invitation.save(update_fields=["token_hash", "last_sent_at", "reminders_sent"])
    except OSError:
        logger.exception("Sending follow-up reminder %s failed", invitation_id)
        return False
    return True


def run_follow_ups(*, now: datetime, base_url: str) -> dict[str, int]:
    """What beat does (idempotent): close rounds that are over, open the rounds due, send their
    missing invitations and the reminders due. Returns how many of each."""
    counts = {"closed": close_due_rounds(now=now), "invited": 0, "reminded": 0}
    for round_ in due_rounds(now=now):
        FollowUpRound.objects.filter(pk=round_.pk, opened_at__isnull=True).update(opened_at=now)
        create_invitations(round_)
        unsent = round_.invitations.filter(sent_at__isnull=True).values_list("pk", flat=True)
        for invitation_id in list(unsent):
            counts["invited"] += send_invitation(
                invitation_id=invitation_id, now=now, base_url=base_url
            )
        for invitation_id in list(reminders_due(round_, now=now).values_list("pk", flat=True)):
            counts["reminded"] += send_reminder(
                round_=round_, invitation_id=invitation_id, now=now, base_url=base_url
            )
    return counts


# --- The survey ---------------------------------------------------------------------------------


def find_invitation(token: str) -> FollowUpInvitation | None:
    if not token:
        return None
    return (
        FollowUpInvitation.objects.select_related("round__programme", "participant__user")
        .filter(token_hash=hash_token(token))
        .first()
    )


def milestones_of(participant: Participant) -> list[Milestone]:
    return list(Milestone.objects.filter(plan__participant=participant).order_by("due_on", "pk"))


def questions_of(programme: Programme) -> QuerySet[FollowUpQuestion]:
    return programme.follow_up_questions.order_by("position", "pk")


def save_response(
    *,
    invitation: FollowUpInvitation,
    progress: dict[int, tuple[str, str]],
    answers: dict[int, int | str | None],
    story: str,
    may_quote: bool,
) -> FollowUpResponse:
    """Record the participant's answers for the round, replacing any they gave before.

    `progress` maps the participant's milestone ids to (status, note); `answers` maps question
    ids of the programme to a rating or a text (empty ones are not stored). Side effects:
    creates or locks the invitation's one response, replaces its milestone rows and answers.
    """
    participant = invitation.participant
    milestones = {m.pk for m in milestones_of(participant)}
    questions = {q.pk: q for q in questions_of(invitation.round.programme)}
    with transaction.atomic():
        response, _created = FollowUpResponse.objects.get_or_create(invitation=invitation)
        response = FollowUpResponse.objects.select_for_update().get(pk=response.pk)
        response.milestones.all().delete()
        response.answers.all().delete()
        MilestoneProgress.objects.bulk_create(
            MilestoneProgress(response=response, milestone_id=pk, status=status, note=note)
            for pk, (status, note) in progress.items()
            if pk in milestones and status
        )
        FollowUpAnswer.objects.bulk_create(
            answer_rows(FollowUpAnswer, response=response, questions=questions, answers=answers)
        )
        response.story = story
        response.may_quote = may_quote
        response.save()
    return response

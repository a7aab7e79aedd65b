"""Reminders sent by beat about a call for nominations.

- Focal points of delegations that have not used all their places (seats plus reserves) are
  reminded of an open call's deadline a few days before it
  (`settings.NOMINATION_DEADLINE_REMINDER_DAYS`). Each reminder is a DeadlineReminder row per
  focal point, deadline and step: a later run, or a second worker, sends nothing again; an
  extended deadline has reminders of its own.
- Candidates who were sent the link to complete their profile and have not done so are
  reminded every `settings.NOMINATION_PROFILE_REMINDER_DAYS` days, three times at most, with a
  new link (only a hash of the old one is kept).

Each e-mail is sent inside the transaction that records it: when the mail server fails,
nothing is recorded and the next run tries again.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Prefetch, Q, QuerySet
from django.urls import reverse

from programs.mail import bilingual_message
from programs.models import Delegation, FocalPoint

from .message_models import DeadlineReminder
from .nomination_models import Nomination, NominationCall
from .profile_links import issue_profile_token, profile_link

logger = logging.getLogger(__name__)

DEADLINE_TEMPLATE = "participants/email/nomination_deadline_reminder"
PROFILE_TEMPLATE = "participants/email/nomination_profile_reminder"
MAX_PROFILE_REMINDERS = 3
# Candidates still in the running: the others need not complete anything.
REMINDED_STATUSES = [
    Nomination.Status.NOMINATED,
    Nomination.Status.SELECTED,
    Nomination.Status.RESERVE,
]


def deadline_step(call: NominationCall, now: datetime) -> int | None:
    """The reminder step (days before the deadline) that is due now, or None.

    The step is the nearest one passed; a step that had passed already when the call was
    opened is not due (the invitation to nominate has just told them the deadline).
    """
    if not call.is_open(now):
        return None
    passed = [
        days
        for days in settings.NOMINATION_DEADLINE_REMINDER_DAYS
        if call.deadline - timedelta(days=days) <= now
        and call.created_at <= call.deadline - timedelta(days=days)
    ]
    return min(passed) if passed else None


def _open_delegations(call: NominationCall) -> QuerySet[Delegation]:
    """The call's delegations with places left, their focal points and nominations counted."""
    return (
        call.programme.delegations.select_related("country", "province")
        .annotate(
            nominated=Count(
                "nominations",
                filter=Q(nominations__call=call)
                & ~Q(nominations__status=Nomination.Status.WITHDRAWN),
            )
        )
        .prefetch_related(
            Prefetch("focal_points", queryset=FocalPoint.objects.select_related("user"))
        )
    )


def send_deadline_reminders(*, now: datetime, base_url: str) -> int:
    """Remind the focal points of every open call whose reminder step is due; how many were sent.

    Side effects: per e-mail, a DeadlineReminder row (see the module's docstring).
    """
    sent = 0
    calls = NominationCall.objects.filter(
        closed_at__isnull=True, deadline__gt=now, programme__archived_at__isnull=True
    ).select_related("programme")
    for call in calls:
        step = deadline_step(call, now)
        if step is None:
            continue
        for delegation in _open_delegations(call):
            places = delegation.seats + delegation.reserves
            if delegation.nominated >= places:
                continue
            for focal_point in delegation.focal_points.all():
                if remind_focal_point(
                    call=call,
                    delegation=delegation,
                    focal_point=focal_point,
                    step=step,
                    base_url=base_url,
                ):
                    sent += 1
    return sent


def remind_focal_point(
    *, call: NominationCall, delegation: Delegation, focal_point: FocalPoint, step: int, base_url
) -> bool:
    """Send one focal point the reminder of `step` unless it was sent; True when sent now."""
    user = focal_point.user
    if not user.is_active or not user.email:
        return False
    programme = call.programme
    context = {
        "programme": programme,
        "call": call,
        "delegation": delegation,
        "name": user.get_full_name() or user.email,
        "nominated": delegation.nominated,
        "places": delegation.seats + delegation.reserves,
        "seats": delegation.seats,
        "link": base_url.rstrip("/") + reverse("participants:nominations", args=[programme.slug]),
    }
    message = bilingual_message(
        DEADLINE_TEMPLATE, context, language=programme.content_language, to=user.email
    )
    try:
        with transaction.atomic():
            DeadlineReminder.objects.create(
                call=call, user=user, deadline=call.deadline, days_before=step
            )
            message.send()
    except IntegrityError:
        return False  # sent already, by an earlier run or another worker
    except OSError:
        logger.exception("Reminding focal point %s of the deadline failed", focal_point.pk)
        return False
    return True


def profile_reminders_due(*, now: datetime) -> QuerySet[Nomination]:
    """Candidates whose profile link (or last reminder) is the configured days old and who have
    not completed their profile, before their programme begins."""
    cutoff = now - timedelta(days=settings.NOMINATION_PROFILE_REMINDER_DAYS)
    return Nomination.objects.filter(
        status__in=REMINDED_STATUSES,
        profile_link_sent_at__lte=cutoff,
        profile_completed_at__isnull=True,
        profile_reminders_sent__lt=MAX_PROFILE_REMINDERS,
        call__programme__archived_at__isnull=True,
        call__programme__start_date__gt=now.date(),
    ).exclude(email="")


def send_profile_reminders(*, now: datetime, base_url: str) -> int:
    """Remind every candidate due (see `profile_reminders_due`); how many were sent."""
    sent = 0
    for nomination_id in profile_reminders_due(now=now).values_list("pk", flat=True):
        if remind_candidate(nomination_id=nomination_id, now=now, base_url=base_url):
            sent += 1
    return sent


def remind_candidate(*, nomination_id: int, now: datetime, base_url: str) -> bool:
    """Send one candidate a new profile link if they are still due a reminder.

    Side effects: a new profile token (`issue_profile_token`, which also restarts the interval
    through `profile_link_sent_at`), `profile_reminders_sent` + 1, one e-mail. A mail server
    failure rolls all of it back, so the link sent before keeps working.
    """
    try:
        with transaction.atomic():
            nomination = (
                profile_reminders_due(now=now)
                .select_for_update(of=("self",))
                .select_related("call__programme", "delegation__country", "delegation__province")
                .filter(pk=nomination_id)
                .first()
            )
            if nomination is None:
                return False
            token = issue_profile_token(nomination, now=now)
            nomination.profile_reminders_sent += 1
            nomination.save(update_fields=["profile_reminders_sent"])
            programme = nomination.call.programme
            context = {
                "programme": programme,
                "nomination": nomination,
                "delegation": nomination.delegation,
                "link": profile_link(token, base_url),
            }
            bilingual_message(
                PROFILE_TEMPLATE, context, language=programme.content_language, to=nomination.email
            ).send()
    except OSError:
        logger.exception("Reminding candidate %s of their profile failed", nomination_id)
        return False
    return True

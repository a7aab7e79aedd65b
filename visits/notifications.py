"""E-mails to delegates about their agenda: the evening reminder and changes to an item.

Both are written in English and in Indonesian, one after the other, because an e-mail cannot
know which language its reader prefers. Both may run twice (two beats at once, a worker that
dies after sending) without sending twice: the reminder is claimed in the database
(`DailyReminder`, one per participant and day) before it is sent, and a change notice is
claimed per participant and revision in the shared cache.
"""

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from participants.models import DailyReminder, Participant
from participants.queries import INACTIVE_STATUSES
from programs.mail import bilingual_message
from programs.models import Programme

from .models import Assignment, Session

logger = logging.getLogger(__name__)

# The evening reminder goes out from this hour (programme time) until midnight.
REMINDER_HOUR = 18
REMINDED_STATUSES = (Participant.Status.CONFIRMED, Participant.Status.ARRIVED)
# Change notices are remembered this long, so a retried task skips who already has one.
CHANGE_NOTICE_MEMORY = 14 * 24 * 3600


def _agenda_link() -> str:
    # Background tasks have no request to build an absolute address from.
    return settings.SITE_URL + reverse("visits:my_agenda")


def send_daily_reminders(*, now: datetime) -> int:
    """E-mail tomorrow's items to the delegates of every programme where it is evening.

    Between 18:00 and midnight (programme time) on the day before a programme day, each
    confirmed or arrived participant with an account and items that day gets one e-mail,
    once. Returns how many were sent. Side effects: creates `DailyReminder` rows and sends
    e-mail; a failed e-mail releases its claim, so the next run tries again.
    """
    sent = 0
    # Programme dates are local; a day of margin either side covers every time zone.
    programmes = Programme.objects.active().filter(
        start_date__lte=(now + timedelta(days=2)).date(),
        end_date__gte=(now - timedelta(days=1)).date(),
    )
    for programme in programmes:
        local = programme.to_local(now)
        day = local.date() + timedelta(days=1)
        if local.hour >= REMINDER_HOUR and programme.start_date <= day <= programme.end_date:
            sent += send_reminders_for_day(programme=programme, day=day)
    return sent


def send_reminders_for_day(*, programme: Programme, day: date) -> int:
    """E-mail each delegate of `programme` their items on `day`, unless they already had it.

    Queries: the participants not yet reminded, and all their items of the day. Side effects:
    one `DailyReminder` and one e-mail per participant with items that day.
    """
    participants = list(
        programme.participants.filter(user__isnull=False, status__in=REMINDED_STATUSES)
        .exclude(daily_reminders__day=day)
        .select_related("user")
    )
    if not participants:
        return 0
    start = programme.local_datetime(day, 0)
    end = programme.local_datetime(day + timedelta(days=1), 0)
    items: dict[int, list[Assignment]] = defaultdict(list)
    for assignment in (
        Assignment.objects.filter(
            participant__in=[participant.pk for participant in participants],
            session__programme=programme,
            session__starts_at__gte=start,
            session__starts_at__lt=end,
            session__cancelled_at__isnull=True,
        )
        .select_related("session__programme", "session__site", "group", "vehicle")
        .order_by("session__starts_at", "session__title_en")
    ):
        items[assignment.participant_id].append(assignment)

    sent = 0
    for participant in participants:
        if not items.get(participant.pk):
            continue
        message = bilingual_message(
            "visits/email/daily_reminder",
            {
                "participant": participant,
                "programme": programme,
                "day": day,
                "assignments": items[participant.pk],
                "agenda_link": _agenda_link(),
            },
            language=programme.content_language,
            to=participant.user.email,
        )
        try:
            # The claim and the e-mail commit together: a second run waits on the claim's
            # unique row and then skips; a failed e-mail leaves no claim behind.
            with transaction.atomic():
                _reminder, created = DailyReminder.objects.get_or_create(
                    participant=participant, day=day
                )
                if not created:
                    continue
                message.send()
        except Exception:
            logger.exception("Daily reminder for participant %s on %s failed", participant.pk, day)
            continue
        sent += 1
    return sent


def notify_item_changed(*, session_id: int, revision: int, now: datetime | None = None) -> int:
    """E-mail everyone booked on the item that its time or place changed (or it was cancelled).

    Does nothing when the item is gone, has been changed again since (`revision` is not its
    current one: the later change sends its own notice) or is over. Returns how many were
    sent. Side effects: sends e-mail, and remembers each recipient per revision so that a
    second run skips them; raises the last sending error after trying everyone, so that the
    task is retried for those who did not get it.
    """
    now = now or timezone.now()
    session = Session.objects.select_related("programme", "site").filter(pk=session_id).first()
    if session is None or session.revision != revision or session.ends_at <= now:
        return 0
    assignments = (
        session.assignments.filter(participant__user__isnull=False)
        .exclude(participant__status__in=INACTIVE_STATUSES)
        .select_related("participant__user", "group", "vehicle")
        .order_by("pk")
    )

    def notice(assignment: Assignment) -> tuple[str, Callable[[], EmailMessage]]:
        participant = assignment.participant
        key = f"visits:item-changed:{session.pk}:{revision}:{participant.pk}"
        return key, lambda: bilingual_message(
            "visits/email/item_changed",
            {
                "participant": participant,
                "programme": session.programme,
                "session": session,
                "assignment": assignment,
                "agenda_link": _agenda_link(),
            },
            language=session.programme.content_language,
            to=participant.user.email,
        )

    return send_each_once(map(notice, assignments), memory=CHANGE_NOTICE_MEMORY)


def send_each_once(
    notices: Iterable[tuple[str, Callable[[], EmailMessage]]], *, memory: int
) -> int:
    """Send each (key, message maker) notice whose key is not yet claimed in the shared cache.

    A key is claimed for `memory` seconds before its message is sent, so that a second run
    (a retried task) skips it, and released when sending fails. Returns how many were sent;
    raises the last sending error after trying every notice, so that the task is retried for
    those who did not get theirs.
    """
    sent = 0
    failure: Exception | None = None
    for key, message in notices:
        if not cache.add(key, True, timeout=memory):
            continue
        try:
            message().send()
        except Exception as error:
            cache.delete(key)
            logger.exception("Notice %s failed", key)
            failure = error
            continue
        sent += 1
    if failure is not None:
        raise failure
    return sent

"""Thin tasks of this app: the work lives in the modules each task imports."""

import logging

from celery import shared_task
from django.conf import settings
from django.utils import timezone

logger = logging.getLogger(__name__)


@shared_task(name="participants.clear_import_rows", acks_late=True)
def clear_import_rows_task() -> int:
    from .retention import clear_import_rows

    cleared = clear_import_rows(now=timezone.now())
    if cleared:
        logger.info("Removed the uploaded rows of %s import batches", cleared)
    return cleared


@shared_task(name="participants.purge_access_log", acks_late=True)
def purge_access_log_task() -> None:
    """Delete passport-access entries older than a year (beat, daily)."""
    from .access_log import purge_expired_access_entries

    deleted = purge_expired_access_entries()
    if deleted:
        logger.info("Deleted %s personal data access entries older than a year", deleted)


@shared_task(name="participants.send_invitation_reminders", acks_late=True)
def send_invitation_reminders_task() -> int:
    """Remind invited people who have not answered (beat, hourly; idempotent)."""
    from .invitations import send_invitation_reminders

    sent = send_invitation_reminders(now=timezone.now(), base_url=settings.SITE_URL)
    if sent:
        logger.info("Sent %s invitation reminders", sent)
    return sent


# Calls for nominations


@shared_task(name="participants.close_due_calls", acks_late=True)
def close_due_calls_task() -> int:
    """Record the closing of calls whose deadline has passed (beat; idempotent)."""
    from .nominations import close_due_calls

    closed = close_due_calls(now=timezone.now())
    if closed:
        logger.info("Closed %s calls for nominations at their deadline", closed)
    return closed


# --- Group messages and reminders (group_messages.py, nomination_reminders.py) ---------------


@shared_task(
    name="participants.send_group_message",
    bind=True,
    acks_late=True,
    # Per worker: a mail server that limits senders is not flooded by a message to hundreds.
    rate_limit=settings.GROUP_MESSAGE_RATE_LIMIT,
    max_retries=settings.GROUP_MESSAGE_MAX_RETRIES,
)
def send_group_message_task(self, *, recipient_id: int):
    """Send one recipient's e-mail of a group message; retried later when the server fails."""
    from .group_messages import deliver_to_recipient, retry_delay

    retries = self.request.retries
    outcome = deliver_to_recipient(
        recipient_id=recipient_id, final_attempt=retries >= self.max_retries
    )
    if outcome == "retry":
        # Returned rather than raised: a worker sends the retry all the same, and in-process
        # tasks (no broker) retry at once instead of raising into the request that sent them.
        return self.retry(countdown=retry_delay(retries), throw=False)
    return outcome


@shared_task(name="participants.sweep_queued_messages", acks_late=True)
def sweep_queued_messages_task() -> int:
    """Hand the workers the message rows they never got (beat, every minute)."""
    from .group_messages import sweep_queued_recipients

    return sweep_queued_recipients()


@shared_task(name="participants.send_nomination_reminders", acks_late=True)
def send_nomination_reminders_task() -> int:
    """Remind focal points of the call's deadline and candidates of their unfinished profile
    (beat, hourly; idempotent)."""
    from .nomination_reminders import send_deadline_reminders, send_profile_reminders

    now = timezone.now()
    sent = send_deadline_reminders(now=now, base_url=settings.SITE_URL)
    sent += send_profile_reminders(now=now, base_url=settings.SITE_URL)
    if sent:
        logger.info("Sent %s nomination reminders", sent)
    return sent


# --- Follow-up surveys (followup.py) ----------------------------------------------------------


@shared_task(name="participants.run_follow_ups", acks_late=True)
def run_follow_ups_task() -> dict[str, int]:
    """Open due follow-up rounds, invite, remind, close (beat, hourly; idempotent)."""
    from .followup import run_follow_ups

    counts = run_follow_ups(now=timezone.now(), base_url=settings.SITE_URL)
    if any(counts.values()):
        logger.info("Follow-up surveys: %s", counts)
    return counts

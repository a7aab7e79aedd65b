"""Thin tasks of this app: the work lives in `participants.retention` and `.access_log`."""

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

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(name="participants.purge_access_log", acks_late=True)
def purge_access_log_task() -> None:
    """Delete passport-access entries older than a year (beat, daily)."""
    from .access_log import purge_expired_access_entries

    deleted = purge_expired_access_entries()
    if deleted:
        logger.info("Deleted %s personal data access entries older than a year", deleted)

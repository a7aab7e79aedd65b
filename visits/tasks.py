import logging
from smtplib import SMTPException

from celery import shared_task
from django.utils import timezone

from .notifications import notify_item_changed, send_daily_reminders
from .transfer_notices import notify_transfer

logger = logging.getLogger(__name__)


@shared_task(name="visits.send_daily_reminders", acks_late=True)
def send_daily_reminders_task() -> None:
    sent = send_daily_reminders(now=timezone.now())
    if sent:
        logger.info("Sent %s daily agenda reminders", sent)


@shared_task(
    name="visits.notify_item_changed",
    acks_late=True,
    autoretry_for=(SMTPException, OSError),
    retry_backoff=60,
    max_retries=5,
)
def notify_item_changed_task(*, session_id: int, revision: int) -> None:
    sent = notify_item_changed(session_id=session_id, revision=revision)
    logger.info("Item %s (revision %s) changed: told %s participants", session_id, revision, sent)


@shared_task(
    name="visits.notify_transfer",
    acks_late=True,
    autoretry_for=(SMTPException, OSError),
    retry_backoff=60,
    max_retries=5,
)
def notify_transfer_task(
    *, run_id: int, participant_ids: list[int], what: str, notice_id: str
) -> None:
    sent = notify_transfer(
        run_id=run_id, participant_ids=participant_ids, what=what, notice_id=notice_id
    )
    logger.info("Transfer run %s %s: told %s participants", run_id, what, sent)

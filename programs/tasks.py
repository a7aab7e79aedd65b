"""Thin tasks of this app: the work lives in the modules each task imports."""

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(name="programs.deliver_webhook", bind=True, acks_late=True, max_retries=None)
def deliver_webhook_task(self, *, delivery_id: int):
    """Make the next attempt of one webhook delivery; retried later while it fails."""
    from .webhooks import attempt_delivery

    retry_in = attempt_delivery(delivery_id=delivery_id)
    if retry_in is None:
        return None
    if self.request.is_eager:
        # In-process (no broker): no waiting in the request; the sweep makes the next attempt.
        return None
    # The delivery row counts the attempts and says when to stop, not Celery's retry count.
    return self.retry(countdown=retry_in, throw=False)


@shared_task(name="programs.sweep_webhook_deliveries", acks_late=True)
def sweep_webhook_deliveries_task() -> int:
    """Send the webhook deliveries that no worker took up, and forget the old finished ones
    (beat; idempotent)."""
    from django.utils import timezone

    from .webhooks import delete_old_deliveries, sweep_webhook_deliveries

    sent = sweep_webhook_deliveries()
    if sent:
        logger.info("Sent %s waiting webhook deliveries again", sent)
    deleted = delete_old_deliveries(now=timezone.now())
    if deleted:
        logger.info("Deleted %s finished webhook deliveries", deleted)
    return sent

"""Thin tasks of this app: the work lives in `participants.retention`."""

import logging

from celery import shared_task
from django.utils import timezone

logger = logging.getLogger(__name__)


@shared_task(name="participants.clear_import_rows", acks_late=True)
def clear_import_rows_task() -> int:
    from .retention import clear_import_rows

    cleared = clear_import_rows(now=timezone.now())
    if cleared:
        logger.info("Removed the uploaded rows of %s import batches", cleared)
    return cleared

"""Thin tasks of the generated-files pipeline (the work and its bookkeeping live in `jobs`)
and of the retention purge (in `retention`)."""

import logging

from celery import shared_task
from django.utils import timezone

from .jobs import RENDER_ITEMS_TASK, RUN_JOB_TASK, render_items, run_job, sweep_queued_jobs

logger = logging.getLogger(__name__)


@shared_task(name=RUN_JOB_TASK, acks_late=True)
def run_job_task(*, job_id: str, resume: bool = False) -> None:
    run_job(job_id=job_id, resume=resume)


@shared_task(name=RENDER_ITEMS_TASK, acks_late=True)
def render_job_items_task(*, job_id: str, item_ids: list[int]) -> None:
    render_items(job_id=job_id, item_ids=item_ids)


@shared_task(name="reports.sweep_queued_jobs", acks_late=True)
def sweep_queued_jobs_task() -> int:
    return sweep_queued_jobs()


@shared_task(name="reports.purge_personal_data", acks_late=True)
def purge_personal_data_task() -> int:
    from .retention import purge_due_programmes

    purged = purge_due_programmes(now=timezone.now())
    if purged:
        logger.info("Purged the personal data of %s programmes", purged)
    return purged

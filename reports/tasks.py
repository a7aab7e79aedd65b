"""Thin tasks of the generated-files pipeline: the work and its bookkeeping live in `jobs`."""

from celery import shared_task

from .jobs import RENDER_ITEMS_TASK, RUN_JOB_TASK, render_items, run_job, sweep_queued_jobs


@shared_task(name=RUN_JOB_TASK, acks_late=True)
def run_job_task(*, job_id: str, resume: bool = False) -> None:
    run_job(job_id=job_id, resume=resume)


@shared_task(name=RENDER_ITEMS_TASK, acks_late=True)
def render_job_items_task(*, job_id: str, item_ids: list[int]) -> None:
    render_items(job_id=job_id, item_ids=item_ids)


@shared_task(name="reports.sweep_queued_jobs", acks_late=True)
def sweep_queued_jobs_task() -> int:
    return sweep_queued_jobs()

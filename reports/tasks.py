import logging

from celery import shared_task

from .jobs import render_items, run_job, sweep_queued_jobs
from .models import Document
from .services import render_document

logger = logging.getLogger(__name__)


@shared_task(name="reports.render_document", acks_late=True)
def render_document_task(*, document_id: str) -> None:
    document = Document.objects.select_related("programme").filter(pk=document_id).first()
    if document is None:
        logger.info("Document %s is gone; nothing to render", document_id)
        return
    render_document(document=document)


# Batches (reports/jobs.py): thin tasks, the work and its bookkeeping live in the service.
@shared_task(name="reports.run_job", acks_late=True)
def run_job_task(*, job_id: str, resume: bool = False) -> None:
    run_job(job_id=job_id, resume=resume)


@shared_task(name="reports.render_job_items", acks_late=True)
def render_job_items_task(*, job_id: str, item_ids: list[int]) -> None:
    render_items(job_id=job_id, item_ids=item_ids)


@shared_task(name="reports.sweep_queued_jobs", acks_late=True)
def sweep_queued_jobs_task() -> int:
    return sweep_queued_jobs()

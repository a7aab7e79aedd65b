import logging

from celery import shared_task

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

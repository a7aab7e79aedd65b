import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from kombu.exceptions import OperationalError

from participants.queries import countries_represented, counts_by_category, participants_of
from programs.models import Programme
from visits.queries import agenda_of, group_by_local_day

from .models import Document
from .pdf import render_pdf

logger = logging.getLogger(__name__)

TEMPLATES = {Document.Kind.PROGRAMME_OVERVIEW: "reports/pdf/programme_overview.html"}


def request_document(
    *, programme: Programme, kind: str, language: str, user, subject: str = ""
) -> Document:
    """Queue (re)generation of one document.

    Side effects: creates or resets the document's row (one per programme, kind and language)
    and, after the transaction commits, sends the rendering task to the workers. If the broker
    cannot be reached the row stays queued, so nothing is lost.
    """
    document, _created = Document.objects.update_or_create(
        programme=programme,
        kind=kind,
        language=language,
        subject=subject,
        defaults={
            "status": Document.Status.QUEUED,
            "error": "",
            "requested_by": user,
            "requested_at": timezone.now(),
            "started_at": None,
            "finished_at": None,
        },
    )
    transaction.on_commit(lambda: enqueue_document(document_id=document.pk))
    return document


def enqueue_document(*, document_id) -> bool:
    """Send the rendering task; False when the broker is unreachable (the row stays queued)."""
    from .tasks import render_document_task

    try:
        render_document_task.apply_async(
            kwargs={"document_id": str(document_id)}, queue=settings.CELERY_TASK_DEFAULT_QUEUE
        )
    except OperationalError:
        logger.exception("Broker unreachable: document %s stays queued", document_id)
        return False
    return True


def programme_overview_context(programme: Programme) -> dict:
    return {
        "programme": programme,
        "category_counts": counts_by_category(programme),
        "country_count": countries_represented(programme),
        "participants": participants_of(programme),
        "days": group_by_local_day(programme, agenda_of(programme)),
        "generated_at": timezone.now(),
    }


def render_document(*, document: Document) -> None:
    """Render a document's PDF and store it under its fixed name.

    Side effects: updates the row's status and timestamps, replaces the stored file. A failure
    is recorded on the row (status failed, with the error) so an admin sees it and can retry.
    """
    Document.objects.filter(pk=document.pk).update(
        status=Document.Status.RUNNING, started_at=timezone.now(), error=""
    )
    try:
        with (
            translation.override(document.language),
            timezone.override(document.programme.time_zone),
        ):
            context = programme_overview_context(document.programme)
            pdf = render_pdf(TEMPLATES[document.kind], context)
        name = document.file.field.generate_filename(document, "document.pdf")
        document.file.storage.delete(name)
        document.file.save(name, ContentFile(pdf), save=False)
    except Exception as error:
        logger.exception("Rendering document %s failed", document.pk)
        Document.objects.filter(pk=document.pk).update(
            status=Document.Status.FAILED,
            error=str(error) or repr(error),
            finished_at=timezone.now(),
        )
        return
    Document.objects.filter(pk=document.pk).update(
        status=Document.Status.DONE, file=document.file.name, finished_at=timezone.now()
    )

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError

from participants.models import Participant
from participants.queries import (
    INACTIVE_STATUSES,
    active_participants,
    countries_represented,
    counts_by_category,
    participants_of,
)
from programs.models import Programme
from visits.models import Assignment, Vehicle
from visits.queries import agenda_of, group_by_local_day

from .models import Document
from .pdf import render_pdf
from .qr import qr_svg

logger = logging.getLogger(__name__)

TEMPLATES = {
    Document.Kind.PROGRAMME_OVERVIEW: "reports/pdf/programme_overview.html",
    Document.Kind.BADGES: "reports/pdf/badges.html",
    Document.Kind.MANIFEST: "reports/pdf/manifest.html",
}

PARTICIPANT_SUBJECT = "participant"
VEHICLE_SUBJECT = "vehicle"
# Four A6 badges fill one A4 sheet exactly: two across, two down.
BADGES_PER_SHEET = 4


class SubjectGone(Exception):
    """The participant or vehicle a document is about no longer exists in its programme."""


def participant_subject(participant_id: int) -> str:
    return f"{PARTICIPANT_SUBJECT}:{participant_id}"


def vehicle_subject(vehicle_id: int) -> str:
    return f"{VEHICLE_SUBJECT}:{vehicle_id}"


def subject_id(subject: str, kind: str) -> int | None:
    """The id in a subject such as "vehicle:12" when it names a `kind`, else None."""
    prefix, _sep, value = subject.partition(":")
    if prefix != kind or not value.isdigit():
        return None
    return int(value)


def request_document(
    *, programme: Programme, kind: str, language: str, user, subject: str = ""
) -> Document:
    """Queue (re)generation of one document.

    Side effects: creates or resets the document's row (one per programme, kind, language and
    subject) and, after the transaction commits, sends the rendering task to the workers. If the
    broker cannot be reached the row stays queued, so nothing is lost.
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


@dataclass(frozen=True)
class Badge:
    """What one printed badge shows."""

    participant: Participant
    # The name as the participant writes it (certificate name, else the passport name).
    name: str
    # The Latin transliteration printed beneath, or "" when it would repeat the name.
    latin: str
    origin: str
    category: str
    qr: SafeString

    @property
    def name_size(self) -> str:
        """A CSS class that steps the name's type down so long names stay on the badge."""
        length = len(self.name)
        if length > 44:
            return "name-longest"
        if length > 30:
            return "name-longer"
        if length > 20:
            return "name-long"
        return ""


def badge_for(participant: Participant) -> Badge:
    name = participant.name_for_certificate
    latin = participant.full_name_latin if participant.full_name_latin != name else ""
    origin = participant.origin or (str(participant.province) if participant.province_id else "")
    return Badge(
        participant=participant,
        name=name,
        latin=latin,
        origin=origin,
        category=participant.get_category_display(),
        qr=qr_svg(participant.badge_code),
    )


def badges_context(programme: Programme, *, participant_id: int | None = None) -> dict:
    """Badges of every active participant, or of one participant, in sheets of four.

    Raises SubjectGone when the one participant asked for is no longer in the programme.
    """
    if participant_id is None:
        participants = active_participants(programme)
    else:
        participants = programme.participants.filter(pk=participant_id)
    participants = list(participants.select_related("country", "province"))
    if participant_id is not None and not participants:
        raise SubjectGone(_("The participant no longer exists."))
    badges = [badge_for(participant) for participant in participants]
    return {
        "programme": programme,
        "badges": badges,
        "sheets": [
            badges[start : start + BADGES_PER_SHEET]
            for start in range(0, len(badges), BADGES_PER_SHEET)
        ],
    }


def _latin_sort_key(participant: Participant) -> tuple[str, str]:
    # The same order as participant lists: Latin name first, whatever the native script.
    return (
        (participant.full_name_latin or participant.full_name).casefold(),
        participant.full_name,
    )


def manifest_passengers(vehicle: Vehicle) -> list[Assignment]:
    """Assignments of the vehicle's passengers: withdrawn and declined people do not ride."""
    assignments = list(
        vehicle.assignments.exclude(participant__status__in=INACTIVE_STATUSES).select_related(
            "participant", "participant__country", "participant__province", "group"
        )
    )
    assignments.sort(key=lambda assignment: _latin_sort_key(assignment.participant))
    return assignments


def manifest_context(programme: Programme, *, vehicle_id: int) -> dict:
    """The vehicle with its agenda item, site and passengers.

    Raises SubjectGone when the vehicle is no longer part of the programme.
    """
    vehicle = (
        Vehicle.objects.select_related("session", "session__site")
        .filter(pk=vehicle_id, session__programme=programme)
        .first()
    )
    if vehicle is None:
        raise SubjectGone(_("The vehicle no longer exists."))
    passengers = manifest_passengers(vehicle)
    people = [assignment.participant for assignment in passengers]
    return {
        "programme": programme,
        "session": vehicle.session,
        "site": vehicle.session.site,
        "vehicle": vehicle,
        "passengers": passengers,
        "passenger_count": len(passengers),
        "free_seats": max(vehicle.seats - len(passengers), 0),
        "over_capacity": max(len(passengers) - vehicle.seats, 0),
        "accessibility_count": sum(1 for person in people if person.accessibility_needs),
        "dietary_count": sum(1 for person in people if person.dietary_needs),
        "generated_at": timezone.now(),
    }


def document_context(document: Document) -> dict:
    """The template context of a document, by its kind and subject."""
    programme = document.programme
    if document.kind == Document.Kind.BADGES:
        participant_id = subject_id(document.subject, PARTICIPANT_SUBJECT)
        if document.subject and participant_id is None:
            raise SubjectGone(_("The document names no participant."))
        return badges_context(programme, participant_id=participant_id)
    if document.kind == Document.Kind.MANIFEST:
        vehicle_id = subject_id(document.subject, VEHICLE_SUBJECT)
        if vehicle_id is None:
            raise SubjectGone(_("The document names no vehicle."))
        return manifest_context(programme, vehicle_id=vehicle_id)
    return programme_overview_context(programme)


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
            context = document_context(document)
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

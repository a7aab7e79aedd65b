"""The passenger manifest of one vehicle of a site visit. The job kind is `MANIFEST_JOB` below."""

from django.utils import timezone
from django.utils.translation import gettext as _

from participants.models import Participant
from participants.queries import INACTIVE_STATUSES
from programs.models import Programme
from visits.models import Assignment, Vehicle

from .jobkind import JobKind, Rendered, SubjectGone
from .models import GenerationJob
from .pdf import render_pdf

MANIFEST_TEMPLATE = "reports/pdf/manifest.html"


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


def manifest_context(programme: Programme, *, vehicle_id: int | None) -> dict:
    """The vehicle with its agenda item, site and passengers.

    Raises SubjectGone when the vehicle is no longer part of the programme.
    """
    vehicle = (
        Vehicle.objects.select_related("session__programme", "session__site")
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


def render_manifest(job: GenerationJob, item_id: int) -> Rendered:
    context = manifest_context(job.programme, vehicle_id=job.vehicle_id)
    return Rendered(job.download_name("pdf"), render_pdf(MANIFEST_TEMPLATE, context))


MANIFEST_JOB = JobKind(render=render_manifest, archive=False)

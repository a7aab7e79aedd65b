"""The driver's manifest of an airport transfer run. The job kind is `TRANSFER_MANIFEST_JOB`
below.

Passengers are listed in the order the driver meets them: by the time their flight lands (or,
on the way out, takes off), flight times in the local time of their airport.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from programs.models import Programme
from visits.legs import at_airport, leg_moment
from visits.models import TransferPassenger, TransferRun

from .jobkind import JobKind, Rendered, SubjectGone
from .models import GenerationJob
from .pdf import render_pdf

TRANSFER_MANIFEST_TEMPLATE = "reports/pdf/transfer_manifest.html"


def transfer_passengers(run: TransferRun) -> list[TransferPassenger]:
    """The run's passengers with participant, country and leg, in the order the driver meets
    them (those without a known flight last), each with `at_airport` set."""
    passengers = list(
        run.passengers.select_related(
            "participant", "participant__country", "participant__province", "leg"
        )
    )
    tz = run.programme.tzinfo
    for passenger in passengers:
        passenger.at_airport = at_airport(passenger.leg, tz) if passenger.leg else None

    def order(passenger: TransferPassenger) -> tuple:
        moment = leg_moment(passenger.leg) if passenger.leg else None
        person = passenger.participant
        name = (person.full_name_latin or person.full_name).casefold()
        return (moment is None, moment or run.pickup_at, name, person.pk)

    passengers.sort(key=order)
    return passengers


def transfer_manifest_context(programme: Programme, *, run_id: int | None) -> dict:
    """The run with its passengers. Raises SubjectGone when the run is no longer part of the
    programme."""
    run = programme.transfer_runs.filter(pk=run_id).first()
    if run is None:
        raise SubjectGone(_("The transfer run no longer exists."))
    run.programme = programme
    passengers = transfer_passengers(run)
    people = [passenger.participant for passenger in passengers]
    return {
        "programme": programme,
        "run": run,
        "passengers": passengers,
        "passenger_count": len(passengers),
        "free_seats": max(run.seats - len(passengers), 0),
        "over_capacity": max(len(passengers) - run.seats, 0),
        "accessibility_count": sum(1 for person in people if person.accessibility_needs),
        "generated_at": timezone.now(),
    }


def render_transfer_manifest(job: GenerationJob, item_id: int) -> Rendered:
    context = transfer_manifest_context(job.programme, run_id=job.transfer_run_id)
    return Rendered(job.download_name("pdf"), render_pdf(TRANSFER_MANIFEST_TEMPLATE, context))


TRANSFER_MANIFEST_JOB = JobKind(render=render_transfer_manifest, archive=False)

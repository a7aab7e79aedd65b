"""The daily arrivals and departures board, and what runs exist, for the transfers pages.

Each list is built in a fixed number of queries, however many participants travel.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Prefetch, QuerySet

from participants.models import Participant, TravelLeg, by_readable_name
from programs.models import Programme

from .legs import at_airport, host_end_legs, leg_airport, leg_moment, one_leg_each
from .transfer_models import TransferPassenger, TransferRun


@dataclass
class BoardRow:
    """One participant landing or leaving: the host end of their journey and their run."""

    leg: TravelLeg
    # The time at the airport, in its own zone.
    local_time: datetime
    run: TransferRun | None

    @property
    def participant(self) -> Participant:
        return self.leg.participant

    @property
    def is_arrival(self) -> bool:
        return self.leg.direction == TravelLeg.Direction.ARRIVAL

    @property
    def airport(self) -> str:
        return leg_airport(self.leg).upper()


def travel_board(programme: Programme) -> list[tuple[date, list[BoardRow]]]:
    """Who lands and who leaves, day by day in the programme's time zone, each with the run
    collecting them (None: no pick-up yet). Queries: two."""
    tz = programme.tzinfo
    runs = {
        (passenger.participant_id, passenger.direction): passenger.run
        for passenger in TransferPassenger.objects.filter(run__programme=programme).select_related(
            "run"
        )
    }
    rows = [
        BoardRow(
            leg=leg,
            local_time=at_airport(leg, tz),
            run=runs.get((leg.participant_id, leg.direction)),
        )
        for leg in one_leg_each(host_end_legs(programme).select_related("participant__province"))
        if leg_moment(leg) is not None
    ]
    rows.sort(key=lambda row: (leg_moment(row.leg), row.participant.display_name.casefold()))
    days: list[tuple[date, list[BoardRow]]] = []
    for row in rows:
        day = leg_moment(row.leg).astimezone(tz).date()
        if not days or days[-1][0] != day:
            days.append((day, []))
        days[-1][1].append(row)
    return days


def runs_with_passengers(programme: Programme) -> QuerySet[TransferRun]:
    """The programme's runs in time order, each with its passengers (name order), their
    country and leg. Queries: two."""
    passengers = TransferPassenger.objects.select_related(
        "participant", "participant__country", "participant__province", "leg"
    ).order_by(*by_readable_name("participant__"), "pk")
    return programme.transfer_runs.prefetch_related(Prefetch("passengers", queryset=passengers))

"""The travel legs airport transfers meet: the host end of each participant's journey.

That leg is the arrival leg whose time `participants.stays.sync_travel_summary` copied into
`Participant.arrival_at` (the departure leg, into `departure_at`), so the rule that picks it
lives in one place. Flight times are shown in the local time of their airport, as tickets and
airport boards print them.
"""

from collections.abc import Iterable
from datetime import datetime, tzinfo

from django.db.models import F, Q, QuerySet

from participants.models import TravelLeg
from participants.queries import INACTIVE_STATUSES
from participants.stays import airport_zone
from programs.models import Programme

Direction = TravelLeg.Direction


def host_end_legs(programme: Programme, direction: str | None = None) -> QuerySet[TravelLeg]:
    """The host-end leg of each active participant's journey (both directions unless one is
    given), with the participant and their country."""
    arrival = Q(direction=Direction.ARRIVAL, arrives_at=F("participant__arrival_at"))
    departure = Q(direction=Direction.DEPARTURE, departs_at=F("participant__departure_at"))
    condition = {Direction.ARRIVAL: arrival, Direction.DEPARTURE: departure}.get(
        direction, arrival | departure
    )
    return (
        TravelLeg.objects.filter(condition, participant__programme=programme)
        .exclude(participant__status__in=INACTIVE_STATUSES)
        .select_related("participant", "participant__country")
        .order_by("participant_id", "pk")
    )


def leg_moment(leg: TravelLeg) -> datetime | None:
    """When the leg reaches the host (an arrival) or leaves it (a departure)."""
    return leg.arrives_at if leg.direction == Direction.ARRIVAL else leg.departs_at


def leg_airport(leg: TravelLeg) -> str:
    """The airport at the host end of the leg: where it lands or where it takes off."""
    return leg.to_code if leg.direction == Direction.ARRIVAL else leg.from_code


def one_leg_each(legs: Iterable[TravelLeg]) -> list[TravelLeg]:
    """One leg per participant and direction (two legs of the same time: the later entered)."""
    chosen: dict[tuple[int, str], TravelLeg] = {}
    for leg in legs:
        chosen[(leg.participant_id, leg.direction)] = leg
    return list(chosen.values())


def at_airport(leg: TravelLeg, fallback: tzinfo) -> datetime | None:
    """The leg's host-end time in its airport's zone (`fallback` for an unknown airport)."""
    moment = leg_moment(leg)
    if moment is None:
        return None
    return moment.astimezone(airport_zone(leg_airport(leg)) or fallback)

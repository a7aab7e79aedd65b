"""Flights for the transfer tests: legs written as the travel desk enters them."""

from datetime import datetime

from participants.models import Participant, TravelLeg
from participants.stays import airport_zone, sync_travel_summary

ARRIVAL, DEPARTURE = TravelLeg.Direction.ARRIVAL, TravelLeg.Direction.DEPARTURE


def fly(
    participant: Participant,
    direction: str,
    airport: str,
    at: str,
    *,
    service: tuple[str, str] = ("GA", "881"),
    other_end: str = "SIN",
) -> TravelLeg:
    """A flight landing at (arrival) or leaving from (departure) `airport` at local time `at`
    ("2023-11-12 14:35"), two hours long, with the participant's summary synced."""
    local = datetime.fromisoformat(at).replace(tzinfo=airport_zone(airport))
    carrier, number = service
    if direction == ARRIVAL:
        ends = {"from_code": other_end, "to_code": airport, "arrives_at": local}
    else:
        ends = {"from_code": airport, "to_code": other_end, "departs_at": local}
    leg = TravelLeg.objects.create(
        participant=participant,
        direction=direction,
        carrier=carrier,
        number=number,
        from_place=ends["from_code"],
        to_place=ends["to_code"],
        **ends,
    )
    sync_travel_summary(participant)
    return leg

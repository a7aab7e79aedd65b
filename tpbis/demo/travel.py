"""The sample delegates' flights: to Jakarta (CGK) for the reference programme, to Colombo (CMB)
for the sample hosted in Sri Lanka. Each flight is "carrier number, from, local departure, to,
local arrival", the times as on a ticket, local to each airport; places are the airports'
cities. The flights are samples, not timetables."""

from datetime import datetime

from participants.models import Participant, TravelLeg
from participants.stays import airport, airport_zone, sync_travel_summary

# email: (arrival legs, departure legs)
JAKARTA_LEGS = {
    "somphone.phommavong@example.org": (
        ["QV 921 VTE 2023-11-12T10:40 CGK 2023-11-12T14:55"],
        ["QV 922 CGK 2023-11-18T16:10 VTE 2023-11-18T20:25"],
    ),
    "vannaphone.sisouvanh@example.org": (
        ["QV 921 VTE 2023-11-12T10:40 CGK 2023-11-12T14:55"],
        ["QV 922 CGK 2023-11-18T16:10 VTE 2023-11-18T20:25"],
    ),
    "nurul.aina@example.org": (
        ["MH 711 KUL 2023-11-12T09:30 CGK 2023-11-12T10:35"],
        ["MH 712 CGK 2023-11-18T11:40 KUL 2023-11-18T14:40"],
    ),
    # A connection in Kuala Lumpur, landing late at night.
    "sita.shrestha@example.org": (
        [
            "MH 115 KTM 2023-11-11T11:50 KUL 2023-11-11T18:10",
            "MH 727 KUL 2023-11-11T22:35 CGK 2023-11-11T23:35",
        ],
        [
            "MH 720 CGK 2023-11-18T08:50 KUL 2023-11-18T11:50",
            "MH 114 KUL 2023-11-18T13:35 KTM 2023-11-18T15:55",
        ],
    ),
    # Overnight from Colombo: landing at 03:20 needs the room of the night before.
    "nimal.perera@example.org": (
        ["UL 364 CMB 2023-11-11T22:45 CGK 2023-11-12T03:20"],
        ["UL 365 CGK 2023-11-18T04:50 CMB 2023-11-18T07:25"],
    ),
    "kavitha.rajendran@example.org": (
        ["UL 364 CMB 2023-11-11T22:45 CGK 2023-11-12T03:20"],
        ["UL 365 CGK 2023-11-18T04:50 CMB 2023-11-18T07:25"],
    ),
    "aung.kyaw.moe@example.org": (
        ["8M 233 RGN 2023-11-12T08:15 CGK 2023-11-12T12:45"],
        ["8M 234 CGK 2023-11-18T14:00 RGN 2023-11-18T16:30"],
    ),
    "delegate@example.org": (
        ["VN 631 HAN 2023-11-12T09:25 CGK 2023-11-12T13:20"],
        ["VN 630 CGK 2023-11-18T13:35 HAN 2023-11-18T17:45"],
    ),
}

COLOMBO_LEGS = {
    "farhana.islam@example.org": (
        ["UL 190 DAC 2024-09-01T12:15 CMB 2024-09-01T14:45"],
        ["UL 189 CMB 2024-09-07T07:45 DAC 2024-09-07T11:35"],
    ),
    "rafiqul.hasan@example.org": (
        ["UL 190 DAC 2024-09-01T12:15 CMB 2024-09-01T14:45"],
        ["UL 189 CMB 2024-09-07T07:45 DAC 2024-09-07T11:35"],
    ),
    # A connection in Bangkok both ways; home at 01:15 after the last day.
    "karma.choden@example.org": (
        [
            "KB 150 PBH 2024-09-01T06:30 BKK 2024-09-01T11:40",
            "UL 403 BKK 2024-09-01T13:20 CMB 2024-09-01T15:05",
        ],
        [
            "UL 402 CMB 2024-09-07T01:15 BKK 2024-09-07T06:15",
            "KB 151 BKK 2024-09-07T08:30 PBH 2024-09-07T10:10",
        ],
    ),
    "aishath.shifa@example.org": (
        ["UL 102 MLE 2024-09-01T11:45 CMB 2024-09-01T14:30"],
        ["UL 101 CMB 2024-09-07T09:30 MLE 2024-09-07T10:20"],
    ),
    "supaporn.srisuk@example.org": (
        ["UL 405 BKK 2024-09-01T21:45 CMB 2024-09-01T23:30"],
        ["UL 402 CMB 2024-09-07T01:15 BKK 2024-09-07T06:15"],
    ),
    "dewi.anggraini@example.org": (
        ["UL 365 CGK 2024-09-01T06:20 CMB 2024-09-01T08:55"],
        ["UL 364 CMB 2024-09-06T22:45 CGK 2024-09-07T03:20"],
    ),
}


def _leg_fields(flight: str) -> dict:
    carrier, number, from_code, departs, to_code, arrives = flight.split()
    return {
        "mode": TravelLeg.Mode.FLIGHT,
        "carrier": carrier,
        "number": f"{carrier} {number}",
        "from_place": airport(from_code)["city"],
        "departs_at": datetime.fromisoformat(departs).replace(tzinfo=airport_zone(from_code)),
        "to_place": airport(to_code)["city"],
        "arrives_at": datetime.fromisoformat(arrives).replace(tzinfo=airport_zone(to_code)),
    }


def load_legs(programme, legs_by_email: dict) -> None:
    """Create or update the listed delegates' legs, and their arrival and departure from them;
    running it again changes nothing."""
    for participant in Participant.objects.filter(programme=programme, email__in=legs_by_email):
        kept = []
        arrivals, departures = legs_by_email[participant.email]
        for direction, flights in (
            (TravelLeg.Direction.ARRIVAL, arrivals),
            (TravelLeg.Direction.DEPARTURE, departures),
        ):
            for flight in flights:
                _carrier, _number, from_code, _departs, to_code, _arrives = flight.split()
                fields = _leg_fields(flight)
                leg, created = TravelLeg.objects.get_or_create(
                    participant=participant,
                    direction=direction,
                    from_code=from_code,
                    to_code=to_code,
                    defaults=fields,
                )
                # Saved only when the data changed: a second load leaves `updated_at` alone.
                if not created and any(getattr(leg, k) != v for k, v in fields.items()):
                    for name, value in fields.items():
                        setattr(leg, name, value)
                    leg.save()
                kept.append(leg.pk)
        participant.legs.exclude(pk__in=kept).delete()
        sync_travel_summary(participant)

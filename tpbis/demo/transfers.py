"""The demo's flights and airport pick-ups in Jakarta.

`load_demo_travel_legs` gives the international delegates their flights (the demo had none);
`load_airport_pickups` then creates the pick-up runs at CGK with the same service the transfers
page uses, from what it proposes. Running both again changes nothing: existing legs are kept
as they are, and delegates already on a run are not proposed again.
"""

from datetime import datetime

from participants.models import Participant, TravelLeg
from participants.stays import airport_zone, sync_travel_summary
from programs.models import Programme
from visits.transfers import create_run, propose_runs

ARRIVAL, DEPARTURE = TravelLeg.Direction.ARRIVAL, TravelLeg.Direction.DEPARTURE

# (e-mail, direction, carrier, number, from, from code, departs, to, to code, arrives), times
# local to each airport. Most land on the afternoon before the first day, close enough to
# share one van; Sita Shrestha changes planes in Singapore.
LEGS = [
    ("somphone.phommavong@example.org", ARRIVAL, "TG", "433", "Bangkok", "BKK",
     "2023-11-12 12:35", "Jakarta", "CGK", "2023-11-12 16:05"),
    ("vannaphone.sisouvanh@example.org", ARRIVAL, "TG", "433", "Bangkok", "BKK",
     "2023-11-12 12:35", "Jakarta", "CGK", "2023-11-12 16:05"),
    ("aung.kyaw.moe@example.org", ARRIVAL, "TG", "433", "Bangkok", "BKK",
     "2023-11-12 12:35", "Jakarta", "CGK", "2023-11-12 16:05"),
    ("nurul.aina@example.org", ARRIVAL, "MH", "711", "Kuala Lumpur", "KUL",
     "2023-11-12 14:50", "Jakarta", "CGK", "2023-11-12 15:50"),
    ("nimal.perera@example.org", ARRIVAL, "UL", "364", "Colombo", "CMB",
     "2023-11-12 10:15", "Jakarta", "CGK", "2023-11-12 16:40"),
    ("kavitha.rajendran@example.org", ARRIVAL, "UL", "364", "Colombo", "CMB",
     "2023-11-12 10:15", "Jakarta", "CGK", "2023-11-12 16:40"),
    ("sita.shrestha@example.org", ARRIVAL, "SQ", "441", "Kathmandu", "KTM",
     "2023-11-12 00:10", "Singapore", "SIN", "2023-11-12 07:05"),
    ("sita.shrestha@example.org", ARRIVAL, "SQ", "950", "Singapore", "SIN",
     "2023-11-12 09:40", "Jakarta", "CGK", "2023-11-12 10:30"),
    ("delegate@example.org", ARRIVAL, "VN", "631", "Ho Chi Minh City", "SGN",
     "2023-11-12 09:10", "Jakarta", "CGK", "2023-11-12 12:25"),
    ("somphone.phommavong@example.org", DEPARTURE, "TG", "434", "Jakarta", "CGK",
     "2023-11-18 17:20", "Bangkok", "BKK", "2023-11-18 20:55"),
    ("vannaphone.sisouvanh@example.org", DEPARTURE, "TG", "434", "Jakarta", "CGK",
     "2023-11-18 17:20", "Bangkok", "BKK", "2023-11-18 20:55"),
    ("aung.kyaw.moe@example.org", DEPARTURE, "TG", "434", "Jakarta", "CGK",
     "2023-11-18 17:20", "Bangkok", "BKK", "2023-11-18 20:55"),
    ("nurul.aina@example.org", DEPARTURE, "MH", "720", "Jakarta", "CGK",
     "2023-11-18 16:45", "Kuala Lumpur", "KUL", "2023-11-18 19:50"),
    ("nimal.perera@example.org", DEPARTURE, "UL", "365", "Jakarta", "CGK",
     "2023-11-18 18:00", "Colombo", "CMB", "2023-11-18 21:05"),
    ("kavitha.rajendran@example.org", DEPARTURE, "UL", "365", "Jakarta", "CGK",
     "2023-11-18 18:00", "Colombo", "CMB", "2023-11-18 21:05"),
    ("sita.shrestha@example.org", DEPARTURE, "SQ", "953", "Jakarta", "CGK",
     "2023-11-18 08:25", "Singapore", "SIN", "2023-11-18 11:15"),
    ("delegate@example.org", DEPARTURE, "VN", "630", "Jakarta", "CGK",
     "2023-11-18 13:20", "Ho Chi Minh City", "SGN", "2023-11-18 16:35"),
]  # fmt: skip

# The drivers of the pick-ups, in order of their runs.
DRIVERS = [
    ("Budi Santoso", "+62 812 1000 2001"),
    ("Agus Wijaya", "+62 812 1000 2002"),
    ("Dedi Kurniawan", "+62 812 1000 2003"),
]
PICKUP_AIRPORT = "CGK"


def _at(text: str, code: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=airport_zone(code))


def load_demo_travel_legs(programme: Programme) -> None:
    """The international delegates' flights, each written once; the participants' arrival and
    departure follow their legs."""
    participants = {p.email: p for p in programme.participants.all()}
    changed: set[Participant] = set()
    for email, direction, carrier, number, *places in LEGS:
        from_place, from_code, departs, to_place, to_code, arrives = places
        participant = participants[email]
        _leg, created = TravelLeg.objects.get_or_create(
            participant=participant,
            direction=direction,
            carrier=carrier,
            number=number,
            defaults={
                "from_place": from_place,
                "from_code": from_code,
                "departs_at": _at(departs, from_code),
                "to_place": to_place,
                "to_code": to_code,
                "arrives_at": _at(arrives, to_code),
            },
        )
        if created:
            changed.add(participant)
    for participant in changed:
        sync_travel_summary(participant)


def load_airport_pickups(programme: Programme) -> None:
    """Pick-up runs at CGK for the arrivals the transfers page proposes (none once everyone
    is on one). No e-mails: the demo's delegates are made up."""
    proposals = [
        proposal
        for proposal in propose_runs(programme)
        if proposal.direction == ARRIVAL and proposal.airport_code == PICKUP_AIRPORT
    ]
    taken = programme.transfer_runs.filter(direction=ARRIVAL).count()
    for index, proposal in enumerate(proposals, start=taken):
        vehicle, seats = proposal.vehicle_and_seats
        driver_name, driver_phone = DRIVERS[index % len(DRIVERS)]
        create_run(
            programme=programme,
            direction=ARRIVAL,
            airport_code=proposal.airport_code,
            pickup_at=proposal.pickup_at,
            vehicle=f"{vehicle} {index + 1}",
            seats=seats,
            driver_name=driver_name,
            driver_phone=driver_phone,
            participants=proposal.participants,
            by=None,
            notify=False,
        )

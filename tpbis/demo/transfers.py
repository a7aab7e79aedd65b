"""The demo's airport pick-ups, made from the delegates' flights (`travel`) with the same
service the transfers page uses, from what it proposes. Running it again changes nothing:
delegates already on a run are not proposed again.
"""

from participants.models import TravelLeg
from programs.models import Programme
from visits.transfers import create_run, propose_runs

ARRIVAL, DEPARTURE = TravelLeg.Direction.ARRIVAL, TravelLeg.Direction.DEPARTURE

# The drivers of the pick-ups, in order of their runs (sample data).
JAKARTA_DRIVERS = [
    ("Budi Santoso", "+62 812 1000 2001"),
    ("Agus Wijaya", "+62 812 1000 2002"),
    ("Dedi Kurniawan", "+62 812 1000 2003"),
]
COLOMBO_DRIVERS = [
    ("Sunil Fernando", "+94 77 100 2001"),
    ("Ruwan Jayasinghe", "+94 77 100 2002"),
]


def load_airport_pickups(programme: Programme, drivers: list[tuple[str, str]]) -> None:
    """Pick-up runs for the arrivals the transfers page proposes (none once everyone is on
    one). No e-mails: the demo's delegates are made up."""
    proposals = [proposal for proposal in propose_runs(programme) if proposal.direction == ARRIVAL]
    taken = programme.transfer_runs.filter(direction=ARRIVAL).count()
    for index, proposal in enumerate(proposals, start=taken):
        vehicle, seats = proposal.vehicle_and_seats
        driver_name, driver_phone = drivers[index % len(drivers)]
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

"""Two members of staff booking the last seat at the same moment: exactly one gets it.

Runs against PostgreSQL, whose row locks `assign_participants` relies on; each thread has a
database connection of its own, as two web requests would.
"""

import pytest
from django.db import connection
from django.db.models import F

from tests.factories import (
    AssignmentFactory,
    ParticipantFactory,
    SessionFactory,
    VehicleFactory,
    VisitGroupFactory,
)
from tests.services import race, skip_or_fail
from visits.assignments import assign_participants
from visits.models import Session, Vehicle, VisitGroup

pytestmark = pytest.mark.django_db(transaction=True)

REASON = "needs PostgreSQL row locks"
REFUSALS = {
    "item": "This item takes at most %(limit)s participants and has 0 seats left; "
    "1 cannot be added.",
    "group": "Group A takes at most %(limit)s people and has 0 places left; 1 cannot be added.",
    "vehicle": "Bus 1 has %(limit)s seats and 0 seats left; 1 cannot be added.",
}


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        skip_or_fail(REASON)


ROUNDS = 5


def _free_one_more_seat(limit: str, item, group, vehicle) -> None:
    if limit == "item":
        Session.objects.filter(pk=item.pk).update(capacity=F("capacity") + 1)
    elif limit == "group":
        VisitGroup.objects.filter(pk=group.pk).update(capacity=F("capacity") + 1)
    else:
        Vehicle.objects.filter(pk=vehicle.pk).update(seats=F("seats") + 1)


@pytest.mark.parametrize("limit", ["item", "group", "vehicle"])
def test_last_seat_goes_to_exactly_one_of_two_simultaneous_bookings(limit):
    item = SessionFactory(capacity=1 if limit == "item" else None)
    group = VisitGroupFactory(session=item, name="Group A", capacity=1)
    vehicle = VehicleFactory(session=item, name="Bus 1", seats=1)
    first = ParticipantFactory(programme=item.programme)
    AssignmentFactory(session=item, participant=first, group=group, vehicle=vehicle)

    def book(participant):
        def attempt() -> None:
            assign_participants(
                # Each thread reads the item afresh, as its own request would.
                session=Session.objects.get(pk=item.pk),
                participants=[participant],
                group=group if limit == "group" else None,
                vehicle=vehicle if limit == "vehicle" else None,
                by=None,
            )

        return attempt

    # A lost race can go unnoticed once by luck; several rounds make it show.
    for booked in range(2, ROUNDS + 2):
        _free_one_more_seat(limit, item, group, vehicle)
        rivals = [ParticipantFactory(programme=item.programme) for _ in range(2)]

        outcomes = race(success="booked", attempts=[book(rival) for rival in rivals])

        assert sorted(outcome == "booked" for outcome in outcomes) == [False, True]
        assert [outcome for outcome in outcomes if outcome != "booked"] == [
            REFUSALS[limit] % {"limit": booked}
        ]
        if limit == "item":
            item.refresh_from_db()
            assert item.assignments.count() == item.capacity == booked
        elif limit == "group":
            group.refresh_from_db()
            assert group.assignments.count() == group.capacity == booked
        else:
            vehicle.refresh_from_db()
            assert vehicle.assignments.count() == vehicle.seats == booked

"""Two organisers putting someone in the last bed of a room at the same moment: exactly one
succeeds. Relies on PostgreSQL's row lock on the room type (`participants.lodging.assign_room`);
each thread has a connection of its own, as two web requests would."""

import pytest
from django.db import connection

from participants.lodging import assign_room
from participants.lodging_models import RoomAssignment
from participants.models import Participant
from tests.factories import ParticipantFactory, RoomTypeFactory
from tests.services import race, skip_or_fail

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 3


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        skip_or_fail("needs PostgreSQL row locks")


def test_the_last_bed_goes_to_exactly_one_of_two_simultaneous_assignments():
    twin = RoomTypeFactory(name="Twin", beds=2)
    programme = twin.hotel.programme

    def put_in(guest, label):
        def attempt() -> None:
            assign_room(
                participant=Participant.objects.select_related("programme").get(pk=guest.pk),
                room_type=twin,
                room_label=label,
            )

        return attempt

    for round_number in range(ROUNDS):
        label = f"R{round_number}"
        assign_room(
            participant=ParticipantFactory(programme=programme), room_type=twin, room_label=label
        )
        rivals = [ParticipantFactory(programme=programme) for _ in range(2)]

        outcomes = race(success="assigned", attempts=[put_in(rival, label) for rival in rivals])

        assert sorted(outcome == "assigned" for outcome in outcomes) == [False, True], outcomes
        refused = next(outcome for outcome in outcomes if outcome != "assigned")
        assert refused.startswith(f"Room {label} (Twin) takes 2 people and already has")
        assert RoomAssignment.objects.filter(room_label=label).count() == 2

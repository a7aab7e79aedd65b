"""Two members of staff putting someone on the last seat of a run at the same moment: exactly
one succeeds.

Runs against PostgreSQL, whose row lock on the run `add_passenger` relies on; each thread has a
database connection of its own, as two web requests would.
"""

import pytest
from django.db.models import F

from tests.factories import ParticipantFactory, TransferRunFactory
from tests.services import race
from visits.models import TransferRun
from visits.transfers import add_passenger

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("postgres_row_locks"),
]
# A lost race can go unnoticed once by luck; several rounds make it show.
ROUNDS = 5


def test_the_last_seat_of_a_run_goes_to_exactly_one_of_two_simultaneous_additions():
    run = TransferRunFactory(seats=1)
    add_passenger(run=run, participant=ParticipantFactory(programme=run.programme), by=None)

    def board(participant):
        def attempt() -> None:
            # Each thread reads the run afresh, as its own request would.
            add_passenger(run=TransferRun.objects.get(pk=run.pk), participant=participant, by=None)

        return attempt

    for seats in range(2, ROUNDS + 2):
        TransferRun.objects.filter(pk=run.pk).update(seats=F("seats") + 1)
        rivals = ParticipantFactory.create_batch(2, programme=run.programme)

        outcomes = race(success="added", attempts=[board(rival) for rival in rivals])

        assert sorted(outcome == "added" for outcome in outcomes) == [False, True]
        assert [outcome for outcome in outcomes if outcome != "added"] == [
            f"The run has {seats} seats and {seats} passengers. Nobody more can be added."
        ]
        assert run.passengers.count() == seats


def test_one_person_put_on_two_runs_at_once_rides_only_one():
    first = TransferRunFactory()
    second = TransferRunFactory(programme=first.programme)
    for _round in range(ROUNDS):
        participant = ParticipantFactory(programme=first.programme)

        outcomes = race(
            success="added",
            attempts=[
                lambda run=run, participant=participant: add_passenger(
                    run=TransferRun.objects.get(pk=run.pk), participant=participant, by=None
                )
                for run in (first, second)
            ],
        )

        assert sorted(outcome == "added" for outcome in outcomes) == [False, True]
        assert participant.transfers.count() == 1

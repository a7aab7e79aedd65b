"""Two organisers selecting for a delegation's last seat at the same moment: exactly one
succeeds.

Runs against PostgreSQL, whose row lock on the Delegation `participants.selection.decide`
relies on; each thread has a database connection of its own, as two web requests would.
"""

import pytest
from django.db import connection
from django.db.models import F

from participants.models import Nomination
from participants.selection import decide
from programs.models import Delegation
from tests.factories import DelegationFactory, NominationCallFactory, NominationFactory
from tests.services import race, skip_or_fail

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 5


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        skip_or_fail("needs PostgreSQL row locks")


def test_last_seat_goes_to_exactly_one_of_two_simultaneous_selections():
    call = NominationCallFactory()
    delegation = DelegationFactory(programme=call.programme, seats=0, reserves=0)

    def select(nomination):
        def attempt() -> None:
            decide(
                # Each thread reads the nomination afresh, as its own request would.
                nomination=Nomination.objects.get(pk=nomination.pk),
                status=Nomination.Status.SELECTED,
                note="",
                by=None,
                request_or_base_url="https://tpbis.example",
            )

        return attempt

    # A lost race can go unnoticed once by luck; several rounds make it show.
    for seats in range(1, ROUNDS + 1):
        Delegation.objects.filter(pk=delegation.pk).update(seats=F("seats") + 1)
        rivals = [NominationFactory(call=call, delegation=delegation) for _ in range(2)]

        outcomes = race(success="selected", attempts=[select(rival) for rival in rivals])

        assert sorted(outcome == "selected" for outcome in outcomes) == [False, True], outcomes
        loser = rivals[outcomes.index(next(o for o in outcomes if o != "selected"))]
        taken = "seat and it is taken" if seats == 1 else "seats and all are taken"
        assert [outcome for outcome in outcomes if outcome != "selected"] == [
            f"The delegation of {delegation.origin} has {seats} {taken}: keep "
            f"{loser.name} in reserve or free a seat first."
        ]
        selected = delegation.nominations.filter(status=Nomination.Status.SELECTED)
        assert selected.count() == seats
        assert call.programme.participants.count() == seats

"""The demo's sample allowances: a rate in each programme's currency, lunch days, some paid;
loading twice changes nothing."""

import pytest

from participants.allowance_models import AllowancePayment, AllowanceRate, MealProvision
from tpbis.demo.services import load_demo

pytestmark = pytest.mark.django_db


def test_demo_allowances_load_once():
    load_demo()
    first = (
        list(AllowanceRate.objects.values_list("programme__slug", "currency", "amount")),
        MealProvision.objects.count(),
        list(AllowancePayment.objects.values_list("participant_id", "amount", "currency")),
    )
    load_demo()

    assert sorted(c for _slug, c, _a in first[0]) == ["IDR", "LKR"]
    assert len(first[2]) == 5 and first[1] == 10
    assert (
        list(AllowanceRate.objects.values_list("programme__slug", "currency", "amount")),
        MealProvision.objects.count(),
        list(AllowancePayment.objects.values_list("participant_id", "amount", "currency")),
    ) == first

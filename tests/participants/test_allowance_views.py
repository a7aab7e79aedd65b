"""The allowance pages: rates and meals with their errors, the board, marking paid and undoing."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from participants.allowance_models import AllowancePayment, AllowanceRate, MealProvision
from participants.allowances import mark_paid, save_meal_provision, save_rate
from tests.conftest import client_for
from tests.factories import MembershipFactory, ParticipantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def organiser(programme):
    return MembershipFactory(programme=programme, role="organiser").user


def _with_stay(participant, days: int = 3):
    programme = participant.programme
    start = programme.local_datetime(programme.start_date, 10)
    participant.arrival_at, participant.departure_at = start, start + timedelta(days=days - 1)
    participant.save()
    return participant


def test_setting_a_rate_saves_it_and_replaces_the_old_one(programme, organiser):
    url = reverse("participants:allowance_rates", args=[programme.slug])
    client = client_for(organiser)
    data = {"category": "international", "currency": "idr", "amount": "450000", "basis": "day"}

    client.post(url, data)
    client.post(url, {**data, "amount": "500000"})

    assert list(AllowanceRate.objects.values_list("category", "currency", "amount", "basis")) == [
        ("international", "IDR", Decimal("500000.00"), "day")
    ]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"currency": "XYZ"}, "currency", "is not an ISO 4217 currency code"),
        ({"amount": "0"}, "amount", "more than zero"),
        ({"amount": "-5"}, "amount", "more than zero"),
    ],
)
def test_a_bad_rate_is_refused_with_a_field_error(programme, organiser, data, field, message):
    url = reverse("participants:allowance_rates", args=[programme.slug])
    valid = {"category": "international", "currency": "IDR", "amount": "450000", "basis": "day"}

    response = client_for(organiser).post(url, {**valid, **data})

    assert message in " ".join(response.context["rate_form"].errors[field])
    assert not AllowanceRate.objects.exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"reduction_percent": "101"}, "reduction_percent", "from 0 to 100"),
        ({"date": "2024-01-01"}, "date", "travel window"),
    ],
)
def test_a_bad_meal_day_is_refused_with_a_field_error(programme, organiser, data, field, message):
    url = reverse("participants:allowance_rates", args=[programme.slug])
    valid = {"meal": "1", "date": programme.start_date.isoformat(), "reduction_percent": "30"}

    response = client_for(organiser).post(url, {**valid, **data})

    assert message in " ".join(response.context["meal_form"].errors[field])
    assert not MealProvision.objects.exists()


def test_a_meal_day_is_saved(programme, organiser):
    url = reverse("participants:allowance_rates", args=[programme.slug])
    day = programme.start_date.isoformat()

    client_for(organiser).post(
        url, {"meal": "1", "date": day, "reduction_percent": "30", "note": "Lunch"}
    )

    assert list(MealProvision.objects.values_list("date", "reduction_percent", "note")) == [
        (programme.start_date, 30, "Lunch")
    ]


def test_removing_a_rate_and_a_meal_day(programme, organiser):
    rate = save_rate(
        programme=programme, category="speaker", currency="USD", amount=Decimal(1), basis="day"
    )
    meal = save_meal_provision(programme=programme, day=programme.start_date, percent=30)
    client = client_for(organiser)

    client.post(reverse("participants:allowance_rate_delete", args=[programme.slug, rate.pk]))
    client.post(reverse("participants:meal_provision_delete", args=[programme.slug, meal.pk]))

    assert not AllowanceRate.objects.exists() and not MealProvision.objects.exists()


def test_marking_paid_from_the_page_records_the_payment(programme, organiser):
    save_rate(
        programme=programme,
        category="international",
        currency="IDR",
        amount=Decimal(1000),
        basis="day",
    )
    delegate = _with_stay(ParticipantFactory(programme=programme))
    url = reverse("participants:allowance_pay", args=[programme.slug, delegate.pk])

    response = client_for(organiser).post(url, {"method": "transfer", "reference": "TRX-9"})

    assert response.status_code == 302
    payment = AllowancePayment.objects.get()
    assert (
        payment.participant,
        payment.amount,
        payment.method,
        payment.reference,
        payment.paid_by,
    ) == (
        delegate,
        Decimal("3000.00"),
        "transfer",
        "TRX-9",
        organiser,
    )


def test_marking_paid_again_says_so_and_changes_nothing(programme, organiser):
    save_rate(
        programme=programme,
        category="international",
        currency="IDR",
        amount=Decimal(1000),
        basis="day",
    )
    delegate = _with_stay(ParticipantFactory(programme=programme))
    first = mark_paid(participant=delegate, method="cash", by=organiser)
    url = reverse("participants:allowance_pay", args=[programme.slug, delegate.pk])

    response = client_for(organiser).post(url, {"method": "transfer"}, follow=True)

    assert "already marked paid" in response.content.decode()
    assert list(AllowancePayment.objects.values_list("pk", "method")) == [(first.pk, "cash")]


def test_undo_asks_then_deletes_the_payment(programme, organiser):
    save_rate(
        programme=programme,
        category="international",
        currency="IDR",
        amount=Decimal(1000),
        basis="day",
    )
    delegate = _with_stay(ParticipantFactory(programme=programme))
    mark_paid(participant=delegate, method="cash", by=organiser)
    url = reverse("participants:allowance_unpay", args=[programme.slug, delegate.pk])
    client = client_for(organiser)

    asked = client.post(url)
    assert asked.status_code == 200 and AllowancePayment.objects.exists()
    client.post(url, {"confirmed": "1"})

    assert not AllowancePayment.objects.exists()


def test_staff_see_the_board_but_cannot_pay(programme):
    staff = MembershipFactory(programme=programme, role="staff").user
    save_rate(
        programme=programme,
        category="international",
        currency="IDR",
        amount=Decimal(1000),
        basis="day",
    )
    delegate = _with_stay(ParticipantFactory(programme=programme, full_name="Nguyen Thi Lan"))
    client = client_for(staff)

    board = client.get(reverse("participants:allowances", args=[programme.slug]))
    paying = client.post(
        reverse("participants:allowance_pay", args=[programme.slug, delegate.pk]),
        {"method": "cash"},
    )

    assert "Nguyen Thi Lan" in board.content.decode()
    assert "Mark paid" not in board.content.decode()
    assert paying.status_code == 403 and not AllowancePayment.objects.exists()


def _board_of(programme, size: int, organiser) -> None:
    save_rate(
        programme=programme,
        category="international",
        currency="IDR",
        amount=Decimal(1000),
        basis="day",
    )
    save_rate(
        programme=programme, category="domestic", currency="IDR", amount=Decimal(500), basis="night"
    )
    save_meal_provision(programme=programme, day=programme.start_date, percent=30)
    start = programme.local_datetime(programme.start_date, 10)
    people = ParticipantFactory.create_batch(
        size, programme=programme, arrival_at=start, departure_at=start + timedelta(days=3)
    )
    for person in people[::2]:
        mark_paid(participant=person, method="cash", by=organiser)


@pytest.mark.parametrize("size", [10, 500])
def test_the_board_runs_the_same_queries_at_10_and_500(
    programme, organiser, size, django_assert_num_queries
):
    _board_of(programme, size, organiser)
    client = client_for(organiser)
    url = reverse("participants:allowances", args=[programme.slug])
    # Session, user, programme, role, and two of the page's frame; participants with their
    # rates and payments; meal days.
    with django_assert_num_queries(8):
        response = client.get(url)
    assert len(response.context["rows"]) == size

"""Daily allowances: days and nights across time zones, meal reductions, rounding, payments."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from participants.allowance_models import AllowancePayment, AllowanceRate
from participants.allowances import (
    allowance_for,
    allowance_rows,
    mark_paid,
    save_meal_provision,
    save_rate,
    totals_by_currency,
    undo_payment,
)
from participants.models import Participant
from programs.money import is_currency_code, round_money
from tests.factories import ParticipantFactory, ProgrammeFactory, UserFactory

pytestmark = pytest.mark.django_db

DAY, NIGHT = AllowanceRate.Basis.PER_DAY, AllowanceRate.Basis.PER_NIGHT
FIRST, LAST = date(2023, 11, 13), date(2023, 11, 17)


def local(zone: str, day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZoneInfo(zone))


def rate(amount: str, basis: str, currency: str = "IDR") -> AllowanceRate:
    return AllowanceRate(
        category="international", currency=currency, amount=Decimal(amount), basis=basis
    )


# (zone, arrival, departure, basis, meals {date: percent}, count, amount) with a rate of 100.00.
CASES = [
    # Landing 23:30 the day before the first day: that day counts, and that night.
    ("Asia/Jakarta", (FIRST - timedelta(days=1), 23, 30), (LAST, 15, 0), DAY, {}, 6, "600.00"),
    ("Asia/Jakarta", (FIRST - timedelta(days=1), 23, 30), (LAST, 15, 0), NIGHT, {}, 5, "500.00"),
    # Leaving at 01:00 after the last day: the day of leaving counts, and the last night.
    ("Asia/Kathmandu", (FIRST, 10, 0), (LAST + timedelta(days=1), 1, 0), DAY, {}, 6, "600.00"),
    ("Asia/Kathmandu", (FIRST, 10, 0), (LAST + timedelta(days=1), 1, 0), NIGHT, {}, 5, "500.00"),
    # Landing at 02:00 on the first day needs the night before.
    ("Pacific/Auckland", (FIRST, 2, 0), (LAST, 18, 0), NIGHT, {}, 5, "500.00"),
    ("Pacific/Auckland", (FIRST, 2, 0), (LAST, 18, 0), DAY, {}, 5, "500.00"),
    # Lunch provided on two days takes 30 % off each.
    ("America/Lima", (FIRST, 9, 0), (LAST, 20, 0), DAY, {FIRST: 30, LAST: 30}, 5, "440.00"),
    # A meal day outside the stay changes nothing; a whole day of meals takes it all.
    (
        "America/Lima",
        (FIRST, 9, 0),
        (FIRST + timedelta(days=1), 20, 0),
        DAY,
        {LAST: 30},
        2,
        "200.00",
    ),
    (
        "Asia/Jakarta",
        (FIRST, 9, 0),
        (FIRST + timedelta(days=1), 20, 0),
        DAY,
        {FIRST: 100},
        2,
        "100.00",
    ),
    # Per night, the meals of the date the night begins.
    (
        "Asia/Jakarta",
        (FIRST, 9, 0),
        (FIRST + timedelta(days=2), 9, 0),
        NIGHT,
        {FIRST: 50},
        2,
        "150.00",
    ),
]


@pytest.mark.parametrize(
    ("zone", "arrival", "departure", "basis", "meals", "count", "amount"), CASES
)
def test_allowance_counts_days_or_nights_in_the_programme_zone(
    zone, arrival, departure, basis, meals, count, amount
):
    programme = ProgrammeFactory.build(time_zone=zone, start_date=FIRST, end_date=LAST)
    participant = Participant(
        programme=programme,
        arrival_at=local(zone, *arrival).astimezone(ZoneInfo("UTC")),
        departure_at=local(zone, *departure).astimezone(ZoneInfo("UTC")),
    )

    allowance = allowance_for(participant, rate("100.00", basis), meals)

    assert (allowance.count, allowance.amount) == (count, Decimal(amount))


def test_an_arrival_in_utc_on_the_previous_date_counts_in_the_programme_zone():
    # 17:00 UTC on the 12th is 00:00 on the 13th in Jakarta (UTC+7): the 13th, not the 12th.
    programme = ProgrammeFactory.build(time_zone="Asia/Jakarta")
    participant = Participant(
        programme=programme,
        arrival_at=datetime(2023, 11, 12, 17, 0, tzinfo=ZoneInfo("UTC")),
        departure_at=datetime(2023, 11, 14, 3, 0, tzinfo=ZoneInfo("UTC")),
    )

    allowance = allowance_for(participant, rate("10", DAY), {})

    assert allowance.dates == [date(2023, 11, 13), date(2023, 11, 14)]


def test_allowance_without_travel_counts_nothing():
    participant = Participant(programme=ProgrammeFactory.build())

    allowance = allowance_for(participant, rate("100", DAY), {FIRST: 30})

    assert (allowance.count, allowance.amount, allowance.reductions) == (0, Decimal(0), [])


def test_reductions_round_half_up_to_the_minor_unit_and_add_up():
    # 33 % of 10.05 is 3.3165 -> 3.32; of 1,001 yen 330.33 -> 330.
    programme = ProgrammeFactory.build(time_zone="Asia/Jakarta")
    participant = Participant(
        programme=programme,
        arrival_at=local("Asia/Jakarta", FIRST, 9),
        departure_at=local("Asia/Jakarta", FIRST + timedelta(days=1), 9),
    )

    dollars = allowance_for(participant, rate("10.05", DAY, "USD"), {FIRST: 33})
    yen = allowance_for(participant, rate("1001", DAY, "JPY"), {FIRST: 33})

    assert [r.amount for r in dollars.reductions] == [Decimal("3.32")]
    assert dollars.amount == Decimal("20.10") - Decimal("3.32")
    assert [r.amount for r in yen.reductions] == [Decimal("330")]
    assert round_money(Decimal("0.005"), "USD") == Decimal("0.01")
    assert round_money(Decimal("2.5"), "JPY") == Decimal("3")


def test_currency_codes_are_iso_4217():
    assert is_currency_code("IDR") and is_currency_code("LKR")
    assert not is_currency_code("ABC") and not is_currency_code("idr")


def _stay(participant: Participant, days: int = 3) -> None:
    programme = participant.programme
    start = programme.local_datetime(programme.start_date, 10)
    participant.arrival_at, participant.departure_at = start, start + timedelta(days=days - 1)
    participant.save()


def test_allowance_rows_and_totals_by_currency():
    programme = ProgrammeFactory()
    save_rate(
        programme=programme,
        category="international",
        currency="USD",
        amount=Decimal("50"),
        basis=DAY,
    )
    save_rate(
        programme=programme,
        category="speaker",
        currency="IDR",
        amount=Decimal("400000"),
        basis=NIGHT,
    )
    save_meal_provision(programme=programme, day=programme.start_date, percent=30)
    delegate = ParticipantFactory(programme=programme)
    speaker = ParticipantFactory(programme=programme, category="speaker")
    # Without a rate, and withdrawn: neither is on the board.
    ParticipantFactory(programme=programme, category="observer")
    ParticipantFactory(programme=programme, status=Participant.Status.WITHDRAWN)
    _stay(delegate)
    _stay(speaker)

    rows = allowance_rows(programme)

    assert [(row.participant, row.allowance.amount) for row in rows] == sorted(
        [(delegate, Decimal("135.00")), (speaker, Decimal("680000.00"))],
        key=lambda pair: (pair[0].full_name, pair[0].pk),
    )
    assert [(t.currency, t.due, t.participants) for t in totals_by_currency(rows)] == [
        ("IDR", Decimal("680000.00"), 1),
        ("USD", Decimal("135.00"), 1),
    ]


def test_mark_paid_records_who_when_how_and_the_amount_then():
    programme = ProgrammeFactory()
    save_rate(
        programme=programme,
        category="international",
        currency="IDR",
        amount=Decimal("500000"),
        basis=DAY,
    )
    delegate = ParticipantFactory(programme=programme)
    _stay(delegate)
    organiser = UserFactory()

    payment = mark_paid(participant=delegate, method="cash", reference="R-1", by=organiser)
    # A later change of rate does not change what was paid.
    save_rate(
        programme=programme,
        category="international",
        currency="IDR",
        amount=Decimal("1"),
        basis=DAY,
    )

    payment.refresh_from_db()
    assert (payment.amount, payment.currency, payment.count, payment.paid_by, payment.method) == (
        Decimal("1500000.00"),
        "IDR",
        3,
        organiser,
        "cash",
    )
    assert payment.paid_at is not None and payment.reference == "R-1"


def test_marking_paid_twice_is_refused_with_a_clear_message():
    programme = ProgrammeFactory()
    save_rate(
        programme=programme,
        category="international",
        currency="IDR",
        amount=Decimal("10"),
        basis=DAY,
    )
    delegate = ParticipantFactory(programme=programme)
    _stay(delegate)
    mark_paid(
        participant=delegate, method="cash", by=UserFactory(first_name="Ayu", last_name="Lestari")
    )

    with pytest.raises(ValidationError) as refused:
        mark_paid(participant=delegate, method="transfer", by=UserFactory())

    assert "already marked paid" in refused.value.messages[0]
    assert "Ayu Lestari" in refused.value.messages[0]
    assert AllowancePayment.objects.filter(participant=delegate).count() == 1


def test_mark_paid_refuses_without_rate_or_days():
    programme = ProgrammeFactory()
    delegate = ParticipantFactory(programme=programme)
    with pytest.raises(ValidationError, match="No allowance rate"):
        mark_paid(participant=delegate, method="cash", by=None)
    save_rate(
        programme=programme,
        category="international",
        currency="IDR",
        amount=Decimal("10"),
        basis=DAY,
    )
    with pytest.raises(ValidationError, match="No day or night"):
        mark_paid(participant=delegate, method="cash", by=None)
    assert not AllowancePayment.objects.exists()


def test_undo_payment_deletes_the_record():
    programme = ProgrammeFactory()
    save_rate(
        programme=programme,
        category="international",
        currency="IDR",
        amount=Decimal("10"),
        basis=DAY,
    )
    delegate = ParticipantFactory(programme=programme)
    _stay(delegate)
    mark_paid(participant=delegate, method="cash", by=None)

    assert undo_payment(participant=delegate) is True
    assert undo_payment(participant=delegate) is False
    assert not AllowancePayment.objects.exists()

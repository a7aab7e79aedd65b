"""Daily allowances: what each participant is due, and the record that it was paid.

A participant's allowance follows the rate of their category (AllowanceRate). It counts the
days (`stays.days`) or the nights (`stays.nights`) of their stay at the host end, in the
programme's time zone, from the arrival and departure their travel legs give
(Participant.arrival_at / departure_at). A date on which the programme provides meals
(MealProvision) takes its percentage off that date's rate; for a rate per night, off the night
that begins on that date.

Arithmetic is Decimal throughout. Each reduction is the rate times the percentage, rounded half
up to the currency's minor unit (`programs.money.round_money`: 0.005 -> 0.01; for a currency
without minor unit, 0.5 -> 1); the amount is the rate times the count less those rounded
reductions. So the lines of a receipt add up to its total exactly, and the total needs no
rounding of its own (a rate has at most two decimals, as the field stores it).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from programs.models import Programme
from programs.money import round_money

from . import stays
from .allowance_models import AllowancePayment, AllowanceRate, MealProvision
from .models import Participant
from .queries import active_participants

Basis = AllowanceRate.Basis


@dataclass(frozen=True)
class Reduction:
    """What a date's meals take off: the date, the percentage and the amount."""

    date: date
    percent: int
    amount: Decimal


@dataclass(frozen=True)
class Allowance:
    """A participant's allowance as computed now: the dates counted, the reductions, the sum."""

    basis: str
    dates: list[date]
    rate: Decimal
    currency: str
    reductions: list[Reduction] = field(default_factory=list)

    @property
    def count(self) -> int:
        """Days or nights, by the rate's basis."""
        return len(self.dates)

    @property
    def gross(self) -> Decimal:
        return self.rate * self.count

    @property
    def reduction_total(self) -> Decimal:
        return sum((reduction.amount for reduction in self.reductions), Decimal(0))

    @property
    def amount(self) -> Decimal:
        return self.gross - self.reduction_total

    @property
    def is_per_night(self) -> bool:
        return self.basis == Basis.PER_NIGHT


def meal_reductions(programme: Programme) -> dict[date, int]:
    """The percentage each date's meals take off, by date: one query."""
    return dict(
        MealProvision.objects.filter(programme=programme).values_list("date", "reduction_percent")
    )


def allowance_for(
    participant: Participant, rate: AllowanceRate, meals: dict[date, int]
) -> Allowance:
    """The participant's allowance at `rate`, less the reductions of `meals` (date -> percent).

    No query: the programme's time zone comes from `participant.programme` (load it first).
    Without both an arrival and a departure nothing is counted.
    """
    tz = participant.programme.tzinfo
    count_dates = stays.nights if rate.basis == Basis.PER_NIGHT else stays.days
    dates = count_dates(participant.arrival_at, participant.departure_at, tz)
    reductions = [
        Reduction(day, meals[day], round_money(rate.amount * meals[day] / 100, rate.currency))
        for day in dates
        if meals.get(day)
    ]
    return Allowance(
        basis=rate.basis,
        dates=dates,
        rate=rate.amount,
        currency=rate.currency,
        reductions=reductions,
    )


@dataclass
class AllowanceRow:
    """A participant on the allowances board: their rate, what is due, and the payment."""

    participant: Participant
    rate: AllowanceRate
    allowance: Allowance
    payment: AllowancePayment | None

    @property
    def is_paid(self) -> bool:
        return self.payment is not None

    @property
    def has_travel(self) -> bool:
        return bool(self.participant.arrival_at and self.participant.departure_at)


def _rate_of_category(field_name: str) -> Subquery:
    rates = AllowanceRate.objects.filter(
        programme=OuterRef("programme"), category=OuterRef("category")
    )
    return Subquery(rates.values(field_name)[:1])


def participants_with_rates(programme: Programme) -> QuerySet[Participant]:
    """Active participants whose category has a rate, in list order, with the rate's fields
    (`rate_id`, `rate_currency`, `rate_amount`, `rate_basis`) and their payment: one query."""
    return (
        active_participants(programme)
        .annotate(
            rate_id=_rate_of_category("pk"),
            rate_currency=_rate_of_category("currency"),
            rate_amount=_rate_of_category("amount"),
            rate_basis=_rate_of_category("basis"),
        )
        .filter(rate_id__isnull=False)
        .select_related("country", "province", "allowance_payment", "allowance_payment__paid_by")
        .order_by(*Participant._meta.ordering, "pk")
    )


def _annotated_rate(participant: Participant, programme: Programme) -> AllowanceRate:
    return AllowanceRate(
        pk=participant.rate_id,
        programme=programme,
        category=participant.category,
        currency=participant.rate_currency,
        amount=participant.rate_amount,
        basis=participant.rate_basis,
    )


def _payment_of(participant: Participant) -> AllowancePayment | None:
    try:
        return participant.allowance_payment
    except AllowancePayment.DoesNotExist:
        return None


def allowance_rows(
    programme: Programme, participants: QuerySet[Participant] | None = None
) -> list[AllowanceRow]:
    """Every active participant with a rate (or those of `participants`, a queryset of
    `participants_with_rates`), with their allowance: two queries, whatever their number."""
    meals = meal_reductions(programme)
    rows = []
    for participant in (
        participants if participants is not None else participants_with_rates(programme)
    ):
        participant.programme = programme
        rate = _annotated_rate(participant, programme)
        rows.append(
            AllowanceRow(
                participant=participant,
                rate=rate,
                allowance=allowance_for(participant, rate, meals),
                payment=_payment_of(participant),
            )
        )
    return rows


@dataclass
class Total:
    """What is due and what was paid, in one currency (of one category, or of all)."""

    currency: str
    label: str = ""
    participants: int = 0
    count: int = 0
    due: Decimal = Decimal(0)
    paid_participants: int = 0
    paid: Decimal = Decimal(0)

    @property
    def outstanding(self) -> Decimal:
        return self.due - self.paid

    def add(self, row: AllowanceRow) -> None:
        self.participants += 1
        self.count += row.allowance.count
        self.due += row.allowance.amount
        if row.payment is not None:
            self.paid_participants += 1
            # What was handed over, in its currency (the rate's when the rate has not changed).
            if row.payment.currency == self.currency:
                self.paid += row.payment.amount


def totals_by_currency(rows: list[AllowanceRow]) -> list[Total]:
    """Due and paid per currency, by currency code."""
    totals: dict[str, Total] = {}
    for row in rows:
        currency = row.allowance.currency
        totals.setdefault(currency, Total(currency=currency)).add(row)
    return [totals[currency] for currency in sorted(totals)]


def totals_by_category(rows: list[AllowanceRow]) -> list[Total]:
    """Due and paid per category and currency, in the order of the categories."""
    totals: dict[tuple[str, str], Total] = {}
    labels = dict(Participant.Category.choices)
    for row in rows:
        key = (row.participant.category, row.allowance.currency)
        if key not in totals:
            totals[key] = Total(currency=key[1], label=str(labels.get(key[0], key[0])))
        totals[key].add(row)
    order = {value: index for index, value in enumerate(Participant.Category.values)}
    return [totals[key] for key in sorted(totals, key=lambda key: (order.get(key[0], 99), key[1]))]


def rows_by_currency(rows: list[AllowanceRow]) -> dict[str, list[AllowanceRow]]:
    grouped: dict[str, list[AllowanceRow]] = defaultdict(list)
    for row in rows:
        grouped[row.allowance.currency].append(row)
    return dict(grouped)


# --- Paying ----------------------------------------------------------------------------------


def allowance_row_of(programme: Programme, participant_id: int) -> AllowanceRow | None:
    """The board's row of one participant, or None when they have no rate or are not active."""
    rows = allowance_rows(programme, participants_with_rates(programme).filter(pk=participant_id))
    return rows[0] if rows else None


def mark_paid(
    *,
    participant: Participant,
    method: str,
    reference: str = "",
    note: str = "",
    by,
) -> AllowancePayment:
    """Record that the participant's allowance was paid now, by `by`, with the amount computed
    at this moment.

    Raises ValidationError (with a message for the organiser) when it was already marked paid,
    when the participant has no rate, or when no day or night is counted.

    Side effects: creates an AllowancePayment row.
    """
    programme = participant.programme
    with transaction.atomic():
        # The participant's row is the lock: two clicks at once record one payment.
        Participant.objects.select_for_update().filter(pk=participant.pk).first()
        existing = AllowancePayment.objects.filter(participant=participant).select_related(
            "paid_by"
        )
        payment = existing.first()
        if payment is not None:
            raise ValidationError(already_paid_message(payment))
        row = allowance_row_of(programme, participant.pk)
        if row is None:
            raise ValidationError(
                _("No allowance rate is set for %(category)s.")
                % {"category": participant.get_category_display()}
            )
        if not row.allowance.count:
            raise ValidationError(
                _(
                    "No day or night is counted for %(name)s: record their arrival and "
                    "departure first."
                )
                % {"name": participant.display_name}
            )
        return AllowancePayment.objects.create(
            participant=participant,
            currency=row.allowance.currency,
            amount=row.allowance.amount,
            count=row.allowance.count,
            paid_at=timezone.now(),
            paid_by=by,
            method=method,
            reference=reference,
            note=note,
        )


def already_paid_message(payment: AllowancePayment) -> str:
    when = timezone.localtime(payment.paid_at).strftime("%Y-%m-%d %H:%M") if payment.paid_at else ""
    who = payment.paid_by.get_full_name() or payment.paid_by.email if payment.paid_by else ""
    return _(
        "This allowance was already marked paid on %(when)s by %(who)s. Undo that first to "
        "record it again."
    ) % {"when": when, "who": who or _("someone no longer registered")}


def undo_payment(*, participant: Participant) -> bool:
    """Remove the record that the participant's allowance was paid; False when there was none.

    Side effects: deletes the AllowancePayment row.
    """
    deleted, _by_model = AllowancePayment.objects.filter(participant=participant).delete()
    return bool(deleted)


# --- Rates and meals -------------------------------------------------------------------------


def save_rate(
    *, programme: Programme, category: str, currency: str, amount: Decimal, basis: str
) -> AllowanceRate:
    """Set the rate of a category, replacing the one it had.

    Side effects: creates or updates an AllowanceRate row. Payments already recorded keep the
    amount they were made for.
    """
    rate, _created = AllowanceRate.objects.update_or_create(
        programme=programme,
        category=category,
        defaults={"currency": currency, "amount": amount, "basis": basis},
    )
    return rate


def save_meal_provision(
    *, programme: Programme, day: date, percent: int, note: str = ""
) -> MealProvision:
    """Set the meal reduction of a date, replacing the one it had.

    Side effects: creates or updates a MealProvision row.
    """
    provision, _created = MealProvision.objects.update_or_create(
        programme=programme, date=day, defaults={"reduction_percent": percent, "note": note}
    )
    return provision

"""Sample daily allowances (sample data, not real rates): a rate for international delegates,
lunch provided on the programme days, a stay for each delegate without one, some paid."""

from datetime import timedelta
from decimal import Decimal

from participants.allowance_models import AllowancePayment
from participants.allowances import mark_paid, save_meal_provision, save_rate
from participants.models import Participant
from programs.models import Programme

# Sample data: (currency, amount per day, delegates marked paid).
JAKARTA = ("IDR", Decimal("450000"), 3)
COLOMBO = ("LKR", Decimal("9000"), 2)
LUNCH_REDUCTION = 30


def load_allowances(programme: Programme, sample: tuple, *, paid_by) -> None:
    """Set the sample rate and meal days; give delegates without travel a stay from the
    evening before the first day to the morning after the last; mark the first few paid.
    Running it again changes nothing."""
    currency, amount, paid = sample
    category = Participant.Category.INTERNATIONAL
    save_rate(programme=programme, category=category, currency=currency, amount=amount, basis="day")
    day = programme.start_date
    while day <= programme.end_date:
        save_meal_provision(programme=programme, day=day, percent=LUNCH_REDUCTION, note="Lunch")
        day += timedelta(days=1)
    delegates = programme.participants.filter(category=category).exclude(
        status__in=[Participant.Status.WITHDRAWN, Participant.Status.DECLINED]
    )
    arrival = programme.local_datetime(programme.start_date - timedelta(days=1), 19)
    departure = programme.local_datetime(programme.end_date + timedelta(days=1), 9)
    delegates.filter(arrival_at__isnull=True).update(arrival_at=arrival)
    delegates.filter(departure_at__isnull=True).update(departure_at=departure)
    for delegate in delegates.order_by("pk")[:paid]:
        if not AllowancePayment.objects.filter(participant=delegate).exists():
            mark_paid(participant=delegate, method="cash", reference="SAMPLE", by=paid_by)
            # Paid at the desk on the first morning, not on the day the demo is loaded.
            AllowancePayment.objects.filter(participant=delegate).update(
                paid_at=programme.local_datetime(programme.start_date, 8)
            )

"""Airport transfers: runs proposed from the delegates' flights, and who rides which run.

The flight a run meets is the host end of a participant's journey: the arrival leg whose time
`participants.stays.sync_travel_summary` copied into `Participant.arrival_at` (the departure
leg, into `departure_at`), so the rule that picks it lives in one place.

Every change of a run's passengers locks the run's row first, so two members of staff adding
someone to the last seat at the same moment cannot both succeed. A change of a run's time,
vehicle, driver or airport, and a passenger added or removed, e-mails the passengers it
concerns once the transaction commits (`visits.transfer_notices`).
"""

import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from participants.models import Participant, TravelLeg
from participants.queries import INACTIVE_STATUSES
from participants.stays import airport_name as name_of_airport
from programs.models import Programme

from .legs import host_end_legs, leg_airport, leg_moment, one_leg_each
from .tasks import notify_transfer_task
from .transfer_models import TransferPassenger, TransferRun

logger = logging.getLogger(__name__)

Direction = TravelLeg.Direction

# Departing delegates are collected at the hotel this long before the group's first flight.
HOTEL_PICKUP_BEFORE_DEPARTURE = timedelta(hours=3)
# What passengers are told about when it changes.
NOTIFIED_FIELDS = ("pickup_at", "vehicle", "driver_name", "driver_phone", "airport_code")
EDITABLE_FIELDS = (*NOTIFIED_FIELDS, "airport_name", "seats", "note")
# Proposed vehicles by the number of passengers: (most passengers, vehicle, seats).
VEHICLE_SIZES = ((3, _lazy("Car"), 4), (7, _lazy("Van"), 7), (15, _lazy("Minibus"), 15))
LARGEST_VEHICLE = (_lazy("Bus"), 40)


# --- Proposals ------------------------------------------------------------------------------


@dataclass
class Proposal:
    """Participants who may share one run: same direction, same airport, close in time."""

    direction: str
    airport_code: str
    pickup_at: datetime
    legs: list[TravelLeg]

    @property
    def airport_name(self) -> str:
        return name_of_airport(self.airport_code)

    @property
    def participants(self) -> list[Participant]:
        return [leg.participant for leg in self.legs]

    @property
    def vehicle_and_seats(self) -> tuple[str, int]:
        """The smallest usual vehicle that takes everyone, and its seats."""
        count = len(self.legs)
        for most, vehicle, seats in VEHICLE_SIZES:
            if count <= most:
                return str(vehicle), seats
        vehicle, seats = LARGEST_VEHICLE
        return str(vehicle), max(seats, count)


def propose_runs(programme: Programme) -> list[Proposal]:
    """Runs for the active international delegates not yet on a run of their direction.

    Arrivals are grouped by airport in order of landing: a group starts at its first arrival
    and takes everyone landing within the programme's pick-up window of it; the pick-up is the
    group's last arrival. Departures likewise by airport and take-off; the pick-up is at the
    hotel HOTEL_PICKUP_BEFORE_DEPARTURE before the group's first flight. Legs without an
    airport code or a time are left out. Queries: one per direction.
    """
    window = timedelta(minutes=programme.pickup_window_minutes)
    proposals: list[Proposal] = []
    for direction in (Direction.ARRIVAL, Direction.DEPARTURE):
        code = "to_code" if direction == Direction.ARRIVAL else "from_code"
        moment = "arrives_at" if direction == Direction.ARRIVAL else "departs_at"
        legs = one_leg_each(
            host_end_legs(programme, direction)
            .filter(participant__category=Participant.Category.INTERNATIONAL)
            .exclude(participant__transfers__direction=direction)
            .exclude(**{code: ""})
            .exclude(**{f"{moment}__isnull": True})
        )
        legs.sort(key=lambda leg: (leg_airport(leg).upper(), leg_moment(leg), leg.participant_id))
        for group in _within_window(legs, window):
            if direction == Direction.ARRIVAL:
                pickup_at = leg_moment(group[-1])
            else:
                pickup_at = leg_moment(group[0]) - HOTEL_PICKUP_BEFORE_DEPARTURE
            proposals.append(
                Proposal(
                    direction=direction,
                    airport_code=leg_airport(group[0]).upper(),
                    pickup_at=pickup_at,
                    legs=group,
                )
            )
    proposals.sort(key=lambda proposal: (proposal.pickup_at, proposal.direction))
    return proposals


def _within_window(legs: list[TravelLeg], window: timedelta) -> list[list[TravelLeg]]:
    """Legs sorted by airport and time, cut into groups: each starts at its first leg and
    takes the legs of the same airport within `window` of it."""
    groups: list[list[TravelLeg]] = []
    for leg in legs:
        if groups:
            first = groups[-1][0]
            same_airport = leg_airport(first).upper() == leg_airport(leg).upper()
            if same_airport and leg_moment(leg) - leg_moment(first) <= window:
                groups[-1].append(leg)
                continue
        groups.append([leg])
    return groups


# --- Runs and passengers --------------------------------------------------------------------


def seats_and_passengers(seats: int, count: int) -> str:
    """ "The run has 7 seats and 7 passengers." """
    values = {"seats": seats, "count": count}
    if seats == 1:
        return (
            ngettext(
                "The run has 1 seat and %(count)s passenger.",
                "The run has 1 seat and %(count)s passengers.",
                count,
            )
            % values
        )
    return (
        ngettext(
            "The run has %(seats)s seats and %(count)s passenger.",
            "The run has %(seats)s seats and %(count)s passengers.",
            count,
        )
        % values
    )


def _full(seats: int, taken: int) -> ValidationError:
    message = _("%(situation)s Nobody more can be added.") % {
        "situation": seats_and_passengers(seats, taken)
    }
    return ValidationError(message, code="seats")


def _lock_run(run: TransferRun) -> TransferRun:
    # The run's row is the lock of every change of its passengers and seats.
    return TransferRun.objects.select_for_update().get(pk=run.pk)


def run_label(run: TransferRun) -> str:
    """ "Monday 13 November, 14:35, CGK", in the programme's time zone."""
    local = run.programme.to_local(run.pickup_at)
    return _("%(day)s, %(time)s, %(airport)s") % {
        "day": date_format(local, "l j F"),
        "time": local.strftime("%H:%M"),
        "airport": run.airport_code,
    }


def _board(run: TransferRun, participant: Participant) -> TransferPassenger:
    """Put `participant` on the locked `run`, or raise ValidationError saying why not."""
    name = participant.display_name
    if participant.programme_id != run.programme_id:
        raise ValidationError(
            _("%(name)s is not a participant of this programme.") % {"name": name},
            code="programme",
        )
    if participant.status in INACTIVE_STATUSES:
        raise ValidationError(
            _("%(name)s is “%(status)s”: they travel with no run.")
            % {"name": name, "status": participant.get_status_display()},
            code="inactive",
        )
    current = (
        TransferPassenger.objects.filter(participant=participant, direction=run.direction)
        .select_related("run__programme")
        .first()
    )
    if current is not None:
        if current.run_id == run.pk:
            message = _("%(name)s is already on this run.") % {"name": name}
        else:
            message = _("%(name)s is already on the run of %(run)s.") % {
                "name": name,
                "run": run_label(current.run),
            }
        raise ValidationError(message, code="taken")
    leg = host_end_legs(run.programme, run.direction).filter(participant=participant).last()
    try:
        # A rival request boarding the same person on another run loses on the unique
        # constraint; the savepoint keeps the caller's transaction usable.
        with transaction.atomic():
            return TransferPassenger.objects.create(
                run=run, participant=participant, leg=leg, direction=run.direction
            )
    except IntegrityError:
        raise ValidationError(
            _("%(name)s was just put on another run.") % {"name": name}, code="taken"
        ) from None


def _notify(run_id: int, participant_ids: list[int], what: str) -> None:
    """E-mail the passengers about the run once the transaction commits."""
    if not participant_ids:
        return
    notice = uuid.uuid4().hex

    def send() -> None:
        # The change is saved either way: an unreachable broker costs only the e-mail.
        try:
            notify_transfer_task.delay(
                run_id=run_id, participant_ids=participant_ids, what=what, notice_id=notice
            )
        except Exception:
            logger.exception("Could not queue the transfer notice for run %s", run_id)

    transaction.on_commit(send)


def create_run(
    *,
    programme: Programme,
    direction: str,
    airport_code: str,
    pickup_at: datetime,
    vehicle: str,
    seats: int,
    airport_name: str = "",
    driver_name: str = "",
    driver_phone: str = "",
    note: str = "",
    participants: Iterable[Participant] = (),
    by,
    notify: bool = True,
) -> TransferRun:
    """A new run with its first passengers.

    Raises ValidationError, saving nothing, when the passengers outnumber the seats or one of
    them cannot ride it (another programme, withdrawn, already on a run of this direction).
    Side effects: creates the run and its passengers; e-mails the passengers after commit.
    """
    participants = list(participants)
    if len(participants) > seats:
        raise ValidationError(
            ngettext(
                "%(count)s passenger does not fit in %(seats)s seats.",
                "%(count)s passengers do not fit in %(seats)s seats.",
                len(participants),
            )
            % {"count": len(participants), "seats": seats},
            code="seats",
        )
    code = airport_code.strip().upper()
    with transaction.atomic():
        run = TransferRun.objects.create(
            programme=programme,
            direction=direction,
            airport_code=code,
            airport_name=airport_name or name_of_airport(code),
            pickup_at=pickup_at,
            vehicle=vehicle,
            seats=seats,
            driver_name=driver_name,
            driver_phone=driver_phone,
            note=note,
        )
        for participant in participants:
            _board(run, participant)
        if notify:
            _notify(run.pk, [participant.pk for participant in participants], "added")
    logger.info("user %s created transfer run %s", _user_id(by), run.pk)
    return run


def update_run(*, run: TransferRun, changes: dict, by, notify: bool = True) -> TransferRun:
    """Change the run's time, airport, vehicle, seats, driver or note (`changes` by field).

    Raises ValidationError on `seats`, changing nothing, when fewer seats than passengers are
    asked for. Side effects: saves the run; when its time, vehicle, driver or airport changed,
    e-mails every passenger after commit.
    """
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    with transaction.atomic():
        locked = _lock_run(run)
        passenger_ids = list(locked.passengers.values_list("participant_id", flat=True))
        seats = changes.get("seats", locked.seats)
        if seats < len(passenger_ids):
            raise ValidationError(
                {
                    "seats": ngettext(
                        "The run has %(count)s passenger: it needs at least %(count)s seat.",
                        "The run has %(count)s passengers: it needs at least %(count)s seats.",
                        len(passenger_ids),
                    )
                    % {"count": len(passenger_ids)}
                }
            )
        if "airport_code" in changes:
            changes = {**changes, **_airport(locked, changes)}
        told = [field for field in NOTIFIED_FIELDS if field in changes]
        changed = [field for field in told if getattr(locked, field) != changes[field]]
        for field, value in changes.items():
            setattr(locked, field, value)
        locked.save()
        if notify and changed:
            _notify(locked.pk, passenger_ids, "changed")
    logger.info("user %s changed transfer run %s", _user_id(by), locked.pk)
    return locked


def _airport(run: TransferRun, changes: dict) -> dict:
    """The airport's code and name as `changes` leave them: a name left empty, or left as it
    was while the code changed, becomes the new code's."""
    code = changes["airport_code"].strip().upper()
    name = changes.get("airport_name", run.airport_name)
    if not name or (code != run.airport_code and name == run.airport_name):
        name = name_of_airport(code)
    return {"airport_code": code, "airport_name": name}


def add_passenger(
    *, run: TransferRun, participant: Participant, by, notify: bool = True
) -> TransferPassenger:
    """Put a participant on the run.

    Raises ValidationError, changing nothing, when the run is full ("The run has 7 seats and 7
    passengers.") or the participant cannot ride it. Side effects: locks the run's row until
    the transaction ends; creates the passenger; e-mails them after commit.
    """
    with transaction.atomic():
        locked = _lock_run(run)
        # Counted after taking the lock: a passenger added meanwhile is included.
        taken = locked.passengers.count()
        if taken >= locked.seats:
            raise _full(locked.seats, taken)
        passenger = _board(locked, participant)
        if notify:
            _notify(locked.pk, [participant.pk], "added")
    logger.info("user %s added participant %s to run %s", _user_id(by), participant.pk, run.pk)
    return passenger


def remove_passenger(*, passenger: TransferPassenger, by, notify: bool = True) -> None:
    """Take a participant off their run. Side effects: deletes the passenger; e-mails them
    after commit."""
    with transaction.atomic():
        locked = _lock_run(passenger.run)
        TransferPassenger.objects.filter(pk=passenger.pk).delete()
        if notify:
            _notify(locked.pk, [passenger.participant_id], "removed")
    logger.info(
        "user %s removed participant %s from run %s",
        _user_id(by),
        passenger.participant_id,
        passenger.run_id,
    )


def _user_id(user) -> int | None:
    # Logs name accounts by id: e-mail addresses are personal data.
    return user.pk if user is not None and user.is_authenticated else None

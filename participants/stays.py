"""A participant's stay at the host end: arrival, departure, nights and days.

The host end of a journey is the arrival of the last arrival leg and the departure of the
first departure leg (participants.travel_models.TravelLeg). Nights and days are counted in the
programme's time zone from those two moments.
"""

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta, tzinfo
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import airportsdata
from django.utils.formats import date_format

from .travel_models import TravelLeg

# An arrival before 06:00 local time needs the room of the night before.
EARLY_ARRIVAL = time(6, 0)

# Sort keys of legs without times.
_NEVER = datetime.min.replace(tzinfo=ZoneInfo("UTC"))
_LAST = datetime.max.replace(tzinfo=ZoneInfo("UTC"))

# Room for the summary in Participant.arrival_details / departure_details.
DETAILS_LENGTH = 120


@cache
def _airports() -> dict[str, dict]:
    return airportsdata.load("IATA")


def airport(code: str) -> dict | None:
    """The airport of IATA code `code` (name, city, country, tz, …), or None when unknown."""
    code = (code or "").strip().upper()
    if len(code) != 3:
        return None
    return _airports().get(code)


def airport_zone(code: str) -> ZoneInfo | None:
    """The time zone of the airport of IATA code `code`; None when the code is unknown."""
    found = airport(code)
    if found is None or not found.get("tz"):
        return None
    try:
        return ZoneInfo(found["tz"])
    except (ZoneInfoNotFoundError, ValueError):
        return None


def airport_name(code: str) -> str:
    """The airport's name ("Soekarno-Hatta International Airport"), "" when unknown."""
    found = airport(code)
    return found["name"] if found else ""


def nights(arrival: datetime | None, departure: datetime | None, tz: tzinfo) -> list[date]:
    """The nights (by the date they begin) a participant sleeps at the host end.

    The first is the local arrival date, or the day before when they land before
    EARLY_ARRIVAL; the last is the day before the local departure date.
    """
    if arrival is None or departure is None:
        return []
    arrived = arrival.astimezone(tz)
    first = arrived.date()
    if arrived.time() < EARLY_ARRIVAL:
        first -= timedelta(days=1)
    last = departure.astimezone(tz).date() - timedelta(days=1)
    return _dates(first, last)


def days(arrival: datetime | None, departure: datetime | None, tz: tzinfo) -> list[date]:
    """The local dates from the arrival date to the departure date, both included."""
    if arrival is None or departure is None:
        return []
    return _dates(arrival.astimezone(tz).date(), departure.astimezone(tz).date())


def _dates(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _details(leg: TravelLeg, code: str, place: str) -> str:
    return " ".join(part for part in (leg.service, code or place) if part)


def sync_travel_summary(participant, emptied: Iterable[str] = ()) -> None:
    """Copy the host end of the participant's legs into arrival_at / departure_at and details.

    A direction without legs keeps what was entered or imported there, unless it is in
    `emptied` (its last legs were just deleted), which clears it.
    """
    legs = list(TravelLeg.objects.filter(participant=participant))
    fields = []
    for direction, prefix, pick in (
        (TravelLeg.Direction.ARRIVAL, "arrival", _host_end_arrival),
        (TravelLeg.Direction.DEPARTURE, "departure", _host_end_departure),
    ):
        of_direction = [leg for leg in legs if leg.direction == direction]
        if not of_direction and direction not in emptied:
            continue
        moment, details = pick(of_direction) if of_direction else (None, "")
        setattr(participant, f"{prefix}_at", moment)
        setattr(participant, f"{prefix}_details", details[:DETAILS_LENGTH])
        fields += [f"{prefix}_at", f"{prefix}_details"]
    if fields:
        participant.save(update_fields=[*fields, "updated_at"])


def _host_end_arrival(legs: list[TravelLeg]) -> tuple[datetime | None, str]:
    # Legs without times sort first: the host end is the last leg known to arrive.
    last = max(legs, key=lambda leg: (leg.arrives_at or leg.departs_at or _NEVER, leg.pk or 0))
    return last.arrives_at, _details(last, last.to_code, last.to_place)


def _host_end_departure(legs: list[TravelLeg]) -> tuple[datetime | None, str]:
    first = min(legs, key=lambda leg: (leg.departs_at or leg.arrives_at or _LAST, leg.pk or 0))
    return first.departs_at, _details(first, first.from_code, first.from_place)


def shown_legs(legs: Iterable[TravelLeg], default_zone: tzinfo) -> list[TravelLeg]:
    """The legs with their times as they are shown: local to each place, with its zone.

    Sets `departs_shown` and `arrives_shown` ("Sat 11 Nov 2023, 23:30 WIB", or "") and the
    airports' names (`from_airport`, `to_airport`) on each leg.
    """
    legs = list(legs)
    for leg in legs:
        for moment, code, name in (
            (leg.departs_at, leg.from_code, "departs_shown"),
            (leg.arrives_at, leg.to_code, "arrives_shown"),
        ):
            setattr(leg, name, local_label(moment, airport_zone(code) or default_zone))
        leg.from_airport, leg.to_airport = airport_name(leg.from_code), airport_name(leg.to_code)
    return legs


def local_label(moment: datetime | None, zone: tzinfo) -> str:
    """ "Sat 11 Nov 2023, 23:30 WIB": the moment in `zone`, with the zone's abbreviation."""
    if moment is None:
        return ""
    local = moment.astimezone(zone)
    return f"{date_format(local, 'D j M Y, H:i')} {local.tzname()}"

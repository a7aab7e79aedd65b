"""Nights and days of a stay, counted in the programme's zone, and the host end of the legs."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from participants.models import TravelLeg
from participants.stays import (
    EARLY_ARRIVAL,
    airport_name,
    airport_zone,
    days,
    local_label,
    nights,
    sync_travel_summary,
)
from tests.factories import ParticipantFactory, TravelLegFactory

JAKARTA = ZoneInfo("Asia/Jakarta")
KATHMANDU = ZoneInfo("Asia/Kathmandu")  # +05:45
COLOMBO = ZoneInfo("Asia/Colombo")  # +05:30
AUCKLAND = ZoneInfo("Pacific/Auckland")  # +13:00 in November (daylight saving)
LIMA = ZoneInfo("America/Lima")  # -05:00


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def nov(first: int, last: int) -> list[date]:
    return [date(2023, 11, day) for day in range(first, last + 1)]


# (zone, arrival, departure, nights, days). The programme runs 13–17 November 2023.
CASES = [
    # Afternoon in, morning out: the nights in between.
    (JAKARTA, utc("2023-11-12 07:30"), utc("2023-11-18 02:15"), nov(12, 17), nov(12, 18)),
    # Landing at 23:30 the day before the first day counts that night.
    (JAKARTA, utc("2023-11-12 16:30"), utc("2023-11-18 02:15"), nov(12, 17), nov(12, 18)),
    # Leaving at 01:00 after the last day counts the last night.
    (JAKARTA, utc("2023-11-13 03:00"), utc("2023-11-17 18:00"), nov(13, 17), nov(13, 18)),
    # Arriving at 02:00 needs the room of the night before.
    (JAKARTA, utc("2023-11-12 19:00"), utc("2023-11-18 02:15"), nov(12, 17), nov(13, 18)),
    # At 06:00 sharp the day has begun: no night before.
    (JAKARTA, utc("2023-11-12 23:00"), utc("2023-11-18 02:15"), nov(13, 17), nov(13, 18)),
    # 00:10 UTC is 05:55 in Kathmandu (early: the night before) but 07:10 in Jakarta.
    (KATHMANDU, utc("2023-11-13 00:10"), utc("2023-11-17 18:20"), nov(12, 17), nov(13, 18)),
    (JAKARTA, utc("2023-11-13 00:10"), utc("2023-11-17 18:20"), nov(13, 17), nov(13, 18)),
    # 00:35 UTC is 06:05 in Colombo: no night before.
    (COLOMBO, utc("2023-11-13 00:35"), utc("2023-11-18 04:00"), nov(13, 17), nov(13, 18)),
    # 10:00 UTC is 23:00 in Auckland; 12:30 UTC on the 17th is 01:30 on the 18th there.
    (AUCKLAND, utc("2023-11-12 10:00"), utc("2023-11-17 12:30"), nov(12, 17), nov(12, 18)),
    # 10:30 UTC is 05:30 in Lima (early); 05:30 UTC on the 18th is 00:30 there.
    (LIMA, utc("2023-11-13 10:30"), utc("2023-11-18 05:30"), nov(12, 17), nov(13, 18)),
    # A day trip: no night, one day.
    (JAKARTA, utc("2023-11-13 02:00"), utc("2023-11-13 11:00"), [], nov(13, 13)),
    # Missing ends, and a departure before the arrival, give nothing.
    (JAKARTA, None, utc("2023-11-18 02:15"), [], []),
    (JAKARTA, utc("2023-11-12 07:30"), None, [], []),
    (JAKARTA, None, None, [], []),
    (JAKARTA, utc("2023-11-18 07:30"), utc("2023-11-12 02:15"), [], []),
]


@pytest.mark.parametrize(("zone", "arrival", "departure", "expected_nights", "_days"), CASES)
def test_nights(zone, arrival, departure, expected_nights, _days):
    assert nights(arrival, departure, zone) == expected_nights


@pytest.mark.parametrize(("zone", "arrival", "departure", "_nights", "expected_days"), CASES)
def test_days(zone, arrival, departure, _nights, expected_days):
    assert days(arrival, departure, zone) == expected_days


def test_early_arrival_is_six_in_the_morning():
    assert EARLY_ARRIVAL.hour == 6 and EARLY_ARRIVAL.minute == 0


def test_airports_by_iata_code():
    assert airport_zone("CGK") == JAKARTA
    assert airport_zone("ktm") == KATHMANDU
    assert airport_zone("AKL") == AUCKLAND
    assert airport_zone("XQZ") is None
    assert airport_zone("") is None
    assert "Soekarno" in airport_name("CGK")


def test_local_label_gives_the_zone_abbreviation():
    assert local_label(utc("2023-11-12 16:30"), JAKARTA) == "Sun 12 Nov 2023, 23:30 WIB"
    assert local_label(utc("2023-11-12 16:30"), KATHMANDU).endswith("22:15 +0545")
    assert local_label(None, JAKARTA) == ""


@pytest.mark.django_db
def test_summary_takes_the_last_arrival_and_the_first_departure():
    participant = ParticipantFactory()
    # A connection: Kathmandu–Kuala Lumpur, then Kuala Lumpur–Jakarta.
    for number, route, departs, arrives in (
        ("MH 115", ("KTM", "KUL"), "2023-11-11 17:00", "2023-11-11 23:50"),
        ("GA 821", ("KUL", "CGK"), "2023-11-12 01:00", "2023-11-12 03:05"),
    ):
        TravelLegFactory(
            participant=participant,
            carrier=number[:2],
            number=number,
            from_code=route[0],
            to_code=route[1],
            departs_at=utc(departs),
            arrives_at=utc(arrives),
        )
    for departs, number in ((utc("2023-11-18 08:00"), "GA 820"), (utc("2023-11-18 16:00"), "9")):
        TravelLegFactory(
            participant=participant,
            direction=TravelLeg.Direction.DEPARTURE,
            carrier="GA" if number == "GA 820" else "MH",
            number=number,
            from_code="CGK" if number == "GA 820" else "KUL",
            to_code="KUL",
            departs_at=departs,
            arrives_at=departs.replace(hour=departs.hour + 2),
        )
    sync_travel_summary(participant)
    participant.refresh_from_db()
    assert participant.arrival_at == utc("2023-11-12 03:05")
    assert participant.arrival_details == "GA 821 CGK"
    assert participant.departure_at == utc("2023-11-18 08:00")
    assert participant.departure_details == "GA 820 CGK"


@pytest.mark.django_db
def test_summary_keeps_a_direction_without_legs_unless_its_legs_were_deleted():
    participant = ParticipantFactory(
        arrival_at=utc("2023-11-12 05:00"),
        arrival_details="Imported",
        departure_at=utc("2023-11-18 05:00"),
        departure_details="Imported too",
    )
    sync_travel_summary(participant)
    participant.refresh_from_db()
    assert (participant.arrival_details, participant.departure_details) == (
        "Imported",
        "Imported too",
    )
    sync_travel_summary(participant, emptied={TravelLeg.Direction.DEPARTURE})
    participant.refresh_from_db()
    assert participant.arrival_details == "Imported"
    assert (participant.departure_at, participant.departure_details) == (None, "")

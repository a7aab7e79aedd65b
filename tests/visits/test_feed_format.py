"""The feed's events are written without icalendar's `Event`: exactly as icalendar writes them."""

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from icalendar.parser import Contentline

from visits.feeds import _folded
from visits.models import Session

from ..factories import (
    AssignmentFactory,
    ParticipantFactory,
    ProgrammeFactory,
    SessionFactory,
    SiteFactory,
    VehicleFactory,
    VisitGroupFactory,
)

pytestmark = pytest.mark.django_db


def feed_of(programme, items) -> bytes:
    participant = ParticipantFactory(programme=programme, feed_token=f"token-{programme.slug}")
    for item in items:
        AssignmentFactory(participant=participant, session=item)
    response = Client().get(reverse("visits:feed", args=[participant.feed_token]))
    assert response.status_code == 200
    return response.content


@pytest.mark.parametrize(
    ("time_zone", "start"),
    [
        ("Asia/Jakarta", date(2026, 3, 2)),
        ("UTC", date(2026, 3, 2)),
        ("Europe/Berlin", date(2026, 1, 12)),
        ("Europe/Berlin", date(2026, 7, 13)),
    ],
)
def test_feed_reads_back_to_the_same_bytes(time_zone, start):
    """Whatever the zone, the item and its text, icalendar reading the feed and writing it
    again gives the same bytes: same escaping, folding, dates and order of properties."""
    programme = ProgrammeFactory(
        time_zone=time_zone, start_date=start, end_date=start + timedelta(days=2)
    )
    site = SiteFactory(
        name='Perpustakaan; "Taman", baca\\',
        address="Jl. Cikini Raya No. 73",
        district="Menteng",
        latitude=Decimal("-6.190001"),
        longitude=Decimal("106.84"),
    )
    plain = SiteFactory(name="Aula tanpa peta", latitude=None, longitude=None)
    visit = SessionFactory(
        programme=programme,
        kind=Session.Kind.SITE_VISIT,
        title_en="A" * 73 + "\\;" + "b^" * 40,
        title_local="Kunjungan ke perpustakaan, “taman bacaan” — " * 3,
        description_en="Line one\r\nLine two\rLine three\n\\N not a newline " + "x" * 200,
        site=site,
        room="Hall, 2nd floor",
        speakers="Head of services; deputy",
        departure_point="Main lobby",
        departs_at=programme.local_datetime(start, 7, 30),
        starts_at=programme.local_datetime(start, 8),
        ends_at=programme.local_datetime(start, 12, 15),
        returns_at=programme.local_datetime(start, 13),
        revision=3,
    )
    cancelled = SessionFactory(
        programme=programme,
        title_en="Ä" * 80,
        site=plain,
        starts_at=programme.local_datetime(start + timedelta(days=1), 9),
        cancelled_at=timezone.now(),
    )
    bare = SessionFactory(programme=programme, kind=Session.Kind.BREAK, title_en="Coffee")
    body = feed_of(programme, [visit, cancelled, bare])
    assert body.endswith(b"END:VCALENDAR\r\n")
    calendar = Calendar.from_ical(body)
    assert calendar.to_ical(sorted=False) == body
    assert len(calendar.walk("VEVENT")) == 3


def test_feed_with_a_group_and_vehicle_reads_back_to_the_same_bytes():
    programme = ProgrammeFactory()
    visit = SessionFactory(programme=programme, kind=Session.Kind.SITE_VISIT, title_en="Visit")
    participant = ParticipantFactory(programme=programme, feed_token="token-with-group")
    AssignmentFactory(
        participant=participant,
        session=visit,
        group=VisitGroupFactory(session=visit, name="Group, A", guide_name="Rina; guide"),
        vehicle=VehicleFactory(session=visit, name="Bus 1", plate="B 7123 TPB"),
    )
    body = Client().get(reverse("visits:feed", args=[participant.feed_token])).content
    assert Calendar.from_ical(body).to_ical(sorted=False) == body
    assert b"Group: Group\\, A (guide: Rina\\; guide)" in body.replace(b"\r\n ", b"")


def test_lines_are_folded_as_icalendar_folds_them():
    """Long lines of every kind, escapes at the fold included, as `Contentline` folds them."""
    pieces = ["a", "b", " ", "\\", "^", "\\;", "\\,", "é", "—", "漢", "😀"]
    chance = random.Random(5545)
    lines = ["x" * n for n in range(70, 80)]
    lines += ["x" * 73 + "\\" + "y" * n for n in range(5)]
    lines += ["x" * 72 + "\\\\" + "y" * 80, "^" * 200, "\\" * 151]
    lines += ["".join(chance.choices(pieces, k=chance.randint(1, 300))) for _ in range(2000)]
    for line in lines:
        assert _folded(line) == Contentline(line).to_ical().decode(), line

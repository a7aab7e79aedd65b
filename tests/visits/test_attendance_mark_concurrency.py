"""One mark sent twice at the same moment (a device retrying while its first request is still
on the way, or two tabs sending the same queue): it is saved once.

Runs against PostgreSQL, whose row lock on the booking and unique key `save_mark` relies on;
each thread has a database connection of its own, as two web requests would.
"""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import AssignmentFactory
from tests.services import race
from visits.assignments import record_attendance
from visits.models import Assignment, AttendanceMark

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("postgres_row_locks"),
]
# A lost race can go unnoticed once by luck; several rounds make it show.
ROUNDS = 5


def _send(booking_id: int, key: uuid.UUID, attended: bool, marked_at):
    def attempt() -> None:
        # Each thread reads the booking afresh, as its own request would.
        record_attendance(
            assignment=Assignment.objects.select_related("participant").get(pk=booking_id),
            attended=attended,
            by=None,
            marked_at=marked_at,
            key=key,
        )

    return attempt


def test_the_same_mark_sent_twice_at_once_is_saved_once():
    for _round in range(ROUNDS):
        booking = AssignmentFactory()
        key = uuid.uuid4()
        made = timezone.now() - timedelta(minutes=3)

        outcomes = race(
            success="sent", attempts=[_send(booking.pk, key, True, made) for _ in range(2)]
        )

        assert outcomes == ["sent", "sent"]
        assert list(
            AttendanceMark.objects.filter(assignment=booking).values_list("key", flat=True)
        ) == [key]
        booking.refresh_from_db()
        assert (booking.attended, booking.attendance_recorded_at) == (True, made)


def test_two_marks_at_once_the_one_made_later_decides():
    for _round in range(ROUNDS):
        booking = AssignmentFactory()
        now = timezone.now()

        outcomes = race(
            success="sent",
            attempts=[
                _send(booking.pk, uuid.uuid4(), False, now - timedelta(minutes=1)),
                _send(booking.pk, uuid.uuid4(), True, now - timedelta(minutes=9)),
            ],
        )

        assert outcomes == ["sent", "sent"]
        booking.refresh_from_db()
        assert (booking.attended, booking.attendance_recorded_at) == (
            False,
            now - timedelta(minutes=1),
        )
        assert booking.marks.count() == 2

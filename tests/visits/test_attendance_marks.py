"""The history of attendance marks: a key counts once, the mark made last decides, and every
mark is kept."""

import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.factories import AssignmentFactory, AttendanceMarkFactory, MembershipFactory
from visits.assignments import check_in_by_badge, record_attendance
from visits.attendance_marks import CLOCK_SKEW, save_mark
from visits.models import AttendanceMark

pytestmark = pytest.mark.django_db


@pytest.fixture
def booking():
    return AssignmentFactory()


@pytest.fixture
def staff(booking):
    return MembershipFactory(programme=booking.session.programme, role="staff").user


def _history(booking) -> list[tuple]:
    return [(mark.attended, mark.marked_at) for mark in booking.marks.order_by("marked_at")]


def test_a_mark_records_the_time_it_was_made_and_who_made_it(booking, staff):
    made = timezone.now() - timedelta(minutes=40)
    changed = record_attendance(
        assignment=booking, attended=True, by=staff, marked_at=made, key=uuid.uuid4()
    )
    booking.refresh_from_db()
    assert changed is True
    assert (booking.attended, booking.attendance_recorded_at) == (True, made)
    assert booking.attendance_recorded_by == staff
    mark = booking.marks.get()
    assert (mark.attended, mark.marked_at, mark.by, mark.source) == (True, made, staff, "page")
    assert mark.received_at > made


def test_the_same_key_twice_is_saved_once(booking, staff):
    key = uuid.uuid4()
    made = timezone.now() - timedelta(minutes=5)
    first = save_mark(assignment=booking, attended=True, by=staff, marked_at=made, key=key)
    again = save_mark(assignment=booking, attended=True, by=staff, marked_at=made, key=key)
    assert (first.duplicate, first.changed, first.current) == (False, True, True)
    assert (again.duplicate, again.changed, again.current) == (True, False, True)
    assert again.mark == first.mark
    assert AttendanceMark.objects.count() == 1


def test_a_repeated_key_with_another_answer_changes_nothing(booking, staff):
    key = uuid.uuid4()
    record_attendance(assignment=booking, attended=True, by=staff, key=key)
    assert record_attendance(assignment=booking, attended=False, by=staff, key=key) is False
    booking.refresh_from_db()
    assert booking.attended is True
    assert _history(booking) == [(True, booking.attendance_recorded_at)]


def test_a_key_used_for_another_booking_is_refused(booking, staff):
    key = uuid.uuid4()
    record_attendance(assignment=booking, attended=True, by=staff, key=key)
    other = AssignmentFactory(session=booking.session)
    with pytest.raises(ValidationError) as refused:
        record_attendance(assignment=other, attended=True, by=staff, key=key)
    assert refused.value.messages == ["This mark's key was already used for another booking."]
    assert other.marks.count() == 0


def test_the_mark_made_later_wins_and_both_are_kept(booking, staff):
    now = timezone.now()
    record_attendance(
        assignment=booking, attended=False, by=staff, marked_at=now - timedelta(minutes=10)
    )
    record_attendance(
        assignment=booking, attended=True, by=staff, marked_at=now - timedelta(minutes=2)
    )
    booking.refresh_from_db()
    assert (booking.attended, booking.attendance_recorded_at) == (True, now - timedelta(minutes=2))
    assert _history(booking) == [
        (False, now - timedelta(minutes=10)),
        (True, now - timedelta(minutes=2)),
    ]


def test_an_older_mark_arriving_late_is_kept_but_does_not_decide(booking, staff):
    now = timezone.now()
    newer = save_mark(assignment=booking, attended=True, by=staff, marked_at=now)
    older = save_mark(
        assignment=booking, attended=False, by=None, marked_at=now - timedelta(minutes=30)
    )
    booking.refresh_from_db()
    assert (newer.current, older.current, older.changed) == (True, False, False)
    assert (booking.attended, booking.attendance_recorded_at) == (True, now)
    assert booking.attendance_recorded_by == staff
    assert _history(booking) == [(False, now - timedelta(minutes=30)), (True, now)]


def test_a_mark_older_than_the_attendance_of_a_booking_without_history_does_not_decide(staff):
    # Attendance taken before marks were kept: only the booking's own time is known.
    now = timezone.now()
    booking = AssignmentFactory(attended=True, attendance_recorded_at=now)
    outcome = save_mark(
        assignment=booking, attended=False, by=staff, marked_at=now - timedelta(hours=1)
    )
    booking.refresh_from_db()
    assert (outcome.current, booking.attended) == (False, True)
    assert booking.marks.count() == 1


def test_clearing_is_a_mark_too(booking, staff):
    now = timezone.now()
    record_attendance(
        assignment=booking, attended=True, by=staff, marked_at=now - timedelta(minutes=1)
    )
    assert record_attendance(assignment=booking, attended=None, by=staff, marked_at=now) is True
    booking.refresh_from_db()
    assert (booking.attended, booking.attendance_recorded_at, booking.attendance_recorded_by) == (
        None,
        None,
        None,
    )
    assert [mark.attended for mark in booking.marks.all()] == [True, None]


def test_the_same_answer_again_is_kept_in_the_history_and_changes_nothing(booking, staff):
    now = timezone.now()
    record_attendance(
        assignment=booking, attended=True, by=staff, marked_at=now - timedelta(minutes=3)
    )
    assert record_attendance(assignment=booking, attended=True, by=None, marked_at=now) is False
    booking.refresh_from_db()
    assert (booking.attendance_recorded_at, booking.attendance_recorded_by) == (
        now - timedelta(minutes=3),
        staff,
    )
    assert booking.marks.count() == 2


def test_a_mark_from_the_future_is_refused(booking, staff):
    with pytest.raises(ValidationError) as refused:
        record_attendance(
            assignment=booking,
            attended=True,
            by=staff,
            marked_at=timezone.now() + CLOCK_SKEW + timedelta(minutes=1),
        )
    assert refused.value.messages == [
        "The mark's time is in the future. Check the clock of the device."
    ]
    assert booking.marks.count() == 0


def test_a_device_clock_a_little_ahead_is_accepted(booking, staff):
    ahead = timezone.now() + timedelta(minutes=2)
    record_attendance(assignment=booking, attended=True, by=staff, marked_at=ahead)
    assert booking.marks.get().marked_at == ahead


def test_a_mark_made_long_ago_is_refused(booking, staff):
    with pytest.raises(ValidationError) as refused:
        record_attendance(
            assignment=booking,
            attended=True,
            by=staff,
            marked_at=timezone.now() - timedelta(days=8),
        )
    assert refused.value.messages == ["The mark was made more than 7 days ago and is not recorded."]
    booking.refresh_from_db()
    assert booking.attended is None


def test_a_badge_scan_is_a_mark_of_its_own_source(booking, staff):
    check_in_by_badge(session=booking.session, code=booking.participant.badge_code, by=staff)
    assert [(m.attended, m.source, m.by) for m in booking.marks.all()] == [(True, "scan", staff)]


def test_marks_go_with_the_booking(booking, staff):
    AttendanceMarkFactory(assignment=booking)
    booking.delete()
    assert AttendanceMark.objects.count() == 0

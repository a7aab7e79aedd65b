"""The marks a device queued without a connection, sent to the server when it returns.

Who may send them: tests/permission_table.py ("visits:attendance_sync").
"""

import json
import uuid
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import client_for
from tests.factories import (
    AssignmentFactory,
    MembershipFactory,
    ParticipantFactory,
    SessionFactory,
    VehicleFactory,
)
from visits.models import AttendanceMark


@pytest.fixture
def item(programme):
    return SessionFactory(programme=programme)


@pytest.fixture
def staff(programme):
    return MembershipFactory(
        programme=programme, role="staff", user__first_name="Budi", user__last_name="Santoso"
    ).user


@pytest.fixture
def booking(programme, item):
    participant = ParticipantFactory(
        programme=programme, full_name="Somphone Phommavong", full_name_latin=""
    )
    return AssignmentFactory(session=item, participant=participant)


def _url(item) -> str:
    return reverse("visits:attendance_sync", args=[item.programme.slug, item.pk])


def _send(client, item, marks) -> dict:
    response = client.post(_url(item), {"marks": marks}, content_type="application/json")
    assert response.status_code == 200
    return response.json()


def _mark(**fields) -> dict:
    return {
        "key": str(uuid.uuid4()),
        "attended": True,
        "marked_at": (timezone.now() - timedelta(minutes=5)).isoformat(),
        **fields,
    }


def test_marks_are_recorded_with_their_time_and_answered_one_by_one(
    programme, item, booking, staff
):
    made = timezone.now() - timedelta(minutes=12)
    mark = _mark(assignment=booking.pk, marked_at=made.isoformat())
    [result] = _send(client_for(staff), item, [mark])["results"]
    assert {k: result[k] for k in ("key", "status", "message", "assignment", "attended")} == {
        "key": mark["key"],
        "status": "recorded",
        "message": "Recorded.",
        "assignment": booking.pk,
        "attended": True,
    }
    assert "by Budi Santoso" in result["record"]
    booking.refresh_from_db()
    assert (booking.attended, booking.attendance_recorded_at) == (True, made)
    saved = booking.marks.get()
    assert (str(saved.key), saved.source, saved.by) == (mark["key"], "offline-sync", staff)


def test_sending_the_same_marks_again_counts_them_once(programme, item, booking, staff):
    other = AssignmentFactory(session=item)
    marks = [_mark(assignment=booking.pk), _mark(assignment=other.pk, attended=False)]
    client = client_for(staff)
    _send(client, item, marks)
    again = _send(client, item, marks)["results"]
    assert [r["status"] for r in again] == ["duplicate", "duplicate"]
    assert [r["message"] for r in again] == ["Received before; not counted again."] * 2
    assert AttendanceMark.objects.count() == 2
    page = client.get(reverse("visits:attendance", args=[programme.slug, item.pk]))
    counts = page.content.decode().split('id="attendance-counts"')[1].split("</ul>")[0]
    assert '<span class="stat-number">1</span> present' in counts
    assert '<span class="stat-number">1</span> absent' in counts


def test_two_devices_marking_one_person_the_later_mark_decides_and_the_page_shows_both(
    programme, item, booking, staff
):
    # Not the server's zone, so that the page shows which it uses.
    programme.time_zone = "Asia/Makassar"
    programme.save()
    now = timezone.now()
    # The later mark arrives first, the earlier one after it.
    later = _mark(
        assignment=booking.pk, attended=True, marked_at=(now - timedelta(minutes=1)).isoformat()
    )
    earlier = _mark(
        assignment=booking.pk, attended=False, marked_at=(now - timedelta(minutes=20)).isoformat()
    )
    client = client_for(staff)
    assert _send(client, item, [later])["results"][0]["status"] == "recorded"
    [result] = _send(client, item, [earlier])["results"]
    assert (result["status"], result["attended"]) == ("superseded", True)
    assert result["message"] == "Kept in the history; a mark made later decides."
    booking.refresh_from_db()
    assert booking.attended is True
    page = client.get(reverse("visits:attendance", args=[programme.slug, item.pk])).content
    history = page.decode().split('<details class="mark-history">')[1].split("</details>")[0]
    assert "History: 2 marks" in history
    # In the programme's time zone.
    local = [
        timezone.localtime(now - timedelta(minutes=m), ZoneInfo("Asia/Makassar")).strftime(
            "%H:%M:%S"
        )
        for m in (20, 1)
    ]
    assert history.index(local[0]) < history.index(local[1])
    assert history.count("Queued on the device") == 2


def test_a_scanned_badge_is_resolved_on_the_server(programme, item, booking, staff):
    mark = _mark(badge=f"https://example.org/b/{booking.participant.badge_code}")
    [result] = _send(client_for(staff), item, [mark])["results"]
    assert (result["status"], result["assignment"], result["name"]) == (
        "recorded",
        booking.pk,
        "Somphone Phommavong",
    )
    booking.refresh_from_db()
    assert booking.attended is True


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        (
            {"key": "not-a-key"},
            {"key": ["Enter a valid UUID."]},
        ),
        (
            {"attended": "yes"},
            {"attended": ["Give true (present), false (absent) or null (not recorded)."]},
        ),
        (
            # JSON's 1 is not true: only true, false and null say what a mark is.
            {"attended": 1},
            {"attended": ["Give true (present), false (absent) or null (not recorded)."]},
        ),
        (
            {"assignment": "first"},
            {"assignment": ["Enter a whole number."]},
        ),
        (
            {"marked_at": "yesterday"},
            {
                "marked_at": [
                    "Give the time the mark was made as an ISO 8601 date and time with its offset."
                ]
            },
        ),
        (
            {"marked_at": "2026-12-07T10:00:00"},
            {
                "marked_at": [
                    "Give the time the mark was made as an ISO 8601 date and time with its offset."
                ]
            },
        ),
        (
            {"marked_at": "2026-13-45T10:00:00+07:00"},
            {
                "marked_at": [
                    "Give the time the mark was made as an ISO 8601 date and time with its offset."
                ]
            },
        ),
        (
            {"marked_at": "2099-01-01T10:00:00+07:00"},
            {"marked_at": ["The mark's time is in the future. Check the clock of the device."]},
        ),
        (
            {"marked_at": "2020-01-01T10:00:00+07:00"},
            {"marked_at": ["The mark was made more than 7 days ago and is not recorded."]},
        ),
        (
            {"assignment": None},
            {"__all__": ["Give the booking or the badge code, one of the two."]},
        ),
        (
            {"badge": "no-such-code"},
            {"__all__": ["Give the booking or the badge code, one of the two."]},
        ),
    ],
)
def test_a_bad_mark_gets_its_reasons_and_saves_nothing(
    programme, item, booking, staff, fields, errors
):
    mark = {**_mark(assignment=booking.pk), **fields}
    [result] = _send(client_for(staff), item, [mark])["results"]
    assert (result["status"], result["errors"]) == ("error", errors)
    assert result["message"] == " ".join(m for ms in errors.values() for m in ms)
    assert AttendanceMark.objects.count() == 0
    booking.refresh_from_db()
    assert booking.attended is None


def test_a_bad_mark_does_not_stop_the_good_ones(programme, item, booking, staff):
    stranger = ParticipantFactory(programme=programme, full_name="Nimal Perera")
    marks = [
        _mark(badge=stranger.badge_code),
        _mark(badge="no-such-code"),
        _mark(assignment=AssignmentFactory().pk),
        "not a mark",
        _mark(assignment=booking.pk),
    ]
    results = _send(client_for(staff), item, marks)["results"]
    assert [(r["status"], r["message"]) for r in results] == [
        ("error", "Nimal Perera is not booked on this item. Nothing was recorded."),
        ("error", "Unknown badge code."),
        ("error", "This participant is no longer booked on this item."),
        ("error", "A mark is a JSON object."),
        ("recorded", "Recorded."),
    ]
    assert AttendanceMark.objects.get().assignment == booking


@pytest.mark.parametrize(
    "body", ["not json", "[]", '{"marks": "many"}', json.dumps({"marks": [{}] * 101}), "\xff"]
)
def test_a_body_that_is_not_a_list_of_marks_is_refused_with_a_reason(item, staff, body):
    response = client_for(staff).post(_url(item), body, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {
        "error": "Send a JSON object whose “marks” is a list of at most 100 marks."
    }


def test_a_mark_without_the_csrf_token_is_refused(item, booking, staff):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    response = client.post(
        _url(item), {"marks": [_mark(assignment=booking.pk)]}, content_type="application/json"
    )
    assert response.status_code == 403
    assert AttendanceMark.objects.count() == 0


def test_a_mark_for_someone_who_had_withdrawn_is_refused(programme, item, booking, staff):
    booking.participant.status = "withdrawn"
    booking.participant.inactive_from = item.starts_at - timedelta(days=1)
    booking.participant.save()
    [result] = _send(client_for(staff), item, [_mark(assignment=booking.pk)])["results"]
    assert result["status"] == "error"
    assert "attendance at later items is not recorded" in result["message"]
    assert AttendanceMark.objects.count() == 0


@pytest.mark.parametrize("size", [5, 50])
def test_sending_a_batch_takes_a_few_queries_per_mark(
    programme, item, staff, size, django_assert_max_num_queries
):
    bookings = [AssignmentFactory(session=item) for _ in range(size)]
    client = client_for(staff)
    marks = [_mark(assignment=b.pk) for b in bookings]
    # Session, user, programme and role, item; then per mark: the booking; the savepoint, the
    # lock, the key, the latest mark, the insert, the update, the savepoint's release; the
    # record's marks.
    with django_assert_max_num_queries(5 + 10 * size):
        results = _send(client, item, marks)["results"]
    assert [r["status"] for r in results] == ["recorded"] * size


def test_the_attendance_list_of_a_vehicle_shows_its_passengers(programme, item, booking, staff):
    bus = VehicleFactory(session=item, name="Bus 2")
    rider = AssignmentFactory(session=item, vehicle=bus)
    page = client_for(staff).get(
        reverse("visits:attendance", args=[programme.slug, item.pk]), {"vehicle": bus.pk}
    )
    assert [a.pk for a in page.context["assignments"]] == [rider.pk]
    html = page.content.decode()
    assert 'aria-current="page">Passengers of Bus 2</a>' in html
    assert (
        f'action="{reverse("visits:attendance", args=[programme.slug, item.pk])}?vehicle={bus.pk}"'
        in html
    )
    assert page["Tpbis-Offline"] == "keep"


def test_the_manifest_leads_to_the_vehicle_s_list_and_is_kept_offline(programme, item, staff):
    bus = VehicleFactory(session=item, name="Bus 2")
    response = client_for(staff).get(
        reverse("reports:manifest", args=[programme.slug, item.pk, bus.pk])
    )
    assert response["Tpbis-Offline"] == "keep"
    link = reverse("visits:attendance", args=[programme.slug, item.pk]) + f"?vehicle={bus.pk}"
    assert f'href="{link}">Check the passengers in</a>' in response.content.decode()


def test_the_scan_page_is_kept_offline_with_the_names_behind_the_badges(
    programme, item, booking, staff
):
    response = client_for(staff).get(
        reverse("visits:attendance_scan", args=[programme.slug, item.pk])
    )
    assert response["Tpbis-Offline"] == "keep"
    people = response.content.decode().split('<script id="scan-people" type="application/json">')
    assert json.loads(people[1].split("</script>")[0]) == [
        {
            "assignment": booking.pk,
            "badge": booking.participant.badge_code,
            "name": "Somphone Phommavong",
            "native": "",
            "attended": None,
        }
    ]

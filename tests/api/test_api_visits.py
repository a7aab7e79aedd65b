"""The agenda in the API: items, bookings and attendance, with the pages' access."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from participants.models import Participant
from visits.models import Assignment, Session

from ..factories import (
    AssignmentFactory,
    ParticipantFactory,
    ProgrammeFactory,
    SessionFactory,
    SiteFactory,
    VehicleFactory,
    VisitGroupFactory,
)
from .token_helpers import session_client, token_client


def items_url(programme) -> str:
    return reverse("api:item-list", args=[programme.slug])


def bookings_url(item) -> str:
    return reverse("api:booking-list", args=[item.programme.slug, item.pk])


def booking_url(booking: Assignment) -> str:
    return reverse(
        "api:booking-detail", args=[booking.session.programme.slug, booking.session_id, booking.pk]
    )


def attendance_url(item) -> str:
    return reverse("api:item-attendance", args=[item.programme.slug, item.pk])


def delegate_a(cast, programme) -> Participant:
    return programme.participants.get(user=cast["delegate"])


@pytest.fixture
def agenda(cast, programme):
    """Three items on two days; delegate A is booked on the first and the cancelled third."""
    first_day = programme.start_date
    opening = SessionFactory(
        programme=programme,
        kind=Session.Kind.OPENING,
        title_en="Opening",
        starts_at=programme.local_datetime(first_day, 9),
        ends_at=programme.local_datetime(first_day, 10),
    )
    visit = SessionFactory(
        programme=programme,
        kind=Session.Kind.SITE_VISIT,
        title_en="Library visit",
        site=SiteFactory(name="Provincial Library"),
        starts_at=programme.local_datetime(first_day + timedelta(days=1), 9),
        ends_at=programme.local_datetime(first_day + timedelta(days=1), 12),
        capacity=30,
    )
    cancelled = SessionFactory(
        programme=programme,
        title_en="Cancelled lecture",
        starts_at=programme.local_datetime(first_day + timedelta(days=1), 14),
        ends_at=programme.local_datetime(first_day + timedelta(days=1), 15),
        cancelled_at=timezone.now(),
    )
    AssignmentFactory(session=opening, participant=delegate_a(cast, programme))
    AssignmentFactory(session=cancelled, participant=delegate_a(cast, programme))
    AssignmentFactory(session=visit)
    return {"opening": opening, "visit": visit, "cancelled": cancelled}


def titles(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["title_en"] for item in response.json()["results"]]


# --- Agenda items ----------------------------------------------------------------------------


def test_items_team_sees_every_item_in_time_order(cast, programme, agenda):
    response = session_client(cast["staff"]).get(items_url(programme))
    assert titles(response) == ["Opening", "Library visit", "Cancelled lecture"]
    visit = response.json()["results"][1]
    assert visit["booked"] == 1
    assert visit["site"]["name"] == "Provincial Library"
    # In the programme's time zone, with its offset.
    local = programme.to_local(agenda["visit"].starts_at)
    assert visit["starts_at"] == local.isoformat()


def test_items_delegate_sees_own_agenda_only(cast, programme, agenda):
    response = session_client(cast["delegate"]).get(items_url(programme))
    assert titles(response) == ["Opening", "Cancelled lecture"]
    assert [item["booked"] for item in response.json()["results"]] == [None, None]
    # Another delegate's agenda is their own: nothing here.
    assert titles(session_client(cast["delegate_b"]).get(items_url(programme))) == []


def test_items_delegate_cannot_open_an_item_not_on_their_agenda(cast, programme, agenda):
    url = reverse("api:item-detail", args=[programme.slug, agenda["visit"].pk])
    assert session_client(cast["delegate"]).get(url).status_code == 404
    assert session_client(cast["staff"]).get(url).json()["title_en"] == "Library visit"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"kind": "site_visit"}, ["Library visit"]),
        ({"cancelled": "true"}, ["Cancelled lecture"]),
        ({"cancelled": "false"}, ["Opening", "Library visit"]),
    ],
)
def test_items_filters(cast, programme, agenda, query, expected):
    assert titles(session_client(cast["organiser"]).get(items_url(programme), query)) == expected


def test_items_filter_by_day_in_programme_time_zone(cast, programme, agenda):
    second_day = (programme.start_date + timedelta(days=1)).isoformat()
    response = session_client(cast["organiser"]).get(items_url(programme), {"day": second_day})
    assert titles(response) == ["Library visit", "Cancelled lecture"]


@pytest.mark.parametrize("query", [{"kind": "party"}, {"cancelled": "null"}, {"day": "Monday"}])
def test_items_bad_filter_is_a_field_error(cast, programme, agenda, query):
    response = session_client(cast["organiser"]).get(items_url(programme), query)
    assert response.status_code == 400
    body = response.json()
    assert (body["status"], body["code"], list(body["fields"])) == (400, "invalid", list(query))


@pytest.mark.parametrize(("role", "status"), [("other_organiser", 404), ("focal_point", 404)])
def test_items_outsiders_get_404(cast, programme, agenda, role, status):
    response = session_client(cast[role]).get(items_url(programme))
    assert response.status_code == status
    assert response.json()["code"] == "not_found"


def test_items_anonymous_gets_401(programme):
    assert session_client(None).get(items_url(programme)).status_code == 401


def test_items_token_reaches_only_its_programmes(cast, programme, agenda):
    other = ProgrammeFactory()
    assert token_client(cast["staff"], other).get(items_url(programme)).status_code == 404
    response = token_client(cast["staff"], programme).get(items_url(programme))
    assert titles(response) == ["Opening", "Library visit", "Cancelled lecture"]


def test_items_list_pages_with_a_cursor(cast, programme, agenda):
    client = session_client(cast["staff"])
    first = client.get(items_url(programme), {"page_size": 2}).json()
    assert [item["title_en"] for item in first["results"]] == ["Opening", "Library visit"]
    second = client.get(first["next"]).json()
    assert [item["title_en"] for item in second["results"]] == ["Cancelled lecture"]


def _items(programme, count: int) -> None:
    site = SiteFactory()
    speaker = ParticipantFactory(programme=programme)
    for index in range(count):
        item = SessionFactory(
            programme=programme,
            site=site,
            starts_at=programme.local_datetime(programme.start_date, 8) + timedelta(minutes=index),
        )
        item.speaker_participants.add(speaker)
        AssignmentFactory(session=item)


@pytest.mark.parametrize("size", [2, 20])
def test_items_list_query_count_is_constant(cast, programme, django_assert_max_num_queries, size):
    _items(programme, size)
    client = session_client(cast["staff"])
    # Session and user, the programme, the membership, the items with their sites and booking
    # counts, their speakers.
    with django_assert_max_num_queries(6):
        assert len(client.get(items_url(programme)).json()["results"]) == size


@pytest.mark.parametrize("size", [2, 20])
def test_items_delegate_query_count_is_constant(
    cast, programme, django_assert_max_num_queries, size
):
    _items(programme, size)
    me = delegate_a(cast, programme)
    for item in programme.sessions.all():
        AssignmentFactory(session=item, participant=me)
    client = token_client(cast["delegate"], programme)
    # Token (and its last use), the token's programmes, the programme, the membership, the
    # delegate's participations, the items, their speakers.
    with django_assert_max_num_queries(8):
        assert len(client.get(items_url(programme)).json()["results"]) == size


# --- Bookings --------------------------------------------------------------------------------


def test_bookings_list_with_groups_and_vehicles(cast, programme, agenda):
    visit = agenda["visit"]
    group, vehicle = (
        VisitGroupFactory(session=visit, name="Group A"),
        VehicleFactory(session=visit, name="Bus 1"),
    )
    booking = AssignmentFactory(
        session=visit,
        group=group,
        vehicle=vehicle,
        participant__full_name="Ana Lima",
        participant__full_name_latin="",
    )
    response = session_client(cast["staff"]).get(bookings_url(visit), {"group": group.pk})
    assert response.status_code == 200
    assert response.json()["results"] == [
        {
            "id": booking.pk,
            "participant": {
                "id": booking.participant_id,
                "name": "Ana Lima",
                "full_name": "Ana Lima",
                "full_name_latin": "",
                "category": booking.participant.category,
                "country": booking.participant.country.code
                if booking.participant.country
                else None,
            },
            "group": {"id": group.pk, "name": "Group A"},
            "vehicle": {"id": vehicle.pk, "name": "Bus 1"},
            "attended": None,
            "attendance_recorded_at": None,
        }
    ]


def test_bookings_filter_by_attendance(cast, programme, agenda):
    visit = agenda["visit"]
    present = AssignmentFactory(session=visit, attended=True)
    absent = AssignmentFactory(session=visit, attended=False)
    client = session_client(cast["staff"])

    def ids(attendance: str) -> list[int]:
        response = client.get(bookings_url(visit), {"attendance": attendance})
        return [row["id"] for row in response.json()["results"]]

    assert ids("present") == [present.pk]
    assert ids("absent") == [absent.pk]
    assert len(ids("not_recorded")) == 1


@pytest.mark.parametrize(
    ("role", "status"), [("delegate", 404), ("other_organiser", 404), ("anonymous", 401)]
)
def test_bookings_are_the_teams(cast, programme, agenda, role, status):
    assert session_client(cast[role]).get(bookings_url(agenda["opening"])).status_code == status


def test_bookings_of_an_item_of_another_programme_are_404(cast, programme):
    elsewhere = SessionFactory()
    url = reverse("api:booking-list", args=[programme.slug, elsewhere.pk])
    assert session_client(cast["staff"]).get(url).status_code == 404
    for malformed in ("x1", "0.5"):
        url = reverse("api:booking-list", args=[programme.slug, malformed])
        response = session_client(cast["staff"]).get(url)
        assert (response.status_code, response.json()["code"]) == (404, "not_found")


@pytest.mark.parametrize("size", [2, 20])
def test_bookings_query_count_is_constant(cast, programme, django_assert_max_num_queries, size):
    item = SessionFactory(programme=programme)
    group, vehicle = VisitGroupFactory(session=item), VehicleFactory(session=item)
    for _index in range(size):
        AssignmentFactory(session=item, group=group, vehicle=vehicle)
    client = session_client(cast["staff"])
    # Session and user, the programme, the membership, the item, the bookings with their
    # people, countries, groups and vehicles.
    with django_assert_max_num_queries(6):
        assert len(client.get(bookings_url(item)).json()["results"]) == size


# --- Attendance ------------------------------------------------------------------------------


def test_patch_records_attendance_like_the_page(cast, programme, agenda):
    booking = agenda["visit"].assignments.get()
    client = token_client(cast["staff"], programme, write=True)
    response = client.patch(
        booking_url(booking), {"attended": True}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["attended"] is True
    booking.refresh_from_db()
    assert (booking.attended, booking.attendance_recorded_by) == (True, cast["staff"])

    response = client.patch(
        booking_url(booking), {"attended": None}, content_type="application/json"
    )
    booking.refresh_from_db()
    assert (response.json()["attended"], booking.attended, booking.attendance_recorded_at) == (
        None,
        None,
        None,
    )


def test_post_records_attendance_by_booking(cast, programme, agenda):
    booking = agenda["visit"].assignments.get()
    client = token_client(cast["organiser"], programme, write=True)
    response = client.post(
        attendance_url(agenda["visit"]),
        {"booking": booking.pk, "attended": False},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    booking.refresh_from_db()
    assert booking.attended is False
    counts = client.get(attendance_url(agenda["visit"])).json()
    assert counts == {"booked": 1, "present": 0, "absent": 1, "not_recorded": 0}


def test_post_refuses_a_booking_of_another_item(cast, programme, agenda):
    other = agenda["opening"].assignments.first()
    response = token_client(cast["staff"], programme, write=True).post(
        attendance_url(agenda["visit"]),
        {"booking": other.pk, "attended": True},
        content_type="application/json",
    )
    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    other.refresh_from_db()
    assert other.attended is None


def test_attendance_after_withdrawal_is_refused_in_the_error_format(cast, programme, agenda):
    booking = agenda["visit"].assignments.select_related("participant").get()
    participant = booking.participant
    participant.status = Participant.Status.WITHDRAWN
    participant.inactive_from = agenda["visit"].starts_at - timedelta(days=1)
    participant.save()
    response = token_client(cast["staff"], programme, write=True).patch(
        booking_url(booking), {"attended": True}, content_type="application/json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert "Nothing was recorded" in body["fields"]["attended"][0]
    booking.refresh_from_db()
    assert booking.attended is None


def test_read_only_token_cannot_record(cast, programme, agenda):
    booking = agenda["visit"].assignments.get()
    client = token_client(cast["staff"], programme)
    response = client.patch(
        booking_url(booking), {"attended": True}, content_type="application/json"
    )
    assert response.status_code == 403
    response = client.post(
        attendance_url(agenda["visit"]),
        {"booking": booking.pk, "attended": True},
        content_type="application/json",
    )
    assert response.status_code == 403
    booking.refresh_from_db()
    assert booking.attended is None


@pytest.mark.parametrize("role", ["delegate", "other_organiser", "focal_point"])
def test_only_the_team_records_attendance(cast, programme, agenda, role):
    booking = agenda["opening"].assignments.first()
    response = token_client(cast[role], programme, write=True).patch(
        booking_url(booking), {"attended": True}, content_type="application/json"
    )
    assert response.status_code == 404
    booking.refresh_from_db()
    assert booking.attended is None


def test_attendance_mark_must_be_a_boolean_or_null(cast, programme, agenda):
    booking = agenda["visit"].assignments.get()
    response = token_client(cast["staff"], programme, write=True).patch(
        booking_url(booking), {"attended": "maybe"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["attended"]

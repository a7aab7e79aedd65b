"""Taking attendance: the phone list, badge scans, and the attendance rates."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from participants.models import Participant
from programs.models import Province
from tests.conftest import client_for
from tests.factories import (
    AssignmentFactory,
    MembershipFactory,
    ParticipantFactory,
    SessionFactory,
    VisitGroupFactory,
    member_country,
)
from visits.assignments import badge_code_from_scan, item_rates, origin_rates, participant_rates
from visits.models import Assignment, Session

TEAM = ["staff", "organiser", "admin"]


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def staff(programme):
    return MembershipFactory(
        programme=programme, role="staff", user__first_name="Budi", user__last_name="Santoso"
    ).user


@pytest.fixture
def item(programme):
    return SessionFactory(programme=programme, kind=Session.Kind.SITE_VISIT)


@pytest.fixture
def somphone(programme, item):
    participant = ParticipantFactory(
        programme=programme,
        full_name="ສົມພອນ ພົມມະວົງ",
        full_name_latin="Somphone Phommavong",
        country=member_country("LA"),
    )
    AssignmentFactory(session=item, participant=participant)
    return participant


def _attendance_url(item, **query) -> str:
    url = reverse("visits:attendance", args=[item.programme.slug, item.pk])
    return f"{url}?group={query['group']}" if "group" in query else url


def _scan_url(item) -> str:
    return reverse("visits:attendance_scan", args=[item.programme.slug, item.pk])


# The list.


def test_attendance_list_shows_names_in_both_scripts_and_counts(programme, item, somphone, staff):
    other = ParticipantFactory(programme=programme, full_name="Nimal Perera")
    AssignmentFactory(session=item, participant=other, attended=False)
    page = client_for(staff).get(_attendance_url(item)).content.decode()
    assert "Somphone Phommavong" in page
    assert "ສົມພອນ ພົມມະວົງ" in page
    assert "Laos" in page
    counts = page.split('id="attendance-counts"')[1].split("</ul>")[0]
    assert '<span class="stat-number">0</span> present' in counts
    assert '<span class="stat-number">1</span> absent' in counts
    assert '<span class="stat-number">1</span> not recorded' in counts


def test_mark_present_records_who_and_when(programme, item, somphone, staff):
    assignment = item.assignments.get()
    response = client_for(staff).post(
        _attendance_url(item), {"assignment": assignment.pk, "status": "present"}
    )
    assert response["Location"] == f"{_attendance_url(item)}#assignment-{assignment.pk}"
    assignment.refresh_from_db()
    assert assignment.attended is True
    assert assignment.attendance_recorded_by == staff
    assert assignment.attendance_recorded_at is not None
    page = client_for(staff).get(_attendance_url(item)).content.decode()
    assert "by Budi Santoso" in page
    assert 'class="toggle present" aria-pressed="true"' in page


def test_mark_absent_then_present_changes_the_record(programme, item, somphone, staff):
    assignment = item.assignments.get()
    client = client_for(staff)
    client.post(_attendance_url(item), {"assignment": assignment.pk, "status": "absent"})
    assignment.refresh_from_db()
    assert assignment.attended is False
    client.post(_attendance_url(item), {"assignment": assignment.pk, "status": "present"})
    assignment.refresh_from_db()
    assert assignment.attended is True


def test_mark_with_htmx_answers_the_row_and_the_counts(programme, item, somphone, staff):
    assignment = item.assignments.get()
    response = client_for(staff).post(
        _attendance_url(item),
        {"assignment": assignment.pk, "status": "absent"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert body.strip().startswith('<li class="attendance-row is-absent"')
    assert 'id="attendance-counts" hx-swap-oob="true"' in body
    assert '<span class="stat-number">1</span> absent' in body


def test_mark_a_booking_of_another_item_records_nothing(programme, item, somphone, staff):
    other = AssignmentFactory(session=SessionFactory(programme=programme), participant=somphone)
    response = client_for(staff).post(
        _attendance_url(item), {"assignment": other.pk, "status": "present"}
    )
    assert _messages(response) == ["This participant is no longer booked on this item."]
    other.refresh_from_db()
    assert other.attended is None


def test_mark_a_stale_row_with_htmx_reloads_the_list(programme, item, somphone, staff):
    other = AssignmentFactory(session=SessionFactory(programme=programme), participant=somphone)
    response = client_for(staff).post(
        _attendance_url(item),
        {"assignment": other.pk, "status": "present"},
        headers={"HX-Request": "true"},
    )
    assert response["HX-Redirect"] == _attendance_url(item)
    assert _messages(response) == ["This participant is no longer booked on this item."]


def test_attendance_list_by_group_shows_that_group_only(programme, item, somphone, staff):
    group = VisitGroupFactory(session=item, name="Group B", capacity=5)
    nimal = ParticipantFactory(programme=programme, full_name="Nimal Perera")
    AssignmentFactory(session=item, participant=nimal, group=group)
    page = client_for(staff).get(_attendance_url(item, group=group.pk)).content.decode()
    assert "Nimal Perera" in page
    assert "Somphone" not in page
    assert f'action="{_attendance_url(item, group=group.pk)}"' in page


def test_attendance_list_without_htmx_has_plain_forms(programme, item, somphone, staff):
    page = client_for(staff).get(_attendance_url(item)).content.decode()
    assert f'<form method="post" action="{_attendance_url(item)}"' in page
    assert '<input type="hidden" name="status" value="present">' in page


# Badge scans.


def test_scan_marks_present_and_shows_the_name(programme, item, somphone, staff):
    response = client_for(staff).post(_scan_url(item), {"code": somphone.badge_code})
    page = response.content.decode()
    assert response.status_code == 200
    assert '<p class="scan-name">Somphone Phommavong</p>' in page
    assert 'class="scan-result ok"' in page
    assignment = item.assignments.get()
    assert (assignment.attended, assignment.attendance_recorded_by) == (True, staff)


def test_scan_twice_is_idempotent(programme, item, somphone, staff):
    client = client_for(staff)
    client.post(_scan_url(item), {"code": somphone.badge_code})
    first = item.assignments.get().attendance_recorded_at
    page = client.post(_scan_url(item), {"code": somphone.badge_code}).content.decode()
    assert "Already marked present" in page
    assert item.assignments.get().attendance_recorded_at == first


def test_scan_of_an_unknown_code_says_so(programme, item, somphone, staff):
    response = client_for(staff).post(_scan_url(item), {"code": "no-such-code"})
    assert response.status_code == 200
    assert "Unknown badge code." in response.content.decode()
    assert item.assignments.get().attended is None


def test_scan_of_another_programmes_badge_is_unknown(programme, item, somphone, staff):
    stranger = ParticipantFactory(full_name="Stranger")
    page = client_for(staff).post(_scan_url(item), {"code": stranger.badge_code}).content.decode()
    assert "Unknown badge code." in page
    assert "Stranger" not in page


def test_scan_of_a_participant_not_booked_names_them_and_records_nothing(
    programme, item, somphone, staff
):
    nimal = ParticipantFactory(programme=programme, full_name="Nimal Perera")
    page = client_for(staff).post(_scan_url(item), {"code": nimal.badge_code}).content.decode()
    assert "Nimal Perera is not booked on this item. Nothing was recorded." in page
    assert not Assignment.objects.filter(participant=nimal).exists()


def test_scan_of_an_empty_code_is_a_field_error(programme, item, somphone, staff):
    response = client_for(staff).post(_scan_url(item), {"code": "  "})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()


def test_scan_accepts_a_link_ending_with_the_code(programme, item, somphone, staff):
    client_for(staff).post(
        _scan_url(item), {"code": f"https://example.org/b/{somphone.badge_code}/"}
    )
    assert item.assignments.get().attended is True


def test_badge_code_from_scan():
    assert badge_code_from_scan("  abc-DEF_12 \n") == "abc-DEF_12"
    assert badge_code_from_scan("https://example.org/badges/abc-DEF_12") == "abc-DEF_12"


def test_scan_page_has_an_autofocused_field_and_the_camera_script(programme, item, staff):
    page = client_for(staff).get(_scan_url(item)).content.decode()
    assert 'name="code"' in page and "autofocus" in page
    assert "js/scan.js" in page
    assert (
        '<div class="scan-camera" id="scan-camera" hidden data-decoder="/static/js/vendor/jsQR.js">'
        in page
    )


# Rates.


def _book(item, participant, attended):
    return AssignmentFactory(session=item, participant=participant, attended=attended)


def test_rates_three_of_four_present_is_75_percent(programme, item):
    people = [ParticipantFactory(programme=programme) for _ in range(5)]
    for person, attended in zip(people, [True, True, True, False, None], strict=True):
        _book(item, person, attended)
    [rate] = item_rates(programme)
    assert (rate.assigned, rate.recorded, rate.present, rate.absent) == (5, 4, 3, 1)
    assert (rate.of_recorded, rate.of_assigned) == (75, 60)
    assert (rate.of_recorded_text, rate.of_assigned_text) == ("75 %", "60 %")


def test_rates_show_a_dash_when_nothing_is_recorded(programme, item, somphone, staff):
    [rate] = item_rates(programme)
    assert (rate.of_recorded_text, rate.of_assigned_text) == ("—", "0 %")
    page = client_for(staff).get(reverse("visits:attendance_rates", args=[programme.slug]))
    assert '<td class="number">—</td>' in page.content.decode()


def test_rates_per_participant_country_and_province(programme):
    first, second = SessionFactory(programme=programme), SessionFactory(programme=programme)
    laos = ParticipantFactory(programme=programme, full_name="Laos 1", country=member_country("LA"))
    laos2 = ParticipantFactory(
        programme=programme, full_name="Laos 2", country=member_country("LA")
    )
    bali = ParticipantFactory(
        programme=programme,
        full_name="Bali 1",
        category=Participant.Category.DOMESTIC,
        country=member_country("ID"),
        province=Province.objects.get_or_create(code="51", name="Bali")[0],
        region="Provinsi Bali",
    )
    speaker = ParticipantFactory(
        programme=programme, full_name="Speaker", category=Participant.Category.SPEAKER
    )
    ParticipantFactory(programme=programme, full_name="Not booked")
    _book(first, laos, True)
    _book(second, laos, False)
    _book(first, laos2, True)
    _book(second, laos2, True)
    _book(first, bali, True)
    _book(second, bali, None)
    _book(first, speaker, True)

    people = {
        rate.label: (rate.present, rate.recorded, rate.of_recorded)
        for rate in participant_rates(programme)
    }
    assert people == {
        "Laos 1": (1, 2, 50),
        "Laos 2": (2, 2, 100),
        "Bali 1": (1, 1, 100),
        "Speaker": (1, 1, 100),
    }
    origins = origin_rates(programme)
    assert [(r.label, r.assigned, r.present, r.of_recorded) for r in origins["countries"]] == [
        ("Laos", 4, 3, 75)
    ]
    assert [(r.label, r.assigned, r.present, r.of_assigned) for r in origins["provinces"]] == [
        ("Bali", 2, 1, 50)
    ]


def test_rates_page_shows_items_countries_and_people(programme, item, somphone, staff):
    Assignment.objects.filter(session=item).update(attended=True)
    page = client_for(staff).get(reverse("visits:attendance_rates", args=[programme.slug]))
    html = page.content.decode()
    assert item.title in html
    assert "Somphone Phommavong" in html
    assert '<th scope="row">Laos</th>' in html
    assert '<td class="number">100 %</td>' in html
    assert 'aria-current="page">Attendance</a>' in html


# Queries stay constant whatever the number of people.


def _crowd(programme, item, size: int) -> None:
    laos = member_country("LA")
    people = Participant.objects.bulk_create(
        ParticipantFactory.build(
            programme=programme,
            category=Participant.Category.INTERNATIONAL,
            full_name=f"Person {index}",
            country=laos,
            email=f"person{index}@example.org",
        )
        for index in range(size)
    )
    group = VisitGroupFactory(session=item, name="Group A", capacity=size)
    Assignment.objects.bulk_create(
        AssignmentFactory.build(
            session=item,
            participant=person,
            group=group,
            attended=[True, False, None][index % 3],
        )
        for index, person in enumerate(people)
    )


@pytest.mark.parametrize("size", [10, 500])
def test_attendance_list_queries_are_constant(
    programme, item, staff, size, django_assert_num_queries
):
    _crowd(programme, item, size)
    client = client_for(staff)
    # Session and user; the programme and the staff member's role; the item; its groups; its
    # vehicles; the bookings with people, countries, provinces, groups, vehicles and recorders;
    # their marks with who made them; the site navigation's memberships and participations of
    # the user.
    with django_assert_num_queries(11):
        response = client.get(_attendance_url(item))
    assert response.content.decode().count('class="attendance-row') == size


@pytest.mark.parametrize("size", [10, 500])
def test_rates_page_queries_are_constant(programme, item, staff, size, django_assert_num_queries):
    _crowd(programme, item, size)
    client = client_for(staff)
    # Session and user; the programme and the staff member's role; items with their counts;
    # bookings grouped by origin; participants with their counts; the site navigation's
    # memberships and participations of the user.
    with django_assert_num_queries(9):
        response = client.get(reverse("visits:attendance_rates", args=[programme.slug]))
    assert response.content.decode().count("Person ") == size


# What the team gets (who may reach each view: tests/permission_table.py).


@pytest.mark.parametrize("role", TEAM)
def test_attendance_list_shows_the_booked(cast, programme, item, role):
    AssignmentFactory(session=item, participant=programme.participants.first())
    response = client_for(cast[role]).get(_attendance_url(item))
    assert response.content.decode().count('class="attendance-row') == 1


@pytest.mark.parametrize("role", TEAM)
def test_attendance_mark_records_presence(cast, programme, item, role):
    assignment = AssignmentFactory(session=item, participant=programme.participants.first())
    response = client_for(cast[role]).post(
        _attendance_url(item), {"assignment": assignment.pk, "status": "present"}
    )
    assignment.refresh_from_db()
    assert response.status_code == 302
    assert assignment.attended is True
    assert assignment.attendance_recorded_by == cast[role]


def test_attendance_scan_page_asks_for_a_code(cast, programme, item):
    response = client_for(cast["staff"]).get(_scan_url(item))
    assert 'name="code"' in response.content.decode()


@pytest.mark.parametrize("role", TEAM)
def test_attendance_scan_post_records_presence(cast, programme, item, role):
    participant = programme.participants.first()
    assignment = AssignmentFactory(session=item, participant=participant)
    response = client_for(cast[role]).post(_scan_url(item), {"code": participant.badge_code})
    assert response.status_code == 200
    assignment.refresh_from_db()
    assert assignment.attended is True


def test_attendance_rates_list_the_items(cast, programme, item):
    response = client_for(cast["staff"]).get(
        reverse("visits:attendance_rates", args=[programme.slug])
    )
    assert item.title in response.content.decode()

"""The staff timetable: pages, the item form, moving, duplicating, cancelling and deleting."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from participants.models import Participant
from tests.conftest import client_for
from tests.factories import (
    AssignmentFactory,
    MembershipFactory,
    ParticipantFactory,
    ProgrammeFactory,
    SessionFactory,
    SiteFactory,
)
from visits.models import Assignment, Session

# Who may reach each view is in tests/permission_table.py; these are what the team gets.
TEAM = ["staff", "organiser", "admin"]


def at(programme, day_offset: int, hour: int, minute: int = 0) -> datetime:
    return programme.local_datetime(programme.start_date + timedelta(days=day_offset), hour, minute)


def make_item(programme, day_offset=0, hour=9, minute=0, hours=1, **fields) -> Session:
    starts_at = at(programme, day_offset, hour, minute)
    return SessionFactory(
        programme=programme,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=hours),
        **fields,
    )


def item_data(**overrides) -> dict:
    data = {
        "kind": "lecture",
        "title_en": "Reading promotion in villages",
        "title_local": "",
        "day": "2023-11-14",
        "start_time": "08:30",
        "end_time": "10:00",
        "site": "",
        "room": "",
        "capacity": "",
        "speakers": "",
        "description_en": "",
        "description_local": "",
        "departure_point": "",
        "departs_time": "",
        "returns_time": "",
    }
    data.update(overrides)
    return data


def htmx(client):
    """The client, sending the header htmx sends with each of its requests."""
    client.defaults["HTTP_HX_REQUEST"] = "true"
    return client


# --- What the team does ------------------------------------------------------------------------


@pytest.mark.parametrize("role", TEAM)
@pytest.mark.parametrize("view", ["timetable", "item_create"])
def test_programme_pages_name_the_programme(cast, programme, role, view):
    response = client_for(cast[role]).get(reverse(f"visits:{view}", args=[programme.slug]))
    assert programme.short_name_en in response.content.decode()


@pytest.mark.parametrize("role", TEAM)
@pytest.mark.parametrize("view", ["item_detail", "item_edit"])
def test_item_pages_name_the_item(cast, programme, role, view):
    session = make_item(programme, title_en="Opening ceremony")
    response = client_for(cast[role]).get(
        reverse(f"visits:{view}", args=[programme.slug, session.pk])
    )
    assert "Opening ceremony" in response.content.decode()


@pytest.mark.parametrize("role", TEAM)
def test_item_create_post_creates_it(cast, programme, role):
    response = client_for(cast[role]).post(
        reverse("visits:item_create", args=[programme.slug]), item_data()
    )
    assert response.status_code == 302
    assert programme.sessions.filter(title_en="Reading promotion in villages").exists()


@pytest.mark.parametrize("role", TEAM)
def test_item_edit_post_saves(cast, programme, role):
    session = make_item(programme, title_en="Old title")
    response = client_for(cast[role]).post(
        reverse("visits:item_edit", args=[programme.slug, session.pk]),
        item_data(title_en="New title"),
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.title_en == "New title"


@pytest.mark.parametrize("role", TEAM)
def test_item_move_moves_it(cast, programme, role):
    session = make_item(programme, hour=9)
    response = client_for(cast[role]).post(
        reverse("visits:item_move", args=[programme.slug, session.pk]), {"start_time": "11:00"}
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert programme.to_local(session.starts_at).hour == 11


@pytest.mark.parametrize("role", TEAM)
def test_day_duplicate_copies_the_day(cast, programme, role):
    make_item(programme, day_offset=0)
    response = client_for(cast[role]).post(
        reverse("visits:day_duplicate", args=[programme.slug, "2023-11-13"]),
        {"to_day": "2023-11-15"},
    )
    assert response.status_code == 302
    assert programme.sessions.count() == 2


@pytest.mark.parametrize("role", TEAM)
def test_item_cancel_cancels_it(cast, programme, role):
    session = make_item(programme)
    response = client_for(cast[role]).post(
        reverse("visits:item_cancel", args=[programme.slug, session.pk])
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.is_cancelled


@pytest.mark.parametrize("role", TEAM)
def test_item_delete_deletes_it(cast, programme, role):
    session = make_item(programme)
    response = client_for(cast[role]).post(
        reverse("visits:item_delete", args=[programme.slug, session.pk]), {"confirmed": "1"}
    )
    assert response.status_code == 302
    assert not programme.sessions.filter(pk=session.pk).exists()


@pytest.mark.parametrize(
    "view", ["item_move", "item_cancel", "item_delete", "item_detail", "item_edit"]
)
def test_item_of_another_programme_is_not_found(cast, programme, view):
    elsewhere = make_item(ProgrammeFactory())
    client = client_for(cast["organiser"])
    before = Session.objects.values().get(pk=elsewhere.pk)
    response = client.post(reverse(f"visits:{view}", args=[programme.slug, elsewhere.pk]))
    assert response.status_code == 404
    assert Session.objects.values().get(pk=elsewhere.pk) == before


def test_changing_views_refuse_get(cast, programme):
    session = make_item(programme)
    response = client_for(cast["staff"]).get(
        reverse("visits:item_cancel", args=[programme.slug, session.pk])
    )
    assert response.status_code == 405
    session.refresh_from_db()
    assert session.cancelled_at is None


# --- The timetable page ---------------------------------------------------------------------


def test_timetable_shows_every_day_as_a_column_with_its_items(cast, programme):
    site = SiteFactory(name="Bogor city library")
    visit = make_item(
        programme,
        day_offset=2,
        hour=13,
        kind=Session.Kind.SITE_VISIT,
        title_en="Site visit: Bogor",
        site=site,
        capacity=25,
    )
    AssignmentFactory(session=visit, participant=ParticipantFactory(programme=programme))

    page = client_for(cast["staff"]).get(reverse("visits:timetable", args=[programme.slug]))

    html = page.content.decode()
    assert html.count('<section class="tt-day') == 5
    assert 'Wednesday <span class="tt-date">15 November 2023</span>' in html
    assert "13:00</time>–<time" in html
    assert "Site visit: Bogor" in html
    assert "Bogor city library" in html
    assert "1 / 25 assigned" in html
    assert 'src="/static/js/htmx.min.js"' in html
    assert 'hx-headers=\'{"X-CSRFToken": "' in html


def test_timetable_marks_conflicts_and_cancelled_items(cast, programme):
    library = SiteFactory(name="Library")
    make_item(programme, title_en="Tour", site=library)
    make_item(programme, title_en="Talk", minute=30, site=library)
    make_item(programme, day_offset=1, title_en="Dropped", cancelled_at=timezone.now())

    html = client_for(cast["staff"]).get(reverse("visits:timetable", args=[programme.slug]))
    html = html.content.decode()

    assert html.count("has-conflicts") == 2
    assert "Library is also used by “Talk” (09:30–10:30)." in html
    assert html.count("is-cancelled") == 1
    assert '<span class="stat-number">2</span> items with conflicts' in html
    assert '<span class="stat-number">2</span> agenda items' in html


def test_timetable_adds_a_column_for_an_item_outside_the_dates(cast, programme):
    make_item(programme, day_offset=-1, title_en="Early arrival dinner")

    html = client_for(cast["staff"]).get(reverse("visits:timetable", args=[programme.slug]))
    html = html.content.decode()

    assert html.count('<section class="tt-day') == 6
    assert 'Sunday <span class="tt-date">12 November 2023</span>' in html
    assert "Outside the programme's dates</span>" in html


def test_timetable_runs_a_fixed_number_of_queries(client, programme, django_assert_max_num_queries):
    # Sizes: 10 items with 20 participants, then 300 items with 2,000 participants booked on
    # five items each (10,000 assignments).
    staff = client_for(MembershipFactory(programme=programme, role="staff").user)
    url = reverse("visits:timetable", args=[programme.slug])
    site = SiteFactory(capacity=1000)

    def build(item_count: int, participant_count: int) -> None:
        Session.objects.filter(programme=programme).delete()
        Participant.objects.filter(programme=programme).delete()
        items = Session.objects.bulk_create(
            SessionFactory.build(
                programme=programme,
                kind=Session.Kind.LECTURE,
                title_en=f"Item {n}",
                starts_at=at(programme, n % 5, 7 + (n // 5) % 12, 0),
                ends_at=at(programme, n % 5, 7 + (n // 5) % 12, 50),
                site=site if n % 2 else None,
                room=f"Room {n}",
                capacity=50,
            )
            for n in range(item_count)
        )
        people = Participant.objects.bulk_create(
            ParticipantFactory.build(
                programme=programme,
                category=Participant.Category.DOMESTIC,
                full_name=f"Person {n}",
                region="Bogor",
            )
            for n in range(participant_count)
        )
        Assignment.objects.bulk_create(
            AssignmentFactory.build(session=items[(p + 1 + k * 7) % item_count], participant=person)
            for p, person in enumerate(people)
            for k in range(5)
        )

    # Ten queries, whatever the size: session and user; programme and membership (access);
    # items with sites and assigned counts; the conflicts' assignments with names, other
    # programmes' items at the same sites, groups and vehicles; the user's memberships for
    # the navigation (and their participations, when the template asks: eleven at most).
    build(10, 20)
    with django_assert_max_num_queries(11) as small_queries:
        small = staff.get(url)
    build(300, 2000)
    with django_assert_max_num_queries(11) as large_queries:
        large = staff.get(url)

    assert len(small_queries) == len(large_queries)

    assert small.content.decode().count('class="tt-item ') == 10
    assert large.content.decode().count('class="tt-item ') == 300


# --- The item form ---------------------------------------------------------------------------


def test_item_form_stores_local_time_in_utc_and_shows_it_back(cast, programme):
    client = client_for(cast["staff"])

    response = client.post(reverse("visits:item_create", args=[programme.slug]), item_data())

    session = programme.sessions.get()
    assert session.starts_at == datetime(2023, 11, 14, 1, 30, tzinfo=UTC)
    assert session.ends_at == datetime(2023, 11, 14, 3, 0, tzinfo=UTC)
    assert response["Location"] == reverse("visits:item_detail", args=[programme.slug, session.pk])
    timetable = client.get(reverse("visits:timetable", args=[programme.slug])).content.decode()
    assert "08:30</time>–<time" in timetable
    form = client.get(reverse("visits:item_edit", args=[programme.slug, session.pk]))
    assert 'name="start_time" value="08:30"' in form.content.decode()
    assert 'name="day" value="2023-11-14"' in form.content.decode()


def test_item_form_in_kathmandu_time(db):
    programme = ProgrammeFactory(time_zone="Asia/Kathmandu")
    client = client_for(MembershipFactory(programme=programme, role="staff").user)

    client.post(
        reverse("visits:item_create", args=[programme.slug]),
        item_data(departs_time="07:45", returns_time="12:15"),
    )

    session = programme.sessions.get()
    assert session.starts_at == datetime(2023, 11, 14, 2, 45, tzinfo=UTC)
    assert session.departs_at == datetime(2023, 11, 14, 2, 0, tzinfo=UTC)
    assert session.returns_at == datetime(2023, 11, 14, 6, 30, tzinfo=UTC)
    html = client.get(reverse("visits:timetable", args=[programme.slug])).content.decode()
    assert "08:30</time>–<time" in html
    assert "Asia/Kathmandu" in html


def test_item_form_refuses_an_end_before_the_start(cast, programme):
    response = client_for(cast["staff"]).post(
        reverse("visits:item_create", args=[programme.slug]),
        item_data(start_time="10:00", end_time="09:00"),
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"end_time": ["The end must be after the start."]}
    assert not programme.sessions.exists()


def test_item_form_refuses_a_site_visit_without_a_site(cast, programme):
    response = client_for(cast["staff"]).post(
        reverse("visits:item_create", args=[programme.slug]), item_data(kind="site_visit")
    )

    assert response.context["form"].errors == {"site": ["A site visit needs a site."]}
    assert not programme.sessions.exists()


def test_item_form_refuses_a_return_before_the_departure(cast, programme):
    response = client_for(cast["staff"]).post(
        reverse("visits:item_create", args=[programme.slug]),
        item_data(departs_time="08:00", returns_time="07:00"),
    )

    assert response.context["form"].errors == {
        "returns_time": ["The return must be after the departure."]
    }


def test_item_form_saves_an_item_outside_the_dates_with_a_warning(cast, programme):
    client = client_for(cast["staff"])

    response = client.post(
        reverse("visits:item_create", args=[programme.slug]),
        item_data(day="2023-11-20"),
        follow=True,
    )

    assert programme.sessions.count() == 1
    messages = [str(message) for message in response.context["messages"]]
    assert messages == [
        "“Reading promotion in villages” was added on Monday 20 November, 08:30.",
        "The item is outside the programme's dates (13 Nov 2023 – 17 Nov 2023).",
    ]


def test_item_form_speakers_are_chosen_among_the_programme_participants(cast, programme):
    speaker = ParticipantFactory(programme=programme, full_name="Siti Aminah")
    outsider = ParticipantFactory(full_name="Someone Else")
    client = client_for(cast["staff"])

    refused = client.post(
        reverse("visits:item_create", args=[programme.slug]),
        item_data(speaker_participants=[outsider.pk]),
    )
    assert list(refused.context["form"].errors) == ["speaker_participants"]
    client.post(
        reverse("visits:item_create", args=[programme.slug]),
        item_data(speaker_participants=[speaker.pk]),
    )

    assert list(programme.sessions.get().speaker_participants.all()) == [speaker]


def test_new_item_form_suggests_the_end_of_the_days_last_item(cast, programme):
    make_item(programme, day_offset=1, hour=13, minute=30, hours=3)

    response = client_for(cast["staff"]).get(
        reverse("visits:item_create", args=[programme.slug]) + "?day=2023-11-14"
    )

    html = response.content.decode()
    assert 'name="day" value="2023-11-14"' in html
    assert 'name="start_time" value="16:30"' in html
    assert 'name="end_time" value="17:30"' in html


def test_editing_the_time_or_place_bumps_the_revision(cast, programme):
    session = make_item(programme, title_en="Talk", hour=9)
    client = client_for(cast["staff"])
    url = reverse("visits:item_edit", args=[programme.slug, session.pk])

    client.post(
        url, item_data(title_en="Talk", day="2023-11-13", start_time="09:00", end_time="10:00")
    )
    session.refresh_from_db()
    assert session.revision == 0
    client.post(
        url,
        item_data(title_en="Talk, renamed", day="2023-11-13", start_time="09:00", end_time="10:00"),
    )
    session.refresh_from_db()
    assert (session.title_en, session.revision) == ("Talk, renamed", 0)
    client.post(
        url, item_data(title_en="Talk", day="2023-11-13", start_time="09:15", end_time="10:00")
    )
    session.refresh_from_db()
    assert session.revision == 1
    client.post(
        url,
        item_data(
            title_en="Talk", day="2023-11-13", start_time="09:15", end_time="10:00", room="Hall B"
        ),
    )
    session.refresh_from_db()
    assert session.revision == 2


# --- htmx fragments against whole pages ------------------------------------------------------


def test_item_form_is_a_fragment_for_htmx_and_a_page_otherwise(cast, programme):
    client = client_for(cast["staff"])
    url = reverse("visits:item_create", args=[programme.slug])

    page = client.get(url).content.decode()
    fragment = htmx(client).get(url)

    assert "<html" in page and 'aria-current="page">Timetable' in page
    assert 'hx-post="' not in page
    html = fragment.content.decode()
    assert "<html" not in html
    assert html.strip().startswith('<section class="card tt-editor"')
    assert f'hx-post="{url}"' in html
    assert fragment["Vary"].count("HX-Request") == 1


def test_htmx_save_returns_the_message_and_the_timetable_out_of_band(cast, programme):
    client = htmx(client_for(cast["staff"]))

    response = client.post(reverse("visits:item_create", args=[programme.slug]), item_data())

    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert "“Reading promotion in villages” was added on Tuesday 14 November, 08:30." in html
    assert '<div id="timetable-grid" hx-swap-oob="true">' in html
    assert html.count('class="tt-item ') == 1


def test_htmx_save_with_errors_returns_the_form_fragment(cast, programme):
    client = htmx(client_for(cast["staff"]))

    response = client.post(
        reverse("visits:item_create", args=[programme.slug]), item_data(title_en="")
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and "timetable-grid" not in html
    assert "This field is required." in html


# --- Move, duplicate a day, cancel, delete ---------------------------------------------------


def test_move_keeps_the_duration_and_shifts_the_transport(cast, programme):
    session = make_item(programme, hour=9, hours=2)
    session.departs_at = session.starts_at - timedelta(minutes=30)
    session.save()

    client_for(cast["staff"]).post(
        reverse("visits:item_move", args=[programme.slug, session.pk]),
        {"day": "2023-11-16", "start_time": "13:30"},
    )

    session.refresh_from_db()
    assert programme.to_local(session.starts_at) == at(programme, 3, 13, 30)
    assert programme.to_local(session.ends_at) == at(programme, 3, 15, 30)
    assert programme.to_local(session.departs_at) == at(programme, 3, 13, 0)
    assert session.revision == 1


def test_move_to_another_day_only_keeps_the_time(cast, programme):
    session = make_item(programme, hour=14, minute=15)

    client_for(cast["staff"]).post(
        reverse("visits:item_move", args=[programme.slug, session.pk]), {"day": "2023-11-17"}
    )

    session.refresh_from_db()
    assert programme.to_local(session.starts_at) == at(programme, 4, 14, 15)


def test_move_without_a_date_or_time_changes_nothing(cast, programme):
    session = make_item(programme)

    response = client_for(cast["staff"]).post(
        reverse("visits:item_move", args=[programme.slug, session.pk]), {}, follow=True
    )

    assert [str(m) for m in response.context["messages"]] == [
        "Give a new date, a new start time or both."
    ]
    session.refresh_from_db()
    assert session.revision == 0


def test_duplicate_day_copies_live_items_without_participants(cast, programme):
    site = SiteFactory()
    talk = make_item(programme, title_en="Talk", hour=9, minute=30, site=site, room="Hall")
    make_item(programme, title_en="Dropped", cancelled_at=timezone.now())
    make_item(programme, day_offset=1, title_en="Next day")
    AssignmentFactory(session=talk, participant=ParticipantFactory(programme=programme))

    response = client_for(cast["staff"]).post(
        reverse("visits:day_duplicate", args=[programme.slug, "2023-11-13"]),
        {"to_day": "2023-11-16"},
        follow=True,
    )

    assert [str(m) for m in response.context["messages"]] == [
        "1 item of Monday 13 November was copied to Thursday 16 November, without "
        "participants, groups or vehicles."
    ]
    copy = programme.sessions.get(starts_at=at(programme, 3, 9, 30))
    assert (copy.title_en, copy.site, copy.room) == ("Talk", site, "Hall")
    assert copy.ends_at - copy.starts_at == talk.ends_at - talk.starts_at
    assert copy.participants.count() == 0
    assert programme.sessions.count() == 4


def test_duplicate_day_refuses_a_day_outside_the_programme(cast, programme):
    make_item(programme)

    response = client_for(cast["staff"]).post(
        reverse("visits:day_duplicate", args=[programme.slug, "2023-11-13"]),
        {"to_day": "2023-11-30"},
        follow=True,
    )

    assert [str(m) for m in response.context["messages"]] == [
        "Choose another day of the programme to copy to."
    ]
    assert programme.sessions.count() == 1


def test_duplicate_an_empty_day_says_so(cast, programme):
    response = client_for(cast["staff"]).post(
        reverse("visits:day_duplicate", args=[programme.slug, "2023-11-14"]),
        {"to_day": "2023-11-15"},
        follow=True,
    )

    assert [str(m) for m in response.context["messages"]] == [
        "There is nothing to copy on Tuesday 14 November."
    ]


def test_duplicate_a_day_that_is_not_a_date_is_not_found(cast, programme):
    response = client_for(cast["staff"]).post(
        reverse("visits:day_duplicate", args=[programme.slug, "someday"]),
        {"to_day": "2023-11-15"},
    )
    assert response.status_code == 404
    assert not programme.sessions.exists()


def test_cancel_bumps_the_revision_and_restoring_undoes_it(cast, programme):
    session = make_item(programme, title_en="Talk")
    client = client_for(cast["staff"])
    url = reverse("visits:item_cancel", args=[programme.slug, session.pk])

    response = client.post(url, follow=True)
    session.refresh_from_db()
    assert session.is_cancelled and session.revision == 1
    assert [str(m) for m in response.context["messages"]] == [
        "“Talk” was cancelled; it stays on the timetable, struck through."
    ]
    client.post(url)
    session.refresh_from_db()
    assert not session.is_cancelled and session.revision == 2


def test_cancel_over_htmx_updates_the_timetable(cast, programme):
    session = make_item(programme, title_en="Talk")

    response = htmx(client_for(cast["staff"])).post(
        reverse("visits:item_cancel", args=[programme.slug, session.pk])
    )

    html = response.content.decode()
    assert 'hx-swap-oob="true"' in html
    assert 'class="tt-item kind-lecture is-cancelled"' in html


def test_delete_removes_the_item(cast, programme):
    session = make_item(programme, title_en="Talk")

    response = client_for(cast["staff"]).post(
        reverse("visits:item_delete", args=[programme.slug, session.pk]),
        {"confirmed": "1"},
        follow=True,
    )

    assert not Session.objects.filter(pk=session.pk).exists()
    assert [str(m) for m in response.context["messages"]] == ["“Talk” was deleted."]


def test_delete_is_refused_once_attendance_was_recorded(cast, programme):
    session = make_item(programme, title_en="Talk")
    AssignmentFactory(
        session=session, participant=ParticipantFactory(programme=programme), attended=True
    )

    response = client_for(cast["staff"]).post(
        reverse("visits:item_delete", args=[programme.slug, session.pk]), follow=True
    )

    assert Session.objects.filter(pk=session.pk).exists()
    assert [str(m) for m in response.context["messages"]] == [
        "“Talk” has attendance records and cannot be deleted; cancel it instead."
    ]


def test_agenda_pages_still_show_the_days(cast, programme):
    make_item(programme, day_offset=3, title_en="Site visit", site=SiteFactory(name="Rawa"))

    html = client_for(cast["staff"]).get(reverse("visits:agenda", args=[programme.slug]))

    assert "Thursday, 16 November 2023" in html.content.decode()

"""The delegate's own agenda on the phone: their items, now and next, home time zone."""

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from participants.models import Participant
from visits.feeds import entries_by_day, now_and_next, personal_agenda
from visits.models import Assignment, Session, SessionMaterial, Site, Vehicle, VisitGroup
from visits.services import toggle_cancelled

from ..conftest import client_for
from ..factories import (
    AssignmentFactory,
    ParticipantFactory,
    ProgrammeFactory,
    SessionFactory,
    SessionMaterialFactory,
    SiteFactory,
    VehicleFactory,
    VisitGroupFactory,
)


def participant_of(user, programme=None) -> Participant:
    participants = Participant.objects.filter(user=user)
    if programme is not None:
        participants = participants.filter(programme=programme)
    return participants.get()


def book(participant: Participant, session: Session, **fields) -> Assignment:
    return AssignmentFactory(participant=participant, session=session, **fields)


def agenda_of_size(programme, participant: Participant, size: int) -> list[Session]:
    """`size` items with a site, group, vehicle, speakers and a material each, in bulk."""
    site = SiteFactory(address="Jl. Salemba Raya 28A", latitude=Decimal("-6.19"))
    speaker = ParticipantFactory(programme=programme, full_name="Ana Speaker")
    start = programme.local_datetime(programme.start_date, 8)
    sessions = Session.objects.bulk_create(
        SessionFactory.build(
            programme=programme,
            kind=Session.Kind.SITE_VISIT if n % 3 == 0 else Session.Kind.LECTURE,
            title_en=f"Bulk item {n}",
            starts_at=start + timedelta(minutes=20 * n),
            ends_at=start + timedelta(minutes=20 * n + 15),
            site=site,
            room=f"Room {n}",
            speakers="Guest",
            departure_point="Lobby" if n % 3 == 0 else "",
            departs_at=start + timedelta(minutes=20 * n) if n % 3 == 0 else None,
        )
        for n in range(size)
    )
    groups = VisitGroup.objects.bulk_create(
        VisitGroupFactory.build(session=session, name="Group A", capacity=10)
        for session in sessions
    )
    vehicles = Vehicle.objects.bulk_create(
        VehicleFactory.build(session=session, name="Bus 1", seats=30) for session in sessions
    )
    Assignment.objects.bulk_create(
        AssignmentFactory.build(
            participant=participant, session=session, group=group, vehicle=vehicle
        )
        for session, group, vehicle in zip(sessions, groups, vehicles, strict=True)
    )
    SessionMaterial.objects.bulk_create(
        SessionMaterialFactory.build(
            session=session, title=f"Slides {n}", url="https://example.org/s.pdf"
        )
        for n, session in enumerate(sessions)
    )
    Session.speaker_participants.through.objects.bulk_create(
        Session.speaker_participants.through(session=session, participant=speaker)
        for session in sessions
    )
    return sessions


def test_my_agenda_lists_the_booked_items(cast, programme):
    delegate = participant_of(cast["delegate"])
    book(delegate, SessionFactory(programme=programme, title_en="Opening ceremony"))
    response = client_for(cast["delegate"]).get(reverse("visits:my_agenda"))
    assert "Opening ceremony" in response.content.decode()


def test_my_agenda_shows_only_the_delegates_own_items(cast, programme):
    mine = SessionFactory(programme=programme, title_en="Workshop for A")
    theirs = SessionFactory(programme=programme, title_en="Visit for B")
    book(participant_of(cast["delegate"]), mine)
    book(participant_of(cast["delegate_b"]), theirs)
    page = client_for(cast["delegate"]).get(reverse("visits:my_agenda")).content.decode()
    assert "Workshop for A" in page
    assert "Visit for B" not in page


def test_my_agenda_of_another_programme_is_404(cast, programme):
    other = ProgrammeFactory()
    ParticipantFactory(programme=other, user=cast["delegate_b"])
    SessionFactory(programme=other, title_en="Secret item")
    response = client_for(cast["delegate"]).get(
        reverse("visits:my_agenda"), {"programme": other.slug}
    )
    assert response.status_code == 404
    assert "Secret item" not in response.content.decode()


def test_my_agenda_chooses_among_the_delegates_programmes(cast, programme):
    earlier = ProgrammeFactory(start_date=programme.start_date - timedelta(days=400))
    old = ParticipantFactory(programme=earlier, user=cast["delegate"])
    book(old, SessionFactory(programme=earlier, title_en="Last year's visit"))
    book(participant_of(cast["delegate"], programme), SessionFactory(programme=programme))
    client = client_for(cast["delegate"])

    latest = client.get(reverse("visits:my_agenda")).content.decode()
    assert "Last year&#x27;s visit" not in latest
    chosen = client.get(reverse("visits:my_agenda"), {"programme": earlier.slug})
    assert chosen.status_code == 200
    assert "Last year&#x27;s visit" in chosen.content.decode()
    # The switcher links to both programmes by slug, never by participant id.
    assert f"?programme={earlier.slug}" in latest
    assert str(old.pk) not in reverse("visits:my_agenda")


def test_my_agenda_shows_place_logistics_speakers_and_materials(cast, programme):
    delegate = participant_of(cast["delegate"])
    site = SiteFactory(
        name="Perpustakaan Kota Bogor",
        address="Jl. Kapten Muslihat",
        city="Bogor",
        latitude=Decimal("-6.595"),
        longitude=Decimal("106.79"),
    )
    day = programme.start_date
    visit = SessionFactory(
        programme=programme,
        kind=Session.Kind.SITE_VISIT,
        title_en="Site visit: Bogor",
        site=site,
        room="Reading room",
        speakers="Head librarian",
        departure_point="Main lobby",
        departs_at=programme.local_datetime(day, 7, 45),
        starts_at=programme.local_datetime(day, 9),
        ends_at=programme.local_datetime(day, 12),
        returns_at=programme.local_datetime(day, 13, 30),
    )
    speaker = ParticipantFactory(programme=programme, full_name="Siti Rahma")
    visit.speaker_participants.add(speaker)
    material = SessionMaterialFactory(
        session=visit, title="Visit briefing", url="https://example.org/briefing.pdf"
    )
    group = VisitGroupFactory(session=visit, name="Group B", capacity=10)
    vehicle = VehicleFactory(session=visit, name="Bus 2", seats=30, plate="B 1 TPB")
    book(delegate, visit, group=group, vehicle=vehicle)

    page = client_for(cast["delegate"]).get(reverse("visits:my_agenda")).content.decode()
    site.refresh_from_db()
    assert "Perpustakaan Kota Bogor, Reading room" in page
    assert "Jl. Kapten Muslihat, Bogor" in page
    assert site.map_url.replace("&", "&amp;") in page
    assert "07:45, Main lobby" in page
    assert "13:30" in page
    assert "Group B" in page
    assert "Bus 2 (B 1 TPB)" in page
    assert "Head librarian; Siti Rahma" in page
    download = reverse("visits:material_download", args=[programme.slug, visit.pk, material.pk])
    assert f'href="{download}"' in page


def test_my_agenda_strikes_through_cancelled_items(cast, programme):
    delegate = participant_of(cast["delegate"])
    book(
        delegate,
        SessionFactory(programme=programme, title_en="Panel", cancelled_at=timezone.now()),
    )
    page = client_for(cast["delegate"]).get(reverse("visits:my_agenda")).content.decode()
    assert "<del>Panel</del>" in page
    assert "Cancelled" in page


def test_my_agenda_groups_items_by_day_in_the_programme_time_zone(cast, programme):
    delegate = participant_of(cast["delegate"])
    # 23:30 UTC on the 13th is 06:30 on the 14th in Jakarta.
    starts = datetime(2023, 11, 13, 23, 30, tzinfo=UTC)
    book(
        delegate,
        SessionFactory(programme=programme, starts_at=starts, ends_at=starts + timedelta(hours=1)),
    )
    page = client_for(cast["delegate"]).get(reverse("visits:my_agenda")).content.decode()
    assert "Tuesday, 14 November 2023" in page
    assert ">06:30</time>" in page


def test_now_and_next_with_a_frozen_clock(programme):
    delegate = ParticipantFactory(programme=programme)
    day = programme.start_date
    at = programme.local_datetime
    items = {
        "early": SessionFactory(programme=programme, starts_at=at(day, 8), ends_at=at(day, 9)),
        "running": SessionFactory(programme=programme, starts_at=at(day, 9), ends_at=at(day, 11)),
        "parallel": SessionFactory(programme=programme, starts_at=at(day, 10), ends_at=at(day, 12)),
        "cancelled": SessionFactory(
            programme=programme, starts_at=at(day, 11), ends_at=at(day, 12), cancelled_at=at(day, 7)
        ),
        "next_a": SessionFactory(programme=programme, starts_at=at(day, 13), ends_at=at(day, 14)),
        "next_b": SessionFactory(programme=programme, starts_at=at(day, 13), ends_at=at(day, 15)),
        "later": SessionFactory(programme=programme, starts_at=at(day, 16), ends_at=at(day, 17)),
    }
    for session in items.values():
        book(delegate, session)
    # Someone else's item at 12:00 is nobody's "next" here.
    book(
        ParticipantFactory(programme=programme),
        SessionFactory(programme=programme, starts_at=at(day, 12), ends_at=at(day, 13)),
    )
    names = {session.pk: name for name, session in items.items()}
    entries = personal_agenda(delegate)

    highlights = now_and_next(entries, now=at(day, 10, 30))
    assert [names[e.session.pk] for e in highlights.under_way] == ["running", "parallel"]
    # The cancelled item at 11:00 is skipped: next are the two items at 13:00.
    assert sorted(names[e.session.pk] for e in highlights.upcoming) == ["next_a", "next_b"]

    # Between items: nothing is on, the next one is.
    highlights = now_and_next(entries, now=at(day, 12, 30))
    assert highlights.under_way == []
    assert sorted(names[e.session.pk] for e in highlights.upcoming) == ["next_a", "next_b"]
    # Before the first item and after the last.
    before = now_and_next(entries, now=at(day, 7))
    assert (before.under_way, [names[e.session.pk] for e in before.upcoming]) == ([], ["early"])
    after = now_and_next(entries, now=at(day, 18))
    assert (after.under_way, after.upcoming) == ([], [])


def test_personal_agenda_reads_each_item_with_all_it_shows_in_three_queries(
    programme, django_assert_num_queries
):
    delegate = ParticipantFactory(programme=programme)
    site = SiteFactory(name="Perpusnas", city="Jakarta", latitude=Decimal("-6.18"))
    item = SessionFactory(programme=programme, title_en="Visit", site=site, room="Hall")
    item.speaker_participants.add(
        ParticipantFactory(programme=programme, full_name="Zed", full_name_latin=""),
        ParticipantFactory(programme=programme, full_name="Андрей", full_name_latin="Andrei"),
    )
    SessionMaterialFactory(session=item, title="Slides")
    SessionMaterialFactory(session=item, title="Handout")
    group = VisitGroupFactory(session=item, name="Group A", guide_name="Rina")
    vehicle = VehicleFactory(session=item, name="Bus 1", plate="B 1234 XY")
    book(delegate, item, group=group, vehicle=vehicle)
    later = item.ends_at + timedelta(hours=1)
    plain = SessionFactory(
        programme=programme, title_en="Plain", starts_at=later, ends_at=later + timedelta(hours=1)
    )
    book(delegate, plain)

    with django_assert_num_queries(3):
        visit, other = personal_agenda(delegate)

    assert (visit.session.pk, visit.session.title, visit.session.room) == (item.pk, "Visit", "Hall")
    assert (visit.session.site.name, visit.session.site.map_url) == ("Perpusnas", site.map_url)
    assert (visit.group.name, visit.group.guide_name) == ("Group A", "Rina")
    assert (visit.vehicle.name, visit.vehicle.plate) == ("Bus 1", "B 1234 XY")
    assert visit.speaker_names == ["Andrei (Андрей)", "Zed"]
    assert [material.title for material in visit.materials] == ["Handout", "Slides"]
    assert visit.session.get_kind_display() == item.get_kind_display()
    assert (other.session.site, other.group, other.vehicle) == (None, None, None)
    assert (other.speaker_names, other.materials) == ([], [])


def test_entries_by_day_uses_the_programme_time_zone(programme):
    delegate = ParticipantFactory(programme=programme)
    late = datetime(2023, 11, 13, 18, 0, tzinfo=UTC)  # 01:00 on the 14th in Jakarta
    book(delegate, SessionFactory(programme=programme, starts_at=late, ends_at=late + timedelta(1)))
    days = entries_by_day(programme, personal_agenda(delegate))
    assert [day.isoformat() for day, _entries in days] == ["2023-11-14"]


def test_my_agenda_highlights_what_is_on_now(cast):
    # A programme happening today, with one item under way and one to come.
    today = timezone.localdate(timezone=timezone.get_fixed_timezone(420))
    programme = ProgrammeFactory(start_date=today - timedelta(days=1))
    delegate = ParticipantFactory(programme=programme, user=cast["delegate"])
    now = timezone.now()
    running = SessionFactory(
        programme=programme,
        title_en="Under way",
        starts_at=now - timedelta(minutes=10),
        ends_at=now + timedelta(minutes=50),
    )
    coming = SessionFactory(
        programme=programme,
        title_en="Coming up",
        starts_at=now + timedelta(hours=2),
        ends_at=now + timedelta(hours=3),
    )
    book(delegate, running)
    book(delegate, coming)
    page = client_for(cast["delegate"]).get(reverse("visits:my_agenda")).content.decode()
    assert f'id="item-{running.pk}" class="item kind-lecture is-now" aria-current="time"' in page
    assert f'id="item-{coming.pk}" class="item kind-lecture is-next"' in page


def test_my_agenda_shows_home_times_when_asked(cast, programme):
    delegate = participant_of(cast["delegate"])
    delegate.home_time_zone = "Europe/Berlin"
    delegate.save()
    day = programme.start_date
    book(
        delegate,
        SessionFactory(
            programme=programme,
            starts_at=programme.local_datetime(day, 9),
            ends_at=programme.local_datetime(day, 10, 30),
        ),
    )
    client = client_for(cast["delegate"])
    plain = client.get(reverse("visits:my_agenda")).content.decode()
    assert "your time" not in plain
    # 09:00 in Jakarta (UTC+7) is 03:00 in Berlin (UTC+1) in November.
    home = client.get(reverse("visits:my_agenda"), {"tz": "home"}).content.decode()
    assert "Mon 03:00–04:30" in home
    assert "your time" in home


def test_home_time_zone_can_be_set_and_is_validated(cast, programme):
    client = client_for(cast["delegate"])
    url = reverse("visits:my_agenda") + "?tz=home"
    response = client.post(url, {"home_time_zone": "Asia/Tokyo"})
    assert response.status_code == 302
    assert response["Location"] == url
    assert participant_of(cast["delegate"]).home_time_zone == "Asia/Tokyo"

    response = client.post(url, {"home_time_zone": "Mars/Olympus_Mons"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert participant_of(cast["delegate"]).home_time_zone == "Asia/Tokyo"


def test_my_agenda_links_the_calendar_feed_when_there_is_one(cast, programme):
    delegate = participant_of(cast["delegate"])
    client = client_for(cast["delegate"])
    page = client.get(reverse("visits:my_agenda")).content.decode()
    assert 'type="text/calendar"' not in page
    assert f'href="{reverse("visits:calendar")}"' in page

    delegate.feed_token = "a-secret-token-for-the-feed-of-delegate-a"
    delegate.save()
    page = client.get(reverse("visits:my_agenda")).content.decode()
    feed = "http://testserver" + reverse("visits:feed", args=[delegate.feed_token])
    assert f'<link rel="alternate" type="text/calendar" title="{programme.short_name_en}' in page
    assert f'href="{feed}"' in page


@pytest.mark.parametrize("size", [10, 300])
def test_my_agenda_queries_do_not_grow_with_items(
    cast, programme, size, django_assert_max_num_queries
):
    delegate = participant_of(cast["delegate"])
    agenda_of_size(programme, delegate, size)
    client = client_for(cast["delegate"])
    # Queries: session, user, the user's memberships and participations (navigation); the
    # assignments with item, site, group and vehicle, the speakers, the materials; the
    # delegate's transfer runs.
    for _ in range(2):
        with django_assert_max_num_queries(4 + 4):
            response = client.get(reverse("visits:my_agenda"))
        assert response.content.decode().count('<li id="item-') == size


def test_my_agenda_shows_every_change_at_once(cast, programme):
    """Each change to what the page shows shows at once, whether written row by row (forms,
    services) or in bulk."""
    delegate = participant_of(cast["delegate"])
    (item,) = agenda_of_size(programme, delegate, 1)
    speaker = Participant.objects.get(full_name="Ana Speaker")
    client = client_for(cast["delegate"])

    def page() -> str:
        return client.get(reverse("visits:my_agenda")).content.decode()

    def rename_speaker() -> None:
        speaker.full_name = "Ana Pembicara"
        speaker.save()

    def retitle_item() -> None:
        item.refresh_from_db()
        item.title_en = "Retitled again"
        item.save()

    assert "Bulk item 0" in page()
    changes = [
        (lambda: Site.objects.filter(pk=item.site_id).update(name="Renamed library"), "Renamed"),
        (lambda: VisitGroup.objects.filter(session=item).update(name="Group Z"), "Group Z"),
        (lambda: Vehicle.objects.filter(session=item).update(plate="B 9 XYZ"), "B 9 XYZ"),
        (
            lambda: SessionMaterial.objects.filter(session=item).update(title="New slides"),
            "New slides",
        ),
        (lambda: Session.objects.filter(pk=item.pk).update(title_en="Retitled"), "Retitled"),
        (rename_speaker, "Ana Pembicara"),
        (retitle_item, "Retitled again"),
        (lambda: toggle_cancelled(item=Session.objects.get(pk=item.pk)), "<del>"),
        (
            lambda: SessionMaterialFactory(
                session=item, title="Handout", url="https://example.org/handout.pdf"
            ),
            "Handout",
        ),
    ]
    for change, shown in changes:
        assert shown not in page()
        change()
        assert shown in page()
    Assignment.objects.filter(participant=delegate).delete()
    assert "You have no agenda items yet." in page()


def test_my_agenda_keeps_its_now_and_next_right_as_time_passes(cast, programme, monkeypatch):
    """What is on now and next follows the clock."""
    delegate = participant_of(cast["delegate"])
    day = programme.start_date
    at = programme.local_datetime
    first = SessionFactory(programme=programme, starts_at=at(day, 9), ends_at=at(day, 10))
    second = SessionFactory(programme=programme, starts_at=at(day, 11), ends_at=at(day, 12))
    book(delegate, first)
    book(delegate, second)
    client = client_for(cast["delegate"])

    def page_at(moment: datetime) -> str:
        monkeypatch.setattr(timezone, "now", lambda: moment)
        return client.get(reverse("visits:my_agenda")).content.decode()

    def item(session: Session) -> str:
        return f'id="item-{session.pk}" class="item kind-lecture'

    page = page_at(at(day, 9, 30))
    assert item(first) + ' is-now"' in page
    assert item(second) + ' is-next"' in page
    # The first item has ended: nothing is on, the second is next.
    page = page_at(at(day, 10, 30))
    assert item(first) + '"' in page
    assert item(second) + ' is-next"' in page
    page = page_at(at(day, 11))
    assert item(first) + '"' in page
    assert item(second) + ' is-now"' in page
    page = page_at(at(day, 12))
    assert "is-now" not in page
    assert "is-next" not in page


DELEGATE_URLS = [
    "visits:my_agenda",
    "visits:calendar",
    "visits:programme_info",
    "participants:evaluation",
    "participants:my_profile",
]


@pytest.mark.parametrize("name", DELEGATE_URLS)
@pytest.mark.parametrize("method", ["get", "post"])
def test_delegate_pages_of_someone_elses_programme_are_404(cast, programme, name, method):
    other = ProgrammeFactory(dress_code="B's secret dress code")
    theirs = ParticipantFactory(
        programme=other, user=cast["delegate_b"], status="arrived", feed_token="b-secret"
    )
    book(theirs, SessionFactory(programme=other, title_en="B's secret item"))
    client = client_for(cast["delegate"])
    response = getattr(client, method)(reverse(name) + f"?programme={other.slug}")
    # The information page only reads: it refuses other methods before anything else.
    read_only = method == "post" and name == "visits:programme_info"
    assert response.status_code == (405 if read_only else 404)
    page = response.content.decode()
    assert "secret" not in page
    theirs.refresh_from_db()
    assert theirs.feed_token == "b-secret"


def test_delegate_links_carry_no_participant_id(cast, programme):
    delegate = participant_of(cast["delegate"])
    (item,) = agenda_of_size(programme, delegate, 1)
    client = client_for(cast["delegate"])
    for name in DELEGATE_URLS[:3]:
        page = client.get(reverse(name)).content.decode()
        for href in re.findall(r'href="(/me/[^"]*)"', page):
            assert str(delegate.pk) not in href, href


def test_my_agenda_links_only_the_delegates_own_materials(cast, programme):
    mine, theirs = (
        agenda_of_size(programme, participant_of(cast[name]), 1)[0]
        for name in ("delegate", "delegate_b")
    )
    page = client_for(cast["delegate"]).get(reverse("visits:my_agenda")).content.decode()
    assert f"/items/{mine.pk}/materials/" in page
    assert f"/items/{theirs.pk}/materials/" not in page


def test_each_agenda_page_carries_a_csrf_token_of_its_own(cast, programme):
    """Each response has a CSRF token of its own, and it is accepted."""
    book(participant_of(cast["delegate"]), SessionFactory(programme=programme))
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast["delegate"])

    def token_on_page() -> str:
        page = client.get(reverse("visits:my_agenda")).content.decode()
        tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page))
        assert len(tokens) == 1
        return tokens.pop()

    first, second = token_on_page(), token_on_page()
    # Tokens are masked afresh for every response, and each one is accepted.
    assert first != second
    response = client.post(
        reverse("set_language"), {"language": "id", "next": "/", "csrfmiddlewaretoken": second}
    )
    assert response.status_code == 302


def test_my_agenda_shows_a_message_once(cast, programme):
    client = client_for(cast["delegate"])
    url = reverse("visits:my_agenda") + "?tz=home"
    client.post(url, {"home_time_zone": "Asia/Tokyo"})
    assert "Your home time zone has been saved." in client.get(url).content.decode()
    assert "Your home time zone has been saved." not in client.get(url).content.decode()


def test_my_agenda_shows_changes_around_the_agenda_at_once(cast, programme):
    """Besides the agenda, the page shows the programme, the navigation and the language."""
    book(participant_of(cast["delegate"]), SessionFactory(programme=programme))
    client = client_for(cast["delegate"])

    def page() -> str:
        return client.get(reverse("visits:my_agenda")).content.decode()

    assert "Administration" not in page()
    type(programme).objects.filter(pk=programme.pk).update(title_en="Renamed programme")
    assert "Renamed programme" in page()
    type(cast["delegate"]).objects.filter(pk=cast["delegate"].pk).update(is_superuser=True)
    assert "Administration" in page()
    client.post(reverse("set_language"), {"language": "id", "next": "/"})
    assert '<html lang="id">' in page()


def _overlap_notes(page: str) -> dict[str, str]:
    """Each item's title → the text of its overlap note, tags stripped."""
    notes = {}
    for item in re.findall(r'<li id="item-\d+".*?</li>', page, re.S):
        title = re.search(r"<h3>(.*?)</h3>", item).group(1)
        if note := re.search(r'<p class="overlap">(.*?)</p>', item):
            notes[title] = re.sub(r"<[^>]+>", "", note.group(1))
    return notes


def test_my_agenda_marks_items_that_overlap(cast, programme):
    delegate = participant_of(cast["delegate"])
    day = programme.start_date

    def item(title: str, start: tuple[int, int], end: tuple[int, int], **fields) -> Session:
        session = SessionFactory(
            programme=programme,
            title_en=title,
            starts_at=programme.local_datetime(day, *start),
            ends_at=programme.local_datetime(day, *end),
            **fields,
        )
        book(delegate, session)
        return session

    tour = item("Library tour", (9, 0), (11, 0))
    talk = item("Talk", (10, 0), (10, 45))
    item("Lunch", (11, 0), (12, 0))  # starts as the tour ends
    item("Called off", (9, 30), (10, 0), cancelled_at=timezone.now())
    page = client_for(cast["delegate"]).get(reverse("visits:my_agenda")).content.decode()
    assert _overlap_notes(page) == {
        "Library tour": "Overlaps with Talk (10:00–10:45).",
        "Talk": "Overlaps with Library tour (09:00–11:00).",
    }
    assert f'<a href="#item-{talk.pk}">Talk</a>' in page
    assert f'<a href="#item-{tour.pk}">Library tour</a>' in page
    assert "style=" not in page

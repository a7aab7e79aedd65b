"""The personal calendar feed: a valid RFC 5545 calendar behind a secret, revocable link."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from visits.models import Session, Site

from ..conftest import client_for
from ..factories import ParticipantFactory, ProgrammeFactory, SessionFactory, SiteFactory
from .test_delegate_agenda import agenda_of_size, book, participant_of

TOKEN = "a-secret-token-for-the-feed-of-delegate-a"


def feed_url(token: str) -> str:
    return reverse("visits:feed", args=[token])


def parsed(response) -> Calendar:
    assert response.status_code == 200
    return Calendar.from_ical(response.content)


def events_of(calendar: Calendar) -> dict[str, object]:
    return {str(event["SUMMARY"]): event for event in calendar.walk("VEVENT")}


@pytest.fixture
def delegate(cast, programme):
    participant = participant_of(cast["delegate"])
    participant.feed_token = TOKEN
    participant.save()
    return participant


def test_feed_is_a_valid_calendar_with_the_programme_time_zone(client, delegate, programme):
    site = SiteFactory(
        name="Perpustakaan Jakarta",
        address="Jl. Cikini Raya No. 73",
        city="Jakarta Pusat",
        latitude=Decimal("-6.19"),
        longitude=Decimal("106.84"),
    )
    day = programme.start_date
    visit = SessionFactory(
        programme=programme,
        kind=Session.Kind.SITE_VISIT,
        title_en="Site visit: Jakarta provincial library",
        title_local="Kunjungan: Perpustakaan Jakarta",
        site=site,
        room="Hall",
        speakers="Head of services",
        departure_point="Main lobby",
        departs_at=programme.local_datetime(day, 12, 45),
        starts_at=programme.local_datetime(day, 13, 30),
        ends_at=programme.local_datetime(day, 16, 30),
        returns_at=programme.local_datetime(day, 17),
    )
    book(delegate, visit)

    response = client.get(feed_url(TOKEN))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "private, max-age=300"
    assert b"\r\n" in response.content
    calendar = parsed(response)
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["PRODID"]) == "-//TPBIS//Personal agenda//EN"
    assert str(calendar["CALSCALE"]) == "GREGORIAN"
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert str(calendar["X-WR-CALNAME"]) == f"{programme.short_name_en} – my agenda"
    assert str(calendar["X-WR-TIMEZONE"]) == "Asia/Jakarta"
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Asia/Jakarta"]

    (event,) = calendar.walk("VEVENT")
    assert str(event["UID"]) == f"session-{visit.pk}@testserver"
    assert str(event["SUMMARY"]) == "Site visit: Jakarta provincial library"
    assert event["DTSTART"].params["TZID"] == "Asia/Jakarta"
    assert event.decoded("DTSTART") == visit.starts_at
    assert event.decoded("DTSTART").strftime("%H:%M") == "13:30"
    assert event.decoded("DTEND") == visit.ends_at
    assert str(event["LOCATION"]) == (
        "Perpustakaan Jakarta, Hall, Jl. Cikini Raya No. 73, Jakarta Pusat"
    )
    description = str(event["DESCRIPTION"])
    assert "Bahasa Indonesia: Kunjungan: Perpustakaan Jakarta" in description
    assert "Speakers: Head of services" in description
    assert "Departure: Main lobby at 12:45" in description
    assert "Return: 17:00" in description
    assert (event["GEO"].latitude, event["GEO"].longitude) == (-6.19, 106.84)
    assert str(event["STATUS"]) == "CONFIRMED"
    assert event["SEQUENCE"] == 0
    assert event.decoded("LAST-MODIFIED") == visit.updated_at.replace(microsecond=0)
    assert "DTSTAMP" in event


def test_feed_keeps_the_uid_and_raises_the_sequence_when_an_item_moves(client, delegate, programme):
    item = SessionFactory(programme=programme, title_en="Workshop")
    book(delegate, item)
    before = events_of(parsed(client.get(feed_url(TOKEN))))["Workshop"]

    item.starts_at += timedelta(hours=2)
    item.ends_at += timedelta(hours=2)
    item.revision += 1
    item.save()
    after = events_of(parsed(client.get(feed_url(TOKEN))))["Workshop"]

    assert str(after["UID"]) == str(before["UID"])
    assert (before["SEQUENCE"], after["SEQUENCE"]) == (0, 1)
    assert after.decoded("DTSTART") - before.decoded("DTSTART") == timedelta(hours=2)


def test_feed_keeps_cancelled_items_marked_cancelled(client, delegate, programme):
    book(delegate, SessionFactory(programme=programme, title_en="Kept"))
    book(
        delegate,
        SessionFactory(programme=programme, title_en="Dropped", cancelled_at=timezone.now()),
    )
    events = events_of(parsed(client.get(feed_url(TOKEN))))
    assert sorted(events) == ["Cancelled: Dropped", "Kept"]
    assert str(events["Cancelled: Dropped"]["STATUS"]) == "CANCELLED"
    assert str(events["Kept"]["STATUS"]) == "CONFIRMED"


def test_feed_holds_only_the_token_owners_items(client, cast, delegate, programme):
    book(delegate, SessionFactory(programme=programme, title_en="Mine"))
    book(participant_of(cast["delegate_b"]), SessionFactory(programme=programme, title_en="B's"))
    assert list(events_of(parsed(client.get(feed_url(TOKEN))))) == ["Mine"]


def test_feed_needs_only_the_token(cast, delegate, programme):
    """The token is the only key: whoever holds it reads the feed, nobody reads one without."""
    book(delegate, SessionFactory(programme=programme, title_en="Opening"))
    client = Client()
    assert list(events_of(parsed(client.get(feed_url(TOKEN))))) == ["Opening"]
    assert client.get(feed_url("not-" + TOKEN)).status_code == 404


@pytest.mark.parametrize("token", ["", "unknown-token", TOKEN.upper(), TOKEN[:-1]])
def test_feed_with_an_unknown_token_is_404(client, delegate, token):
    url = feed_url(token) if token else "/calendar/.ics"
    response = client.get(url)
    assert response.status_code == 404
    assert not response["Content-Type"].startswith("text/calendar")


def test_feed_answers_not_modified_until_the_agenda_changes(client, delegate, programme):
    item = SessionFactory(programme=programme, title_en="Workshop")
    book(delegate, item)
    first = client.get(feed_url(TOKEN))
    etag = first["ETag"]
    again = client.get(feed_url(TOKEN), headers={"if-none-match": etag})
    assert (again.status_code, again.content, again["ETag"]) == (304, b"", etag)

    item.room = "Room 2"
    item.save()
    changed = client.get(feed_url(TOKEN), headers={"if-none-match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert "Room 2" in str(parsed(changed).walk("VEVENT")[0]["LOCATION"])


def test_feed_answers_head_requests(client, delegate):
    response = client.head(feed_url(TOKEN))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert client.post(feed_url(TOKEN)).status_code == 405


def test_feed_needs_no_login_and_sets_no_cookie(client, delegate):
    response = client.get(feed_url(TOKEN))
    assert response.status_code == 200
    assert response.cookies == {}


@pytest.mark.parametrize("size", [10, 300])
def test_feed_queries_do_not_grow_with_items(
    client, delegate, programme, size, django_assert_max_num_queries
):
    agenda_of_size(programme, delegate, size)
    # Queries: the feed's owner with its validator (on every request, so that a replaced
    # token stops working at once); the participant with the programme; the assignments
    # with item, site, group and vehicle; the speakers.
    with django_assert_max_num_queries(2 + 2):
        response = client.get(feed_url(TOKEN))
    assert len(parsed(response).walk("VEVENT")) == size
    # A calendar app that sends the ETag back: the first query alone.
    with django_assert_max_num_queries(1):
        again = client.get(feed_url(TOKEN), headers={"if-none-match": response["ETag"]})
    assert again.status_code == 304


def test_feed_shows_every_change_at_once(client, delegate, programme):
    (item,) = agenda_of_size(programme, delegate, 1)
    first = client.get(feed_url(TOKEN))
    assert events_of(parsed(first)).keys() == {"Bulk item 0"}
    # Writes in bulk set `updated_at`, as saves do.
    Site.objects.filter(pk=item.site_id).update(name="Renamed library", updated_at=timezone.now())
    second = client.get(feed_url(TOKEN), headers={"if-none-match": first["ETag"]})
    (event,) = parsed(second).walk("VEVENT")
    assert str(event["LOCATION"]).startswith("Renamed library")
    Session.objects.filter(pk=item.pk).update(
        cancelled_at=timezone.now(), updated_at=timezone.now()
    )
    third = client.get(feed_url(TOKEN), headers={"if-none-match": second["ETag"]})
    (event,) = parsed(third).walk("VEVENT")
    assert str(event["STATUS"]) == "CANCELLED"


def test_feed_is_folded_as_icalendar_folds_it(client, delegate, programme):
    """Long lines, multi-byte characters included, are folded to 75 octets, exactly as
    `icalendar` folds them."""
    item = SessionFactory(
        programme=programme,
        title_en="Literasi " * 20,
        description_en="Perpustakaan desa — taman bacaan, “ruang publik” · " * 12,
        description_local="Ä" * 100 + "\\;,",
    )
    book(delegate, item)
    body = client.get(feed_url(TOKEN)).content
    lines = body.split(b"\r\n")
    assert lines[-1] == b""
    assert max(len(line) for line in lines) <= 75
    calendar = Calendar.from_ical(body)
    assert calendar.to_ical(sorted=False) == body
    (event,) = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Literasi " * 20
    assert str(event["DESCRIPTION"]).count("Perpustakaan desa") == 12


def test_calendar_page_offers_a_link(cast, programme):
    response = client_for(cast["delegate"]).get(reverse("visits:calendar"))
    assert "Create link" in response.content.decode()


def test_calendar_page_creates_a_link_and_shows_it(cast, programme):
    client = client_for(cast["delegate"])
    response = client.post(reverse("visits:calendar"))
    assert response.status_code == 302
    assert response["Location"] == reverse("visits:calendar")
    token = participant_of(cast["delegate"]).feed_token
    assert len(token) >= 43

    page = client.get(reverse("visits:calendar")).content.decode()
    assert f'value="http://testserver{feed_url(token)}"' in page
    assert f'value="webcal://testserver{feed_url(token)}"' in page
    assert "Revoke and create a new link" in page
    for client_name in ("Google Calendar", "Apple Calendar", "Outlook"):
        assert client_name in page


def test_revoking_the_link_stops_the_old_one_at_once(cast, delegate, programme):
    client = client_for(cast["delegate"])
    assert client.get(feed_url(TOKEN)).status_code == 200
    response = client.post(reverse("visits:calendar"))
    assert response.status_code == 302
    new_token = participant_of(cast["delegate"]).feed_token
    assert new_token != TOKEN
    assert client.get(feed_url(TOKEN)).status_code == 404
    assert client.get(feed_url(new_token)).status_code == 200


def test_revoking_replaces_only_the_chosen_programmes_link(cast, delegate, programme):
    other = ProgrammeFactory(start_date=programme.start_date - timedelta(days=400))
    old = ParticipantFactory(programme=other, user=cast["delegate"], feed_token="old-programme")
    client_for(cast["delegate"]).post(reverse("visits:calendar") + f"?programme={other.slug}")
    old.refresh_from_db()
    delegate.refresh_from_db()
    assert old.feed_token != "old-programme"
    assert delegate.feed_token == TOKEN


def test_calendar_of_someone_elses_programme_is_404(cast, delegate):
    other = ProgrammeFactory()
    ParticipantFactory(programme=other, user=cast["delegate_b"], feed_token="b-token-secret")
    client = client_for(cast["delegate"])
    url = reverse("visits:calendar") + f"?programme={other.slug}"
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert participant_of(cast["delegate_b"], other).feed_token == "b-token-secret"


def test_calendar_page_refuses_other_methods(cast, programme):
    assert client_for(cast["delegate"]).put(reverse("visits:calendar")).status_code == 405
    assert participant_of(cast["delegate"]).feed_token is None

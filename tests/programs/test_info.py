"""Practical information and announcements: organisers write them, delegates read them."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from participants.models import Participant
from programs.models import Announcement
from visits.delegate_views import linkify

from ..conftest import client_for
from ..factories import AnnouncementFactory, ParticipantFactory, ProgrammeFactory

INFO = {
    "venue_details": "Perpustakaan Nasional RI\nJl. Medan Merdeka Selatan No. 11",
    "hotel_details": "Hotel Sample, check-in from 14:00\nhttps://hotel.example.org/booking",
    "contacts": "Secretariat: +62 21 0000 0100\nsecretariat@example.org",
    "emergency_numbers": "Police 110\nAmbulance 118 / 119",
    "dress_code": "Smart casual <b>please</b>",
}


def announce(programme, title: str, **fields) -> Announcement:
    return AnnouncementFactory(programme=programme, title=title, **fields)


@pytest.mark.parametrize("role", ["organiser", "admin"])
def test_info_edit_saves_the_practical_information(cast, programme, role):
    url = reverse("programs:info_edit", args=[programme.slug])
    response = client_for(cast[role]).post(url, INFO)
    programme.refresh_from_db()
    assert response["Location"] == url
    assert {field: getattr(programme, field) for field in INFO} == INFO


@pytest.mark.parametrize("role", ["staff", "organiser", "admin"])
def test_announcements_list_offers_the_form_to_managers_only(cast, programme, role):
    announce(programme, "Bus leaves at 08:30")
    response = client_for(cast[role]).get(reverse("programs:announcements", args=[programme.slug]))
    page = response.content.decode()
    assert "Bus leaves at 08:30" in page
    assert ("New announcement" in page) == (role != "staff")


@pytest.mark.parametrize("role", ["organiser", "admin"])
def test_announcement_create_records_its_author(cast, programme, role):
    url = reverse("programs:announcements", args=[programme.slug])
    response = client_for(cast[role]).post(url, {"title": "Rain plan", "body": "Bring umbrellas"})
    created = list(programme.announcements.values_list("title", "body", "created_by"))
    assert response.status_code == 302
    assert created == [("Rain plan", "Bring umbrellas", cast[role].pk)]


def test_announcement_needs_a_title_and_a_message(cast, programme):
    url = reverse("programs:announcements", args=[programme.slug])
    response = client_for(cast["organiser"]).post(url, {"title": "", "body": ""})
    assert response.status_code == 200
    assert response.content.decode().count("This field is required.") == 2
    assert not programme.announcements.exists()


@pytest.mark.parametrize("role", ["organiser", "admin"])
def test_announcement_edit_saves(cast, programme, role):
    announcement = announce(programme, "Old title")
    url = reverse("programs:announcement_edit", args=[programme.slug, announcement.pk])
    response = client_for(cast[role]).post(url, {"title": "New title", "body": "New text"})
    announcement.refresh_from_db()
    assert response["Location"] == reverse("programs:announcements", args=[programme.slug])
    assert (announcement.title, announcement.body) == ("New title", "New text")


@pytest.mark.parametrize("role", ["organiser", "admin"])
def test_announcement_delete_deletes_it(cast, programme, role):
    announcement = announce(programme, "Going away")
    url = reverse("programs:announcement_delete", args=[programme.slug, announcement.pk])
    response = client_for(cast[role]).post(url, {"confirmed": "1"})
    assert response.status_code == 302
    assert not Announcement.objects.filter(pk=announcement.pk).exists()


def test_announcement_of_another_programme_is_404(cast, programme):
    elsewhere = announce(ProgrammeFactory(), "Elsewhere")
    client = client_for(cast["organiser"])
    edit = reverse("programs:announcement_edit", args=[programme.slug, elsewhere.pk])
    delete = reverse("programs:announcement_delete", args=[programme.slug, elsewhere.pk])
    assert client.get(edit).status_code == 404
    assert client.post(delete).status_code == 404
    assert Announcement.objects.filter(pk=elsewhere.pk).exists()


@pytest.mark.parametrize("size", [10, 500])
def test_announcements_queries_do_not_grow(cast, programme, size, django_assert_max_num_queries):
    Announcement.objects.bulk_create(
        AnnouncementFactory.build_batch(size, programme=programme, created_by=cast["admin"])
    )
    client = client_for(cast["organiser"])
    # Queries: session, user, programme, membership (role), memberships and participations
    # (navigation), the announcements with their authors.
    with django_assert_max_num_queries(7):
        response = client.get(reverse("programs:announcements", args=[programme.slug]))
    assert response.content.decode().count('<article class="card announcement">') == size


def test_programme_info_shows_practical_information_with_tappable_links(cast, programme):
    for field, value in INFO.items():
        setattr(programme, field, value)
    programme.save()
    page = client_for(cast["delegate"]).get(reverse("visits:programme_info")).content.decode()
    assert "Perpustakaan Nasional RI<br>\nJl. Medan Merdeka Selatan No. 11" in page
    assert '<a href="tel:+622100000100">+62 21 0000 0100</a>' in page
    assert '<a href="mailto:secretariat@example.org">secretariat@example.org</a>' in page
    assert (
        '<a href="https://hotel.example.org/booking" rel="nofollow">'
        "https://hotel.example.org/booking</a>" in page
    )
    assert 'Police <a href="tel:110">110</a>' in page
    assert 'Ambulance <a href="tel:118">118</a> / <a href="tel:119">119</a>' in page
    # Organisers' text is never HTML.
    assert "Smart casual &lt;b&gt;please&lt;/b&gt;" in page
    for link in ("visits:my_agenda", "visits:calendar", "participants:evaluation"):
        assert f'href="{reverse(link)}"' in page
    assert f'href="{reverse("participants:my_profile")}"' in page


def test_programme_info_lists_published_announcements_newest_first(cast, programme):
    now = timezone.now()
    announce(programme, "Older", published_at=now - timedelta(days=2))
    announce(programme, "Newer", published_at=now - timedelta(hours=1))
    announce(programme, "Scheduled", published_at=now + timedelta(days=1))
    announce(ProgrammeFactory(), "Other programme")
    page = client_for(cast["delegate"]).get(reverse("visits:programme_info")).content.decode()
    assert page.index("Newer") < page.index("Older")
    assert "Scheduled" not in page
    assert "Other programme" not in page


def test_programme_info_of_another_programme_is_404(cast, programme):
    other = ProgrammeFactory(dress_code="Secret dress code")
    ParticipantFactory(programme=other, user=cast["delegate_b"])
    response = client_for(cast["delegate"]).get(
        reverse("visits:programme_info"), {"programme": other.slug}
    )
    assert response.status_code == 404
    assert "Secret dress code" not in response.content.decode()


def test_programme_info_for_a_second_programme_of_the_delegate(cast, programme):
    other = ProgrammeFactory(dress_code="Batik on Friday")
    ParticipantFactory(programme=other, user=cast["delegate"])
    assert Participant.objects.filter(user=cast["delegate"]).count() == 2
    response = client_for(cast["delegate"]).get(
        reverse("visits:programme_info"), {"programme": other.slug}
    )
    assert "Batik on Friday" in response.content.decode()


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("Call 0812-3456-7890 now", 'Call <a href="tel:081234567890">0812-3456-7890</a> now'),
        ("(021) 555 1234", '<a href="tel:0215551234">(021) 555 1234</a>'),
        # Dates, years and times stay text outside the emergency list.
        ("From 2023-11-13 at 08:00, room 112", "From 2023-11-13 at 08:00, room 112"),
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("a\nb", "a<br>\nb"),
        (
            "See www.example.org/12345678",
            # Django's urlize links a bare "www." address with http.
            'See <a href="http://www.example.org/12345678" rel="nofollow">'
            "www.example.org/12345678</a>",
        ),
    ],
)
def test_linkify(text, html):
    assert linkify(text) == html


def test_linkify_short_numbers_only_in_emergency_lists():
    assert linkify("Police 110") == "Police 110"
    assert linkify("Police 110", short_numbers=True) == 'Police <a href="tel:110">110</a>'

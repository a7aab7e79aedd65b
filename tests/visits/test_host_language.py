"""Agenda items in English and in the programme's own language."""

import pytest
from django.urls import reverse
from django.utils import translation

from visits.feeds import personal_agenda

from ..conftest import client_for
from ..factories import SessionFactory
from .test_delegate_agenda import book, participant_of
from .test_feed import TOKEN, feed_url

SINHALA = "පුස්තකාල චාරිකාව"


@pytest.fixture
def item(programme):
    programme.content_language = "si"
    programme.save()
    return SessionFactory(programme=programme, title_en="Library visit", title_local=SINHALA)


def test_the_item_page_names_the_programmes_language(cast, programme, item):
    url = reverse("visits:item_detail", args=[programme.slug, item.pk])
    page = client_for(cast["organiser"]).get(url).content.decode()
    assert "Title in Sinhala" in page
    assert f'<dd lang="si">{SINHALA}</dd>' in page
    assert "Indonesian" not in page


def test_the_agenda_shows_the_local_title_only_in_its_language(cast, programme, item):
    participant = participant_of(cast["delegate"])
    book(participant, item)
    (entry,) = personal_agenda(participant)
    with translation.override("si"):
        assert entry.session.title == SINHALA
    with translation.override("id"):
        assert entry.session.title == "Library visit"
    with translation.override("si"):
        assert item.title == SINHALA


def test_the_calendar_feed_names_the_language_in_its_own_words(client, cast, programme, item):
    participant = participant_of(cast["delegate"])
    participant.feed_token = TOKEN
    participant.save()
    book(participant, item)
    feed = client.get(feed_url(TOKEN)).content.decode()
    assert f"සිංහල: {SINHALA}" in feed.replace("\r\n ", "")

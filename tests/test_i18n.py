"""Every visible string of every page exists in Indonesian."""

from html.parser import HTMLParser

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

CATALOGUE = settings.BASE_DIR / "locale" / "id" / "LC_MESSAGES" / "django.po"


def catalogue():
    with open(CATALOGUE, "rb") as po:
        return read_po(po)


def english_strings_that_change() -> set[str]:
    """Our msgids whose Indonesian text differs: none may appear on an Indonesian page."""
    strings = set()
    for message in catalogue():
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        translations = message.string if isinstance(message.string, tuple) else (message.string,)
        for english in ids:
            if "%(" not in english and english not in translations:
                strings.add(english)
    return strings


class VisibleText(HTMLParser):
    ATTRIBUTES = {"aria-label", "placeholder", "alt", "title"}

    def __init__(self) -> None:
        super().__init__()
        self.texts: set[str] = set()
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style"}:
            self._skip += 1
        for name, value in attrs:
            if name in self.ATTRIBUTES and value:
                self.texts.add(value.strip())

    def handle_endtag(self, tag):
        if tag in {"script", "style"}:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.texts.add(" ".join(data.split()))


def visible_texts(html: str) -> set[str]:
    parser = VisibleText()
    parser.feed(html)
    return parser.texts


def test_catalogue_is_complete():
    messages = [m for m in catalogue() if m.id]
    untranslated = [
        m.id for m in messages if not all(m.string if isinstance(m.string, tuple) else [m.string])
    ]
    fuzzy = [m.id for m in messages if m.fuzzy]
    assert messages
    assert untranslated == []
    assert fuzzy == []


PAGES = [
    # (user e-mail or None, url name, needs the programme slug)
    (None, "account_login", False),
    (None, "account_request_login_code", False),
    (None, "account_reset_password", False),
    ("admin@example.org", "home", False),
    ("admin@example.org", "programs:detail", True),
    ("admin@example.org", "participants:list", True),
    ("admin@example.org", "visits:agenda", True),
    ("admin@example.org", "reports:list", True),
    ("organiser@example.org", "home", False),
    ("staff@example.org", "visits:agenda", True),
    ("delegate@example.org", "home", False),
    ("delegate@example.org", "visits:my_agenda", False),
    ("delegate@example.org", "account_email", False),
    ("delegate@example.org", "account_change_password", False),
    ("delegate@example.org", "mfa_index", False),
]


@pytest.fixture
def demo(db, settings, tmp_path):
    # The demo's nominations store their documents.
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("loaddemo", stdout=open("/dev/null", "w"))  # noqa: SIM115


@pytest.mark.parametrize(("email", "url_name", "with_slug"), PAGES)
def test_page_is_fully_indonesian(demo, email, url_name, with_slug):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "id"
    if email:
        client.force_login(get_user_model().objects.get(email=email))
    url = reverse(url_name, args=["tpbis-2023"] if with_slug else [])
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="id">' in html
    leftovers = visible_texts(html) & english_strings_that_change()
    assert leftovers == set()


def test_language_switcher_switches_to_indonesian(demo):
    client = Client()
    client.force_login(get_user_model().objects.get(email="delegate@example.org"))
    response = client.post(
        reverse("set_language"), {"language": "id", "next": reverse("visits:my_agenda")}
    )
    assert response.status_code == 302
    page = client.get(reverse("visits:my_agenda")).content.decode()
    assert "Agenda saya" in page
    assert "Kamis, 16 November 2023" in page

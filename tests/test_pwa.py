"""The installable app: manifest, service worker, the pages kept offline and what they cost."""

import gzip
import io
import json
import re
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from PIL import Image

from programs.offline import OFFLINE_HEADER

from .conftest import client_for
from .factories import AnnouncementFactory, CertificateFactory

KEPT_PAGES = [
    "visits:my_agenda",
    "visits:programme_info",
    "reports:my_badge",
    "reports:my_certificate",
]


def static_path(url: str) -> Path:
    found = finders.find(url.removeprefix("/" + settings.STATIC_URL.strip("/") + "/"))
    assert found, url
    return Path(found)


def test_service_worker_is_served_from_the_root_and_always_checked_for_updates(db):
    response = Client().get("/sw.js")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Cache-Control"] == "no-cache"
    assert response["Service-Worker-Allowed"] == "/"
    body = response.content.decode()
    first_line, source = body.split("\n", 1)
    config = json.loads(first_line.removeprefix("const CONFIG = ").removesuffix(";"))
    assert config["offlinePage"] == "/offline/"
    assert config["staticPrefix"] == "/static/"
    assert config["precache"][0] == "/offline/"
    # Every file it stores on installation exists.
    assert [static_path(url).is_file() for url in config["precache"][1:]] == [True] * 4
    assert source == static_path("/static/js/sw.js").read_text()
    # Anonymous, no personal data: not marked private.
    assert "no-store" not in response["Cache-Control"]


def test_manifest_names_the_app_and_its_icons_exist_at_their_size(db):
    response = Client().get("/manifest.webmanifest")

    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert {key: manifest[key] for key in ("name", "short_name", "start_url", "display")} == {
        "name": "TPBIS programmes",
        "short_name": "TPBIS",
        "start_url": "/",
        "display": "standalone",
    }
    # The colour of the header bar.
    assert f"--brand: {manifest['theme_color']};" in static_path("/static/css/app.css").read_text()
    icons = [
        (icon["sizes"], icon["purpose"], Image.open(static_path(icon["src"])).size)
        for icon in manifest["icons"]
    ]
    assert icons == [
        ("192x192", "any", (192, 192)),
        ("512x512", "any", (512, 512)),
        ("192x192", "maskable", (192, 192)),
        ("512x512", "maskable", (512, 512)),
    ]


def test_manifest_speaks_the_language_of_the_interface(db):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "id"
    manifest = json.loads(client.get("/manifest.webmanifest").content)
    assert manifest["lang"] == "id"
    assert manifest["name"] == "Program TPBIS"


def test_every_page_links_the_manifest_and_loads_the_service_worker_script(cast):
    html = client_for(cast["staff"]).get("/").content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert 'data-service-worker="/sw.js" defer></script>' in html


def test_delegate_pages_are_kept_offline_and_revalidated_by_the_browser(cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = client_for(cast["delegate"])

    for name in KEPT_PAGES:
        response = client.get(reverse(name))
        assert (name, response.status_code, response[OFFLINE_HEADER]) == (name, 200, "keep")
        assert response["Cache-Control"] == "private, no-cache, max-age=0"
        assert re.fullmatch(r'"[0-9a-f]{32}"', response["ETag"])

    # The certificate itself, once issued.
    CertificateFactory(
        participant=cast["delegate"].participations.get(),
        file=ContentFile(b"%PDF-1.4 certificate", name="certificate.pdf"),
    )
    response = client.get(reverse("reports:my_certificate"))
    assert response["Content-Type"] == "application/pdf"
    assert response[OFFLINE_HEADER] == "keep"
    assert b"".join(response.streaming_content) == b"%PDF-1.4 certificate"


def test_other_pages_are_not_kept_and_not_stored(cast):
    client = client_for(cast["delegate"])
    for url in ["/", reverse("visits:calendar"), reverse("participants:my_profile"), "/offline/"]:
        response = client.get(url)
        assert (url, response.has_header(OFFLINE_HEADER)) == (url, False)
        assert "no-store" in response["Cache-Control"]
    # A team member's agenda page of the programme is not kept either.
    response = client_for(cast["organiser"]).get(reverse("visits:my_agenda"))
    assert response.status_code == 404
    assert not response.has_header(OFFLINE_HEADER)


def test_unchanged_kept_page_answers_not_modified(cast, programme):
    client = client_for(cast["delegate"])
    url = reverse("visits:programme_info")
    first = client.get(url)

    again = client.get(url, headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304
    assert again.content == b""
    assert again["Cache-Control"] == "private, no-cache, max-age=0"

    AnnouncementFactory(programme=programme, title="Buses leave at seven")
    changed = client.get(url, headers={"if-none-match": first["ETag"]})
    assert changed.status_code == 200
    assert "Buses leave at seven" in changed.content.decode()
    assert changed["ETag"] != first["ETag"]


def test_kept_page_is_not_modified_only_for_the_same_session(cast):
    """The page's forms carry the session's CSRF secret: another session gets a new page."""
    url = reverse("visits:my_agenda")
    first = client_for(cast["delegate"]).get(url)
    other_session = client_for(cast["delegate"]).get(url, headers={"if-none-match": first["ETag"]})
    assert other_session.status_code == 200


def test_pages_are_compressed_and_files_are_not(cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = client_for(cast["delegate"])
    page = client.get(reverse("visits:my_agenda"), headers={"accept-encoding": "gzip, br"})
    assert page["Content-Encoding"] == "gzip"
    assert "My agenda" in gzip.decompress(page.content).decode()
    # A weak ETag once compressed, still matched by the next request.
    assert page["ETag"].startswith('W/"')
    again = client.get(
        reverse("visits:my_agenda"),
        headers={"accept-encoding": "gzip", "if-none-match": page["ETag"]},
    )
    assert again.status_code == 304

    CertificateFactory(
        participant=cast["delegate"].participations.get(),
        file=ContentFile(b"%PDF-1.4 " + b"0" * 2000, name="certificate.pdf"),
    )
    pdf = client.get(reverse("reports:my_certificate"), headers={"accept-encoding": "gzip"})
    assert not pdf.has_header("Content-Encoding")


def test_signing_out_clears_what_the_site_kept_on_the_device(cast):
    client = client_for(cast["delegate"])
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "storage"'
    # Only signing out does.
    assert not client.get("/accounts/login/").has_header("Clear-Site-Data")


def test_badge_page_shows_the_delegates_own_code(cast):
    mine = cast["delegate"].participations.get()
    theirs = cast["delegate_b"].participations.get()
    html = client_for(cast["delegate"]).get(reverse("reports:my_badge")).content.decode()
    assert mine.badge_code in html
    assert theirs.badge_code not in html
    assert html.count('<svg viewBox="0 0 ') == 1
    assert 'aria-label="QR code of your badge"' in html


def test_offline_page_points_to_the_pages_kept_on_the_device(db):
    html = Client().get("/offline/").content.decode()
    assert "<h1>No connection</h1>" in html
    assert 'href="/me/agenda/"' in html


# What the delegate's agenda may transfer on a first visit, compressed (issue #19).
FIRST_LOAD_BUDGET = 60 * 1024
ASSET = re.compile(r'<(?:link|script)\b[^>]*?(?:href|src)="(/static/[^"]+)"')


def test_demo_agenda_first_load_fits_the_budget_compressed(db, settings, tmp_path):
    """The page compressed as the app sends it, and every file it loads compressed as
    WhiteNoise stores it (gzip, level 9): at most 60 KB. Browsers also fetch the manifest."""
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("loaddemo", stdout=io.StringIO())
    client = Client()
    client.force_login(get_user_model().objects.get(email="delegate@example.org"))
    page = client.get(reverse("visits:my_agenda"), headers={"accept-encoding": "gzip"})
    html = gzip.decompress(page.content).decode()
    assert html.count('<li id="item-') == 14

    assets = sorted(set(ASSET.findall(html)))
    assert assets == [
        "/static/css/app.css",
        "/static/img/apple-touch-icon.png",
        "/static/img/favicon.png",
        "/static/img/favicon.svg",
        "/static/js/pwa.js",
        "/static/js/sub_nav.js",
    ]
    manifest = client.get("/manifest.webmanifest", headers={"accept-encoding": "gzip"})
    sizes = {url: len(gzip.compress(static_path(url).read_bytes(), 9)) for url in assets}
    # Browsers fetch one icon of the three; counted all the same.
    total = len(page.content) + len(manifest.content) + sum(sizes.values())
    assert total <= FIRST_LOAD_BUDGET, (len(page.content), sizes)

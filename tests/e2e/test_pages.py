"""Real headless Chromium against a live server: log in, navigate, switch language, screenshot.

Screenshots land in artifacts/screenshots/ to be looked at.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(settings.BASE_DIR) / "artifacts" / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium is not installed"),
]


@pytest.fixture
def browser():
    # Playwright's sync API runs an event loop in this thread; the ORM calls of the live
    # server's fixtures are safe here because they do not run concurrently with it.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
            ],
        )
        yield browser
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def demo(db):
    call_command("loaddemo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def log_in(page, live_server, email: str, password: str) -> None:
    page.goto(f"{live_server.url}/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(f"{live_server.url}/")


def shoot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_delegate_on_a_phone_sees_their_agenda_in_indonesian(demo, live_server, browser):
    page = browser.new_page(viewport=PHONE)
    log_in(page, live_server, "delegate@example.org", "tpbis-delegate-2023")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My agenda").click()
    assert page.get_by_role("heading", level=1).inner_text() == "My agenda"
    assert page.get_by_text("Perpustakaan Mutiara Rawa Binong").first.is_visible()
    # Nothing overflows sideways on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shoot(page, "delegate-agenda-phone-en")
    page.get_by_role("button", name="Bahasa Indonesia").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Agenda saya"
    assert page.get_by_text("Kamis, 16 November 2023").is_visible()
    shoot(page, "delegate-agenda-phone-id")


def test_organiser_on_a_desktop_sees_programme_and_participants(demo, live_server, browser):
    page = browser.new_page(viewport=DESKTOP)
    log_in(page, live_server, "organiser@example.org", "tpbis-organiser-2023")
    shoot(page, "organiser-home-desktop")
    page.get_by_role("link", name="Knowledge Sharing Programme on Social Inclusion").click()
    page.get_by_role("navigation", name="Programme").get_by_role("link", name="About").click()
    assert "National Library of the Republic of Indonesia" in page.content()
    shoot(page, "organiser-programme-desktop")
    page.get_by_role("link", name="Participants").click()
    assert page.locator("tbody tr").count() == 18
    shoot(page, "organiser-participants-desktop")
    page.set_viewport_size(PHONE)
    shoot(page, "organiser-participants-phone")


def test_anonymous_visitor_gets_the_login_page(demo, live_server, browser):
    page = browser.new_page(viewport=PHONE)
    page.goto(f"{live_server.url}/programmes/tpbis-2023/about/")
    assert page.url.startswith(f"{live_server.url}/accounts/login/")
    shoot(page, "login-phone")

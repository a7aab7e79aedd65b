"""Real headless Chromium against a live server: log in, navigate, switch language, screenshot.

Screenshots land in artifacts/screenshots/ to be looked at.
"""

from .support import BROWSER_TEST, DESKTOP, PHONE, log_in, shoot

pytestmark = BROWSER_TEST


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

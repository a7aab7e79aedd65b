"""A delegate on a phone: their agenda, the calendar page and the feed a calendar app reads.

Screenshots land in artifacts/screenshots/ to be looked at.
"""

from icalendar import Calendar

from .support import BROWSER_TEST, PHONE, fits_the_phone, shoot

pytestmark = BROWSER_TEST


def test_delegate_subscribes_to_their_agenda_from_a_phone(demo, live_server, browser):
    page = browser.new_page(viewport=PHONE)
    page.goto(f"{live_server.url}/")
    page.get_by_label("Email").fill("delegate@example.org")
    page.get_by_label("Password").fill("tpbis-delegate-2023")
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(f"{live_server.url}/")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="My agenda").click()
    assert page.get_by_role("heading", level=1).inner_text() == "My agenda"
    assert page.locator("ol.agenda > li").count() == 14
    assert page.get_by_text("Bus 1 (B 7123 TPB)").first.is_visible()
    assert fits_the_phone(page)
    shoot(page, "delegate-my-agenda-phone")

    page.get_by_role("link", name="Add to calendar").first.click()
    assert page.get_by_role("heading", level=1).inner_text() == "Add my agenda to my calendar"
    page.get_by_role("button", name="Create link").click()
    feed_url = page.get_by_label("Link for Google Calendar and Outlook").input_value()
    assert feed_url.startswith(f"{live_server.url}/calendar/")
    assert page.get_by_label("Link for Apple Calendar (webcal)").input_value() == (
        "webcal://" + feed_url.split("://", 1)[1]
    )
    assert fits_the_phone(page)
    shoot(page, "delegate-calendar-phone")

    response = page.request.get(feed_url)
    assert response.ok
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.body())
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Asia/Jakarta"]
    assert len(calendar.walk("VEVENT")) == 14

    # The agenda now announces the feed to the browser.
    page.goto(f"{live_server.url}/me/agenda/")
    assert (
        page.locator('link[rel="alternate"][type="text/calendar"]').get_attribute("href")
        == feed_url
    )

    page.goto(f"{live_server.url}/me/information/")
    assert page.get_by_role("heading", level=1).inner_text() == "Practical information"
    assert fits_the_phone(page)
    shoot(page, "delegate-information-phone")


def test_delegate_answers_the_evaluation_on_a_phone(demo, live_server, browser):
    page = browser.new_page(viewport=PHONE)
    page.goto(f"{live_server.url}/me/evaluation/")
    page.get_by_label("Email").fill("delegate@example.org")
    page.get_by_label("Password").fill("tpbis-delegate-2023")
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(f"{live_server.url}/me/evaluation/")
    # The demo's three questions: a rating, a choice of visit and free text (all required).
    page.get_by_role("group", name="1. How useful").get_by_label("4", exact=True).check()
    page.get_by_label("Perpustakaan Mutiara Rawa Binong").check()
    page.get_by_role("group", name="3. What will you do").get_by_role("textbox").fill(
        "Open a reading corner with the village office."
    )
    assert fits_the_phone(page)
    shoot(page, "delegate-evaluation-phone")
    page.get_by_role("button", name="Send my answers").click()
    assert page.get_by_text("Thank you! Your answers have been saved.").is_visible()
    # The saved answers come back in the form (read through the page: the ORM in this
    # thread would open a connection the test database cannot be dropped with).
    assert page.get_by_text("You answered on").is_visible()
    assert (
        page.get_by_role("group", name="1. How useful").get_by_label("4", exact=True).is_checked()
    )
    assert page.get_by_label("Perpustakaan Mutiara Rawa Binong").is_checked()
    assert page.get_by_role("group", name="3. What will you do").get_by_role(
        "textbox"
    ).input_value() == ("Open a reading corner with the village office.")


def test_organiser_reads_results_and_writes_announcements_on_a_phone(demo, live_server, browser):
    delegate = browser.new_page(viewport=PHONE)
    page = browser.new_page(viewport=PHONE)
    page.goto(f"{live_server.url}/")
    page.get_by_label("Email").fill("organiser@example.org")
    page.get_by_label("Password").fill("tpbis-organiser-2023")
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/programmes/tpbis-2023/evaluation/")
    assert page.get_by_role("heading", level=1).inner_text() == "Evaluation results"
    assert fits_the_phone(page)
    shoot(page, "organiser-evaluation-results-phone")
    page.goto(f"{live_server.url}/programmes/tpbis-2023/evaluation/questions/")
    assert page.locator(".question-list > li").count() == 3
    assert fits_the_phone(page)
    shoot(page, "organiser-evaluation-questions-phone")

    page.goto(f"{live_server.url}/programmes/tpbis-2023/announcements/")
    page.get_by_label("Title").fill("Umbrellas at the lobby")
    page.get_by_label("Message").fill("It will rain this afternoon: take one on your way out.")
    page.get_by_role("button", name="Publish").click()
    assert page.get_by_text("The announcement has been published.").is_visible()
    assert fits_the_phone(page)
    shoot(page, "organiser-announcements-phone")

    delegate.goto(f"{live_server.url}/me/information/")
    delegate.get_by_label("Email").fill("delegate@example.org")
    delegate.get_by_label("Password").fill("tpbis-delegate-2023")
    delegate.get_by_role("button", name="Sign In").click()
    delegate.wait_for_url(f"{live_server.url}/me/information/")
    newest = delegate.locator("article.announcement h3").first
    assert newest.inner_text() == "Umbrellas at the lobby"

"""The staff timetable in a real headless Chromium: columns, phone layout, htmx quick add.

Screenshots land in artifacts/screenshots/ to be looked at.
"""

from datetime import timedelta

from visits.models import Session

from .support import BROWSER_TEST, DESKTOP, PHONE, log_in, shoot

pytestmark = BROWSER_TEST


def test_staff_adds_an_item_to_the_timetable_without_leaving_the_page(demo, live_server, browser):
    page = browser.new_page(viewport=DESKTOP)
    log_in(page, live_server, "staff@example.org", "tpbis-staff-2023")
    timetable_url = f"{live_server.url}/programmes/tpbis-2023/timetable/"
    page.goto(timetable_url)

    # Five day columns side by side.
    days = page.locator("section.tt-day")
    assert days.count() == 5
    tops = {round(days.nth(n).bounding_box()["y"]) for n in range(5)}
    assert len(tops) == 1
    # A mark on the window survives only if the page never reloads.
    page.evaluate("window.stillTheSamePage = true")

    page.get_by_role("link", name="+ Add item on Tuesday 14 November").click()
    page.get_by_label("Title (English)").fill("Library makerspace demonstration")
    page.get_by_label("Kind").select_option("workshop")
    assert page.get_by_label("Start time").input_value() == "16:30"
    page.get_by_label("Room").fill("Makerspace")
    page.get_by_role("button", name="Add item").click()

    tuesday = page.locator("section.tt-day").nth(1)
    new_item = tuesday.locator(".tt-item", has_text="Library makerspace demonstration")
    new_item.wait_for()
    assert "16:30–17:30" in new_item.inner_text()
    assert (
        page.get_by_role("status")
        .first.inner_text()
        .startswith("“Library makerspace demonstration” was added on Tuesday 14 November, 16:30.")
    )
    assert page.evaluate("window.stillTheSamePage") is True
    assert page.url == timetable_url
    assert Session.objects.filter(title_en="Library makerspace demonstration").count() == 1
    shoot(page, "timetable-desktop")
    # "Close" empties the editor (a static script: the policy allows no inline handler).
    page.locator("#item-editor").get_by_role("button", name="Close").click()
    assert page.locator("#item-editor").inner_html() == ""

    phone = browser.new_page(viewport=PHONE)
    log_in(phone, live_server, "staff@example.org", "tpbis-staff-2023")
    phone.goto(timetable_url)
    # One column: each day below the one before, and nothing overflows sideways.
    first, second = (phone.locator("section.tt-day").nth(n).bounding_box() for n in (0, 1))
    assert second["y"] > first["y"] + first["height"] - 1
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # Each Edit link is a target of at least 24 by 24 CSS pixels (WCAG 2.2, 2.5.8).
    edit = phone.locator(".tt-actions a").first.bounding_box()
    assert edit["width"] >= 24
    assert edit["height"] >= 24
    assert phone.get_by_role(
        "link", name="Library makerspace demonstration", exact=True
    ).is_visible()
    shoot(phone, "timetable-phone")


def test_six_days_fit_side_by_side_at_1280_and_stack_on_a_phone(demo, live_server, browser):
    from programs.models import Programme

    programme = Programme.objects.get(slug="tpbis-2023")
    programme.end_date = programme.start_date + timedelta(days=5)
    programme.save(update_fields=["end_date"])
    timetable_url = f"{live_server.url}/programmes/tpbis-2023/timetable/"

    page = browser.new_page(viewport=DESKTOP)
    log_in(page, live_server, "staff@example.org", "tpbis-staff-2023")
    page.goto(timetable_url)
    days = page.locator("section.tt-day")
    assert days.count() == 6
    boxes = [days.nth(n).bounding_box() for n in range(6)]
    # All six in one row, the last one wholly inside the window: nothing is cut off.
    assert len({round(box["y"]) for box in boxes}) == 1
    assert boxes[-1]["x"] + boxes[-1]["width"] <= DESKTOP["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= DESKTOP["width"]
    grid = page.locator(".timetable")
    assert grid.evaluate("e => e.scrollWidth <= e.clientWidth")
    shoot(page, "timetable-six-days-desktop")

    phone = browser.new_page(viewport=PHONE)
    log_in(phone, live_server, "staff@example.org", "tpbis-staff-2023")
    phone.goto(timetable_url)
    first, last = (phone.locator("section.tt-day").nth(n).bounding_box() for n in (0, 5))
    assert last["y"] > first["y"] + first["height"] - 1
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shoot(phone, "timetable-six-days-phone")

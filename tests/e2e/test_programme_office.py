"""A member of the programme office creates a programme, then starts the next one from it.

Screenshots land in artifacts/screenshots/ to be looked at.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from programs.models import Programme
from programs.permissions import PROGRAMME_OFFICE_GROUP

from .support import BROWSER_TEST, DESKTOP, log_in, shoot

pytestmark = BROWSER_TEST


def test_programme_office_creates_a_programme_and_starts_another_from_it(
    demo, live_server, browser
):
    # The demo's organiser works in the programme office.
    organiser = get_user_model().objects.get(email="organiser@example.org")
    assert organiser.groups.filter(name=PROGRAMME_OFFICE_GROUP).exists()
    first_day = timezone.localdate() + timedelta(days=60)
    next_first_day = first_day + timedelta(days=364)

    page = browser.new_page(viewport=DESKTOP)
    log_in(page, live_server, "organiser@example.org", "tpbis-organiser-2023")
    page.get_by_role("link", name="New programme").click()
    page.get_by_label("Title (English)").fill("Knowledge Sharing Programme on Reading Habits")
    page.get_by_label("Short name (English)").fill("KSP Reading")
    page.get_by_label("First day").fill(first_day.isoformat())
    page.get_by_label("Last day").fill((first_day + timedelta(days=2)).isoformat())
    page.get_by_label("Host institution").fill("National Library of Sri Lanka")
    page.get_by_label("Venue city").fill("Colombo")
    shoot(page, "programme-office-1-new-desktop")
    page.get_by_role("button", name="Create programme").click()
    page.wait_for_url(f"{live_server.url}/programmes/ksp-reading/")
    assert page.get_by_text("KSP Reading has been created.").is_visible()

    page.get_by_role("navigation", name="Programme").get_by_role("link", name="About").click()
    page.get_by_role("link", name="Start a new programme from this one").click()
    assert page.get_by_label("Title (English)").input_value() == (
        "Knowledge Sharing Programme on Reading Habits"
    )
    assert page.get_by_text("the new programme lasts 3 days").is_visible()
    page.get_by_label("Web address").fill("ksp-reading-next")
    page.get_by_label("Short name (English)").fill("KSP Reading next")
    page.get_by_label("First day").fill(next_first_day.isoformat())
    shoot(page, "programme-office-2-start-from-desktop")
    page.get_by_role("button", name="Start the new programme").click()
    page.wait_for_url(f"{live_server.url}/programmes/ksp-reading-next/about/")
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Knowledge Sharing Programme on Reading Habits"
    )
    assert page.get_by_text("KSP Reading next was started from KSP Reading").is_visible()
    shoot(page, "programme-office-3-started-desktop")

    copy = Programme.objects.get(slug="ksp-reading-next")
    assert (copy.start_date, copy.end_date, copy.venue_city) == (
        next_first_day,
        next_first_day + timedelta(days=2),
        "Colombo",
    )
    assert list(copy.memberships.values_list("user__email", "role")) == [
        ("organiser@example.org", "organiser")
    ]

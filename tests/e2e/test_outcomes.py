"""After the programme, in a real browser: the delegate's action plan and the alumni directory
on a phone, the organisers' plans and the programme's SDG targets on a desktop.

Every page opened is checked for Content-Security-Policy violations and by axe-core (see
conftest.py). Screenshots land in artifacts/screenshots/ to be looked at.
"""

from participants.action_plan_models import ActionPlanComment, Milestone
from programs.models import Programme

from .support import BROWSER_TEST, DESKTOP, PHONE, fits_the_phone, log_in, shoot

pytestmark = BROWSER_TEST


def test_delegate_adds_a_milestone_and_finds_alumni_on_a_phone(demo, live_server, browser):
    page = browser.new_page(viewport=PHONE)
    log_in(page, live_server, "delegate@example.org", "tpbis-delegate-2023")
    page.goto(f"{live_server.url}/me/action-plan/")
    assert page.get_by_role("heading", level=1).inner_text() == "My action plan"
    assert page.get_by_text("A clear plan. Perpusnas can send you").is_visible()
    page.locator("#id_milestones-3-title").fill("Report to the National Library")
    page.locator("#id_milestones-3-due_on").fill("2025-01-15")
    assert fits_the_phone(page)
    shoot(page, "delegate-action-plan-phone")
    page.get_by_role("button", name="Save the changes").click()
    assert page.get_by_text("Your action plan has been saved.").is_visible()
    assert Milestone.objects.filter(title="Report to the National Library").exists()

    page.get_by_role("navigation", name="My programme").get_by_role("link", name="Alumni").click()
    page.get_by_role("link", name="Open the alumni directory").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Alumni directory"
    assert page.get_by_text("sita.shrestha@example.org").is_visible()
    page.get_by_label("Search").fill("Jaffna")
    page.get_by_role("button", name="Search").click()
    assert page.locator(".alumni-card").count() == 1
    assert fits_the_phone(page)
    shoot(page, "delegate-alumni-phone")


def test_organiser_comments_on_a_plan_and_tags_sdg_targets(demo, live_server, browser):
    page = browser.new_page(viewport=DESKTOP)
    log_in(page, live_server, "organiser@example.org", "tpbis-organiser-2023")
    page.goto(f"{live_server.url}/programmes/tpbis-2023/action-plans/")
    assert page.locator("table.action-plans tbody tr").count() == 4
    shoot(page, "organiser-action-plans-desktop")
    page.get_by_role("link", name="Sita Shrestha").click()
    page.get_by_label("Your comment").fill("Share the survey with Perpusnas.")
    page.get_by_role("button", name="Add the comment").click()
    assert page.get_by_text("Your comment has been added.").is_visible()
    assert ActionPlanComment.objects.filter(text="Share the survey with Perpusnas.").exists()

    page.goto(f"{live_server.url}/programmes/tpbis-2023/edit/")
    page.get_by_text("5. Gender equality").click()
    page.get_by_label("5.5 Ensure women's full participation").check()
    page.get_by_role("button", name="Save programme").click()
    page.wait_for_url(f"{live_server.url}/programmes/tpbis-2023/about/")
    assert page.get_by_text("Goal 5: Gender equality").is_visible()
    assert Programme.objects.get(slug="tpbis-2023").sdg_targets == [
        "4.6",
        "5.5",
        "10.2",
        "11.4",
        "16.10",
    ]
    page.set_viewport_size(PHONE)
    assert fits_the_phone(page)
    shoot(page, "organiser-programme-sdg-phone")

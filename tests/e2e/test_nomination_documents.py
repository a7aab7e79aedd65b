"""The call's documents page: an organiser on a desktop, a focal point on a phone."""

from programs.models import Programme
from tests.factories import PASSWORD, FocalPointFactory

from .support import BROWSER_TEST, DESKTOP, PHONE, fits_the_phone, log_in, shoot

pytestmark = BROWSER_TEST


def test_organiser_and_focal_point_generate_the_calls_documents(demo, live_server, browser):
    # The demo's closed call, with its delegations' nominations and decisions.
    programme = Programme.objects.get(slug="tpbis-2023")
    delegation = programme.nomination_call.nominations.first().delegation
    focal_point = FocalPointFactory(delegation=delegation).user
    documents = f"{live_server.url}/programmes/tpbis-2023/nominations/documents/"

    page = browser.new_page(viewport=DESKTOP)
    log_in(page, live_server, "organiser@example.org", "tpbis-organiser-2023")
    page.goto(documents)
    page.get_by_role("button", name="Selection decision record (PDF)").click()
    assert page.get_by_text("Selection decision record: done.").is_visible()
    assert page.get_by_role("link", name="Download PDF").first.is_visible()
    shoot(page, "nomination-documents-desktop")
    page.set_viewport_size(PHONE)
    assert fits_the_phone(page)
    shoot(page, "nomination-documents-organiser-phone")

    phone = browser.new_page(viewport=PHONE)
    log_in(phone, live_server, focal_point.email, PASSWORD)
    phone.goto(documents)
    # Their own delegation only: no choice of delegation, no decision record.
    assert phone.get_by_label("Delegation").count() == 0
    assert phone.get_by_role("button", name="Selection decision record (PDF)").count() == 0
    assert phone.get_by_text("No documents generated yet.").is_visible()
    phone.get_by_role("button", name="Nomination list (PDF)").click()
    assert phone.get_by_text(f"The nomination list of {delegation}: done.").is_visible()
    assert phone.get_by_role("link", name="Download PDF").is_visible()
    assert fits_the_phone(phone)
    shoot(phone, "nomination-documents-focal-point-phone")

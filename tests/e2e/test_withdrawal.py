"""An organiser withdraws a delegate mid-programme with a reason, then replaces them."""

from participants.models import Participant, StatusChange
from visits.models import Assignment, ReleasedBooking

from .support import BROWSER_TEST, DESKTOP, log_in, shoot

pytestmark = BROWSER_TEST


def test_organiser_withdraws_a_delegate_with_a_reason_and_replaces_them(demo, live_server, browser):
    delegate = (
        Participant.objects.filter(
            programme__slug="tpbis-2023",
            category=Participant.Category.INTERNATIONAL,
            assignments__session__starts_at__date__gte="2023-11-15",
        )
        .distinct()
        .order_by("pk")
        .first()
    )
    # The demo is over (everyone "completed"): here it is the middle of the programme.
    Participant.objects.filter(pk=delegate.pk).update(status=Participant.Status.ARRIVED)
    later = Assignment.objects.filter(
        participant=delegate, session__starts_at__date__gte="2023-11-15"
    ).count()
    page = browser.new_page(viewport=DESKTOP)
    log_in(page, live_server, "organiser@example.org", "tpbis-organiser-2023")
    page.goto(f"{live_server.url}/programmes/tpbis-2023/participants/{delegate.pk}/")

    page.get_by_label("New status").select_option("withdrawn")
    page.get_by_label("Effective date").fill("2023-11-15")
    page.get_by_role("button", name="Change the status").click()
    # Without a reason: the form says what is missing and nothing changes.
    assert page.get_by_text("Say why the participant is “Withdrawn”.").is_visible()
    delegate.refresh_from_db()
    assert delegate.status != Participant.Status.WITHDRAWN

    page.get_by_label("Reason").fill("Recalled by their ministry")
    page.get_by_role("button", name="Change the status").click()
    page.get_by_role("heading", name="Replace a withdrawn delegate").wait_for()
    assert page.get_by_role("status").first.inner_text().endswith("is now “Withdrawn”.")
    assert page.locator("#released + ul li").count() == later
    shoot(page, "organiser-replace-desktop")

    page.get_by_label("Full name:", exact=True).fill("Tran Thi Cuc")
    page.get_by_label("E-mail address").fill("cuc@example.org")
    page.get_by_role("button", name="Register and replace").click()
    page.get_by_role("heading", name="Tran Thi Cuc").wait_for()
    assert page.get_by_text(f"Replaces {delegate.display_name}.").is_visible()
    shoot(page, "organiser-replacement-desktop")

    change = StatusChange.objects.get(participant=delegate, to_status="withdrawn")
    assert (str(change.effective_on), change.reason) == ("2023-11-15", "Recalled by their ministry")
    cuc = Participant.objects.get(full_name="Tran Thi Cuc")
    assert (cuc.replaces, cuc.country_id) == (delegate, delegate.country_id)
    assert Assignment.objects.filter(participant=cuc).count() == later
    assert not ReleasedBooking.objects.filter(participant=delegate, taken_over_by=None).exists()

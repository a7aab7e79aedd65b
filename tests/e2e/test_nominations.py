"""The call for nominations in a browser: the organiser's call form, the focal point's call page
and nomination form, at desktop and phone widths. Screenshots land in artifacts/screenshots/."""

from allauth.account.models import EmailAddress

from participants.models import Nomination
from programs.models import Programme

from ..factories import FocalPointFactory, NominationCallFactory, UserFactory
from .support import BROWSER_TEST, DESKTOP, PHONE, fits_the_phone, log_in, shoot

pytestmark = BROWSER_TEST


def focal_point_account(programme: Programme):
    user = UserFactory(email="focal@example.org", first_name="Focal", last_name="Point")
    user.set_password("focal-point-2023")
    user.save()
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    delegation = programme.delegations.exclude(country=None).first()
    delegation.seats, delegation.reserves = 1, 1
    delegation.save()
    FocalPointFactory(delegation=delegation, user=user)
    return user, delegation


def test_call_pages_at_both_widths(demo, live_server, browser, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    # The sample programme has no call yet (the reference programme's call is closed).
    programme = Programme.objects.get(slug="colombo-sample-2024")
    page = browser.new_page(viewport=DESKTOP)
    log_in(page, live_server, "organiser@example.org", "tpbis-organiser-2023")
    page.goto(f"{live_server.url}/programmes/{programme.slug}/nominations/")
    # No call yet: the page leads to the form that opens one.
    assert page.get_by_role("heading", level=1).inner_text() == "Open the call for nominations"
    shoot(page, "nominations-call-form-desktop")
    page.set_viewport_size(PHONE)
    assert fits_the_phone(page)
    shoot(page, "nominations-call-form-phone")
    page.close()

    NominationCallFactory(programme=programme, requires_cv=False)
    user, delegation = focal_point_account(programme)
    page = browser.new_page(viewport=DESKTOP)
    log_in(page, live_server, user.email, "focal-point-2023")
    page.get_by_role("link", name=programme.title_en).click()
    assert page.get_by_role("heading", level=1).inner_text() == "Call for nominations"
    page.get_by_role("link", name="Nominate a candidate").click()
    shoot(page, "nominations-form-desktop")
    page.set_viewport_size(PHONE)
    assert fits_the_phone(page)
    shoot(page, "nominations-form-phone")
    page.set_viewport_size(DESKTOP)
    for n in (1, 2):
        page.get_by_label("Full name").fill(f"Candidate {n}")
        page.get_by_label("E-mail address").fill(f"candidate{n}@example.org")
        page.get_by_label("Nomination letter").set_input_files(
            files=[{"name": "letter.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.7"}]
        )
        page.get_by_role("button", name="Nominate").click()
        page.get_by_role("link", name="Back to the call for nominations").click()
        if n == 1:
            page.get_by_role("link", name="Nominate a candidate").click()
    assert Nomination.objects.filter(delegation=delegation).count() == 2
    assert page.get_by_text("Your quota is full").is_visible()
    shoot(page, "nominations-call-page-desktop")
    page.set_viewport_size(PHONE)
    assert fits_the_phone(page)
    shoot(page, "nominations-call-page-phone")

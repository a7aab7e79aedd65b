"""An organiser selects among a delegation's candidates on the selection page, on a desktop and
on a phone, and gives a withdrawn delegate's seat to the next reserve."""

from django.utils import timezone

from participants.models import Nomination, Participant
from tests.factories import (
    PASSWORD,
    DelegationFactory,
    FocalPointFactory,
    MembershipFactory,
    NominationCallFactory,
    NominationFactory,
    ProgrammeFactory,
    member_country,
)

from .support import BROWSER_TEST, DESKTOP, PHONE, fits_the_phone, log_in, shoot

pytestmark = BROWSER_TEST


def _world():
    programme = ProgrammeFactory(slug="selection-demo", short_name_en="KSP 2025")
    organiser = MembershipFactory(programme=programme, role="organiser").user
    call = NominationCallFactory(programme=programme, deadline=timezone.now())
    laos = DelegationFactory(programme=programme, country=member_country("LA"), reserves=1)
    thailand = DelegationFactory(programme=programme, country=member_country("TH"), seats=2)
    FocalPointFactory(delegation=laos)
    for delegation, names in (
        (laos, ["Khamla Vongsa", "Bounmy Sisavath"]),
        (thailand, ["Somchai Rattanakorn", "Malee Chaiyaporn", "Anong Srisuk"]),
    ):
        for index, name in enumerate(names):
            NominationFactory(
                call=call,
                delegation=delegation,
                full_name=name,
                gender="male" if index % 2 else "female",
                position="Librarian",
                institution="National Library",
            )
    return programme, organiser


def test_organiser_selects_and_keeps_a_reserve_then_promotes_it(live_server, browser):
    programme, organiser = _world()
    page = browser.new_page(viewport=DESKTOP)
    log_in(page, live_server, organiser.email, PASSWORD)
    url = f"{live_server.url}/programmes/{programme.slug}/selection/"
    page.goto(url)

    page.get_by_label("Decision for Khamla Vongsa").select_option("selected")
    page.get_by_label("Note on Khamla Vongsa").fill("Leads the mobile library project")
    page.get_by_role("row", name="Khamla Vongsa").get_by_role("button", name="Save").click()
    assert page.get_by_text("Khamla Vongsa is now a participant").is_visible()
    page.get_by_label("Decision for Bounmy Sisavath").select_option("reserve")
    page.get_by_role("row", name="Bounmy Sisavath").get_by_role("button", name="Save").click()
    # A second selection for Laos's one seat is refused with the reason.
    page.get_by_label("Decision for Bounmy Sisavath").select_option("selected")
    page.get_by_role("row", name="Bounmy Sisavath").get_by_role("button", name="Save").click()
    assert page.get_by_text("has 1 seat and it is taken").is_visible()
    page.goto(url)
    shoot(page, "selection-desktop")
    assert Nomination.objects.get(full_name="Bounmy Sisavath").status == Nomination.Status.RESERVE

    phone = browser.new_page(viewport=PHONE)
    log_in(phone, live_server, organiser.email, PASSWORD)
    phone.goto(url)
    shoot(phone, "selection-phone")
    assert fits_the_phone(phone)
    phone.get_by_role("link", name="Malee Chaiyaporn").click()
    shoot(phone, "selection-decide-phone")
    assert fits_the_phone(phone)

    khamla = Participant.objects.get(full_name="Khamla Vongsa")
    Participant.objects.filter(pk=khamla.pk).update(status=Participant.Status.WITHDRAWN)
    page.goto(f"{live_server.url}/programmes/{programme.slug}/participants/{khamla.pk}/")
    shoot(page, "selection-withdrawn-desktop")
    page.get_by_role("button", name="Give the seat to Bounmy Sisavath").click()
    assert page.get_by_text("Bounmy Sisavath was selected from the reserves").is_visible()
    assert Participant.objects.get(full_name="Bounmy Sisavath").replaces == khamla

"""An organiser invites several participants at once: ticks them, checks the preview, confirms.

Screenshots land in artifacts/screenshots/ to be looked at.
"""

import re

from django.core import mail

from participants.models import Invitation
from tests.factories import PASSWORD, MembershipFactory, ParticipantFactory, UserFactory

from .support import BROWSER_TEST, DESKTOP, log_in, shoot

pytestmark = BROWSER_TEST


def test_organiser_previews_and_sends_a_bulk_invitation(live_server, browser):
    organiser = UserFactory(email="organiser.bulk@example.org")
    programme = MembershipFactory(user=organiser).programme
    ParticipantFactory(programme=programme, full_name="Ana Lima", email="ana@example.org")
    ParticipantFactory(programme=programme, full_name="Bao Tran", email="bao@example.org")
    ParticipantFactory(programme=programme, full_name="Chen Wei", email="")

    page = browser.new_page(viewport=DESKTOP)
    log_in(page, live_server, organiser.email, PASSWORD)
    page.goto(f"{live_server.url}/programmes/{programme.slug}/participants/")
    # The heading's checkbox ticks the whole page; unticking one row leaves it half-ticked.
    page.get_by_label("Select every participant of this page").check()
    page.get_by_label("Select Chen Wei").uncheck()
    assert page.evaluate("document.getElementById('bulk-select-page').indeterminate") is True
    page.get_by_label("Select Chen Wei").check()
    assert all(
        page.get_by_label(f"Select {name}").is_checked()
        for name in ("Ana Lima", "Bao Tran", "Chen Wei")
    )
    page.get_by_label("Action").select_option(label="Send invitations")
    shoot(page, "bulk-invitation-1-selection-desktop")
    page.get_by_role("button", name="Preview").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Check before you confirm"
    changed = page.get_by_role("table", name="Will be changed")
    assert changed.get_by_role("cell", name="Ana Lima").is_visible()
    assert changed.get_by_role("cell", name="bao@example.org").is_visible()
    skipped = page.get_by_role("table", name="Skipped")
    assert skipped.get_by_role("cell", name=re.compile("Chen Wei has no e-mail address")).count()
    assert Invitation.objects.count() == 0
    assert mail.outbox == []
    shoot(page, "bulk-invitation-2-preview-desktop")

    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url(re.compile(r".*/participants/$"))
    assert page.get_by_text("Invitations sent to 2 participants; 1 skipped.").is_visible()
    assert sorted(message.to[0] for message in mail.outbox) == [
        "ana@example.org",
        "bao@example.org",
    ]
    assert page.get_by_role("cell", name="Invited", exact=True).count() == 2
    shoot(page, "bulk-invitation-3-summary-desktop")

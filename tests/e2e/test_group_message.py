"""An organiser e-mails the confirmed participants: filters the list, writes in both languages,
checks the preview, sends, and reads the delivery log; on a desktop and on a phone.

Screenshots land in artifacts/screenshots/ to be looked at.
"""

import re

import pytest
from django.core import mail
from django.utils import timezone

from participants.message_models import MessageRecipient
from participants.models import Participant
from tests.factories import (
    PASSWORD,
    MembershipFactory,
    MessageRecipientFactory,
    ParticipantFactory,
    UserFactory,
)

from .support import BROWSER_TEST, DESKTOP, PHONE, fits_the_phone, log_in, shoot

pytestmark = BROWSER_TEST


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_organiser_previews_sends_and_reads_the_log(live_server, browser, viewport):
    organiser = UserFactory(email=f"organiser.{viewport}@example.org")
    programme = MembershipFactory(user=organiser, programme__content_language="id").programme
    confirmed = Participant.Status.CONFIRMED
    ParticipantFactory(programme=programme, full_name="Ana Lima", status=confirmed)
    ParticipantFactory(
        programme=programme,
        full_name="Bartholomew Oluwaseun Nakamura-Fitzgerald",
        email="bartholomew.oluwaseun.nakamura-fitzgerald@perpustakaan.example.org",
        status=confirmed,
    )
    ParticipantFactory(programme=programme, full_name="Chen Wei", status="invited")

    page = browser.new_page(viewport=DESKTOP if viewport == "desktop" else PHONE)
    log_in(page, live_server, organiser.email, PASSWORD)
    page.goto(f"{live_server.url}/programmes/{programme.slug}/participants/?status=confirmed")
    page.get_by_role("link", name="E-mail these participants").click()

    assert page.get_by_role("heading", level=1).inner_text() == "New message"
    assert page.get_by_text("Status: Confirmed").is_visible()
    page.get_by_label("Subject (English)").fill("Dinner on Tuesday")
    page.get_by_label("Message (English)").fill("The dinner starts at seven.\nBring your badge.")
    page.get_by_label("Subject (Indonesian)").fill("Makan malam hari Selasa")
    page.get_by_label("Message (Indonesian)").fill("Makan malam dimulai pukul tujuh.")
    shoot(page, f"group-message-1-compose-{viewport}")
    assert fits_the_phone(page) or viewport == "desktop"
    page.get_by_role("button", name="Preview").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Check before you send"
    recipients = page.get_by_role("table", name="Recipients")
    assert recipients.get_by_role("cell", name="Ana Lima").is_visible()
    assert recipients.get_by_role("cell", name="Chen Wei").count() == 0
    assert page.get_by_text("Dear Ana Lima,").is_visible()
    assert MessageRecipient.objects.count() == 0
    shoot(page, f"group-message-2-preview-{viewport}")
    assert fits_the_phone(page) or viewport == "desktop"

    page.get_by_role("button", name="Send").click()
    page.wait_for_url(re.compile(r".*/messages/\d+/$"))
    assert page.get_by_text("The message is on its way to 2 people.").is_visible()
    assert len(mail.outbox) == 2
    assert "The dinner starts at seven.\nBring your badge." in mail.outbox[0].body
    message = MessageRecipient.objects.first().message
    MessageRecipientFactory(
        message=message,
        name="Dewi Lestari",
        email="dewi@example.org",
        status="failed",
        attempts=6,
        last_error="(550, b'5.1.1 Mailbox unavailable')",
    )
    MessageRecipientFactory(
        message=message, name="Eko Prasetyo", status="sent", sent_at=timezone.now()
    )
    page.reload()
    shoot(page, f"group-message-3-log-{viewport}")
    assert fits_the_phone(page) or viewport == "desktop"

    page.get_by_role("button", name="Send the failed e-mail again").click()
    page.wait_for_url(re.compile(r".*/messages/\d+/$"))
    assert page.get_by_text("1 e-mail is queued again.").is_visible()
    page.goto(f"{live_server.url}/programmes/{programme.slug}/messages/")
    assert page.get_by_text("4 of 4 sent").is_visible()
    shoot(page, f"group-message-4-list-{viewport}")
    assert fits_the_phone(page) or viewport == "desktop"

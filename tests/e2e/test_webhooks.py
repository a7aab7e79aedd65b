"""An organiser adds a webhook, sends a test event to a receiver on 127.0.0.1 and sees it
answered, on a desktop and on a phone."""

from programs.webhooks import verify_signature
from tests.programs.webhook_receiver import start_receiver

from .support import BROWSER_TEST, DESKTOP, PHONE, log_in, shoot

pytestmark = BROWSER_TEST


def test_organiser_adds_a_webhook_and_sends_a_test_event(demo, live_server, browser, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    receiver, server = start_receiver([200])
    try:
        page = browser.new_page(viewport=DESKTOP)
        log_in(page, live_server, "organiser@example.org", "tpbis-organiser-2023")
        page.goto(f"{live_server.url}/programmes/tpbis-2023/webhooks/")
        page.get_by_label("Address (https://…)").fill(receiver.url)
        page.get_by_label("A participant was registered").check()
        page.get_by_role("button", name="Add the webhook").click()
        page.wait_for_load_state()
        assert page.get_by_role("heading", level=1).inner_text() == receiver.url
        secret = page.locator(".webhook-secret").inner_text()
        page.get_by_role("button", name="Send a test event").click()
        page.wait_for_load_state()
        (request,) = receiver.wait_for(1)
        assert verify_signature(secret, request.headers["Tpbis-Signature"], request.body)
        page.reload()
        assert page.locator(".webhook-deliveries tbody tr").first.inner_text().count("HTTP 200")
        shoot(page, "webhook-desktop")
        page.set_viewport_size(PHONE)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        shoot(page, "webhook-phone")
    finally:
        server.shutdown()
        server.server_close()

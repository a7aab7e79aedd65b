"""The delegate's pages without a network: agenda, information, badge and certificate open
from the copy the service worker kept, and say when it was last updated.

Screenshots land in artifacts/screenshots/ to be looked at.
"""

from .support import BROWSER_TEST, PHONE, fits_the_phone, log_in, shoot

pytestmark = BROWSER_TEST

KEPT = ["/me/agenda/", "/me/information/", "/me/badge/", "/me/certificate/"]
STORED_PATHS = """async () => {
  const cache = await caches.open("tpbis-pages");
  return (await cache.keys()).map((request) => new URL(request.url).pathname).sort();
}"""


def wait_until_stored(page, paths: list[str]) -> None:
    for _ in range(100):
        if page.evaluate(STORED_PATHS) == paths:
            return
        page.wait_for_timeout(200)
    assert page.evaluate(STORED_PATHS) == paths


def follow(page, link) -> None:
    href = link.get_attribute("href")
    link.click()
    page.wait_for_url(f"**{href}")
    page.wait_for_load_state()


def test_delegate_pages_open_offline_after_the_first_visit(demo, live_server, browser):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    log_in(page, live_server, "delegate@example.org", "tpbis-delegate-2023")
    page.goto(f"{live_server.url}/me/agenda/")
    assert page.evaluate("navigator.serviceWorker.ready.then((r) => r.active.state)") in (
        "activating",
        "activated",
    )
    # One visit to the agenda stores it and the pages its menu marks for offline use.
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    wait_until_stored(page, sorted(KEPT))

    context.set_offline(True)
    page.reload()
    assert page.get_by_role("heading", level=1).inner_text() == "My agenda"
    assert page.locator("ol.agenda > li").count() == 14
    note = page.get_by_role("status").filter(has_text="Offline copy")
    assert note.is_visible()
    # The time it was stored, in the programme's time zone (the demo's is Asia/Jakarta).
    assert note.locator("time").get_attribute("datetime").endswith("Z")
    assert "last updated" in note.inner_text()
    assert fits_the_phone(page)
    shoot(page, "offline-agenda-phone")

    follow(page, page.get_by_role("link", name="Badge"))
    assert page.get_by_role("heading", level=1).inner_text() == "My badge"
    assert page.get_by_role("img", name="QR code of your badge").is_visible()
    assert page.get_by_role("status").filter(has_text="Offline copy").is_visible()
    assert fits_the_phone(page)
    shoot(page, "offline-badge-phone")

    follow(
        page,
        page.get_by_role("navigation", name="My programme").get_by_role("link", name="Information"),
    )
    assert page.get_by_role("heading", level=1).inner_text() == "Practical information"
    follow(
        page,
        page.get_by_role("navigation", name="My programme").get_by_role("link", name="Certificate"),
    )
    assert page.get_by_text("Your certificate is not ready yet.").is_visible()
    assert page.get_by_role("status").filter(has_text="Offline copy").is_visible()

    # A page that was not kept: the app says there is no connection.
    page.goto(f"{live_server.url}/me/calendar/")
    assert page.get_by_role("heading", level=1).inner_text() == "No connection"
    assert fits_the_phone(page)
    shoot(page, "offline-not-kept-phone")
    follow(page, page.get_by_role("link", name="My agenda").last)
    assert page.get_by_role("status").filter(has_text="Offline copy").is_visible()

    # Back online, the agenda shows as it is now.
    with page.expect_navigation():
        context.set_offline(False)
    assert page.get_by_role("heading", level=1).inner_text() == "My agenda"
    assert not page.get_by_role("status").filter(has_text="Offline copy").is_visible()

    # Signing out leaves nothing on the device.
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{live_server.url}/accounts/login/**")
    assert page.evaluate(STORED_PATHS) == []
    context.close()


def record_transfers(page) -> dict[str, dict]:
    """What each request of the page sent over the network: its URL, the status on the wire
    (a 304 is reported as the 200 it revalidated, except in the "extra info") and the bytes
    received (headers included; 0 for what a cache answered), by request id."""
    log: dict[str, dict] = {}
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.on(
        "Network.responseReceived",
        lambda event: log.setdefault(event["requestId"], {}).update(url=event["response"]["url"]),
    )
    cdp.on(
        "Network.responseReceivedExtraInfo",
        lambda event: log.setdefault(event["requestId"], {}).update(wire=event["statusCode"]),
    )
    cdp.on(
        "Network.loadingFinished",
        lambda event: log.setdefault(event["requestId"], {}).update(
            bytes=event["encodedDataLength"]
        ),
    )
    return log


def test_agenda_is_light_and_the_next_visit_only_revalidates(demo, live_server, browser):
    # Without the service worker: what the browser's own cache does with the app's headers.
    context = browser.new_context(viewport=PHONE, service_workers="block")
    page = context.new_page()
    log_in(page, live_server, "delegate@example.org", "tpbis-delegate-2023")

    # As on a first visit: nothing in the browser's cache.
    page.context.new_cdp_session(page).send("Network.clearBrowserCache")
    first = record_transfers(page)
    page.goto(f"{live_server.url}/me/agenda/", wait_until="networkidle")
    agenda = next(entry for entry in first.values() if entry["url"].endswith("/me/agenda/"))
    assert agenda["wire"] == 200
    # The page arrives compressed: about 4 KB of its 15 KB, headers included.
    assert agenda["bytes"] < 6 * 1024
    # Here static files are sent uncompressed (WhiteNoise compresses them in production):
    # the budget holds all the same.
    transferred = sum(entry.get("bytes", 0) for entry in first.values())
    assert transferred <= 60 * 1024

    second = record_transfers(page)
    page.goto(f"{live_server.url}/me/agenda/", wait_until="networkidle")
    assert page.locator("ol.agenda > li").count() == 14
    sent = sorted(
        (entry["url"].removeprefix(live_server.url), entry.get("wire"))
        for entry in second.values()
        if entry.get("bytes")
    )
    # The page is asked for again and is not modified; static files come from the cache.
    # Chromium's favicon loader asks again for an icon sent without a cache lifetime, as the
    # test server sends static files (WhiteNoise gives them a year).
    assert [row for row in sent if row[0] != "/static/img/favicon.svg"] == [("/me/agenda/", 304)]
    context.close()

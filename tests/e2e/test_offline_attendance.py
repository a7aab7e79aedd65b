"""Attendance without a connection, in a real headless Chromium: ticks wait on the device and
are sent when the connection returns; the camera reads a badge's QR code with the vendored
decoder where the browser has no BarcodeDetector.

Most tests queue marks on a page opened while online; the last reopens the page without a
connection from the service worker's copy. Screenshots land in artifacts/screenshots/ to be
looked at.
"""

import json
import os

import pytest
import segno

from tests.factories import (
    PASSWORD,
    AssignmentFactory,
    MembershipFactory,
    ParticipantFactory,
    SessionFactory,
    UserFactory,
)
from visits.models import Assignment, AttendanceMark, Session

from .support import (
    BROWSER_TEST,
    CHROMIUM,
    DESKTOP,
    PHONE,
    WatchedBrowser,
    fits_the_phone,
    log_in,
    shoot,
)

pytestmark = BROWSER_TEST


def _item_with_two_bookings(email: str) -> tuple[Session, list[Assignment]]:
    staff = UserFactory(email=email, first_name="Budi", last_name="Santoso")
    programme = MembershipFactory(user=staff, role="staff").programme
    item = SessionFactory(programme=programme, title_en="Visit to the Bogor city library")
    bookings = [
        AssignmentFactory(
            session=item,
            participant=ParticipantFactory(programme=programme, full_name=name, full_name_latin=""),
        )
        for name in ("Ana Lima", "Chen Wei")
    ]
    return item, bookings


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_staff_ticks_two_people_offline_and_the_marks_are_sent_when_back_online(
    live_server, browser, viewport
):
    email = f"staff.{viewport}@example.org"
    item, (ana, chen) = _item_with_two_bookings(email)
    context = browser.new_context(viewport=DESKTOP if viewport == "desktop" else PHONE)
    page = context.new_page()
    log_in(page, live_server, email, PASSWORD)
    page.goto(f"{live_server.url}/programmes/{item.programme.slug}/items/{item.pk}/attendance/")
    queue = page.locator("#mark-queue")
    assert queue.is_hidden()

    context.set_offline(True)
    queue.get_by_text("No connection.").wait_for()
    page.locator(f"#assignment-{ana.pk}").get_by_role("button", name="Present").click()
    page.locator(f"#assignment-{chen.pk}").get_by_role("button", name="Absent").click()

    for booking in (ana, chen):
        row = page.locator(f"#assignment-{booking.pk}")
        assert row.locator(".pending").inner_text() == "Waiting to send"
    assert queue.locator("[data-count]").inner_text() == "2 marks are waiting to send."
    present = page.locator(f"#assignment-{ana.pk}").get_by_role("button", name="Present")
    assert present.get_attribute("aria-pressed") == "true"
    counts = page.locator("#attendance-counts").inner_text()
    assert counts.split() == ["1", "present", "1", "absent", "0", "not", "recorded"]
    assert AttendanceMark.objects.count() == 0
    if viewport == "phone":
        assert fits_the_phone(page)
    shoot(page, f"attendance-offline-{viewport}")

    context.set_offline(False)
    queue.get_by_text("Every mark has been sent.").wait_for()
    assert page.locator(".pending").count() == 0
    assert page.locator(f"#assignment-{ana.pk} .recorded").inner_text().startswith("Present,")
    assert "by Budi Santoso" in page.locator(f"#assignment-{chen.pk} .recorded").inner_text()
    shoot(page, f"attendance-sent-{viewport}")

    marks = AttendanceMark.objects.order_by("marked_at")
    assert [(m.assignment_id, m.attended, m.source) for m in marks] == [
        (ana.pk, True, "offline-sync"),
        (chen.pk, False, "offline-sync"),
    ]
    ana.refresh_from_db()
    chen.refresh_from_db()
    assert (ana.attended, chen.attended) == (True, False)
    # Marked while offline: the time kept is the tick's, before the marks reached the server.
    assert all(m.marked_at < m.received_at for m in marks)
    # Nothing is left in the device's queue.
    assert page.evaluate("localStorage.getItem('tpbis.attendance.marks')") == "[]"

    # Online, a tick goes through the queue at once; the row shows both marks in its history.
    chen_row = page.locator(f"#assignment-{chen.pk}")
    chen_row.get_by_role("button", name="Present").click()
    history = chen_row.locator("details.mark-history")
    history.get_by_text("History: 2 marks").click()
    assert [line.split(",")[0] for line in history.locator("li").all_inner_texts()] == [
        "Absent",
        "Present",
    ]
    assert page.locator("#attendance-counts").inner_text().split()[:2] == ["2", "present"]
    shoot(page, f"attendance-history-{viewport}")


def test_signing_out_with_marks_waiting_asks_first(live_server, browser):
    """Signing out clears the device's storage, queue included: a confirmation comes first."""
    item, (ana, _chen) = _item_with_two_bookings("staff.signout@example.org")
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    log_in(page, live_server, "staff.signout@example.org", PASSWORD)
    page.goto(f"{live_server.url}/programmes/{item.programme.slug}/items/{item.pk}/attendance/")
    context.set_offline(True)
    page.locator(f"#assignment-{ana.pk}").get_by_role("button", name="Present").click()
    questions = []

    def answer(dialog, accept):
        questions.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", lambda dialog: answer(dialog, False))
    page.get_by_role("button", name="Sign out").click()
    assert questions and "have not been sent yet" in questions[0]
    # Still signed in, the mark still waiting.
    assert len(json.loads(page.evaluate("localStorage.getItem('tpbis.attendance.marks')"))) == 1
    assert page.get_by_role("button", name="Sign out").is_visible()

    context.set_offline(False)
    page.locator("#mark-queue").get_by_text("Every mark has been sent.").wait_for()
    # Nothing waiting: no question.
    page.once("dialog", lambda dialog: answer(dialog, True))
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("link", name="Sign in").wait_for()
    assert len(questions) == 1
    assert AttendanceMark.objects.filter(assignment=ana).count() == 1


def _badge_video(path, text: str) -> None:
    """A still video of the badge's QR code for Chromium's fake camera (Y4M, grey)."""
    width, height = 640, 480
    rows = [list(row) for row in segno.make(text, error="m").matrix_iter(scale=8, border=4)]
    size = len(rows)
    top, left = (height - size) // 2, (width - size) // 2
    luma = bytearray(b"\xff" * (width * height))
    for y, row in enumerate(rows):
        for x, dark in enumerate(row):
            if dark:
                luma[(top + y) * width + left + x] = 0
    chroma = b"\x80" * (width * height // 4)
    with open(path, "wb") as video:
        video.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _frame in range(2):
            video.write(b"FRAME\n" + bytes(luma) + chroma + chroma)


@pytest.fixture
def camera_browser(tmp_path, request):
    """Chromium with a fake camera that films `request.param`'s badge; checked like `browser`."""
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    video = tmp_path / "badge.y4m"
    _badge_video(video, request.param)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--use-fake-ui-for-media-stream",
                "--use-fake-device-for-media-stream",
                f"--use-file-for-fake-video-capture={video}",
            ],
        )
        watched = WatchedBrowser(chromium)
        yield watched
        watched.check_open_pages()
        chromium.close()
    assert watched.violations == []
    assert watched.checked, "axe-core checked no page"
    assert watched.inaccessible == [], json.dumps(watched.inaccessible, indent=1)
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


BADGE = "e2e-badge-0001"


@pytest.mark.parametrize("camera_browser", [BADGE], indirect=True)
def test_the_camera_reads_a_badge_with_the_vendored_decoder(live_server, camera_browser):
    item, (ana, chen) = _item_with_two_bookings("scanner@example.org")
    ana.participant.badge_code = BADGE
    ana.participant.save()
    context = camera_browser.new_context(viewport=PHONE)
    context.grant_permissions(["camera"])
    # As in Firefox and Safari: no BarcodeDetector, so the page loads the vendored decoder.
    context.add_init_script("delete window.BarcodeDetector;")
    page = context.new_page()
    log_in(page, live_server, "scanner@example.org", PASSWORD)
    page.goto(
        f"{live_server.url}/programmes/{item.programme.slug}/items/{item.pk}/attendance/scan/"
    )

    page.get_by_role("button", name="Scan with the camera").click()
    outcome = page.locator("#scan-outcome")
    outcome.get_by_text("Ana Lima").wait_for()
    assert page.evaluate("typeof window.jsQR") == "function"
    page.locator("#mark-queue").get_by_text("Every mark has been sent.").wait_for()
    assert outcome.locator(".scan-state").text_content() == "✓ Present"
    assert outcome.locator(".meta").inner_text() == "Recorded."
    shoot(page, "scan-camera-phone")
    mark = AttendanceMark.objects.get()
    assert (mark.assignment_id, mark.attended, mark.source) == (ana.pk, True, "offline-sync")

    # Without a connection, a scan names the person from the list kept in the page and waits.
    context.set_offline(True)
    page.get_by_label("Badge code").fill(chen.participant.badge_code)
    page.get_by_label("Badge code").press("Enter")
    outcome.get_by_text("Chen Wei").wait_for()
    assert outcome.locator(".meta").inner_text() == "Waiting to send"
    assert page.locator("#mark-queue [data-count]").inner_text() == "One mark is waiting to send."
    assert AttendanceMark.objects.count() == 1
    shoot(page, "scan-offline-phone")
    context.set_offline(False)
    outcome.get_by_text("Recorded.").wait_for()
    chen.refresh_from_db()
    assert chen.attended is True


STORED_PATHS = """async () => {
  const cache = await caches.open("tpbis-pages");
  return (await cache.keys()).map((request) => new URL(request.url).pathname);
}"""


def test_attendance_page_reopens_offline_and_its_ticks_are_sent_later(live_server, browser):
    """The service worker keeps the attendance page: reloaded without a connection, it still
    takes ticks, which go once the connection is back."""
    item, (ana, _chen) = _item_with_two_bookings("staff.reload@example.org")
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    log_in(page, live_server, "staff.reload@example.org", PASSWORD)
    path = f"/programmes/{item.programme.slug}/items/{item.pk}/attendance/"
    page.goto(f"{live_server.url}{path}")
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    # The first visit may have come before the worker took control: a second one is stored.
    page.reload()
    for _ in range(50):
        if path in page.evaluate(STORED_PATHS):
            break
        page.wait_for_timeout(200)
    assert path in page.evaluate(STORED_PATHS)

    context.set_offline(True)
    page.reload()
    assert page.get_by_role("status").filter(has_text="Offline copy").is_visible()
    page.locator(f"#assignment-{ana.pk}").get_by_role("button", name="Present").click()
    assert page.locator(f"#assignment-{ana.pk} .pending").inner_text() == "Waiting to send"
    assert AttendanceMark.objects.count() == 0
    shoot(page, "attendance-reopened-offline-phone")

    # Back online, the copy is replaced by the page as it is now (static/js/pwa.js), and the
    # queue is sent from whichever of the two pages gets there first: once.
    context.set_offline(False)
    for _ in range(100):
        if AttendanceMark.objects.exists():
            break
        page.wait_for_timeout(200)
    page.wait_for_load_state()
    recorded = page.locator(f"#assignment-{ana.pk} .recorded")
    recorded.wait_for()
    assert recorded.inner_text().startswith("Present,")
    assert page.evaluate("localStorage.getItem('tpbis.attendance.marks')") == "[]"
    mark = AttendanceMark.objects.get()
    assert (mark.assignment_id, mark.attended, mark.source) == (ana.pk, True, "offline-sync")

"""What every browser test shares: where Chromium is, viewports, logging in, screenshots,
and the checks run on every page a test opens (Content-Security-Policy, axe-core).

Screenshots land in artifacts/screenshots/ to be looked at.
"""

import json
import shutil
from pathlib import Path

import pytest
from django.conf import settings

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(settings.BASE_DIR) / "artifacts" / "screenshots"
# axe-core, pinned in package-lock.json and installed by `npm ci` (`make install` runs it).
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.2 level A and AA, the level the app promises.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

BROWSER_TEST = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium is not installed"),
]


# Reports every Content-Security-Policy violation of the page as a console message; Chromium
# also logs its own "Refused to ..." line, which the console listener catches as well.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI}`);
});
"""


# Runs axe-core on each document once it has loaded and logs what it found. An init script is
# added by the browser itself, outside the page's Content-Security-Policy, so script-src 'self'
# stays as strict as the app sends it.
AXE_ON_LOAD = """
window.__axeCheck = () => axe.run(document, {runOnly: {type: "tag", values: AXE_TAGS}}).then(
  (result) => ({url: location.href, violations: result.violations.map(
    (v) => ({id: v.id, nodes: v.nodes.map((n) => n.target.join(" ")).slice(0, 5)}))}));
window.addEventListener("load", () => {
  window.__axeDone = window.__axeCheck().then(
    (summary) => console.info("axe: " + JSON.stringify(summary)));
});
""".replace("AXE_TAGS", json.dumps(AXE_TAGS))

# The same check on the page as it is now (after htmx swaps, before the browser closes).
AXE_NOW = "async () => { await window.__axeDone; return await window.__axeCheck(); }"


class WatchedBrowser:
    """The browser, but every page it opens records CSP violations in `violations` and
    accessibility failures (axe-core, WCAG 2.2 AA) in `inaccessible`; `checked` lists the
    documents axe looked at."""

    def __init__(self, browser) -> None:
        self._browser = browser
        self.violations: list[str] = []
        self.inaccessible: list[dict] = []
        self.checked: list[str] = []
        self._contexts = []

    def new_context(self, **options):
        if not AXE.exists():
            raise RuntimeError(f"{AXE} is missing: run `npm ci` (or `make install`) first.")
        context = self._browser.new_context(**options)
        context.add_init_script(REPORT_VIOLATIONS)
        context.add_init_script(path=str(AXE))
        context.add_init_script(AXE_ON_LOAD)
        context.on("console", self._record)
        self._contexts.append(context)
        return context

    def check_open_pages(self) -> None:
        """Runs axe-core once more on every page still open, as it is now."""
        for context in self._contexts:
            for page in context.pages:
                if page.is_closed() or not page.url.startswith("http"):
                    continue
                self._record_axe(page.evaluate(AXE_NOW))

    def new_page(self, **options):
        # Like Browser.new_page: a context of its own, closed with the browser.
        return self.new_context(**options).new_page()

    def _record(self, message) -> None:
        text = message.text
        if text.startswith("axe: "):
            self._record_axe(json.loads(text.removeprefix("axe: ")))
            return
        if "Content Security Policy" in text or text.startswith("CSP violation"):
            self.violations.append(f"{message.page.url if message.page else '?'}: {text}")

    def _record_axe(self, result: dict) -> None:
        self.checked.append(result["url"])
        if result["violations"]:
            self.inaccessible.append(result)

    def __getattr__(self, name: str):
        return getattr(self._browser, name)


def log_in(page, live_server, email: str, password: str) -> None:
    page.goto(f"{live_server.url}/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(f"{live_server.url}/")


def shoot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

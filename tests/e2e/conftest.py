import json
import os

import pytest
from django.core.management import call_command

from .support import CHROMIUM, WatchedBrowser


@pytest.fixture
def browser():
    # Playwright's sync API runs an event loop in this thread; the ORM calls of the live
    # server's fixtures are safe here because they do not run concurrently with it.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
            ],
        )
        watched = WatchedBrowser(browser)
        yield watched
        watched.check_open_pages()
        browser.close()
    # Every page the test opened kept to the Content-Security-Policy.
    assert watched.violations == []
    # and passed axe-core's WCAG 2.2 AA rules.
    assert watched.checked, "axe-core checked no page"
    assert watched.inaccessible == [], json.dumps(watched.inaccessible, indent=1)
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def demo(db, settings, tmp_path):
    # The demo's nominations store their documents.
    settings.MEDIA_ROOT = tmp_path / "media"
    with open(os.devnull, "w") as quiet:
        call_command("loaddemo", stdout=quiet)

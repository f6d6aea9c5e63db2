"""Real headless Chromium (Debian's /usr/bin/chromium) driven by Playwright against the live server.

`playwright install` is never used: it would download a browser of its own.
"""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import sync_playwright

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# No network here: without these flags Chromium keeps trying to reach Google's services.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    # Playwright's sync API runs an event loop in this thread; the ORM calls the live-server
    # fixtures make from it are plain synchronous test set-up.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


def watch_csp(page) -> None:
    """Collects in `page.csp_violations` what the Content-Security-Policy blocked: every browser
    test also checks the policy, and what it blocked is a failure."""
    page.csp_violations = []
    page.on(
        "console",
        lambda message: (
            page.csp_violations.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="fr-FR", viewport={"width": 412, "height": 915})
    # Tiles cannot load here; block them so each test is quick and the map must draw without them.
    context.route("https://tile.openstreetmap.org/**", lambda route: route.abort())
    page = context.new_page()
    watch_csp(page)
    yield page
    context.close()
    assert page.csp_violations == [], "the page broke its Content-Security-Policy"

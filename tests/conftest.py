"""Shared fixtures: demo users, the page tree, and a real server for browser tests."""

import pytest

from tests.support.parts import require_chromium


@pytest.fixture(scope="session")
def live_komak():
    """A real Daphne serving a freshly migrated and seeded database (session-wide)."""
    from tests.support.live import LiveServer

    with LiveServer() as server:
        yield server


@pytest.fixture(scope="module")
def chromium_browser():
    """Chromium for one test module. Not session-wide: Playwright's sync API keeps an
    event loop running while it is open, which would break asyncio tests after it."""
    path = require_chromium()
    from playwright.sync_api import sync_playwright

    from tests.support.live import CHROMIUM_ARGS

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()

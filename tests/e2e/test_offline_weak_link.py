"""A saved lesson on a link that neither answers nor fails (issue 14), in a real
Chromium with the site's real service worker against a real Daphne.

In a village the network often hangs rather than drops: a request waits a minute and
more. The service worker asks the network first; where the phone has a saved copy of
the page, it shows that copy once the network has kept it waiting NETWORK_WAIT_MS
(static/js/offline-worker.js). A page that is not saved keeps waiting for the network:
the offline page is for no network, not for a slow one.

The hanging link is made with Playwright's routing of the service worker's own
requests (a request routed and never answered); Playwright routes those only when
PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS is set as its driver starts, so this
module starts its own Chromium.
"""

import contextlib
import os
import time

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import sync_playwright

from tests.e2e.test_learner_journey import new_learner
from tests.e2e.test_offline_lessons_browser import (
    NOT_SAVED_RUSSIAN_PAGE,
    press_save_and_wait,
    save_lesson,
    signed_in_context,
)
from tests.e2e.test_video_player import LESSON_PATH
from tests.support.live import CHROMIUM_ARGS
from tests.support.parts import require_chromium

pytestmark = pytest.mark.e2e

WORKER_ROUTES = "PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS"
# Longer than the worker's NETWORK_WAIT_MS (6 s) and a page's own load.
PATIENCE_MS = 30_000


@pytest.fixture(scope="module")
def chromium_routing_workers():
    path = require_chromium()
    before = os.environ.get(WORKER_ROUTES)
    os.environ[WORKER_ROUTES] = "1"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=path, args=CHROMIUM_ARGS
            )
            yield browser
            browser.close()
    finally:
        if before is None:
            del os.environ[WORKER_ROUTES]
        else:
            os.environ[WORKER_ROUTES] = before


class HangingLink:
    """Every request the service worker makes for `url` is held and never answered,
    as on a link that hangs; the page's own requests pass."""

    def __init__(self, context, url: str):
        self.context = context
        self.url = url
        self.held = []

    def hold(self, route):
        if route.request.service_worker is None:
            route.fallback()
        else:
            self.held.append(route)

    def __enter__(self) -> "HangingLink":
        self.context.route(self.url, self.hold)
        return self

    def __exit__(self, *exc) -> None:
        self.context.unroute(self.url, self.hold)
        for route in self.held:
            # A request the browser gave up on (the page went elsewhere) is closed.
            with contextlib.suppress(PlaywrightError):
                route.abort()


class WeakLinkTests:
    def test_a_saved_lesson_opens_from_the_phone_when_the_network_hangs(
        self, video_server, chromium_routing_workers
    ):
        server = video_server
        context, page = signed_in_context(
            chromium_routing_workers, server, new_learner(server)
        )
        try:
            press_save_and_wait(save_lesson(page, server))

            with HangingLink(context, server.url + LESSON_PATH) as link:
                started = time.monotonic()
                page.goto(server.url + LESSON_PATH, timeout=PATIENCE_MS)
                page.locator("[data-lesson]").wait_for()
                waited = time.monotonic() - started
                # The worker asked the network first and gave it NETWORK_WAIT_MS
                # (6 s); the network never answered, so what is shown is the copy
                # on the phone.
                assert link.held, "the service worker did not ask the network"
                assert waited >= 5.5, f"the copy came after {waited:.1f} s"
                assert page.locator("[data-video-player]").count() == 1
        finally:
            context.close()

    def test_a_page_not_saved_waits_for_the_network(
        self, video_server, chromium_routing_workers
    ):
        server = video_server
        context, page = signed_in_context(
            chromium_routing_workers, server, new_learner(server)
        )
        try:
            save_lesson(page, server)  # the service worker is in charge now
            url = server.url + NOT_SAVED_RUSSIAN_PAGE
            with HangingLink(context, url) as link:
                with pytest.raises(PlaywrightTimeoutError):
                    page.goto(url, timeout=PATIENCE_MS // 2)
                assert link.held, "the service worker did not ask the network"
            # Not the offline page: the network was slow, not gone.
            assert page.locator("[data-offline-reason]").count() == 0
        finally:
            context.close()

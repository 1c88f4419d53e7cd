"""Two people in Chromium, each with a fake camera and microphone, hold a call.

The client waits, the specialist lets them in, and both decode each other's video.
"""

import time

import pytest

from cms.demo_users import DEMO_PASSWORD
from tests.support.bookings import joinable_booking_id
from tests.support.i18n import uz
from tests.support.live import CHROMIUM_ARGS
from tests.support.parts import require_chromium

pytestmark = pytest.mark.e2e

FAKE_MEDIA = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]


@pytest.fixture(scope="module")
def media_browser():
    path = require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=path, args=[*CHROMIUM_ARGS, *FAKE_MEDIA]
        )
        yield browser
        browser.close()


def signed_in_page(browser, base_url, username):
    context = browser.new_context(locale="uz-UZ", permissions=["camera", "microphone"])
    page = context.new_page()
    page.goto(base_url + "/accounts/login/")
    page.fill("#id_login", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_url(base_url + "/")
    return context, page


def wait_for(page, expression, timeout_s=30.0):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if page.evaluate(expression):
            return True
        time.sleep(0.25)
    raise AssertionError(f"not true after {timeout_s}s: {expression}")


class BrowserCallTests:
    def test_specialist_admits_client_and_both_see_each_other(
        self, live_komak, media_browser
    ):
        booking_id = joinable_booking_id(live_komak)
        call_path = f"/consultations/{booking_id}/call/"
        client_context, client = signed_in_page(media_browser, live_komak.url, "client")
        specialist_context, specialist = signed_in_page(
            media_browser, live_komak.url, "specialist"
        )
        try:
            client.goto(live_komak.url + call_path)
            client.get_by_text(uz("Your specialist will let you in soon.")).wait_for()

            specialist.goto(live_komak.url + call_path)
            let_in = specialist.get_by_role("button", name=uz("Let in"))
            let_in.wait_for()
            let_in.click()

            for page in (client, specialist):
                wait_for(page, "window.komakCall.connectionState === 'connected'")
                wait_for(page, "document.getElementById('remote-video').videoWidth > 0")
            first = [
                page.evaluate("window.komakCall.framesDecoded()")
                for page in (client, specialist)
            ]
            time.sleep(2)
            later = [
                page.evaluate("window.komakCall.framesDecoded()")
                for page in (client, specialist)
            ]
            assert all(b > a > 0 for a, b in zip(first, later, strict=True)), (
                first,
                later,
            )
            client.get_by_text(uz("You are in the call.")).wait_for()

            # The text chat reaches the other side.
            client.fill("#chat-text", "Salom!")
            client.get_by_role("button", name=uz("Send")).click()
            specialist.locator("[data-chat-log]").get_by_text("Salom!").wait_for()
        finally:
            client_context.close()
            specialist_context.close()

    def test_a_stranger_gets_404(self, live_komak, media_browser):
        booking_id = joinable_booking_id(live_komak)
        context, page = signed_in_page(media_browser, live_komak.url, "learner")
        try:
            response = page.goto(f"{live_komak.url}/consultations/{booking_id}/call/")
            assert response.status == 404
        finally:
            context.close()

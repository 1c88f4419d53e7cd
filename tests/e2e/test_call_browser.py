"""Two people in Chromium, each with a fake camera and microphone, hold a call.

The client waits, the specialist lets them in, and both decode each other's video.
"""

import contextlib

import pytest

from tests.support.bookings import joinable_booking_id
from tests.support.homes import demo_sign_in
from tests.support.i18n import uz
from tests.support.live import CHROMIUM_ARGS
from tests.support.parts import require_chromium
from tests.support.waiting import grows, page_true, settles

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
    demo_sign_in(page, base_url, username)
    return context, page


@contextlib.contextmanager
def two_people(browser, base_url):
    """The demo client and the demo specialist, each signed in in their own context."""
    client_context, client = signed_in_page(browser, base_url, "client")
    specialist_context, specialist = signed_in_page(browser, base_url, "specialist")
    try:
        yield client, specialist
    finally:
        client_context.close()
        specialist_context.close()


def frames_decoded(page):
    return lambda: page.evaluate("window.komakCall.framesDecoded()")


LADDER_SCENARIOS = """async () => {
  const { assess, step } = await import("/static/js/ladder.js");
  const run = (start, qualities) =>
    qualities.reduce((state, q) => step(state, q), { level: start, bad: 0, good: 0 })
      .level;
  return {
    goodLink: assess({ bitrate: 1_500_000, loss: 0.0, rtt: 0.05 }),
    slowLink: assess({ bitrate: 300_000, loss: 0.01, rtt: 0.1 }),
    lossyLink: assess({ bitrate: 800_000, loss: 0.2, rtt: 0.1 }),
    threePoorStepDown: run(0, ["poor", "poor", "poor"]),
    twoPoorStays: run(0, ["poor", "poor", "good"]),
    weakGoesToAudio: run(0, ["weak", "weak", "weak"]),
    fiveGoodStepUp: run(2, ["good", "good", "good", "good", "good"]),
    flappingStays: run(1, ["good", "good", "poor", "good", "good", "poor", "good"]),
  };
}"""


class BrowserCallTests:
    def test_specialist_admits_client_and_both_see_each_other(
        self, live_komak, media_browser
    ):
        booking_id = joinable_booking_id(live_komak, fresh=True)
        call_path = f"/uz/consultations/{booking_id}/call/"
        with two_people(media_browser, live_komak.url) as (client, specialist):
            client.goto(live_komak.url + call_path)
            client.get_by_text(uz("Your specialist will let you in soon.")).wait_for()

            specialist.goto(live_komak.url + call_path)
            let_in = specialist.get_by_role("button", name=uz("Let in"))
            let_in.wait_for()
            let_in.click()

            for page in (client, specialist):
                page_true(page, "window.komakCall.connectionState === 'connected'")
                page_true(page, "document.querySelector('#remote-video').videoWidth")
            # Both keep decoding the other's video: the count goes on growing.
            for page in (client, specialist):
                first, later = grows(frames_decoded(page))
                assert later > first > 0, (first, later)
            client.get_by_text(uz("You are in the call.")).wait_for()

            # The text chat reaches the other side.
            client.fill("#chat-text", "Salom!")
            client.get_by_role("button", name=uz("Send")).click()
            specialist.locator("[data-chat-log]").get_by_text("Salom!").wait_for()

    def test_the_call_survives_a_dropped_signaling_link_and_steps_down_to_audio(
        self, live_komak, media_browser
    ):
        booking_id = joinable_booking_id(live_komak, fresh=True)
        call_path = f"/uz/consultations/{booking_id}/call/"
        with two_people(media_browser, live_komak.url) as (client, specialist):
            client.goto(live_komak.url + call_path)
            specialist.goto(live_komak.url + call_path)
            let_in = specialist.get_by_role("button", name=uz("Let in"))
            let_in.wait_for()
            let_in.click()
            for page in (client, specialist):
                page_true(page, "window.komakCall.connectionState === 'connected'")

            # The client's signaling link drops: it reconnects by itself, media goes on.
            client.evaluate("window.komakCall.dropSignaling()")
            page_true(client, "window.komakCall.socketOpens >= 2")
            # The page says what happened: the link to the service, not the call.
            client.get_by_text(
                uz("The link to the service is back. You are in the call.")
            ).wait_for()
            grows(frames_decoded(specialist))
            client.fill("#chat-text", "Qaytdim")
            client.get_by_role("button", name=uz("Send")).click()
            specialist.locator("[data-chat-log]").get_by_text("Qaytdim").wait_for()

            # The ladder's last rung: audio only stops the client's video and both
            # people are told in words.
            client.evaluate("window.komakCall.setLevel(2)")
            specialist.get_by_text(uz("The other person is on audio only.")).wait_for()
            client.get_by_text(
                uz(
                    "The connection is weak: switched to audio only. You can still "
                    "hear each other."
                )
            ).wait_for()
            # The client's encoder stops: no video frame is sent for 1.5 s in a row.
            sent = settles(
                lambda: client.evaluate("window.komakCall.framesSent()"), window=1.5
            )
            assert sent > 0, "no video was ever sent"

    def test_ladder_rules(self, live_komak, media_browser):
        context = media_browser.new_context()
        page = context.new_page()
        try:
            page.goto(live_komak.url + "/")
            result = page.evaluate(LADDER_SCENARIOS)
        finally:
            context.close()
        assert result == {
            "goodLink": "good",
            "slowLink": "poor",
            "lossyLink": "weak",
            "threePoorStepDown": 1,
            "twoPoorStays": 0,
            "weakGoesToAudio": 2,
            "fiveGoodStepUp": 1,
            "flappingStays": 1,
        }

    def test_a_stranger_gets_404(self, live_komak, media_browser):
        booking_id = joinable_booking_id(live_komak)
        context, page = signed_in_page(media_browser, live_komak.url, "learner")
        try:
            response = page.goto(
                f"{live_komak.url}/uz/consultations/{booking_id}/call/"
            )
            assert response.status == 404
        finally:
            context.close()

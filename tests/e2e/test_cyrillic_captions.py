"""The demo lesson read in Uzbek Cyrillic, in a real Chromium (issue 17): the player
switches on the Uzbek captions at their Cyrillic address, and the cue Chromium
shows is in Cyrillic letters, like the page around it."""

import re

import pytest

from core.transliteration import latin_to_cyrillic
from tests.e2e.test_video_player import ACTIVE_CUE_TEXT, LESSON_PATH, anonymous_page
from tests.support.i18n import uz
from tests.support.waiting import eventually
from videos.webvtt import webvtt_parse

pytestmark = pytest.mark.e2e

CYRILLIC_PATH = LESSON_PATH.replace("/uz/", "/uz-cyrl/", 1)


def test_a_cyrillic_reader_sees_cyrillic_captions(video_server, chromium_browser):
    page = anonymous_page(chromium_browser, width=360, height=740)
    try:
        page.goto(video_server.url + CYRILLIC_PATH)
        page.wait_for_selector("[data-video-player][data-ready]")
        track = page.locator("[data-video-player] track[data-default]")
        assert track.get_attribute("srclang") == "uz-cyrl"
        assert track.get_attribute("src").endswith("/uz-cyrl.vtt")
        play_label = page.locator("[data-play]").inner_text().strip(" ▶")
        assert re.fullmatch(r"[\u0400-\u04ff ]+", play_label), play_label
        assert play_label != uz("Play")
        page.locator("[data-play]").click()
        cue_text = eventually(
            lambda: page.evaluate(ACTIVE_CUE_TEXT),
            timeout=60,
            every=0.1,
            what="a caption cue became active",
        )
        # The trainer's Latin cue, written as the lesson pages are.
        latin_source = track.get_attribute("src").replace("/uz-cyrl.vtt", "/uz.vtt")
        latin = page.request.get(video_server.url + latin_source).text()
        expected = [latin_to_cyrillic(cue.text) for cue in webvtt_parse(latin)]
        assert " ".join(cue_text.split()) in expected, (cue_text, expected)
        assert re.search(r"[\u0400-\u04ff]", cue_text), cue_text
    finally:
        page.context.close()

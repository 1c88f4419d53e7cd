"""Comfort settings and "Read aloud" in a real Chromium against a real Daphne.

Larger text and high contrast chosen before signing in change the page from the
first paint; the page still reflows at 320 CSS px and passes axe-core. "Read aloud"
shows only where the browser has a voice for the page's language.
"""

import pytest

from tests.support.axe import axe_violations, sideways_overflow
from tests.support.i18n import uz

pytestmark = pytest.mark.e2e

LESSON = "/uz/kurslar/oila-bilan-videoqongiroq/tayyorgarlik/"
ROOT_FONT_SIZE = "parseFloat(getComputedStyle(document.documentElement).fontSize)"

# Chromium without a screen has no speech voices. This stands in for a phone's voice
# list and records what would be spoken, so that our script's choices can be seen.
FAKE_VOICES = """
(languages) => {
  const voices = languages.map((lang) => ({ lang, name: "Test " + lang, default: false,
    localService: true, voiceURI: "test-" + lang }));
  window.__spoken = [];
  const synthesis = window.speechSynthesis;
  synthesis.getVoices = () => voices;
  // A real utterance accepts only the browser's own voice objects.
  window.SpeechSynthesisUtterance = class extends EventTarget {
    constructor(text) { super(); this.text = text; }
  };
  synthesis.speak = (utterance) => window.__spoken.push(
    { text: utterance.text, lang: utterance.lang });
  synthesis.cancel = () => window.__spoken.push({ cancelled: true });
}
"""


def words(text: str) -> str:
    """Text with every run of spaces and line breaks as one space."""
    return " ".join(text.split())


def with_voices(context, languages):
    context.add_init_script(f"({FAKE_VOICES})({list(languages)!r});".replace("'", '"'))


class ComfortSettingsTests:
    def test_larger_text_and_high_contrast_before_sign_in(
        self, live_komak, chromium_browser
    ):
        context = chromium_browser.new_context(
            viewport={"width": 320, "height": 640}, bypass_csp=True, locale="uz-UZ"
        )
        page = context.new_page()
        try:
            page.goto(live_komak.url + LESSON)
            assert page.evaluate(ROOT_FONT_SIZE) == 20
            page.get_by_role("link", name=uz("Easier to read")).click()
            page.get_by_label(uz("Larger text")).check()
            page.get_by_label(uz("High contrast")).check()
            page.get_by_role("button", name=uz("Save")).click()
            page.wait_for_url(live_komak.url + LESSON)
            assert page.evaluate(ROOT_FONT_SIZE) == 24
            header = page.locator(".site-header")
            assert header.evaluate("e => getComputedStyle(e).backgroundColor") == (
                "rgb(0, 0, 0)"
            )
            assert sideways_overflow(page) <= 0
            assert axe_violations(page) == []

            # The next visit on this phone starts with the same settings.
            page.goto(live_komak.url + "/")
            assert page.evaluate(ROOT_FONT_SIZE) == 24
        finally:
            context.close()


class ReadAloudTests:
    def test_hidden_without_a_voice_for_the_language(
        self, live_komak, chromium_browser
    ):
        context = chromium_browser.new_context(locale="uz-UZ")
        with_voices(context, ["ru-RU", "en-US"])
        page = context.new_page()
        try:
            page.goto(live_komak.url + LESSON)
            page.wait_for_load_state("load")
            assert page.locator("html").get_attribute("lang") == "uz"
            button = page.locator("[data-read-aloud]")
            assert button.count() == 1
            assert not button.is_visible()
        finally:
            context.close()

    def test_reads_the_lesson_with_an_uzbek_voice_and_stops(
        self, video_server, chromium_browser
    ):
        context = chromium_browser.new_context(locale="uz-UZ")
        with_voices(context, ["ru-RU", "uz-UZ"])
        page = context.new_page()
        try:
            page.goto(video_server.url + LESSON)
            # The player has taken the video over: its controls are shown.
            page.locator("[data-video-player][data-ready]").wait_for()
            controls = page.locator("[data-video-controls]")
            assert controls.is_visible()
            button = page.get_by_role("button", name=uz("Read aloud"))
            button.wait_for()
            button.click()
            spoken = page.evaluate("window.__spoken")
            assert [item["lang"] for item in spoken] == ["uz-UZ"]

            # The lesson as shown, word for word, but the player's controls: a
            # listener wants the lesson, not "0:00 / 0:29, 0.75×, 1×, 1.25×".
            lesson_words = words(page.locator(".lesson-read").inner_text())
            control_words = words(controls.inner_text())
            assert f"▶ {uz('Play')}" in control_words
            assert uz("Speed") in control_words
            assert control_words in lesson_words
            assert words(spoken[0]["text"]) == lesson_words.replace(
                control_words, ""
            ).replace("  ", " ")
            # The controls are in the page as they were.
            assert controls.is_visible()
            assert controls.get_attribute("style") in (None, "")
            stop = page.get_by_role("button", name=uz("Stop reading"))
            assert stop.get_attribute("aria-pressed") == "true"
            stop.click()
            assert page.evaluate("window.__spoken")[-1] == {"cancelled": True}
            assert button.get_attribute("aria-pressed") == "false"
        finally:
            context.close()

    def test_reads_each_text_in_its_own_language(self, live_komak, chromium_browser):
        """On the Russian site, a lesson not yet translated is Uzbek text: only an
        Uzbek voice may read it; the translated lesson is read in Russian."""
        untranslated = "/ru/kurslar/smartfon-asoslari/telefonni-yoqish/"
        translated = "/ru/kurslar/oila-bilan-videoqongiroq/tayyorgarlik/"
        for voices, path, expected in (
            (["ru-RU"], untranslated, None),
            (["ru-RU", "uz-UZ"], untranslated, "uz-UZ"),
            (["ru-RU"], translated, "ru-RU"),
        ):
            context = chromium_browser.new_context(locale="ru-RU")
            with_voices(context, voices)
            page = context.new_page()
            try:
                page.goto(live_komak.url + path)
                page.wait_for_load_state("load")
                assert page.locator("html").get_attribute("lang") == "ru"
                button = page.locator("[data-read-aloud]")
                if expected is None:
                    assert not button.is_visible(), (voices, path)
                    continue
                button.wait_for()
                button.click()
                spoken = page.evaluate("window.__spoken")
                assert spoken[0]["lang"] == expected, (voices, path)
            finally:
                context.close()

"""The demo's bank-caller simulation in a real Chromium against a real Daphne.

Played with JavaScript off (plain form posts and page loads) and on (the same forms
posted by static/js/simulation.js, without a page load): once to the safe ending
and, after "Try again", once to an unsafe one. The server's verdict is read from
`data-simulation-result`; focus is on the new screen's heading after each step. With
JavaScript on, axe-core also checks each kind of screen at 320 CSS px. "Read aloud"
reads the screen shown now, also after screens changed without a page load.
"""

import pytest

from tests.e2e.test_comfort_browser import with_voices
from tests.e2e.test_learner_journey import LOCALE, new_learner, sign_in
from tests.support.axe import (
    axe_violations,
    broken_references,
    sideways_overflow,
    small_targets,
)
from tests.support.i18n import uz

pytestmark = pytest.mark.e2e

LESSON_PATH = "/uz/kurslar/firibgarlardan-saqlaning/soxta-bank-qongiroqlari/"


def choose(page, label: str) -> None:
    """Press a choice and wait until its screen is gone (a new page, or with
    JavaScript the next screen put in its place)."""
    button = page.get_by_role("button", name=label, exact=True)
    button.click()
    button.wait_for(state="detached")
    page.wait_for_load_state()


def focused_id(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def accessible(page) -> None:
    """WCAG 2.2 AA by axe-core, 48 px targets, no sideways scrolling at 320 px."""
    assert axe_violations(page) == []
    assert broken_references(page) == []
    assert sideways_overflow(page) <= 0
    assert small_targets(page) == []


class SimulationBrowserTests:
    @pytest.mark.parametrize("javascript", [False, True], ids=["js-off", "js-on"])
    def test_safe_then_unsafe(self, live_komak, chromium_browser, javascript):
        context = chromium_browser.new_context(
            locale=LOCALE,
            java_script_enabled=javascript,
            viewport={"width": 320, "height": 640},
            bypass_csp=javascript,  # lets axe-core in (JavaScript on only)
        )
        check = accessible if javascript else lambda page: None
        page = context.new_page()
        sign_in(page, live_komak.url, new_learner(live_komak))
        page.goto(live_komak.url + LESSON_PATH)
        page.get_by_role("link", name=uz("Start the practice")).click()

        phone = page.locator(".phone")
        assert uz("Practice — not a real message") in phone.inner_text()
        assert page.locator("form[data-simulation]").count() == 1
        assert focused_id(page) == "simulation-screen"
        # No real link or number is ever offered to follow.
        assert phone.locator("a").count() == 0
        check(page)

        if javascript:  # a mark that a page load would wipe
            page.evaluate("window.sameDocument = true")
        choose(page, "Goʻshakni qoʻyaman")
        assert focused_id(page) == "simulation-screen"
        choose(
            page,
            "Javob bermayman va kartam orqasidagi bank raqamiga "
            "oʻzim qoʻngʻiroq qilaman",
        )
        result = page.locator("[data-simulation-result]")
        assert result.get_attribute("data-simulation-result") == "safe"
        assert uz("Practice — not a real message") in phone.inner_text()

        choose(page, uz("Try again"))
        choose(page, "SMSni kutaman")
        check(page)
        choose(page, "Kodni qoʻngʻiroq qilgan odamga aytaman")
        result = page.locator("[data-simulation-result]")
        assert result.get_attribute("data-simulation-result") == "unsafe"
        check(page)
        if javascript:  # every step came without a page load
            assert page.evaluate("window.sameDocument") is True

        page.goto(live_komak.url + LESSON_PATH)
        assert page.get_by_text(uz("You have done this practice safely.")).is_visible()
        check(page)
        context.close()


class SimulationReadAloudTests:
    """ "Read aloud" on the pretend phone reads the screen shown now, also when the
    screens change without a page load. Chromium without a screen has no voices:
    tests/e2e/test_comfort_browser.py's stand-in voice list records what would be
    spoken, which checks our script, not the voice."""

    def start(self, live_komak, chromium_browser, voices):
        context = chromium_browser.new_context(locale=LOCALE)
        with_voices(context, voices)
        page = context.new_page()
        sign_in(page, live_komak.url, new_learner(live_komak))
        page.goto(live_komak.url + LESSON_PATH)
        page.get_by_role("link", name=uz("Start the practice")).click()
        page.wait_for_load_state("load")
        return context, page

    def spoken(self, page) -> list[dict]:
        return page.evaluate("window.__spoken")

    def test_reads_each_screen_as_it_comes(self, live_komak, chromium_browser):
        context, page = self.start(live_komak, chromium_browser, ["ru-RU", "uz-UZ"])
        try:
            page.evaluate("window.sameDocument = true")
            button = page.get_by_role("button", name=uz("Read aloud"))
            button.wait_for()
            button.click()
            call_text = page.locator(".phone-screen").inner_text()
            assert self.spoken(page) == [{"text": call_text, "lang": "uz-UZ"}]
            # The caller, her words and every choice, as on the screen.
            for words in (
                "Bank xavfsizlik xizmati",
                "+998 00 000 00 00",
                "undagi kodni menga ayting",
                "SMSni kutaman",
                "Goʻshakni qoʻyaman",
            ):
                assert words in call_text
            assert page.get_by_role("button", name=uz("Stop reading")).get_attribute(
                "aria-pressed"
            ) == ("true")

            # The next screen, without a page load: the old one is no longer read.
            choose(page, "SMSni kutaman")
            assert self.spoken(page)[-1] == {"cancelled": True}
            button = page.get_by_role("button", name=uz("Read aloud"))
            assert button.get_attribute("aria-pressed") == "false"
            assert button.is_visible()
            button.click()
            sms_text = page.locator(".phone-screen").inner_text()
            assert self.spoken(page)[-1] == {"text": sms_text, "lang": "uz-UZ"}
            for words in (
                "HUMO",
                "Tasdiqlash kodi: 4821",
                "Kodni qoʻngʻiroq qilgan odamga aytaman",
            ):
                assert words in sms_text
            assert "undagi kodni menga ayting" not in sms_text

            # The ending is read too: the verdict and what to notice next time.
            page.get_by_role("button", name=uz("Stop reading")).click()
            choose(page, "Kodni qoʻngʻiroq qilgan odamga aytaman")
            page.get_by_role("button", name=uz("Read aloud")).click()
            ending_text = page.locator(".phone-screen").inner_text()
            assert self.spoken(page)[-1] == {"text": ending_text, "lang": "uz-UZ"}
            assert "Haqiqiy bank xodimi bu kodni hech qachon" in ending_text
            assert page.evaluate("window.sameDocument") is True
        finally:
            context.close()

    def test_hidden_without_a_voice_for_the_language(
        self, live_komak, chromium_browser
    ):
        context, page = self.start(live_komak, chromium_browser, ["ru-RU", "en-US"])
        try:
            assert page.locator("[data-simulation]").count() == 1
            button = page.locator("[data-read-aloud]")
            assert button.count() == 1
            assert not button.is_visible()
            choose(page, "SMSni kutaman")
            assert not page.locator("[data-read-aloud]").is_visible()
        finally:
            context.close()

"""Sign-in by phone code in Chromium against a real Daphne, JavaScript off.

The code is read from the server's log, where the default (logging) SMS backend
writes it, as a developer would read it during `make run`.
"""

import re
import time

import pytest

from tests.support.axe import axe_violations, sideways_overflow, small_targets
from tests.support.homes import home_path

pytestmark = pytest.mark.e2e

LEARNER_PHONE = "+998901110001"  # the demo learner (demo/people.yaml)
NOBODY_PHONE = "+998909990099"  # no account: the same pages, no SMS
DAY = 24 * 60 * 60


def code_sent_after(server, offset: int, phone: str, timeout: float = 10) -> str:
    """The 6-digit code in the first SMS to `phone` logged after byte `offset`."""
    pattern = re.compile(rf"SMS to {re.escape(phone)}: .*?\b(\d{{6}})\b")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with server.log_path.open("rb") as log:
            log.seek(offset)
            match = pattern.search(log.read().decode("utf-8", errors="replace"))
        if match:
            return match.group(1)
        time.sleep(0.2)
    raise AssertionError(f"no SMS to {phone} in the server log")


class PhoneCodeBrowserTests:
    def test_learner_signs_in_with_the_code_from_the_sms(
        self, live_komak, chromium_browser
    ):
        base_url = live_komak.url
        context = chromium_browser.new_context(java_script_enabled=False)
        page = context.new_page()
        try:
            page.goto(base_url + "/uz/accounts/login/")
            phone_field = page.locator("#id_phone")
            assert phone_field.get_attribute("autocomplete") == "tel"
            offset = live_komak.log_path.stat().st_size
            phone_field.fill("90 111 00 01")
            with page.expect_navigation():
                page.click("form.phone-code-form button[type=submit]")
            assert page.url == base_url + "/uz/accounts/login/phone/code/"
            code_field = page.locator("#id_code")
            assert code_field.get_attribute("autocomplete") == "one-time-code"
            assert code_field.get_attribute("inputmode") == "numeric"
            code = code_sent_after(live_komak, offset, LEARNER_PHONE)

            wrong = "000000" if code != "000000" else "111111"
            code_field.fill(wrong)
            with page.expect_navigation():
                page.click("form.form button[type=submit]")
            assert page.locator(".field-error").count() == 1
            assert "4" in page.locator(".field-error").inner_text()

            page.fill("#id_code", code)
            page.check("#id_remember")
            with page.expect_navigation():
                page.click("form.form button[type=submit]")
            assert page.url == base_url + home_path("learner")

            session = next(
                cookie for cookie in context.cookies() if cookie["name"] == "sessionid"
            )
            assert session["expires"] > time.time() + 89 * DAY
            page.goto(base_url + "/uz/accounts/profile/")
            assert page.url == base_url + "/uz/accounts/profile/"
        finally:
            context.close()

    def test_code_pages_meet_wcag_22_aa_on_a_small_phone(
        self, live_komak, chromium_browser
    ):
        base_url = live_komak.url
        context = chromium_browser.new_context(
            viewport={"width": 320, "height": 640},
            bypass_csp=True,  # lets axe-core be injected; the app's CSP stays on
        )
        page = context.new_page()
        try:
            page.goto(base_url + "/uz/accounts/login/phone/")
            with page.expect_navigation():
                page.click("form.form button[type=submit]")  # empty: an error
            assert page.locator(".field-error").count() == 1
            self.assert_accessible(page)
            page.fill("#id_phone", NOBODY_PHONE)
            with page.expect_navigation():
                page.click("form.form button[type=submit]")
            assert page.url == base_url + "/uz/accounts/login/phone/code/"
            self.assert_accessible(page)
            page.fill("#id_code", "12")
            with page.expect_navigation():
                page.click("form.form button[type=submit]")
            assert page.locator(".field-error").count() == 1
            self.assert_accessible(page)
        finally:
            context.close()

    def assert_accessible(self, page):
        assert axe_violations(page) == []
        assert sideways_overflow(page) <= 0
        assert small_targets(page) == []

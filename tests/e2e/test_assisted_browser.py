"""Assisted learning in a real Chromium: the "with help" button sends a completion
marked as assisted through the progress endpoint, and the lesson says so after a
reload."""

import json

import pytest

from tests.support.homes import demo_sign_in
from tests.support.i18n import uz

pytestmark = pytest.mark.e2e

LESSON = "/uz/kurslar/smartfon-asoslari/"
HELPED = "Someone helped you, and that is fine. Next time, try it on your own."


def _completion_answer(response):
    request = response.request
    return (
        request.url.endswith("/uz/learning/progress/")
        and request.method == "POST"
        and '"complete"' in (request.post_data or "")
    )


class AssistedBrowserTests:
    def test_a_social_worker_marks_a_lesson_done_with_help(
        self, live_komak, chromium_browser
    ):
        context = chromium_browser.new_context(locale="uz-UZ")
        page = context.new_page()
        sent = []
        page.on(
            "request",
            lambda request: (
                sent.append(json.loads(request.post_data))
                if request.url.endswith("/uz/learning/progress/")
                and request.method == "POST"
                else None
            ),
        )
        try:
            demo_sign_in(page, live_komak.url, "client")
            page.goto(live_komak.url + LESSON)
            links = page.locator("ol.lesson-list li a")
            lesson_url = live_komak.url + links.last.get_attribute("href")
            page.goto(lesson_url)
            # The page says "finished" as soon as the step is kept in the browser;
            # it is sent just after, so wait for the server's answer to it.
            with page.expect_response(_completion_answer):
                page.get_by_role(
                    "button", name=uz("Done with help from a social worker")
                ).click()
            page.get_by_text(uz("You have finished this lesson.")).wait_for()
            completions = [
                event
                for body in sent
                for event in body["events"]
                if event["type"] == "complete"
            ]
            assert len(completions) == 1
            assert completions[0]["assisted"] is True
            page.reload()
            page.get_by_text(uz(HELPED)).wait_for()
        finally:
            context.close()

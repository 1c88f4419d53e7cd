"""The demo learner's journey in a real Chromium against a real Daphne.

Sign in, open a lesson, answer a practice question, mark the lesson done, find it in
"My learning", reload, and the progress is still there: once with JavaScript (events
through the progress endpoint) and once without (plain form posts).
"""

import pytest

from demo.people import DEMO_PASSWORD
from tests.support.homes import home_path
from tests.support.i18n import uz

pytestmark = pytest.mark.e2e

COURSE_PATH = "/uz/kurslar/oila-bilan-videoqongiroq/"
NO_JS_COURSE_PATH = "/uz/kurslar/firibgarlardan-saqlaning/"
VERDICTS = {
    uz("Right!"),
    uz("Partly right: there is another right answer too."),
    uz("Not quite. Read the note under your answer and try again."),
}
# An Uzbek-speaking learner's phone: the interface answers in Uzbek.
LOCALE = "uz-UZ"


# A learner of its own for each journey: the demo learner's progress is shared with
# other browser tests on the same server, and a journey must start from nothing.
NEW_LEARNER_CODE = """
import secrets
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from demo.people import DEMO_PASSWORD
name = "journey" + secrets.token_hex(4)
user = get_user_model().objects.create_user(
    username=name, password=DEMO_PASSWORD, full_name="Sinov Oʻquvchi"
)
user.groups.add(Group.objects.get(name="Learner"))
print(name)
"""


def new_learner(server) -> str:
    return server.shell(NEW_LEARNER_CODE)


def sign_in(page, base_url, username="learner"):
    page.goto(base_url + "/uz/accounts/login/")
    page.fill("#id_login", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_url(base_url + home_path(username))


def _completion_answer(response):
    request = response.request
    return (
        "/uz/learning/progress/" in request.url
        and request.method == "POST"
        and '"complete"' in (request.post_data or "")
    )


def journey(page, server, course_path, *, scripted):
    base_url = server.url
    sign_in(page, base_url, new_learner(server))
    page.goto(base_url + course_path)
    lesson_count = page.locator("ol.lesson-list li").count()
    page.get_by_role("link", name=uz("Start the course")).click()
    lesson_url = page.url
    lesson_title = page.locator("h1").inner_text()

    question = page.locator("section.question").first
    question.locator("input[name=choice]").first.check()
    question.get_by_role("button", name=uz("Check my answer")).click()
    feedback = question.locator("[data-feedback] .feedback-message")
    feedback.wait_for()
    verdict = feedback.inner_text()
    assert verdict in VERDICTS

    done_button = page.get_by_role("button", name=uz("Mark as done"))
    if scripted:
        # The script says "finished" once the step is kept in the browser and
        # sends it just after: wait for the server's answer before leaving.
        with page.expect_response(_completion_answer):
            done_button.click()
    else:
        done_button.click()
    page.get_by_text(uz("You have finished this lesson.")).wait_for()

    page.goto(base_url + "/uz/learning/my/")
    card = page.locator("li.card", has=page.locator(f'a[href="{course_path}"]'))
    done = uz(
        "%(done)s of %(total)s lessons done (%(percent)s%%)",
        done=1,
        total=lesson_count,
        percent=round(100 / lesson_count),
    )
    assert done in card.inner_text()

    page.goto(lesson_url)
    page.reload()
    assert page.locator("h1").inner_text() == lesson_title
    assert page.get_by_text(uz("You have finished this lesson.")).is_visible()
    assert page.get_by_role("button", name=uz("Mark as done")).count() == 0
    question = page.locator("section.question").first
    assert question.locator("input[name=choice]").first.is_checked()
    assert question.locator(".feedback-message").inner_text() == verdict


class LearnerJourneyTests:
    def test_with_javascript(self, live_komak, chromium_browser):
        context = chromium_browser.new_context(locale=LOCALE)
        page = context.new_page()
        posts = []
        page.on(
            "request",
            lambda request: (
                posts.append(request.url)
                if request.method == "POST" and "/uz/learning/progress/" in request.url
                else None
            ),
        )
        journey(page, live_komak, COURSE_PATH, scripted=True)
        # The script, not a form post, carried the answer and the completion.
        assert len(posts) >= 3
        context.close()

    def test_without_javascript(self, live_komak, chromium_browser):
        context = chromium_browser.new_context(locale=LOCALE, java_script_enabled=False)
        page = context.new_page()
        journey(page, live_komak, NO_JS_COURSE_PATH, scripted=False)
        context.close()

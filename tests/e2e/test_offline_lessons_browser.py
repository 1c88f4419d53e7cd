"""Lessons saved for use without internet (issue 14), in a real Chromium with the
site's real service worker against a real Daphne.

A learner saves the demo video lesson, goes offline, opens it from its address,
plays its video, answers its practice question and marks it done; back online the
server has each event once. Offline, a practice question the trainer left "checked on
the phone" shows the server's verdict and notes at once; a secret one says it will be
checked once online; back online the server has each answer once. The session ends
while offline: the steps wait for the next sign-in. A tiny storage quota: a clear
refusal, and nothing half-saved. A page that is not saved shows the offline page in
the reader's language. Background Sync sends the waiting steps with no lesson page
open.
"""

import json
import re
import time

import pytest
from django.utils import translation

from tests.e2e.test_learner_journey import LOCALE, new_learner
from tests.e2e.test_progress_queue_browser import (
    SIGNED_OUT,
    server_events,
    sign_in,
    store,
)
from tests.e2e.test_video_player import LESSON_PATH
from tests.support.homes import home_path
from tests.support.i18n import uz
from tests.support.waiting import eventually

pytestmark = pytest.mark.e2e

NOT_SAVED_RUSSIAN_PAGE = "/ru/kurslar/firibgarlardan-saqlaning/"

# The lesson caches of Cache Storage and the addresses each holds.
CACHES_JS = """async () => {
    const found = {};
    for (const name of await caches.keys()) {
        if (!name.startsWith("komak-lesson:")) continue;
        const cache = await caches.open(name);
        found[name] = (await cache.keys()).map((request) => request.url);
    }
    return found;
}"""
WORKER_READY_JS = """async () => {
    const registration = await navigator.serviceWorker.ready;
    const names = await caches.keys();
    return Boolean(registration.active) && names.includes("komak-offline-v1");
}"""


SAVED = "Saved on this phone (%(size)s). It opens from this address without internet."
SENT_LATER = "Saved on this phone. It will be sent when the internet is back."
CHECKED_LATER = (
    "Saved on this phone. Your answer will be checked when the phone is online again."
)

# The saved lesson's two practice questions: the first checked on the phone (the
# block's default), the second marked secret by the `secret_second_question`
# fixture. Prints their ids and options, and puts the mark back when told.
QUESTIONS_CODE = """
import json
from learning.models import LessonPage
lesson = LessonPage.objects.get(slug="tayyorgarlik", locale__language_code="uz")
questions = [block for block in lesson.body if block.block_type == "question"]
questions[1].value["check_on_phone"] = {check_on_phone}
lesson.save_revision().publish()
print(json.dumps([
    {{
        "id": block.id,
        "options": [dict(option) for option in block.value["options"]],
        "check_on_phone": block.value["check_on_phone"],
    }}
    for block in questions
]))
"""
# The server's record of a learner's answers: question id and verdict.
ANSWERS_CODE = """
import json
from learning.models import PracticeAnswer
rows = PracticeAnswer.objects.filter(user__username={username!r})
print(json.dumps({{row.question_id: row.correct for row in rows}}))
"""
NO_SPACE = uz(
    "There is not enough space on this phone. This lesson needs "
    "%(needed)s and %(free)s is free. Remove saved lessons you no longer "
    "need, or other files, and try again.",
    needed="@",
    free="@",
).split("@")[0]
# Twenty saved lessons (a meta each), each removed while the list is read twice
# beside it, as another tab would. Returns the lesson caches left afterwards.
REMOVE_BESIDE_READS_JS = """async () => {
    const store = await import("/static/js/offline-store.js");
    for (let round = 0; round < 20; round++) {
        const path = `/uz/learning/race-${round}/`;
        const url = location.origin + path;
        const name = `${store.LESSON_PREFIX}${path}:${Date.now()}`;
        const meta = { url, title: "race", bytes: 1, savedAt: "2026-12-07" };
        const cache = await caches.open(name);
        await cache.put(url + store.META_QUERY, new Response(JSON.stringify(meta)));
        const removal = store.lessonRemove(url);
        await Promise.all([removal, store.savedLessons(), store.savedLessons()]);
    }
    const names = await caches.keys();
    return names.filter((name) => name.startsWith(store.LESSON_PREFIX));
}"""
SMALL_ESTIMATE_JS = """
navigator.storage.estimate = async () => ({ quota: 1100000, usage: 1000000 });
"""


def in_language(language, text, **params):
    with translation.override(language):
        translated = translation.gettext(text)
    return translated % params if params else translated


def lesson_caches(page):
    return page.evaluate(CACHES_JS)


def worker_ready(page):
    eventually(lambda: page.evaluate(WORKER_READY_JS), timeout=60)


def signed_in_context(browser, server, username):
    context = browser.new_context(locale=LOCALE, service_workers="allow")
    page = context.new_page()
    page.goto(server.url + "/uz/accounts/login/")
    sign_in(page, server.url, username, then=server.url + home_path(username))
    return context, page


def save_lesson(page, server, kind="video"):
    page.goto(server.url + LESSON_PATH)
    section = page.locator("[data-offline-save]")
    section.wait_for()
    worker_ready(page)
    return section


def press_save_and_wait(section):
    """Press "Save to this phone" in the lesson's card; wait until it says saved."""
    section.get_by_role(
        "button", name=uz("Save to this phone for use without internet")
    ).click()
    status = section.locator("[data-offline-status]")
    saved_start = uz(SAVED, size="@").split("@")[0]
    eventually(lambda: status.inner_text().startswith(saved_start), timeout=90)


def open_offline(context, page, server):
    """Cut the network and open the saved lesson from its address."""
    context.set_offline(True)
    page.goto(server.url + LESSON_PATH)
    page.locator("[data-lesson]").wait_for()


def back_online(context, page):
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")


def play_until(page, seconds, timeout=60.0):
    page.get_by_role("button", name=uz("Play")).click()
    deadline = time.monotonic() + timeout
    position = 0.0
    while time.monotonic() < deadline:
        position = page.evaluate(
            "document.querySelector('[data-video-player] video').currentTime"
        )
        if position > seconds:
            return position
        time.sleep(0.1)
    raise AssertionError(f"only {position} s played in {timeout} s")


def answer(question, *choices):
    """Tick the options numbered `choices` of a question and press Check."""
    for choice in choices:
        question.locator(f"input[name=choice][value='{choice}']").check()
    question.get_by_role("button", name=uz("Check my answer")).click()


def offline_steps(page):
    """Answer the practice question and press done; both wait on the phone."""
    question = page.locator("section.question").first
    answer(question, 0)
    question.get_by_text(uz(SENT_LATER)).wait_for()
    page.get_by_role("button", name=uz("Mark as done")).click()
    page.get_by_text(uz("You have finished this lesson.")).wait_for()
    eventually(lambda: {"answer", "complete"} <= {r["type"] for r in store(page)})
    return {row["id"]: row["type"] for row in store(page)}


@pytest.fixture
def secret_second_question(video_server):
    """The saved lesson's questions, its second one marked secret for this test."""
    questions = json.loads(
        video_server.shell(QUESTIONS_CODE.format(check_on_phone=False))
    )
    assert [question["check_on_phone"] for question in questions] == [True, False]
    yield questions
    video_server.shell(QUESTIONS_CODE.format(check_on_phone=True))


def feedback_of(question):
    """What the question's feedback box says, line by line."""
    text = question.locator("[data-feedback]").inner_text()
    return [line.strip() for line in text.splitlines() if line.strip()]


def assert_each_once(server, username, waited):
    rows = server_events(server, username)
    ids = [event_id for event_id, _ in rows]
    for event_id, kind in waited.items():
        assert ids.count(event_id) == 1, (kind, rows)
    kinds = [kind for _, kind in rows]
    assert kinds.count("answer") == 1 and kinds.count("complete") == 1, rows


class OfflineLessonTests:
    def test_a_saved_video_lesson_works_offline(self, video_server, chromium_browser):
        server = video_server
        username = new_learner(server)
        context, page = signed_in_context(chromium_browser, server, username)
        section = save_lesson(page, server)

        # The size of each choice is shown before saving, in words.
        video_choice = section.locator("label.choice").nth(0).inner_text()
        sound_choice = section.locator("label.choice").nth(1).inner_text()
        in_words = "|".join(
            re.escape(uz(f"about %(size)s {unit}", size="@")).replace("@", r"\d+")
            for unit in ("KB", "MB")
        )
        assert re.search(in_words, video_choice), video_choice
        assert re.search(in_words, sound_choice), sound_choice
        press_save_and_wait(section)

        saved = lesson_caches(page)
        assert len(saved) == 1, saved
        urls = next(iter(saved.values()))
        assert server.url + LESSON_PATH in urls
        assert any(url.endswith(".m4s") for url in urls)
        assert any(url.endswith("/234p/index.m3u8") or "234p" in url for url in urls)
        assert any(".css" in url for url in urls)

        open_offline(context, page, server)
        page.wait_for_selector("[data-video-player][data-ready]", timeout=30_000)
        assert play_until(page, 0.5) > 0.5
        page.get_by_role("button", name=uz("Pause")).click()
        waited = offline_steps(page)
        assert not {e for e, _ in server_events(server, username)} & waited.keys()

        back_online(context, page)
        eventually(lambda: not store(page), timeout=60)
        assert_each_once(server, username, waited)
        context.close()

    def test_steps_made_offline_wait_for_a_new_sign_in(
        self, video_server, chromium_browser
    ):
        server = video_server
        username = new_learner(server)
        context, page = signed_in_context(chromium_browser, server, username)
        section = save_lesson(page, server)
        section.get_by_label(
            re.compile(
                re.escape(
                    uz("Sound only, with the words (%(size)s)", size="@").split("(")[0]
                )
            )
        ).check()
        press_save_and_wait(section)

        open_offline(context, page, server)
        waited = offline_steps(page)
        # The session ends while the phone is offline.
        context.clear_cookies(name="sessionid")
        back_online(context, page)
        sync = page.locator("[data-sync-status]")
        eventually(lambda: uz(SIGNED_OUT) in sync.inner_text(), timeout=60)
        kinds = [kind for _, kind in server_events(server, username)]
        assert "answer" not in kinds and "complete" not in kinds

        sync.get_by_role("link", name=uz("Sign in")).click()
        sign_in(page, server.url, username, then=server.url + LESSON_PATH)
        eventually(lambda: not store(page), timeout=60)
        assert_each_once(server, username, waited)
        context.close()

    def test_a_full_quota_saves_nothing_and_says_so(
        self, video_server, chromium_browser
    ):
        server = video_server
        context, page = signed_in_context(chromium_browser, server, new_learner(server))
        section = save_lesson(page, server)
        cdp = context.new_cdp_session(page)
        # Smaller than the lesson: the quota runs out part way through saving
        # (Chromium's estimate may still show the earlier quota, so the check
        # before saving can pass).
        cdp.send(
            "Storage.overrideQuotaForOrigin",
            {"origin": server.url, "quotaSize": 300_000},
        )
        section.get_by_role(
            "button", name=uz("Save to this phone for use without internet")
        ).click()
        status = section.locator("[data-offline-status]")
        ran_out = uz(
            "The phone ran out of space while saving. Nothing of this lesson was "
            "kept. Remove saved lessons you no longer need and try again."
        )
        eventually(
            lambda: (
                status.inner_text() == ran_out
                or status.inner_text().startswith(NO_SPACE)
            ),
            timeout=60,
        )
        assert lesson_caches(page) == {}
        context.close()

    def test_too_little_space_is_refused_before_saving(
        self, video_server, chromium_browser
    ):
        server = video_server
        context, page = signed_in_context(chromium_browser, server, new_learner(server))
        # The browser says 100 KB are free.
        context.add_init_script(SMALL_ESTIMATE_JS)
        section = save_lesson(page, server)
        requests = []
        page.on("request", lambda request: requests.append(request.url))
        section.get_by_role(
            "button", name=uz("Save to this phone for use without internet")
        ).click()
        status = section.locator("[data-offline-status]")
        eventually(lambda: status.inner_text().startswith(NO_SPACE), timeout=30)
        assert uz("about %(size)s KB", size=100) in status.inner_text()
        assert lesson_caches(page) == {}
        assert not [url for url in requests if "/videos/ladders/" in url]
        context.close()

    def test_an_unsaved_page_offline_shows_the_offline_page_in_its_language(
        self, video_server, chromium_browser
    ):
        server = video_server
        context = chromium_browser.new_context(locale=LOCALE, service_workers="allow")
        page = context.new_page()
        page.goto(server.url + LESSON_PATH)
        page.locator("[data-offline-save]").wait_for()
        worker_ready(page)

        context.set_offline(True)
        page.goto(server.url + NOT_SAVED_RUSSIAN_PAGE)
        heading = page.get_by_role("heading", level=1)
        assert heading.inner_text() == in_language("ru", "No internet")
        assert page.evaluate("document.documentElement.lang") == "ru"
        page.get_by_text(
            in_language("ru", "No lessons are saved on this phone yet.")
        ).wait_for()
        context.set_offline(False)
        context.close()

    def test_background_sync_sends_the_steps_with_no_lesson_open(
        self, video_server, chromium_browser
    ):
        server = video_server
        username = new_learner(server)
        context, page = signed_in_context(chromium_browser, server, username)
        save_lesson(page, server)
        context.set_offline(True)
        waited = offline_steps(page)
        # Away from the lesson: no page script sends them now.
        page.goto(server.url + "/uz/learning/saved/")
        page.locator("[data-saved-lessons]").wait_for()
        # No page script can send them from here: only the service worker.
        assert not page.evaluate("Boolean(document.querySelector('[data-lesson]'))")
        kinds = [kind for _, kind in server_events(server, username)]
        assert "answer" not in kinds and "complete" not in kinds

        context.set_offline(False)
        # Chromium fires the sync the lesson page asked for once it is online
        # again; if it has not within 15 s, DevTools fires it as the browser would.
        try:
            eventually(lambda: not store(page), timeout=15)
        except AssertionError:
            cdp = context.new_cdp_session(page)
            registrations = []
            cdp.on(
                "ServiceWorker.workerRegistrationUpdated",
                lambda event: registrations.extend(event["registrations"]),
            )
            cdp.send("ServiceWorker.enable")
            eventually(lambda: registrations)
            cdp.send(
                "ServiceWorker.dispatchSyncEvent",
                {
                    "origin": server.url,
                    "registrationId": registrations[0]["registrationId"],
                    "tag": "komak-progress",
                    "lastChance": False,
                },
            )
        eventually(lambda: not store(page), timeout=60)
        assert_each_once(server, username, waited)
        context.close()

    def test_saved_lessons_lists_sizes_and_removes(
        self, video_server, chromium_browser
    ):
        server = video_server
        context, page = signed_in_context(chromium_browser, server, new_learner(server))
        section = save_lesson(page, server)
        press_save_and_wait(section)

        page.goto(server.url + "/uz/learning/saved/")
        item = page.locator("[data-saved-lesson]")
        item.wait_for()
        title = item.locator("a")
        assert item.get_attribute("data-saved-lesson") == server.url + LESSON_PATH
        assert uz("video at low quality") in item.inner_text()
        estimate = page.locator("[data-saved-estimate]")
        used = uz(
            "Saved lessons use %(used)s on this phone, and %(free)s more can be saved.",
            used="@",
            free="@",
        ).split("@")[0]
        eventually(lambda: estimate.inner_text().startswith(used))
        name = title.inner_text()
        page.get_by_role(
            "button", name=uz("Remove “%(title)s” from this phone", title=name)
        ).click()
        # The list is drawn again once the removal has finished. Read the caches
        # only then: CACHES_JS opens each cache it lists, and opening one while it is
        # being deleted would create it again, empty (seen once in CI).
        page.get_by_text(uz("No lessons are saved on this phone yet.")).wait_for()
        assert lesson_caches(page) == {}
        assert uz("“%(title)s” was removed from this phone.", title=name) in (
            estimate.inner_text()
        )
        context.close()

    def test_reading_the_list_beside_a_removal_brings_nothing_back(
        self, video_server, chromium_browser
    ):
        context = chromium_browser.new_context(locale=LOCALE)
        page = context.new_page()
        page.goto(video_server.url + "/uz/learning/saved/")
        assert page.evaluate(REMOVE_BESIDE_READS_JS) == []
        context.close()

    def test_practice_offline_is_checked_on_the_phone_unless_secret(
        self, video_server, chromium_browser, secret_second_question
    ):
        server = video_server
        open_one, secret_one = secret_second_question
        username = new_learner(server)
        context, page = signed_in_context(chromium_browser, server, username)
        press_save_and_wait(save_lesson(page, server))
        open_offline(context, page, server)

        # Checked on the phone: one of the two right answers only.
        open_question = page.locator(f"#q-{open_one['id']}")
        answer(open_question, 0)
        open_question.get_by_text(uz(SENT_LATER)).wait_for()
        first = open_one["options"][0]
        on_phone = [
            uz("Partly right: there is another right answer too."),
            f"{first['text']}: {uz('right')}. {first['feedback']}",
        ]
        assert feedback_of(open_question) == [*on_phone, uz(SENT_LATER)]
        assert "feedback-wrong" in (
            open_question.locator("[data-feedback]").get_attribute("class")
        )

        # Secret: no verdict on the phone, and it says when there will be one.
        secret_question = page.locator(f"#q-{secret_one['id']}")
        answer(secret_question, 0)
        secret_question.get_by_text(uz(CHECKED_LATER)).wait_for()
        assert feedback_of(secret_question) == [uz(CHECKED_LATER)]

        # Opened again offline, the page shows the answers still waiting.
        page.reload()
        page.locator("[data-lesson]").wait_for()
        eventually(lambda: feedback_of(open_question) == [*on_phone, uz(SENT_LATER)])
        eventually(lambda: feedback_of(secret_question) == [uz(CHECKED_LATER)])
        assert open_question.locator("input[value='0']").is_checked()
        assert not open_question.locator("input[value='1']").is_checked()
        waited = {row["id"]: row["type"] for row in store(page)}
        assert list(waited.values()).count("answer") == 2
        assert not {e for e, _ in server_events(server, username)} & waited.keys()

        # Back online: the server's verdicts replace the notes, in the same words as
        # the phone's, and it has each answer once.
        back_online(context, page)
        eventually(lambda: not store(page), timeout=60)
        eventually(lambda: feedback_of(open_question) == on_phone)
        secret_right = secret_one["options"][0]
        server_says = [
            uz("Right!"),
            f"{secret_right['text']}: {uz('right')}. {secret_right['feedback']}",
        ]
        eventually(lambda: feedback_of(secret_question) == server_says)
        rows = server_events(server, username)
        ids = [event_id for event_id, _ in rows]
        for event_id in waited:
            assert ids.count(event_id) == 1, rows
        assert [kind for _, kind in rows].count("answer") == 2, rows
        verdicts = json.loads(server.shell(ANSWERS_CODE.format(username=username)))
        assert verdicts == {open_one["id"]: False, secret_one["id"]: True}
        context.close()

"""Progress that waits (issue 14): lesson events kept in IndexedDB until the server
has acknowledged them, in a real Chromium against a real Daphne.

Offline, with the session gone, with one event the server refuses, and across a
reload: the page says how many steps wait, and the server ends with each event once.
"""

import json

import pytest

from demo.people import DEMO_PASSWORD
from tests.e2e.test_learner_journey import COURSE_PATH, LOCALE, VERDICTS, new_learner
from tests.support.homes import home_path
from tests.support.i18n import uz, uz_n
from tests.support.waiting import eventually

pytestmark = pytest.mark.e2e

PROGRESS_PATH = "/uz/learning/progress/"
SAVED_OFFLINE = "Saved on this phone. It will be sent when the internet is back."
SIGNED_OUT = (
    "You are signed out. They are kept on this phone and will be sent "
    "after you sign in again."
)

# The records of one IndexedDB store, as the page's own script keeps them.
# Not made by the test: opening a database that does not exist yet would create it
# empty, before the page's script could create its stores.
STORE_JS = """async (name) => {
    const db = await new Promise((resolve) => {
        const request = indexedDB.open("komak-progress");
        request.onupgradeneeded = () => request.transaction.abort();
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => resolve(null);
    });
    if (!db) return [];
    const rows = await new Promise((resolve, reject) => {
        const request = db.transaction(name).objectStore(name).getAll();
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
    });
    db.close();
    return rows.map((row) => ({ id: row.id, type: row.event.type, error: row.error }));
}"""

# A "time" event from an impossible moment: the server answers 400 and names it.
FORGE_JS = """async () => {
    const lesson = document.querySelector("[data-lesson]");
    const id = crypto.randomUUID();
    const record = {
        id,
        owner: lesson.dataset.learner,
        endpoint: lesson.dataset.progressUrl,
        event: {
            id, lesson: Number(lesson.dataset.lesson), visit: crypto.randomUUID(),
            type: "time", at: "2099-01-01T00:00:00Z", seconds: 5,
        },
    };
    const db = await new Promise((resolve, reject) => {
        const request = indexedDB.open("komak-progress");
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
    });
    await new Promise((resolve, reject) => {
        const tx = db.transaction("waiting", "readwrite");
        tx.objectStore("waiting").put(record);
        tx.oncomplete = resolve;
        tx.onerror = () => reject(tx.error);
    });
    db.close();
    return id;
}"""

SERVER_EVENTS_CODE = """
import json
from learning.models import ProgressEvent
rows = ProgressEvent.objects.filter(user__username={username!r})
print(json.dumps([[str(row.event_id), row.kind] for row in rows]))
"""


def store(page, name="waiting"):
    return page.evaluate(STORE_JS, name)


def server_events(server, username) -> list[list[str]]:
    return json.loads(server.shell(SERVER_EVENTS_CODE.format(username=username)))


def sign_in(page, base_url, username, *, then):
    page.fill("#id_login", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_url(then)


def open_lesson(page, server):
    """A new learner signs in and opens the first lesson; its "open" event is sent."""
    username = new_learner(server)
    page.goto(server.url + "/uz/accounts/login/")
    sign_in(page, server.url, username, then=server.url + home_path(username))
    page.goto(server.url + COURSE_PATH)
    page.get_by_role("link", name=uz("Start the course")).click()
    page.locator("[data-lesson]").wait_for()
    eventually(lambda: not store(page) and server_events(server, username))
    return username


def answer_and_finish(page):
    question = page.locator("section.question").first
    question.locator("input[name=choice]").first.check()
    question.get_by_role("button", name=uz("Check my answer")).click()
    page.get_by_role("button", name=uz("Mark as done")).click()
    page.get_by_text(uz("You have finished this lesson.")).wait_for()
    return question


def status_says_waiting(page):
    """The status region names the number of events in the waiting store."""
    waiting = store(page)
    expected = uz_n(
        "%(count)s step waiting to be sent.",
        "%(count)s steps waiting to be sent.",
        len(waiting),
        count=len(waiting),
    )
    text = page.locator("[data-sync-status]").inner_text()
    return bool(waiting) and text.startswith(expected)


def waiting_steps(page):
    """The learner's answer and completion, waiting (with their ids)."""
    eventually(lambda: {"answer", "complete"} <= {r["type"] for r in store(page)})
    eventually(lambda: status_says_waiting(page))
    return {row["id"]: row["type"] for row in store(page)}


def assert_each_once(server, username, waited):
    """Every waiting event reached the server, once, and the store is empty."""
    rows = server_events(server, username)
    ids = [event_id for event_id, _ in rows]
    for event_id, kind in waited.items():
        assert ids.count(event_id) == 1, (kind, rows)
    assert [kind for _, kind in rows].count("complete") == 1
    assert [kind for _, kind in rows].count("answer") == 1


class ProgressQueueTests:
    def test_offline_steps_wait_and_arrive_once(self, live_komak, chromium_browser):
        context = chromium_browser.new_context(locale=LOCALE)
        page = context.new_page()
        username = open_lesson(page, live_komak)

        context.set_offline(True)
        question = answer_and_finish(page)
        question.get_by_text(uz(SAVED_OFFLINE)).wait_for()
        waited = waiting_steps(page)
        sent = {event_id for event_id, _ in server_events(live_komak, username)}
        assert not sent & waited.keys()

        context.set_offline(False)
        eventually(lambda: not store(page))
        assert_each_once(live_komak, username, waited)
        page.get_by_text(uz("Saved."), exact=True).wait_for()
        # The answer's verdict arrives with the acknowledgement.
        feedback = question.locator("[data-feedback] .feedback-message")
        feedback.wait_for()
        assert feedback.inner_text() in VERDICTS
        context.close()

    def test_steps_wait_for_a_new_sign_in(self, live_komak, chromium_browser):
        context = chromium_browser.new_context(locale=LOCALE)
        page = context.new_page()
        username = open_lesson(page, live_komak)
        lesson_url = page.url

        context.set_offline(True)
        answer_and_finish(page)
        waited = waiting_steps(page)
        # The session ends while the phone is offline.
        context.clear_cookies(name="sessionid")
        context.set_offline(False)

        status = page.locator("[data-sync-status]")
        eventually(lambda: uz(SIGNED_OUT) in status.inner_text())
        assert status_says_waiting(page)
        assert store(page, "refused") == []
        kinds = [kind for _, kind in server_events(live_komak, username)]
        assert "answer" not in kinds and "complete" not in kinds

        status.get_by_role("link", name=uz("Sign in")).click()
        sign_in(page, live_komak.url, username, then=lesson_url)
        eventually(lambda: not store(page))
        assert_each_once(live_komak, username, waited)
        context.close()

    def test_steps_wait_through_a_csrf_failure(self, live_komak, chromium_browser):
        context = chromium_browser.new_context(locale=LOCALE)
        page = context.new_page()
        username = open_lesson(page, live_komak)

        context.set_offline(True)
        answer_and_finish(page)
        waited = waiting_steps(page)
        # No CSRF cookie any more: Django refuses every POST with 403.
        context.clear_cookies(name="csrftoken")
        context.set_offline(False)
        status = page.locator("[data-sync-status]")
        eventually(lambda: uz(SIGNED_OUT) in status.inner_text())
        assert waited.keys() <= {row["id"] for row in store(page)}
        kinds = [kind for _, kind in server_events(live_komak, username)]
        assert "answer" not in kinds and "complete" not in kinds

        # A page load sets a new token; the script reads it and the steps go.
        page.reload()
        eventually(lambda: not store(page))
        assert_each_once(live_komak, username, waited)
        context.close()

    def test_a_refused_event_is_kept_aside_and_reported(
        self, live_komak, chromium_browser
    ):
        context = chromium_browser.new_context(locale=LOCALE)
        page = context.new_page()
        username = open_lesson(page, live_komak)

        context.set_offline(True)
        forged = page.evaluate(FORGE_JS)
        answer_and_finish(page)
        waited = waiting_steps(page)
        assert forged in waited
        context.set_offline(False)

        eventually(lambda: not store(page))
        refused = store(page, "refused")
        assert [row["id"] for row in refused] == [forged]
        impossible = uz(
            "The time of this event is impossible; check the device's clock."
        )
        assert refused[0]["error"] == impossible
        report = page.locator("[data-refused]")
        report.wait_for()
        assert uz("Time spent on the lesson") + ": " + impossible in report.inner_text()
        del waited[forged]
        assert_each_once(live_komak, username, waited)
        assert forged not in {e for e, _ in server_events(live_komak, username)}
        context.close()

    def test_waiting_steps_survive_a_reload(self, live_komak, chromium_browser):
        context = chromium_browser.new_context(locale=LOCALE)
        page = context.new_page()
        username = open_lesson(page, live_komak)

        # The server is down (503): the steps wait, and retrying does not drop them.
        context.route(
            "**" + PROGRESS_PATH,
            lambda route: route.fulfill(status=503, body="{}"),
        )
        answer_and_finish(page)
        waited = waiting_steps(page)
        page.reload()
        eventually(lambda: waited.keys() <= {row["id"] for row in store(page)})
        eventually(lambda: status_says_waiting(page))

        context.unroute("**" + PROGRESS_PATH)
        page.reload()
        eventually(lambda: not store(page))
        assert_each_once(live_komak, username, waited)
        context.close()

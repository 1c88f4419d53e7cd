"""PostgreSQL out of reach for a while: every request gets a "try again in a minute"
page (503, `Retry-After`) in the reader's language, a write cut off halfway leaves
nothing behind, and the site comes back by itself when the server is back.

The first tests fake the lost connection inside the test database (fast); the others
stop and start a real PostgreSQL of their own (tests/support/postgres_cluster.py)
under a real Daphne, never the machine's shared server.
"""

import re
import shutil
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from unittest import mock

import psycopg
import pytest
from django.db import OperationalError
from django.test import Client
from django.utils import translation

from core.transliteration import latin_to_cyrillic
from tests.accounts.factories import PASSWORD
from tests.support.live import LiveServer
from tests.support.mfa import http_sign_in
from tests.support.postgres_cluster import PrivatePostgres

TRY_AGAIN = "Please try again in a minute"
NOT_SAVED = (
    "If you were sending something, it was not saved. Wait a minute, then send it "
    "again."
)


def in_language(language: str, text: str) -> str:
    """`text` as the reader sees it: Uzbek in Cyrillic is also written in Cyrillic
    on its way out (core/transliteration.py)."""
    with translation.override(language):
        translated = translation.gettext(text)
    return latin_to_cyrillic(translated) if language == "uz-cyrl" else translated


@pytest.mark.django_db
class TryAgainPageTests:
    """The page itself, with the database failing inside the test process."""

    @pytest.fixture
    def lost_database(self):
        error = OperationalError("connection to server failed: Connection refused")
        with mock.patch("wagtail.models.Site.find_for_request", side_effect=error):
            yield

    @pytest.mark.parametrize("language", ["uz", "ru", "uz-cyrl", "kaa", "en"])
    def test_a_lost_database_is_a_503_in_the_readers_language(
        self, lost_database, language
    ):
        response = Client(raise_request_exception=False).get(f"/{language}/")
        html = response.content.decode()
        assert response.status_code == 503
        assert response["Retry-After"] == "30"
        assert response["Content-Language"] == language
        assert f'<html lang="{language}"' in html
        assert in_language(language, TRY_AGAIN) in html
        assert in_language(language, NOT_SAVED) in html
        assert f'href="/{language}/"' in html

    def test_the_page_keeps_the_readers_comfort_settings(self, lost_database):
        visitor = Client(raise_request_exception=False)
        visitor.cookies["komak_comfort"] = "text-large"
        html = visitor.get("/ru/").content.decode()
        assert '<html lang="ru" class="text-large">' in html

    def test_the_page_passes_the_sites_content_security_policy(self, lost_database):
        response = Client(raise_request_exception=False).get("/uz/")
        policy = response["Content-Security-Policy"]
        assert "unsafe-inline" not in policy
        assert "<script" not in response.content.decode()
        assert "<style" not in response.content.decode()

    def test_a_form_sent_meanwhile_gets_no_link_that_would_send_it_again(
        self, lost_database
    ):
        response = Client(raise_request_exception=False).post("/uz/", {"a": "b"})
        assert response.status_code == 503
        assert in_language("uz", "Try again") not in response.content.decode()

    def test_any_other_error_is_still_the_500_page(self):
        with mock.patch(
            "wagtail.models.Site.find_for_request", side_effect=ValueError("a bug")
        ):
            response = Client(raise_request_exception=False).get("/uz/")
        assert response.status_code == 500
        assert "Retry-After" not in response


# --- A real PostgreSQL, stopped and started under a real Daphne -----------------------

SETUP_CODE = """
from tests.accounts.factories import user_create
from tests.learning.factories import course_create
user_create(roles=("Learner",), username="outage-learner")
course, lessons = course_create(title="Uzilish kursi", lessons=1)
print(lessons[0].url)
"""
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')
# The lesson's no-JavaScript "done" form posts beside the page (learning_lesson_form).
COMPLETE_FORM_ACTION = re.compile(
    r'<form method="post" action="([^"]+)" data-complete-form>'
)
EVENT_ID = re.compile(
    r'name="action" value="complete">\s*<input type="hidden" name="event_id" '
    r'value="([0-9a-f-]{36})"'
)


@pytest.fixture(scope="module")
def outage():
    """A private PostgreSQL with a migrated database, and Daphne on it."""
    postgres = PrivatePostgres().create()
    server = None
    try:
        postgres.execute("postgres", "CREATE DATABASE komak")
        server = LiveServer(
            extra_env={
                "DATABASE_URL": postgres.url("komak"),
                "DATABASE_CONNECT_TIMEOUT": "3",
            }
        )
        server.manage("migrate", "--no-input")
        server.manage("collectstatic", "--no-input", "--verbosity", "0")
        lesson_url = server.shell(SETUP_CODE)
        server.start()
        yield postgres, server, lesson_url
    finally:
        if server is not None:
            server.stop()
            shutil.rmtree(server.workdir, ignore_errors=True)
        postgres.destroy()


def fetch(url: str, opener=None, data: dict | None = None) -> tuple[int, dict, str]:
    opener = opener or urllib.request.build_opener(urllib.request.ProxyHandler({}))
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    try:
        with opener.open(url, data=body, timeout=30) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


class DatabaseOutageTests:
    def test_try_again_while_stopped_then_back_by_itself(self, outage):
        postgres, server, lesson_url = outage
        assert fetch(server.url + "/uz/")[0] == 200
        assert fetch(server.url + lesson_url)[0] == 200  # now in the page cache
        postgres.stop("fast")
        try:
            pages = {
                language: fetch(f"{server.url}/{language}/")
                for language in ("uz", "ru")
            }
            cached_lesson = fetch(server.url + lesson_url)
        finally:
            postgres.start()
        for language, (status, headers, html) in pages.items():
            assert status == 503, html[:500]
            assert headers["Retry-After"] == "30"
            assert f'<html lang="{language}"' in html
            assert in_language(language, TRY_AGAIN) in html
        # An anonymous lesson read before still comes from the page cache.
        assert cached_lesson[0] == 200
        # The very first request after the restart is served, with no restart of
        # Daphne.
        status, _, html = fetch(server.url + "/ru/")
        assert status == 200, html[:500]

    def test_a_restart_nobody_saw_does_not_break_the_next_request(self, outage):
        # No connection that died with the old server is used again (under Daphne
        # each request's sync code has its own connection; CONN_HEALTH_CHECKS
        # covers code that keeps one).
        postgres, server, _ = outage
        assert fetch(server.url + "/uz/")[0] == 200
        postgres.stop("fast")
        postgres.start()
        status, _, html = fetch(server.url + "/uz/")
        assert status == 200, html[:500]

    def test_a_write_cut_off_halfway_leaves_nothing(self, outage):
        postgres, server, lesson_url = outage
        opener, _ = http_sign_in(server.url, "outage-learner", PASSWORD)
        _, _, page = fetch(server.url + lesson_url, opener)
        form_url = server.url + COMPLETE_FORM_ACTION.search(page).group(1)
        form = {
            "csrfmiddlewaretoken": TOKEN.search(page).group(1),
            "action": "complete",
            "event_id": EVENT_ID.search(page).group(1),
        }
        # Hold the progress summary table: the request stores its event, then waits
        # for the summary, and the server is killed while it waits.
        holder = psycopg.connect(postgres.url("komak"))
        holder.execute("LOCK TABLE learning_lessonprogress IN ACCESS EXCLUSIVE MODE")
        answers = []
        sender = threading.Thread(
            target=lambda: answers.append(fetch(form_url, opener, form))
        )
        sender.start()
        try:
            waited = waiting_for_lock(postgres)
        finally:
            postgres.stop("immediate")
            sender.join(60)
            holder.close()
            postgres.start()
        assert waited, "the request never reached the locked table"
        status, headers, html = answers[0]
        assert status == 503, html[:500]
        assert in_language("uz", NOT_SAVED) in html
        with psycopg.connect(postgres.url("komak")) as connection:
            stored = connection.execute(
                "SELECT count(*) FROM learning_progressevent WHERE event_id = %s",
                (form["event_id"],),
            ).fetchone()[0]
        assert stored == 0
        # Sent again once the server is back, it is stored, once.
        status, _, _ = fetch(form_url, opener, form)
        assert status == 200
        with psycopg.connect(postgres.url("komak")) as connection:
            stored = connection.execute(
                "SELECT count(*) FROM learning_progressevent WHERE event_id = %s",
                (form["event_id"],),
            ).fetchone()[0]
        assert stored == 1


def waiting_for_lock(postgres: PrivatePostgres, timeout: float = 20) -> bool:
    deadline = time.monotonic() + timeout
    with psycopg.connect(postgres.url("komak"), autocommit=True) as connection:
        while time.monotonic() < deadline:
            waiting = connection.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE wait_event_type = 'Lock' AND query ILIKE '%lessonprogress%'"
            ).fetchone()[0]
            if waiting:
                return True
            time.sleep(0.1)
    return False

"""Lessons saved for offline use, the server's side (docs/offline.md): the service
worker's address, the offline and "Saved lessons" pages, the sizes a lesson page
shows before saving, and progress refused under someone else's session.

The saving itself runs in the browser: tests/e2e/test_offline_lessons_browser.py.
"""

import json
import re

import pytest
from django.utils import translation

from core.transliteration import latin_to_cyrillic
from learning.models import ProgressEvent
from learning.templatetags.offline_tags import (
    PAGE_BYTES,
    _player_script_bytes,
    size_in_words,
)
from tests.accounts.factories import user_create
from tests.learning.test_progress_api import URL as PROGRESS_URL
from tests.learning.test_progress_api import event
from tests.support.i18n import uz
from tests.support.videos import SEGMENT, lesson_showing, ready_video_create

pytestmark = pytest.mark.django_db


def offline_lesson_json(html: str) -> dict:
    match = re.search(
        r'<script id="offline-lesson" type="application/json">(.*?)</script>', html
    )
    assert match, "no offline-lesson data on the page"
    return json.loads(match.group(1))


class SizeInWordsTests:
    @pytest.mark.parametrize(
        ("size", "words"),
        [
            (0, "about 1 KB"),
            (1_499, "about 1 KB"),
            (800_000, "about 800 KB"),
            (4_200_000, "about 4 MB"),
            (4_600_000, "about 5 MB"),
            (12_000_000_000, "about 12 GB"),
        ],
    )
    def test_sizes_as_people_say_them(self, size, words):
        with translation.override("en"):
            assert size_in_words(size) == words


class ServiceWorkerTests:
    def test_served_at_the_root_and_never_cached(self, client):
        response = client.get("/sw.js")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/javascript")
        assert response["Cache-Control"] == "no-cache"
        assert response["Service-Worker-Allowed"] == "/"
        body = response.content.decode()
        assert 'addEventListener("sync"' in body
        assert 'from "/static/js/progress-queue.js"' in body

    def test_only_get_and_head(self, client):
        assert client.post("/sw.js").status_code == 405


class OfflinePagesTests:
    @pytest.mark.parametrize("language", ["uz", "uz-cyrl", "ru", "kaa", "en"])
    def test_offline_page_in_each_language(self, client, language):
        response = client.get(f"/{language}/offline/")
        assert response.status_code == 200
        html = response.content.decode()
        # Uzbek Cyrillic pages are the Uzbek ones written in Cyrillic.
        with translation.override("uz" if language == "uz-cyrl" else language):
            heading = translation.gettext("No internet")
        if language == "uz-cyrl":
            heading = latin_to_cyrillic(heading)
        assert f"<h1>{heading}</h1>" in html
        assert f'<html lang="{language}"' in html
        assert 'id="offline-words"' in html
        assert "js/offline-list" in html

    def test_saved_lessons_page_explains_without_javascript(self, client):
        response = client.get("/uz/learning/saved/")
        assert response.status_code == 200
        html = response.content.decode()
        assert uz("Saved lessons") in html
        assert "data-offline-unsupported" in html
        assert (
            uz(
                "Saving lessons for use without internet needs a newer browser, such "
                "as Chrome, with JavaScript turned on."
            )
            in html
        )


class LessonSaveChoicesTests:
    def test_a_video_lesson_offers_both_rungs_with_sizes(self, client):
        video = ready_video_create()
        lesson = lesson_showing(video)
        response = client.get(lesson.url)
        assert response.status_code == 200
        html = response.content.decode()
        assert uz("Save to this phone for use without internet") in html
        data = offline_lesson_json(html)
        kinds = [choice["kind"] for choice in data["choices"]]
        assert kinds == ["video", "audio"]
        # The rung, the page and hls.js, which a saved video plays through.
        expected = len(SEGMENT) + PAGE_BYTES + _player_script_bytes()
        assert _player_script_bytes() > 100_000
        assert all(choice["bytes"] == expected for choice in data["choices"])
        words = size_in_words(expected)
        assert words in data["choices"][0]["label"]
        assert words in html  # shown before anything is saved
        assert data["video"]["master"].endswith("/master.m3u8")
        assert len(data["video"]["playlists"]) == 2
        lesson.refresh_from_db()
        assert data["published"] == lesson.last_published_at.isoformat()

    def test_a_lesson_without_video_offers_the_page(self, client):
        from tests.learning.factories import course_create

        _course, lessons = course_create(lessons=1)
        response = client.get(lessons[0].url)
        data = offline_lesson_json(response.content.decode())
        assert [choice["kind"] for choice in data["choices"]] == ["page"]


class ProgressOwnerTests:
    def test_steps_of_someone_else_are_refused_and_not_stored(self, client):
        from tests.learning.factories import course_create

        _course, lessons = course_create()
        user = user_create()
        other = user_create()
        client.force_login(user)
        response = client.post(
            PROGRESS_URL,
            data=json.dumps({"events": [event(lessons[0])]}),
            content_type="application/json",
            headers={"X-Komak-Learner": str(other.pk)},
        )
        assert response.status_code == 403
        assert not ProgressEvent.objects.exists()

    def test_own_steps_are_stored(self, client):
        from tests.learning.factories import course_create

        _course, lessons = course_create()
        user = user_create()
        client.force_login(user)
        response = client.post(
            PROGRESS_URL,
            data=json.dumps({"events": [event(lessons[0])]}),
            content_type="application/json",
            headers={"X-Komak-Learner": str(user.pk)},
        )
        assert response.status_code == 200
        assert ProgressEvent.objects.filter(user=user).count() == 1

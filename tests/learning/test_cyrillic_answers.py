"""Answer feedback in the reader's script (issue 17): a lesson read in Uzbek
Cyrillic gets the trainer's Uzbek Latin feedback in Cyrillic from the progress
endpoint (JSON) and in the data block a phone checks answers with, which the
Cyrillic page writer does not reach."""

import json
import re
import uuid

import pytest
from django.core.management import call_command
from django.utils import timezone, translation
from wagtail.models import Locale

from core.transliteration import latin_to_cyrillic
from learning.answers import VERDICTS
from tests.accounts.factories import user_create
from tests.learning.factories import course_create

pytestmark = pytest.mark.django_db


def wrong_answer(client, language: str, lesson) -> dict:
    question = next(iter(lesson.questions()))
    event = {
        "id": str(uuid.uuid4()),
        "lesson": lesson.pk,
        "visit": str(uuid.uuid4()),
        "type": "answer",
        "at": timezone.now().isoformat(),
        "question": question,
        "choices": [2],
    }
    response = client.post(
        f"/{language}/learning/progress/",
        data=json.dumps({"events": [event]}),
        content_type="application/json",
    )
    assert response.status_code == 200
    return response.json()["answers"][0]


@pytest.fixture
def lesson(client):
    _, lessons = course_create(lessons=1, check_on_phone=True)
    client.force_login(user_create())
    return lessons[0]


class JsonFeedbackTests:
    def test_a_cyrillic_reader_gets_the_feedback_in_cyrillic(self, client, lesson):
        answer = wrong_answer(client, "uz-cyrl", lesson)
        assert answer["options"] == [
            {"index": 2, "correct": False, "feedback": "Изоҳ 2"}
        ]
        with translation.override("uz"):
            latin_verdict = str(VERDICTS["wrong"])
        assert answer["message"] == latin_to_cyrillic(latin_verdict)
        assert not re.search(r"[A-Za-z]", answer["message"])

    def test_a_latin_reader_keeps_the_latin_feedback(self, client, lesson):
        answer = wrong_answer(client, "uz", lesson)
        assert answer["options"][0]["feedback"] == "Izoh 2"
        with translation.override("uz"):
            assert answer["message"] == str(VERDICTS["wrong"])

    @pytest.mark.parametrize("language", ["ru", "kaa", "en"])
    def test_other_languages_are_not_made_cyrillic(self, client, lesson, language):
        answer = wrong_answer(client, language, lesson)
        assert answer["options"][0]["feedback"] == "Izoh 2"
        with translation.override(language):
            assert answer["message"] == str(VERDICTS["wrong"])


def phone_check_in(html: str) -> list[dict]:
    return [
        json.loads(found)
        for found in re.findall(
            r'<script id="q-[^"]+-check" type="application/json">(.*?)</script>', html
        )
    ]


class PhoneCheckDataTests:
    def page(self, client, lesson, language: str) -> str:
        call_command("sync_locale_trees")
        shown = lesson.get_translation(Locale.objects.get(language_code=language))
        response = client.get(shown.url)
        assert response.status_code == 200
        return response.content.decode()

    def test_the_cyrillic_page_checks_with_cyrillic_feedback(self, client, lesson):
        checks = phone_check_in(self.page(client, lesson, "uz-cyrl"))
        assert checks == [
            {"right": [0], "feedback": ["Изоҳ 0", "Изоҳ 1", "Изоҳ 2"]},
            {"right": [0, 2], "feedback": ["Изоҳ 0", "Изоҳ 1", "Изоҳ 2", "Изоҳ 3"]},
        ]

    @pytest.mark.parametrize("language", ["uz", "ru"])
    def test_other_pages_keep_the_feedback_as_written(self, client, lesson, language):
        checks = phone_check_in(self.page(client, lesson, language))
        assert checks[0]["feedback"] == ["Izoh 0", "Izoh 1", "Izoh 2"]


class SavedLessonTitleTests:
    def test_a_lesson_saved_from_the_cyrillic_page_has_a_cyrillic_title(
        self, client, lesson
    ):
        html = PhoneCheckDataTests().page(client, lesson, "uz-cyrl")
        data = re.search(
            r'<script id="offline-lesson" type="application/json">(.*?)</script>', html
        )
        assert json.loads(data.group(1))["title"] == "Дарс 1"

    def test_a_lesson_saved_from_the_latin_page_keeps_its_title(self, client, lesson):
        html = PhoneCheckDataTests().page(client, lesson, "uz")
        data = re.search(
            r'<script id="offline-lesson" type="application/json">(.*?)</script>', html
        )
        assert json.loads(data.group(1))["title"] == "Dars 1"

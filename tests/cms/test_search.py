"""The public search page finds published courses and lessons, and nothing else."""

import pytest
from django.urls import reverse

from learning.models import LessonPage
from tests.learning.factories import course_create
from tests.support.i18n import uz

pytestmark = pytest.mark.django_db


@pytest.fixture
def lessons():
    _, published = course_create(title="Telefon kursi")
    _, hidden = course_create(title="Yashirin kurs", live=False)
    published[0].title = "Kamerani yoqish"
    published[0].save_revision().publish()
    hidden[0].title = "Kamerani sozlash"
    hidden[0].save()
    return published, hidden


class SearchTests:
    def test_finds_a_published_lesson_by_a_word_of_its_title(self, client, lessons):
        published, _ = lessons
        response = client.get(reverse("search"), {"q": "kamerani"})
        html = response.content.decode()
        assert response.status_code == 200
        assert f'href="{published[0].url}"' in html
        assert "Kamerani sozlash" not in html

    def test_finds_a_course_by_its_title(self, client, lessons):
        html = client.get(reverse("search"), {"q": "Telefon"}).content.decode()
        assert "Telefon kursi" in html

    def test_nothing_found_is_said_in_plain_words(self, client, lessons):
        html = client.get(reverse("search"), {"q": "samolyot"}).content.decode()
        assert uz("Nothing found. Try a shorter word, for example “telefon”.") in html

    def test_empty_and_huge_queries_and_bad_page_numbers_are_harmless(self, client):
        assert client.get(reverse("search")).status_code == 200
        assert client.get(reverse("search"), {"q": "a" * 5000}).status_code == 200
        response = client.get(reverse("search"), {"q": "dars", "page": "x"})
        assert response.status_code == 200

    def test_only_lessons_and_courses_are_searched(self, client, lessons):
        assert LessonPage.objects.live().count() == 2
        html = client.get(reverse("search"), {"q": "Kurslar"}).content.decode()
        assert uz("Nothing found. Try a shorter word, for example “telefon”.") in html


class SearchInEitherScriptTests:
    @pytest.fixture
    def lesson(self):
        _, lessons = course_create(title="Qoʻngʻiroq kursi")
        lessons[0].title = "Oʻgʻlingizga qoʻngʻiroq qilish"
        lessons[0].save_revision().publish()
        return lessons[0]

    @pytest.mark.parametrize(
        "query",
        [
            "қўнғироқ",  # Cyrillic
            "qo'ng'iroq",  # the ASCII apostrophe most people type
            "qo‘ng‘iroq",  # U+2018
            "qoʻngʻiroq",  # U+02BB, as the lessons are written
            "Ўғлингизга",
        ],
    )
    def test_finds_a_lesson_whichever_script_and_apostrophe(
        self, client, lesson, query
    ):
        html = client.get(reverse("search"), {"q": query}).content.decode()
        assert f'href="{lesson.url}"' in html

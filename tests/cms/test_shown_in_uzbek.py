"""Content shown in another language than the page's says so (issue 18).

On /ru/ a lesson or course not yet translated is an alias of the Uzbek page, and a
specialist's introduction is written in Uzbek only: such text carries lang="uz" and
a short note in the reader's language says that it is in Uzbek. Readers of Uzbek,
in either script, get neither.
"""

import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from wagtail.models import Locale

from demo.translation import page_translation_publish
from tests.consultations.factories import specialist_create
from tests.learning.factories import course_create

pytestmark = pytest.mark.django_db

LESSON_NOTE = "This lesson is not yet translated into English; it is shown in Uzbek."
COURSE_NOTE = "This course is not yet translated into English; it is shown in Uzbek."
CARD_NOTE = "Only in Uzbek for now."
BIO_NOTE = "The specialist wrote this introduction in Uzbek."


def in_language(language: str, text: str) -> str:
    """`text` as the interface says it in `language` (English until the catalog
    has it, so that these tests pass before and after the catalogs are merged)."""
    with translation.override(language):
        return translation.gettext(text)


def page_html(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def translate_to_russian(page, strings):
    return page_translation_publish(
        page=page, locale=Locale.objects.get(language_code="ru"), strings=strings
    )


@pytest.fixture
def course():
    """A course of two lessons, in every language tree (as aliases)."""
    course, lessons = course_create(title="Telefon bilan tanishuv")
    call_command("sync_locale_trees")
    return course, lessons


class LessonTests:
    def test_an_untranslated_lesson_on_ru_says_it_is_in_uzbek(self, client, course):
        course_page, _lessons = course
        html = page_html(client, f"/ru/kurslar/{course_page.slug}/dars-1/")
        assert '<html lang="ru"' in html
        assert in_language("ru", LESSON_NOTE) in html
        assert '<h1 lang="uz">Dars 1</h1>' in html
        # The note itself is in the reader's language, after the Uzbek heading.
        note = in_language("ru", LESSON_NOTE)
        assert f'</h1>\n        <p class="hint content-note">{note}</p>' in html

    def test_a_translated_lesson_and_uzbek_readers_get_no_note(self, client, course):
        course_page, lessons = course
        translate_to_russian(lessons[0], {"Dars 1": "Урок 1"})
        html = page_html(client, f"/ru/kurslar/{course_page.slug}/dars-1/")
        assert "Урок 1" in html
        assert "content-note" not in html
        for language in ("uz", "uz-cyrl"):
            html = page_html(client, f"/{language}/kurslar/{course_page.slug}/dars-1/")
            assert "content-note" not in html, language

    def test_the_course_page_says_it_too(self, client, course):
        course_page, _lessons = course
        html = page_html(client, f"/en/kurslar/{course_page.slug}/")
        assert in_language("en", COURSE_NOTE) in html
        assert "not yet translated into English" in in_language("en", COURSE_NOTE)


class CourseListTests:
    def card(self, html: str, title: str) -> str:
        match = re.search(
            rf'<li class="card">(?:(?!</li>).)*{re.escape(title)}(?:(?!</li>).)*</li>',
            html,
            re.S,
        )
        assert match, title
        return match.group(0)

    def test_an_untranslated_course_card_on_ru_says_it_is_in_uzbek(
        self, client, course
    ):
        html = page_html(client, "/ru/kurslar/")
        card = self.card(html, "Telefon bilan tanishuv")
        assert in_language("ru", CARD_NOTE) in card
        assert '<h3 lang="uz">' in card

    def test_a_translated_course_card_has_no_note(self, client, course):
        course_page, _lessons = course
        translate_to_russian(
            course_page, {"Telefon bilan tanishuv": "Знакомство с телефоном"}
        )
        card = self.card(page_html(client, "/ru/kurslar/"), "Знакомство с телефоном")
        assert "content-note" not in card
        assert 'lang="uz"' not in card

    def test_uzbek_cyrillic_readers_get_no_note(self, client, course):
        html = page_html(client, "/uz-cyrl/kurslar/")
        assert "content-note" not in html


class SpecialistBioTests:
    def test_the_bio_on_ru_is_marked_uzbek_and_says_so(self, client):
        specialist_create(full_name="Aziz Tursunov")
        with translation.override("ru"):
            html = page_html(client, reverse("consultations_index"))
        assert '<html lang="ru"' in html
        assert '<p lang="uz">Men psixologman.</p>' in html
        assert in_language("ru", BIO_NOTE) in html

    def test_uzbek_readers_get_the_bio_without_a_note(self, client):
        specialist_create(full_name="Aziz Tursunov")
        for language in ("uz", "uz-cyrl"):
            with translation.override(language):
                html = page_html(client, reverse("consultations_index"))
            assert "content-note" not in html, language
            assert '<p lang="uz">' not in html, language
        assert "<p>Мен психологман.</p>" in html  # Uzbek Cyrillic

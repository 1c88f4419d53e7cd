"""Language prefixes on every page address, and courses translated in the admin.

Every language has its own page tree (wagtail-localize keeps an alias of each Uzbek
page there until a trainer translates it). Progress is kept on the Uzbek lessons, so
a learner who changes language keeps every step.
"""

import re

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from wagtail.models import Locale

from demo.translation import page_translation_publish
from learning.models import CoursePage, LessonProgress
from tests.accounts.factories import user_create
from tests.learning.factories import course_create
from tests.support.mfa import mark_second_factor_passed

pytestmark = pytest.mark.django_db

LANGUAGES = ("uz", "uz-cyrl", "ru", "kaa", "en")


@pytest.fixture
def course():
    """A course of two lessons, in every language tree (as aliases)."""
    course, lessons = course_create(title="Telefon bilan tanishuv")
    call_command("sync_locale_trees")
    return course, lessons


def russian(page):
    return page.get_translation(Locale.objects.get(language_code="ru"))


def translate_to_russian(page, strings):
    return page_translation_publish(
        page=page, locale=Locale.objects.get(language_code="ru"), strings=strings
    )


class PrefixTests:
    def test_every_page_address_carries_its_language(self, client, course):
        course_page, lessons = course
        for language in LANGUAGES:
            with translation.override(language):
                search = reverse("search")
                sign_in = reverse("account_login")
            assert search == f"/{language}/search/"
            assert sign_in == f"/{language}/accounts/login/"
            response = client.get(search)
            assert response.status_code == 200, language
            assert f'<html lang="{language}"' in response.content.decode()
            page = client.get(f"/{language}/kurslar/{course_page.slug}/")
            assert page.status_code == 200, language
            assert f'<html lang="{language}"' in page.content.decode()

    def test_links_on_a_page_stay_in_its_language(self, client, course):
        course_page, lessons = course
        for language in ("uz-cyrl", "ru", "en"):
            html = client.get(f"/{language}/kurslar/{course_page.slug}/").content
            hrefs = re.findall(r'href="(/[^"]*)"', html.decode())
            page_links = [
                href
                for href in hrefs
                if not href.startswith(("/static/", "/media/", "/videos/"))
            ]
            assert page_links, language
            elsewhere = [
                href for href in page_links if not href.startswith(f"/{language}/")
            ]
            assert elsewhere == [], language
            assert f'href="/{language}/kurslar/{course_page.slug}/dars-1/"' in (
                html.decode()
            )

    def test_an_address_without_a_language_goes_to_the_readers(self, client):
        assert client.get("/search/?q=a")["Location"] == "/uz/search/?q=a"
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "kaa"
        assert client.get("/search/?q=a")["Location"] == "/kaa/search/?q=a"

    def test_the_browser_language_is_a_first_guess(self, client):
        # `/` answers in that language at once (no redirect), naming /ru/ canonical.
        response = client.get("/", HTTP_ACCEPT_LANGUAGE="ru-RU,ru;q=0.9")
        assert response.status_code == 200
        html = response.content.decode()
        assert '<html lang="ru"' in html
        assert re.search(r'<link rel="canonical" href="http://[^"/]+/ru/">', html)
        # Other addresses without a language are still sent to the reader's.
        response = client.get("/search/", HTTP_ACCEPT_LANGUAGE="ru-RU,ru;q=0.9")
        assert response["Location"] == "/ru/search/"

    def test_the_account_language_comes_before_the_cookie(self, client):
        user = user_create()
        user.preferred_language = "uz-cyrl"
        user.save()
        client.force_login(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        html = client.get("/").content.decode()
        assert '<html lang="uz-cyrl"' in html
        assert re.search(r'<link rel="canonical" href="http://[^"/]+/uz-cyrl/">', html)
        assert client.get("/search/")["Location"] == "/uz-cyrl/search/"
        # An address with a language is answered in that language all the same.
        html = client.get("/en/search/").content.decode()
        assert '<html lang="en"' in html

    def test_an_unknown_prefix_is_not_found(self, client):
        response = client.get("/xx/search/", follow=True)
        assert response.redirect_chain == [("/uz/xx/search/", 302)]
        assert response.status_code == 404

    def test_switching_keeps_the_page_and_changes_the_prefix(self, client, course):
        course_page, lessons = course
        response = client.post(
            reverse("language_set"),
            {"language": "ru", "next": f"/uz/kurslar/{course_page.slug}/?a=1"},
        )
        assert response["Location"] == f"/ru/kurslar/{course_page.slug}/?a=1"


class ContentTranslationTests:
    def test_an_untranslated_course_shows_its_uzbek_text_in_every_language(
        self, client, course
    ):
        course_page, lessons = course
        html = client.get(f"/ru/kurslar/{course_page.slug}/").content.decode()
        assert "Telefon bilan tanishuv" in html
        assert '<html lang="ru"' in html

    def test_a_translated_course_is_shown_in_russian_and_the_uzbek_stays(
        self, client, course
    ):
        course_page, lessons = course
        translate_to_russian(
            course_page,
            {"Telefon bilan tanishuv": "Знакомство с телефоном", "Qisqa.": "Коротко."},
        )
        translate_to_russian(
            lessons[0], {"Dars 1": "Урок 1", "Tugmani bosing.": "Нажмите кнопку."}
        )
        russian_html = client.get(f"/ru/kurslar/{course_page.slug}/").content.decode()
        assert "Знакомство с телефоном" in russian_html
        assert "Урок 1" in russian_html
        lesson_html = client.get(
            f"/ru/kurslar/{course_page.slug}/dars-1/"
        ).content.decode()
        assert "Нажмите кнопку." in lesson_html
        uzbek_html = client.get(f"/uz/kurslar/{course_page.slug}/").content.decode()
        assert "Telefon bilan tanishuv" in uzbek_html
        assert "Знакомство" not in uzbek_html

    def test_a_new_uzbek_edit_reaches_the_untranslated_versions(self, client, course):
        course_page, lessons = course
        course_page.summary = "Yangi qisqa matn."
        course_page.save_revision().publish()
        html = client.get(f"/kaa/kurslar/{course_page.slug}/").content.decode()
        assert "Yangi qisqa matn." in html

    def test_progress_made_in_russian_counts_in_uzbek(self, client, course):
        course_page, lessons = course
        translate_to_russian(course_page, {"Telefon bilan tanishuv": "Телефон"})
        translate_to_russian(lessons[0], {"Dars 1": "Урок 1"})
        user = user_create()
        client.force_login(user)
        response = client.post(
            f"/ru/learning/lessons/{russian(lessons[0]).pk}/form/",
            {"action": "complete"},
        )
        assert response.status_code == 302
        assert (
            response["Location"]
            == f"/ru/kurslar/{course_page.slug}/dars-1/#lesson-done"
        )
        progress = LessonProgress.objects.get(user=user)
        assert progress.lesson_id == lessons[0].pk
        assert progress.course_id == course_page.pk
        assert progress.completed_at is not None
        for language in ("uz", "ru", "en"):
            html = client.get(f"/{language}/kurslar/{course_page.slug}/").content
            assert '<progress max="100" value="50"' in html.decode(), language
            assert html.decode().count("✓") == 1, language
        my_learning = client.get("/ru/learning/my/").content.decode()
        assert f"/ru/kurslar/{course_page.slug}/" in my_learning

    def test_the_progress_api_takes_the_id_of_any_version(self, client, course):
        course_page, lessons = course
        russian_lesson = russian(lessons[1])
        user = user_create()
        client.force_login(user)
        html = client.get(russian_lesson.url).content.decode()
        assert f'data-lesson="{lessons[1].pk}"' in html

    def test_search_finds_each_page_once_in_the_readers_language(self, client, course):
        course_page, lessons = course
        for language in ("uz", "ru"):
            html = client.get(f"/{language}/search/", {"q": "tanishuv"}).content
            found = re.findall(r'href="([^"]*/course-[^"]*)"', html.decode())
            assert found == [f"/{language}/kurslar/{course_page.slug}/"], language

    @pytest.mark.parametrize("role", ["Trainer", "Coordinator"])
    def test_trainers_and_coordinators_open_the_translation_screen(
        self, client, course, role
    ):
        course_page, lessons = course
        staff = user_create(roles=[role])
        client.force_login(staff)
        mark_second_factor_passed(client, staff)
        response = client.get(
            reverse("wagtail_localize:submit_page_translation", args=[course_page.pk])
        )
        assert response.status_code == 200, response.get("Location")
        html = response.content.decode()
        for language in ("uz-cyrl", "ru", "kaa", "en"):
            assert f'value="{Locale.objects.get(language_code=language).pk}"' in html
        # A learner has no way in.
        learner = user_create()
        client.force_login(learner)
        response = client.get(
            reverse("wagtail_localize:submit_page_translation", args=[course_page.pk])
        )
        assert response.status_code in (302, 403)
        assert "/translate/" not in response.get("Location", "")

    def test_a_russian_query_finds_the_russian_course(self, client, course):
        course_page, lessons = course
        translate_to_russian(
            course_page, {"Telefon bilan tanishuv": "Знакомство с телефоном"}
        )
        html = client.get("/ru/search/", {"q": "знакомство"}).content.decode()
        assert f'href="/ru/kurslar/{course_page.slug}/"' in html
        # The same words in Uzbek Cyrillic find the Uzbek course.
        html = client.get("/uz-cyrl/search/", {"q": "танишув"}).content.decode()
        assert f'href="/uz-cyrl/kurslar/{course_page.slug}/"' in html

    def test_the_course_list_is_the_readers(self, client, course):
        course_page, lessons = course
        html = client.get("/en/kurslar/").content.decode()
        assert f'href="/en/kurslar/{course_page.slug}/"' in html
        # One version per content language: uz, uz-cyrl, ru, kaa, en.
        assert CoursePage.objects.filter(slug=course_page.slug).count() == 5

"""The anonymous page cache (cms/page_cache.py): a second visitor reads a lesson or
course without a database query, in their own language, script and comfort settings,
with their own CSRF token and the nonce of their own CSP header; anything published,
unpublished, moved or deleted shows at once; signed-in people and visitors with
something waiting for them never get a cached page.
"""

import re
from unittest import mock

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client
from django.urls import reverse
from wagtail.models import Locale, PageViewRestriction

from accounts.comfort import COOKIE_NAME as COMFORT_COOKIE
from cms.page_cache import AnonymousPageCacheMiddleware, page_cache_clear
from tests.accounts.factories import user_create
from tests.learning.factories import course_create
from tests.support.html import inline_scripts
from tests.support.services import REDIS_TEST_URL, require_redis
from tests.support.sign_in_here import assert_sign_in_here

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')
HEADER_NONCE = re.compile(r"'nonce-([^']+)'")


@pytest.fixture
def page_cache(settings, tmp_path):
    """The cache on, in files as in the embedded profile, fresh for each test."""
    settings.PAGE_CACHE_SECONDS = 600
    settings.CACHES = {
        **settings.CACHES,
        "pages": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "page-cache"),
        },
    }
    yield caches["pages"]
    caches["pages"].clear()


@pytest.fixture
def lessons(page_cache):
    course, lessons = course_create(lessons=2)
    return course, lessons


def tokens(response) -> list[str]:
    return TOKEN.findall(response.content.decode())


def page_without_secrets(response) -> str:
    """The page with its CSRF tokens and CSP nonces taken out."""
    html = TOKEN.sub("", response.content.decode())
    return re.sub(r'nonce="[^"]+"', 'nonce=""', html)


def served_from_cache(response) -> bool:
    return response.get("X-Page-Cache") == "hit"


class PageCacheHitTests:
    def test_second_visitor_gets_the_page_with_no_query(
        self, lessons, django_assert_num_queries
    ):
        _, (lesson, _) = lessons
        first = Client().get(lesson.url)
        with django_assert_num_queries(0):
            second = Client().get(lesson.url)
        assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
        assert second.status_code == 200
        # The same page but for the CSRF token and the nonce of the inlined critical
        # styles, each response's own (the one its CSP header names).
        for response in (first, second):
            nonce = HEADER_NONCE.search(response["Content-Security-Policy"]).group(1)
            assert f'<style nonce="{nonce}">' in response.content.decode()
        assert page_without_secrets(second) == page_without_secrets(first)

    def test_course_list_and_course_are_cached_too(
        self, lessons, django_assert_num_queries
    ):
        course, _ = lessons
        index_url = course.get_parent().url
        for url in (index_url, course.url):
            Client().get(url)
            with django_assert_num_queries(0):
                assert served_from_cache(Client().get(url))

    def test_the_home_page_is_not_cached(self, lessons):
        Client().get("/uz/")
        assert "X-Page-Cache" not in Client().get("/uz/")

    def test_each_visitor_gets_a_token_for_their_own_cookie(self, lessons):
        _, (lesson, _) = lessons
        Client().get(lesson.url)
        visitor = Client(enforce_csrf_checks=True)
        page = visitor.get(lesson.url)
        assert served_from_cache(page)
        secret = visitor.cookies["csrftoken"].value
        assert tokens(page)
        assert {_unmask_cipher_token(token) for token in tokens(page)} == {secret}
        switched = visitor.post(
            reverse("language_set"),
            {
                "language": "ru",
                "next": lesson.url,
                "csrfmiddlewaretoken": tokens(page)[0],
            },
        )
        assert switched.status_code == 302

    def test_a_visitor_with_a_csrf_cookie_keeps_it(self, lessons):
        _, (lesson, _) = lessons
        Client().get(lesson.url)
        visitor = Client()
        visitor.get(reverse("search"))
        secret = visitor.cookies["csrftoken"].value
        page = visitor.get(lesson.url)
        assert served_from_cache(page)
        assert {_unmask_cipher_token(token) for token in tokens(page)} == {secret}

    def test_a_page_from_the_cache_passes_the_same_policy(self, lessons):
        _, (lesson, _) = lessons
        fresh = Client().get(lesson.url)
        cached = Client().get(lesson.url)
        assert served_from_cache(cached)
        policy = cached["Content-Security-Policy"]
        # The same policy, but for each response's own nonce.
        assert HEADER_NONCE.sub("'nonce-'", policy) == HEADER_NONCE.sub(
            "'nonce-'", fresh["Content-Security-Policy"]
        )
        assert HEADER_NONCE.search(policy).group(1) != HEADER_NONCE.search(
            fresh["Content-Security-Policy"]
        ).group(1)
        assert "unsafe-inline" not in policy
        # Every script of the page is a file of our own, and every style element
        # (the inlined critical styles) carries the nonce of this response's header.
        html = cached.content.decode()
        assert inline_scripts(html) == []
        nonce = HEADER_NONCE.search(policy).group(1)
        styles = re.findall(r"<style[^>]*>", html)
        assert styles == [f'<style nonce="{nonce}">'] * len(styles)
        assert styles


class NonceInCachedPageTests:
    """A cached page that carries the nonce (an inline script or style) gets the one
    its own Content-Security-Policy header names, through the real CSP middleware."""

    @pytest.fixture
    def stack(self, lessons, rf):
        from django.template.response import TemplateResponse

        from cms.middleware import ContentSecurityPolicyMiddleware

        _, (lesson, _) = lessons
        template = (
            '<script nonce="{{ request.csp_nonce }}">go()</script>'
            '<style nonce="{{ request.csp_nonce }}">p{}</style>'
        )

        def view(request):
            from django.template import engines

            response = TemplateResponse(
                request, engines["django"].from_string(template), {"page": lesson}
            )
            return response.render()

        middleware = ContentSecurityPolicyMiddleware(AnonymousPageCacheMiddleware(view))

        def get():
            request = rf.get(lesson.url)
            request.session = None
            return middleware(request)

        return get

    def test_cached_copy_carries_the_nonce_of_its_header(self, stack):
        stack()
        cached = stack()
        assert served_from_cache(cached)
        nonce = HEADER_NONCE.search(cached["Content-Security-Policy"]).group(1)
        html = cached.content.decode()
        assert html.count(f'nonce="{nonce}"') == 2
        assert "komak-csp-nonce" not in html


class PageCacheKeyTests:
    def test_each_language_has_its_own_copy(self, lessons):
        _, (lesson, _) = lessons
        call_command("sync_locale_trees")
        russian = lesson.get_translation(Locale.objects.get(language_code="ru"))
        cyrillic = lesson.get_translation(Locale.objects.get(language_code="uz-cyrl"))
        for page in (lesson, russian, cyrillic):
            Client().get(page.url)
        pages = {
            page.url: Client().get(page.url) for page in (lesson, russian, cyrillic)
        }
        assert all(served_from_cache(response) for response in pages.values())
        assert '<html lang="uz"' in pages[lesson.url].content.decode()
        assert '<html lang="ru"' in pages[russian.url].content.decode()
        cyrillic_html = pages[cyrillic.url].content.decode()
        assert '<html lang="uz-cyrl"' in cyrillic_html
        assert "Дарс 1" in cyrillic_html

    def test_a_cyrillic_page_is_kept_written_in_cyrillic(self, lessons):
        _, (lesson, _) = lessons
        call_command("sync_locale_trees")
        cyrillic = lesson.get_translation(Locale.objects.get(language_code="uz-cyrl"))
        Client().get(cyrillic.url)
        with mock.patch(
            "core.transliteration.html_to_cyrillic", side_effect=AssertionError
        ):
            cached = Client().get(cyrillic.url)
        assert served_from_cache(cached)
        assert "Дарс 1" in cached.content.decode()

    def test_comfort_settings_have_their_own_copy(self, lessons):
        _, (lesson, _) = lessons
        Client().get(lesson.url)
        larger = Client()
        larger.cookies[COMFORT_COOKIE] = "text-large.contrast-high"
        first = larger.get(lesson.url)
        second = larger.get(lesson.url)
        plain = Client().get(lesson.url)
        assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
        assert '<html lang="uz" class="text-large contrast-high">' in (
            second.content.decode()
        )
        assert served_from_cache(plain)
        assert '<html lang="uz">' in plain.content.decode()

    def test_a_query_string_goes_to_the_view(self, lessons):
        _, (lesson, _) = lessons
        Client().get(lesson.url)
        assert "X-Page-Cache" not in Client().get(lesson.url + "?from=sms")


class PageCacheBypassTests:
    def test_signed_in_people_get_their_own_page(self, lessons):
        _, (lesson, _) = lessons
        Client().get(lesson.url)
        learner = Client()
        learner.force_login(user_create())
        response = learner.get(lesson.url)
        assert "X-Page-Cache" not in response
        assert 'name="action" value="complete"' in response.content.decode()

    def test_an_anonymous_page_is_not_served_to_a_session(self, lessons):
        _, (lesson, _) = lessons
        Client().get(lesson.url)
        visitor = Client()
        visitor.cookies["sessionid"] = "not-a-real-session"
        assert "X-Page-Cache" not in visitor.get(lesson.url)

    def test_a_page_showing_a_message_is_not_stored(self, lessons, settings):
        _, (lesson, _) = lessons
        visitor = Client()
        # Signing out leaves "You have signed out." for the next page.
        visitor.force_login(user_create())
        visitor.post(reverse("account_logout"))
        shown = visitor.get(lesson.url)
        assert "X-Page-Cache" not in shown
        later = Client().get(lesson.url)
        assert later["X-Page-Cache"] == "miss"

    def test_an_answer_posted_by_a_visitor_is_not_cached(self, lessons):
        _, (lesson, _) = lessons
        question = next(
            block.id for block in lesson.body if block.block_type == "question"
        )
        posted = Client().post(
            reverse("learning_lesson_form", args=[lesson.pk]),
            {"action": "answer", "question": question, "choice": "0"},
        )
        assert posted.status_code == 200
        assert "X-Page-Cache" not in posted
        assert Client().get(lesson.url)["X-Page-Cache"] == "miss"


class PageCacheInvalidationTests:
    def test_publishing_shows_the_new_text_at_once(
        self, lessons, django_capture_on_commit_callbacks
    ):
        _, (lesson, _) = lessons
        Client().get(lesson.url)
        lesson.title = "Yangi sarlavha"
        with django_capture_on_commit_callbacks(execute=True):
            lesson.save_revision().publish()
        response = Client().get(lesson.url)
        assert response["X-Page-Cache"] == "miss"
        assert "Yangi sarlavha" in response.content.decode()

    def test_unpublishing_takes_the_page_away(
        self, lessons, django_capture_on_commit_callbacks
    ):
        _, (lesson, _) = lessons
        Client().get(lesson.url)
        with django_capture_on_commit_callbacks(execute=True):
            lesson.unpublish()
        assert Client().get(lesson.url).status_code == 404

    def test_a_new_course_shows_on_the_course_list(
        self, lessons, django_capture_on_commit_callbacks
    ):
        course, _ = lessons
        index_url = course.get_parent().url
        Client().get(index_url)
        with django_capture_on_commit_callbacks(execute=True):
            course_create(title="Boshqa kurs", lessons=1)
        index = Client().get(index_url)
        assert index["X-Page-Cache"] == "miss"
        assert "Boshqa kurs" in index.content.decode()

    def test_moving_a_lesson_updates_both_courses(
        self, lessons, django_capture_on_commit_callbacks
    ):
        course, (_, lesson) = lessons  # "dars-2": the other course has "dars-1"
        other, _ = course_create(title="Ikkinchi kurs", lessons=1)
        old_url = lesson.url
        Client().get(old_url)
        Client().get(course.url)
        with django_capture_on_commit_callbacks(execute=True):
            lesson.move(other, pos="last-child")
        lesson.refresh_from_db()
        # Wagtail leaves a redirect from the old address.
        moved = Client().get(old_url)
        assert (moved.status_code, moved["Location"]) == (301, lesson.url)
        assert Client().get(lesson.url).status_code == 200
        assert old_url not in Client().get(course.url).content.decode()

    def test_deleting_takes_the_page_away(
        self, lessons, django_capture_on_commit_callbacks
    ):
        _, (lesson, _) = lessons
        url = lesson.url
        Client().get(url)
        with django_capture_on_commit_callbacks(execute=True):
            lesson.delete()
        assert Client().get(url).status_code == 404

    def test_a_lesson_made_private_is_not_served_from_the_cache(
        self, lessons, django_capture_on_commit_callbacks
    ):
        _, (lesson, _) = lessons
        Client().get(lesson.url)
        with django_capture_on_commit_callbacks(execute=True):
            PageViewRestriction.objects.create(
                page=lesson, restriction_type=PageViewRestriction.LOGIN
            )
        response = Client().get(lesson.url)
        html = assert_sign_in_here(response, lesson.url)
        assert "X-Page-Cache" not in response
        assert lesson.title not in html

    def test_clearing_before_the_commit_is_not_enough(self, lessons):
        # The clearing waits for the commit: a page stored in between would
        # otherwise hold the old text under the new generation.
        _, (lesson, _) = lessons
        Client().get(lesson.url)
        lesson.title = "Hali saqlanmagan"
        lesson.save_revision().publish()  # inside the test's transaction
        assert served_from_cache(Client().get(lesson.url))
        page_cache_clear()
        assert "Hali saqlanmagan" in Client().get(lesson.url).content.decode()


class PageCacheOnRedisTests:
    def test_hit_without_query_and_cleared_on_publish(
        self, settings, django_assert_num_queries, django_capture_on_commit_callbacks
    ):
        require_redis()
        settings.PAGE_CACHE_SECONDS = 600
        settings.CACHES = {
            **settings.CACHES,
            "pages": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": REDIS_TEST_URL,
                "KEY_PREFIX": "komak-pages-test",
            },
        }
        try:
            page_cache_clear()
            _, (lesson,) = course_create(lessons=1)
            Client().get(lesson.url)
            with django_assert_num_queries(0):
                assert served_from_cache(Client().get(lesson.url))
            lesson.title = "Redisdan keyin"
            with django_capture_on_commit_callbacks(execute=True):
                lesson.save_revision().publish()
            fresh = Client().get(lesson.url)
            assert fresh["X-Page-Cache"] == "miss"
            assert "Redisdan keyin" in fresh.content.decode()
        finally:
            page_cache_clear()

"""The five interface languages: the switch on every page, the choice kept in a
cookie and on the account, and Uzbek in Cyrillic made from the Latin pages."""

import re

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from wagtail.models import Locale
from wagtail_localize.models import Translation, TranslationSource
from wagtail_localize.strings import StringValue

from cms.management.commands.cyrillic_catalog import transliterate_catalog
from core.transliteration import CyrillicMachineTranslator
from demo.translation import page_translation_publish
from tests.accounts.factories import user_create
from tests.learning.factories import course_create
from tests.support.mfa import mark_second_factor_passed

pytestmark = pytest.mark.django_db

LATIN_WORD = re.compile(r"[A-Za-z\u02bb\u02bc\u2018\u2019']{2,}")


def visible_text(html: str) -> str:
    html = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", html)
    html = re.sub(r'(?s)<ul[^>]*translate="no".*?</ul>', " ", html)
    return re.sub(r"(?s)<[^>]+>", " ", html)


class LanguageSwitchTests:
    def test_every_language_is_offered_on_every_page_by_its_own_name(self, client):
        html = client.get(reverse("search")).content.decode()
        for code, name in [
            ("uz", "Oʻzbek tili"),
            ("uz-cyrl", "Ўзбекча"),
            ("ru", "Русский"),
            ("kaa", "Qaraqalpaqsha"),
            ("en", "English"),
        ]:
            assert re.search(
                rf'name="language" value="{code}" lang="{code}"[^>]*>{name}<', html
            ), code

    def test_choosing_keeps_a_cookie_and_returns_to_the_page(self, client):
        response = client.post(
            reverse("language_set"), {"language": "ru", "next": "/uz/search/?q=a"}
        )
        assert response.status_code == 302
        assert response["Location"] == "/ru/search/?q=a"
        assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ru"
        html = client.get(response["Location"]).content.decode()
        assert '<html lang="ru"' in html
        # An address without a language now goes to Russian.
        assert client.get("/search/")["Location"] == "/ru/search/"

    def test_the_choice_is_kept_on_the_account(self, client):
        user = user_create()
        client.force_login(user)
        client.post(reverse("language_set"), {"language": "kaa", "next": "/uz/"})
        user.refresh_from_db()
        assert user.preferred_language == "kaa"

    def test_an_unknown_language_changes_nothing(self, client):
        user = user_create()
        client.force_login(user)
        response = client.post(
            reverse("language_set"), {"language": "xx", "next": "/uz/search/"}
        )
        assert response.status_code == 302
        assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
        user.refresh_from_db()
        assert user.preferred_language == "uz"

    def test_never_sends_anyone_to_another_site(self, client):
        response = client.post(
            reverse("language_set"),
            {"language": "en", "next": "https://evil.example/"},
            HTTP_REFERER="https://evil.example/",
        )
        assert response["Location"] == "/"

    def test_a_get_is_refused(self, client):
        assert client.get(reverse("language_set")).status_code == 405


class UzbekCyrillicTests:
    """/uz-cyrl/ shows the Uzbek pages written in Cyrillic, unless a trainer wrote a
    Cyrillic version by hand (a translation into "Uzbek (Cyrillic)")."""

    @pytest.fixture
    def course(self):
        course, lessons = course_create(title="Qoʻngʻiroq qilishni oʻrganamiz")
        call_command("sync_locale_trees")
        cyrillic = Locale.objects.get(language_code="uz-cyrl")
        return course.get_translation(cyrillic), [
            lesson.get_translation(cyrillic) for lesson in lessons
        ]

    def test_interface_and_content_are_in_cyrillic(self, client, course):
        course, lessons = course
        assert course.url.startswith("/uz-cyrl/")
        html = client.get(course.url).content.decode()
        assert '<html lang="uz-cyrl"' in html
        assert "Қўнғироқ қилишни ўрганамиз" in html
        # Text shown in Cyrillic is not marked as (Latin) Uzbek.
        assert 'lang="uz"' not in html.replace('value="uz" lang="uz"', "")
        leftover = LATIN_WORD.findall(visible_text(html))
        assert leftover == []

    def test_links_and_markup_stay_as_they_are(self, client, course):
        course, lessons = course
        html = client.get(course.url).content.decode()
        assert f'href="{lessons[0].url}"' in html
        assert lessons[0].url.startswith("/uz-cyrl/")
        assert 'class="site-header"' in html

    def test_a_cyrillic_version_written_by_hand_is_shown_as_written(
        self, client, course
    ):
        course, lessons = course
        source = course.alias_of.specific
        page_translation_publish(
            page=source,
            locale=course.locale,
            # Not what the transliteration would give ("Қўнғироқ..."): the trainer's.
            strings={"Qoʻngʻiroq qilishni oʻrganamiz": "Телефонда гаплашиш"},
        )
        html = client.get(course.url).content.decode()
        assert "Телефонда гаплашиш" in html
        assert "Қўнғироқ қилишни" not in html
        # The Latin page is as it was.
        assert (
            "Qoʻngʻiroq qilishni oʻrganamiz" in client.get(source.url).content.decode()
        )

    def test_machine_translate_offers_the_transliteration_to_start_from(
        self, client, course
    ):
        course, lessons = course
        source_page = course.alias_of.specific
        source, _ = TranslationSource.get_or_create_from_instance(source_page)
        translation_job = Translation.objects.create(
            source=source, target_locale=course.locale
        )
        coordinator = user_create(roles=["Coordinator"])
        client.force_login(coordinator)
        mark_second_factor_passed(client, coordinator)
        response = client.post(
            reverse("wagtail_localize:machine_translate", args=[translation_job.pk])
        )
        assert response.status_code == 302
        translation_job.save_target(user=coordinator, publish=True)
        course.refresh_from_db()
        assert course.title == "Қўнғироқ қилишни ўрганамиз"
        assert course.alias_of_id is None

    def test_machine_translate_is_offered_for_uzbek_cyrillic_only(self):
        translator = CyrillicMachineTranslator({})
        locales = {
            code: Locale.objects.get(language_code=code)
            for code in ("uz", "uz-cyrl", "ru")
        }
        assert translator.can_translate(locales["uz"], locales["uz-cyrl"])
        assert not translator.can_translate(locales["uz"], locales["ru"])
        assert not translator.can_translate(locales["uz-cyrl"], locales["uz"])
        result = translator.translate(
            locales["uz"], locales["uz-cyrl"], [StringValue("Yoʻl <b>xaritasi</b>")]
        )
        assert [value.data for value in result.values()] == ["Йўл <b>харитаси</b>"]

    def test_a_latin_reader_finds_the_way_back(self, client):
        html = client.get("/uz-cyrl/search/").content.decode()
        assert re.search(r'value="uz" lang="uz"[^>]*>Oʻzbek tili<', html)


class CyrillicCatalogTests:
    def test_translations_change_and_the_rest_stays(self):
        source = (
            'msgid ""\n'
            'msgstr ""\n'
            '"Project-Id-Version: komak\\n"\n'
            '"Language: uz\\n"\n'
            '"Content-Type: text/plain; charset=UTF-8\\n"\n'
            "\n"
            "#: templates/x.html:1\n"
            'msgid "%(done)s of %(total)s lessons done"\n'
            'msgstr "%(done)s dan %(total)s ta dars "\n'
            '"tugadi"\n'
            "\n"
            'msgid "Say \\"yes\\""\n'
            'msgstr "\\"Ha\\" deng"\n'
        )
        written = transliterate_catalog(source)
        assert "\\nLanguage: uz_Cyrl\\n" in written
        assert 'msgid "%(done)s of %(total)s lessons done"' in written
        assert 'msgstr "%(done)s дан %(total)s та дарс тугади"' in written
        assert 'msgstr "\\"Ҳа\\" денг"' in written
        assert "#: templates/x.html:1" in written

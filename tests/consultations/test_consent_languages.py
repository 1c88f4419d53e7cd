"""Consent terms in the reader's language (issue 18): a person agrees only to a text
they were given in their interface language, and the record says which one.

Uzbek is the version's own fields (also shown in Uzbek Cyrillic, written in Cyrillic
as the page is sent); Russian, Karakalpak and English are its `translations`, which
belong to the version: adding one after anyone accepted it is refused like any edit.
"""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from audit.models import AuditAction, AuditRecord
from consultations.models import (
    TERMS_PARTS,
    ConsentRecord,
    ConsentTerms,
    ConsentTermsLocked,
)
from consultations.selectors import consent_current_terms, consent_given
from consultations.services import BookingError, consent_accept
from demo.consultations import (
    DEMO_TERMS_TRANSLATIONS,
    DEMO_TERMS_UZ,
    DEMO_TERMS_VERSION,
    _terms_ensure,
)
from tests.accounts.factories import user_create
from tests.consultations.test_consent_terms import terms_publish

pytestmark = pytest.mark.django_db

MISSING = (
    "These terms are not yet written in your language, so you cannot agree to "
    "them in it. You can read and agree to them in one of the languages below."
)
RUSSIAN = {
    "operator": "ООО «Ко'мак», Ташкент",
    "purposes": "Онлайн-беседа",
    "data_categories": "Имя, телефон, тема беседы",
    "term": "3 года",
    "third_parties": "Никому не передаются",
    "text": "Мы храним ваше имя и время беседы.",
}
ALL_LANGUAGES = [code for code, _name in settings.LANGUAGES]


def in_language(language: str, text: str) -> str:
    """`text` as the interface says it in `language` (English until the catalog
    has it, so that these tests pass before and after the catalogs are merged)."""
    with translation.override(language):
        return translation.gettext(text)


def consent_url(language: str) -> str:
    with translation.override(language):
        return reverse("consultations_consent")


def stored(terms: ConsentTerms) -> dict:
    return ConsentTerms.objects.filter(pk=terms.pk).values().get()


@pytest.fixture
def person(client):
    someone = user_create()
    client.force_login(someone)
    return someone


# The model -----------------------------------------------------------------------


class TermsLanguagesModelTests:
    def test_the_uzbek_text_is_read_in_both_scripts_and_nowhere_else(self):
        terms = terms_publish()
        assert terms.languages() == ["uz", "uz-cyrl"]
        assert terms.text_in("ru") is None
        assert terms.text_in("uz-cyrl").text == terms.text

    def test_a_translation_counts_only_with_its_text(self):
        terms = terms_publish(
            translations={"ru": {**RUSSIAN, "text": " "}, "en": {"text": "Terms."}}
        )
        assert terms.languages() == ["uz", "uz-cyrl", "en"]
        assert terms.text_in("ru") is None

    def test_adding_a_language_to_an_accepted_version_is_refused(self):
        terms = terms_publish()
        consent_accept(user=user_create())
        before = stored(terms)
        terms.translations = {"ru": RUSSIAN}
        with pytest.raises(ConsentTermsLocked):
            terms.save()
        with pytest.raises(ConsentTermsLocked):
            ConsentTerms.objects.filter(pk=terms.pk).update(translations={"ru": {}})
        assert stored(terms) == before
        assert ConsentTerms.objects.get(pk=terms.pk).languages() == ["uz", "uz-cyrl"]


# The service ---------------------------------------------------------------------


class ConsentAcceptLanguageTests:
    def test_a_version_cannot_be_accepted_in_a_language_it_has_no_text_for(self):
        terms_publish(translations={"en": {**RUSSIAN, "text": "Terms."}})
        user = user_create()
        for language in ("ru", "kaa"):
            with pytest.raises(BookingError) as refusal:
                consent_accept(user=user, language=language)
            assert refusal.value.code == "language"
        assert not ConsentRecord.objects.filter(user=user).exists()
        assert not consent_given(user=user)

    def test_the_language_read_is_recorded_and_audited(self):
        terms_publish(translations={"ru": RUSSIAN})
        user = user_create()
        record = consent_accept(user=user, language="ru")
        assert ConsentRecord.objects.get(pk=record.pk).language == "ru"
        audit = AuditRecord.objects.filter(action=AuditAction.CONSENT_ACCEPT).last()
        assert audit.detail["language"] == "ru"


# The consent page ----------------------------------------------------------------


class ConsentPageLanguageTests:
    def test_russian_reader_cannot_accept_a_version_without_russian(
        self, client, person
    ):
        terms = terms_publish()
        response = client.post(
            consent_url("ru"), {"version": terms.version, "agree": "on"}
        )
        assert response.status_code == 400
        assert not ConsentRecord.objects.exists()
        assert not consent_given(user=person)
        page = response.content.decode()
        assert in_language("ru", MISSING) in page
        # The version's languages are offered, each named in itself.
        assert f'href="{consent_url("uz")}" lang="uz"' in page
        assert f'href="{consent_url("uz-cyrl")}" lang="uz-cyrl"' in page
        assert f'href="{consent_url("en")}"' not in page
        # Neither the Uzbek text nor the tick box is offered as if it were Russian.
        assert terms.text not in page
        assert 'name="agree"' not in page

    def test_the_page_says_so_before_anyone_tries(self, client, person):
        terms_publish()
        response = client.get(consent_url("kaa") + "?next=/kaa/")
        assert response.status_code == 200
        page = response.content.decode()
        assert in_language("kaa", MISSING) in page
        assert f'href="{consent_url("uz")}?next=/kaa/"' in page
        assert 'name="agree"' not in page

    def test_agreement_given_in_uzbek_can_be_withdrawn_on_ru(self, client, person):
        terms_publish()
        consent_accept(user=person, language="uz")
        page = client.get(consent_url("ru")).content.decode()
        assert in_language("ru", MISSING) in page
        with translation.override("ru"):
            assert reverse("consultations_consent_withdraw") in page
        assert 'name="agree"' not in page

    def test_accepted_in_russian_records_ru(self, client, person):
        terms = terms_publish(translations={"ru": RUSSIAN})
        page = client.get(consent_url("ru")).content.decode()
        assert RUSSIAN["text"] in page
        assert RUSSIAN["operator"].replace("'", "&#x27;") in page
        assert terms.text not in page
        response = client.post(
            consent_url("ru"), {"version": terms.version, "agree": "on"}
        )
        assert response.status_code == 302
        record = ConsentRecord.objects.get(user=person)
        assert record.language == "ru"
        assert record.terms == terms

    def test_uzbek_cyrillic_reads_and_accepts_the_uzbek_text_in_cyrillic(
        self, client, person
    ):
        terms = terms_publish()
        page = client.get(consent_url("uz-cyrl")).content.decode()
        assert "Биз исмингиз ва суҳбат вақтини сақлаймиз." in page
        response = client.post(
            consent_url("uz-cyrl"), {"version": terms.version, "agree": "on"}
        )
        assert response.status_code == 302
        assert ConsentRecord.objects.get(user=person).language == "uz-cyrl"


# The admin -----------------------------------------------------------------------


def admin_url(view: str, terms: ConsentTerms) -> str:
    return reverse(f"consultations_consent_terms:{view}", args=[terms.pk])


def admin_form(terms: ConsentTerms, **changes) -> dict:
    data = {
        "version": terms.version,
        "published_at": timezone.localtime(terms.published_at).strftime(
            "%Y-%m-%d %H:%M"
        ),
        **{part: getattr(terms, part) for part in TERMS_PARTS},
    }
    data.update(changes)
    return data


def russian_fields() -> dict:
    return {f"ru_{part}": value for part, value in RUSSIAN.items()}


@pytest.fixture
def coordinator(client):
    someone = user_create(roles=("Coordinator",))
    client.force_login(someone)
    return someone


class TermsAdminLanguageTests:
    def test_adding_a_language_to_an_accepted_version_is_refused(
        self, client, coordinator
    ):
        terms = terms_publish()
        consent_accept(user=user_create())
        before = stored(terms)
        response = client.post(
            admin_url("edit", terms), admin_form(terms, **russian_fields())
        )
        assert response.status_code == 302
        assert response["Location"] == admin_url("inspect", terms)
        assert stored(terms) == before
        assert consent_current_terms().text_in("ru") is None

    def test_a_draft_is_given_its_languages_in_the_form(self, client, coordinator):
        terms = terms_publish()
        form = client.get(admin_url("edit", terms)).content.decode()
        assert 'name="ru_text"' in form
        assert 'name="kaa_operator"' in form
        response = client.post(
            admin_url("edit", terms), admin_form(terms, **russian_fields())
        )
        assert response.status_code == 302
        terms.refresh_from_db()
        assert terms.translations == {"ru": RUSSIAN}
        assert terms.languages() == ["uz", "uz-cyrl", "ru"]
        # The form shows what is stored.
        assert (
            RUSSIAN["purposes"] in client.get(admin_url("edit", terms)).content.decode()
        )

    def test_a_half_written_language_is_refused(self, client, coordinator):
        terms = terms_publish()
        response = client.post(
            admin_url("edit", terms), admin_form(terms, ru_text=RUSSIAN["text"])
        )
        assert response.status_code == 200
        assert stored(terms)["translations"] == {}


# The demo ------------------------------------------------------------------------


class DemoTermsLanguageTests:
    def test_the_demo_terms_are_written_in_all_five_languages(self):
        terms = _terms_ensure()
        assert terms.version == DEMO_TERMS_VERSION
        assert terms.languages() == ALL_LANGUAGES
        texts = {terms.text_in(language).text for language in ALL_LANGUAGES}
        assert len(texts) == 4  # Uzbek Cyrillic is the Uzbek text, transliterated
        for language, parts in DEMO_TERMS_TRANSLATIONS.items():
            assert sorted(parts) == sorted(TERMS_PARTS), language
            assert all(value.strip() for value in parts.values()), language
            assert all(parts[part] != DEMO_TERMS_UZ[part] for part in TERMS_PARTS)
            # Every paragraph of the Uzbek text is there, and 112 is in each.
            assert parts["text"].count("\n\n") == DEMO_TERMS_UZ["text"].count("\n\n")
            assert "112" in parts["text"]

    def test_the_old_uzbek_only_demo_version_is_followed_by_the_new_one(self):
        old = ConsentTerms.objects.create(version="2026-1", **DEMO_TERMS_UZ)
        consent_accept(user=user_create())
        before = stored(old)
        terms = _terms_ensure()
        assert terms.version == DEMO_TERMS_VERSION
        assert consent_current_terms() == terms
        assert terms.languages() == ALL_LANGUAGES
        assert stored(old) == before
        assert _terms_ensure() == terms  # run again, nothing new

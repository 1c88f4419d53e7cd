"""Consent terms cannot change once anyone has accepted them (issue 11): a change is a
new version. The model layer refuses (save, delete, and the queryset's update and
delete), and so does the coordinators' admin (edit and delete answered with a plain
message and the version shown read-only). Versions nobody has accepted stay editable.

On PostgreSQL a trigger refuses the same in SQL: tests/consultations/test_postgres.py.
"""

from datetime import timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from consultations.models import ConsentRecord, ConsentTerms, ConsentTermsLocked
from consultations.services import consent_accept
from tests.accounts.factories import user_create
from tests.support.i18n import uz

pytestmark = pytest.mark.django_db

LOCKED = (
    "People have accepted this version of the terms, so it cannot be changed or "
    "deleted. To change the terms, publish a new version."
)
CHANGES = {
    "version": "2026-1b",
    "operator": "Boshqa tashkilot",
    "purposes": "Boshqa maqsad",
    "data_categories": "Boshqa maʼlumot",
    "term": "10 yil",
    "third_parties": "Hamkorlarga beriladi",
    "text": "Yangi matn.",
    "published_at": timezone.now() - timedelta(days=30),
}


def terms_publish(version: str = "2026-1", translations=None) -> ConsentTerms:
    """A version with every part the law asks for, as the admin form requires, in
    Uzbek and in the languages of `translations`."""
    return ConsentTerms.objects.create(
        version=version,
        operator="Koʻmak MChJ, Toshkent",
        purposes="Onlayn suhbat",
        data_categories="Ism, telefon, suhbat mavzusi",
        term="3 yil",
        third_parties="Hech kimga berilmaydi",
        text="Biz ismingiz va suhbat vaqtini saqlaymiz.",
        translations=translations or {},
    )


def accepted_terms(version: str = "2026-1") -> ConsentTerms:
    terms = terms_publish(version)
    consent_accept(user=user_create())
    assert ConsentRecord.objects.filter(terms=terms).exists()
    return terms


def stored(terms: ConsentTerms) -> dict:
    return ConsentTerms.objects.filter(pk=terms.pk).values().get()


def html(response) -> str:
    return response.content.decode()


def admin_form(terms: ConsentTerms, **changes) -> dict:
    data = {
        "version": terms.version,
        "operator": terms.operator,
        "purposes": terms.purposes,
        "data_categories": terms.data_categories,
        "term": terms.term,
        "third_parties": terms.third_parties,
        "text": terms.text,
        "published_at": timezone.localtime(terms.published_at).strftime(
            "%Y-%m-%d %H:%M"
        ),
    }
    data.update(changes)
    return data


@pytest.fixture
def coordinator(client):
    person = user_create(roles=("Coordinator",))
    client.force_login(person)
    return person


# The model layer ---------------------------------------------------------------------


class AcceptedTermsModelTests:
    @pytest.mark.parametrize("field", sorted(CHANGES))
    def test_changing_any_field_is_refused(self, field):
        terms = accepted_terms()
        before = stored(terms)
        setattr(terms, field, CHANGES[field])
        with pytest.raises(ConsentTermsLocked):
            terms.save()
        assert stored(terms) == before

    def test_a_save_that_changes_nothing_is_allowed(self):
        terms = accepted_terms()
        before = stored(terms)
        ConsentTerms.objects.get(pk=terms.pk).save()
        assert stored(terms) == before

    def test_a_withdrawn_acceptance_still_locks_the_version(self):
        terms = accepted_terms()
        ConsentRecord.objects.update(withdrawn_at=timezone.now())
        terms.text = "Yangi matn."
        with pytest.raises(ConsentTermsLocked):
            terms.save()

    def test_deleting_is_refused(self):
        terms = accepted_terms()
        with pytest.raises(ConsentTermsLocked):
            terms.delete()
        assert ConsentTerms.objects.filter(pk=terms.pk).exists()

    def test_queryset_update_is_refused_and_changes_nothing(self):
        draft = terms_publish("2025-9")
        terms = accepted_terms()
        before = (stored(draft), stored(terms))
        with pytest.raises(ConsentTermsLocked):
            ConsentTerms.objects.update(text="Hammasiga yangi matn.")
        with pytest.raises(ConsentTermsLocked):
            ConsentTerms.objects.filter(pk=terms.pk).update(
                published_at=timezone.now() + timedelta(days=1)
            )
        assert (stored(draft), stored(terms)) == before

    def test_queryset_delete_is_refused_and_deletes_nothing(self):
        draft = terms_publish("2025-9")
        accepted_terms()
        with pytest.raises(ConsentTermsLocked):
            ConsentTerms.objects.all().delete()
        assert ConsentTerms.objects.count() == 2
        assert ConsentTerms.objects.filter(pk=draft.pk).exists()

    def test_bulk_update_is_refused(self):
        terms = accepted_terms()
        terms.text = "Yangi matn."
        # bulk_update opens no savepoint of its own; this one keeps the test's
        # transaction usable after the refusal.
        with pytest.raises(ConsentTermsLocked), transaction.atomic():
            ConsentTerms.objects.bulk_update([terms], ["text"])
        assert stored(terms)["text"] != "Yangi matn."

    def test_the_error_says_what_to_do_in_the_readers_language(self):
        with translation.override("uz"):
            assert str(ConsentTermsLocked()) == uz(LOCKED)


class DraftTermsModelTests:
    def test_a_version_nobody_accepted_can_be_edited(self):
        terms = terms_publish()
        terms.text = "Tuzatilgan matn."
        terms.published_at = timezone.now() + timedelta(days=1)
        terms.save()
        assert stored(terms)["text"] == "Tuzatilgan matn."
        ConsentTerms.objects.filter(pk=terms.pk).update(term="2 yil")
        assert stored(terms)["term"] == "2 yil"

    def test_a_version_nobody_accepted_can_be_deleted(self):
        terms_publish("2025-9").delete()
        terms_publish("2025-10")
        ConsentTerms.objects.filter(version="2025-10").delete()
        assert not ConsentTerms.objects.exists()

    def test_accepting_other_versions_does_not_lock_a_draft(self):
        accepted_terms("2026-1")
        draft = terms_publish("2026-2")
        draft.published_at = timezone.now() + timedelta(days=7)
        draft.save()
        assert stored(draft)["published_at"] == draft.published_at


# The admin ---------------------------------------------------------------------------


def url(view: str, terms: ConsentTerms | None = None) -> str:
    args = [terms.pk] if terms is not None else []
    return reverse(f"consultations_consent_terms:{view}", args=args)


class AcceptedTermsAdminTests:
    def test_edit_page_is_refused_with_a_plain_message(self, client, coordinator):
        terms = accepted_terms()
        response = client.get(url("edit", terms), follow=True)
        assert response.redirect_chain[-1][0] == url("inspect", terms)
        page = html(response)
        assert uz(LOCKED) in page
        assert terms.text in page  # shown read-only
        assert url("edit", terms) not in page
        assert url("delete", terms) not in page

    @pytest.mark.parametrize("field", sorted(CHANGES))
    def test_posting_an_edit_changes_nothing(self, client, coordinator, field):
        terms = accepted_terms()
        before = stored(terms)
        value = CHANGES[field]
        if field == "published_at":
            value = timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
        response = client.post(url("edit", terms), admin_form(terms, **{field: value}))
        assert response.status_code == 302
        assert response["Location"] == url("inspect", terms)
        assert stored(terms) == before
        assert uz(LOCKED) in html(client.get(response["Location"]))

    def test_delete_page_is_refused(self, client, coordinator):
        terms = accepted_terms()
        response = client.get(url("delete", terms))
        assert response.status_code == 302
        assert response["Location"] == url("inspect", terms)
        assert uz(LOCKED) in html(client.get(response["Location"]))

    def test_posting_a_delete_deletes_nothing(self, client, coordinator):
        terms = accepted_terms()
        response = client.post(url("delete", terms))
        assert response.status_code == 302
        assert response["Location"] == url("inspect", terms)
        assert ConsentTerms.objects.filter(pk=terms.pk).exists()

    def test_the_list_offers_edit_and_delete_only_for_drafts(self, client, coordinator):
        terms = accepted_terms("2026-1")
        draft = terms_publish("2026-2")
        page = html(client.get(url("index")))
        assert url("inspect", terms) in page
        assert url("edit", terms) not in page
        assert url("delete", terms) not in page
        assert url("edit", draft) in page
        assert url("delete", draft) in page

    def test_a_change_is_published_as_a_new_version(self, client, coordinator):
        terms = accepted_terms("2026-1")
        before = stored(terms)
        response = client.post(
            url("add"),
            admin_form(
                terms,
                version="2026-2",
                text="Yangi shartlar.",
                published_at=timezone.localtime().strftime("%Y-%m-%d %H:%M"),
            ),
        )
        assert response.status_code == 302
        assert ConsentTerms.objects.get(version="2026-2").text == "Yangi shartlar."
        assert stored(terms) == before

    def test_acceptance_between_opening_and_saving_is_refused(
        self, client, coordinator
    ):
        terms = terms_publish()
        assert client.get(url("edit", terms)).status_code == 200
        consent_accept(user=user_create())  # someone accepts meanwhile
        before = stored(terms)
        response = client.post(
            url("edit", terms), admin_form(terms, text="Boshqa matn.")
        )
        assert response["Location"] == url("inspect", terms)
        assert stored(terms) == before


class DraftTermsAdminTests:
    def test_a_draft_is_edited(self, client, coordinator):
        terms = terms_publish()
        response = client.post(
            url("edit", terms), admin_form(terms, text="Tuzatilgan matn.")
        )
        assert response.status_code == 302
        assert stored(terms)["text"] == "Tuzatilgan matn."

    def test_a_draft_is_deleted(self, client, coordinator):
        terms = terms_publish()
        assert client.get(url("delete", terms)).status_code == 200
        response = client.post(url("delete", terms))
        assert response.status_code == 302
        assert not ConsentTerms.objects.filter(pk=terms.pk).exists()


class TermsAdminAccessTests:
    @pytest.mark.parametrize("view", ["index", "edit", "delete", "inspect"])
    def test_a_trainer_is_refused(self, client, view):
        terms = accepted_terms()
        client.force_login(user_create(roles=("Trainer",)))
        response = client.get(url(view, None if view == "index" else terms))
        assert response.status_code == 302
        assert not response["Location"].startswith(url("index"))

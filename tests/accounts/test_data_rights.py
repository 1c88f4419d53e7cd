"""A person's rights over their data, from the profile page: download everything
held about them (JSON in a ZIP), and delete the account (with a confirmation step;
personal data erased, consultations anonymised, audit records kept under the
pseudonym)."""

import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from audit.chain import pseudonym
from audit.models import AuditAction, AuditRecord
from audit.selectors import audit_chain_verify
from audit.services import audit_record
from consultations import services as consultation_services
from consultations.models import Booking, BookingStatus, ConsentRecord, SessionNote
from tests.accounts.factories import PASSWORD, user_create
from tests.consultations.factories import (
    booking_create,
    client_create,
    specialist_create,
)
from tests.support.i18n import uz
from tests.support.sign_in_here import assert_sign_in_here

pytestmark = pytest.mark.django_db
User = get_user_model()

EXPORT = reverse("accounts_data_export")
DELETE = reverse("accounts_delete")


def person_with_history():
    """A client with a booking, a consent, a specialist's note and a sign-in."""
    person = client_create(
        full_name="Dilnoza Karimova",
        phone_number="+998901234500",
        region="samarkand",
        district="Urgut",
        birth_year=1956,
    )
    specialist = specialist_create()
    booking = booking_create(
        client=person, specialist=specialist, starts_in=timedelta(days=3)
    )
    note = consultation_services.session_note_save(
        booking=booking, author=specialist.user, text="Yolgʻizlik, qizi uzoqda."
    )
    audit_record(actor=person, action=AuditAction.SIGN_IN, ip="192.0.2.44")
    return person, booking, note


def export(client, person) -> dict:
    client.force_login(person)
    response = client.post(EXPORT)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith("attachment;")
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(archive.namelist()) == ["README.txt", "komak-data.json"]
    return json.loads(archive.read("komak-data.json"))


class DataExportTests:
    def test_profile_page_offers_download_and_deletion(self, client):
        client.force_login(user_create())
        page = client.get(reverse("accounts_profile")).content.decode()
        assert f'action="{EXPORT}"' in page
        assert uz("Download my data") in page
        assert f'href="{DELETE}"' in page

    def test_export_holds_account_bookings_consent_and_audit_trail(self, client):
        person, booking, _note = person_with_history()
        data = export(client, person)
        account = data["account"]
        assert account["full_name"] == "Dilnoza Karimova"
        assert account["phone_number"] == "+998901234500"
        assert account["district"] == "Urgut"
        assert account["birth_year"] == 1956
        assert "password" not in account
        assert data["groups"] == ["Learner"]
        (exported_booking,) = data["related"]["consultations.booking"]
        assert exported_booking["id"] == booking.pk
        assert exported_booking["topic"] == "loneliness"
        (consent,) = data["related"]["consultations.consentrecord"]
        assert consent["withdrawn_at"] is None
        addresses = [record["ip_address"] for record in data["audit_trail"]]
        assert "192.0.2.44" in addresses

    def test_export_leaves_out_specialists_notes_and_other_people(self, client):
        person, _booking, _note = person_with_history()
        other = client_create(full_name="Boshqa Odam")
        data = export(client, person)
        text = json.dumps(data, ensure_ascii=False)
        assert "Yolgʻizlik" not in text
        assert "consultations.sessionnote" not in data["related"]
        assert "Boshqa Odam" not in text
        assert all(r["actor_id"] == person.pk for r in data["audit_trail"])
        assert other.pk not in [r["actor_id"] for r in data["audit_trail"]]

    def test_export_is_recorded(self, client):
        person, _booking, _note = person_with_history()
        export(client, person)
        record = AuditRecord.objects.filter(action=AuditAction.DATA_EXPORT).get()
        assert record.actor_id == person.pk
        assert record.ip_address == "127.0.0.1"

    def test_export_needs_sign_in_and_a_post(self, client):
        assert client.post(EXPORT).status_code == 302
        client.force_login(user_create())
        assert client.get(EXPORT).status_code == 405


def walk(value, key=""):
    """Every (key, value) pair of a JSON document, however deep."""
    if isinstance(value, dict):
        for inner_key, inner in value.items():
            yield from walk(inner, inner_key)
    elif isinstance(value, list):
        for item in value:
            yield from walk(item, key)
    else:
        yield key, value


def specialist_with_a_client():
    """A specialist with a booking of a client, a note about it, and their own
    audit records of looking at it."""
    client_person = client_create(
        full_name="Zulfiya Tursunova",
        username="zulfiya_t",
        phone_number="+998905556677",
        district="Margilan",
    )
    specialist = specialist_create(full_name="Doktor Aziza")
    booking = booking_create(
        client=client_person, specialist=specialist, starts_in=timedelta(days=2)
    )
    consultation_services.session_note_save(
        booking=booking,
        author=specialist.user,
        text="Uyqusizlik, qizi bilan gaplashdi.",
    )
    audit_record(
        actor=specialist.user,
        action=AuditAction.BOOKING_VIEW,
        target=booking,
        detail={"client": client_person.pk},
    )
    audit_record(
        actor=specialist.user,
        action=AuditAction.USER_VIEW,
        target=client_person,
        detail={"screen": "edit"},
    )
    return specialist.user, client_person, booking


class StaffExportTests:
    def test_a_specialists_export_names_none_of_their_clients(self, client):
        specialist, client_person, booking = specialist_with_a_client()
        data = export(client, specialist)
        text = json.dumps(data, ensure_ascii=False)
        for revealing in ("Zulfiya", "zulfiya_t", "905556677", "Margilan", "Uyqusiz"):
            assert revealing not in text
        assert "consultations.booking" not in data["related"]
        assert "consultations.sessionnote" not in data["related"]
        # Every id that links a row to a person is the specialist's own.
        for key, value in walk(data):
            if key in ("user_id", "client_id", "actor_id", "author_id", "client"):
                assert value in (specialist.pk, None), (key, value)

    def test_a_specialists_audit_trail_keeps_what_they_did_not_to_whom(self, client):
        specialist, client_person, booking = specialist_with_a_client()
        data = export(client, specialist)
        actions = [row["action"] for row in data["audit_trail"]]
        assert AuditAction.BOOKING_VIEW in actions
        assert AuditAction.USER_VIEW in actions
        exported = {
            (label, str(row["id"]))
            for label, rows in data["related"].items()
            for row in rows
        } | {("accounts.user", str(specialist.pk))}
        for row in data["audit_trail"]:
            if row["target_id"]:
                assert (row["target_type"], row["target_id"]) in exported, row
            else:
                assert row["detail"] == {}, row

    def test_the_specialists_own_data_is_still_there(self, client):
        specialist, _client_person, _booking = specialist_with_a_client()
        data = export(client, specialist)
        assert data["account"]["full_name"] == "Doktor Aziza"
        (profile,) = data["related"]["consultations.specialistprofile"]
        assert profile["user_id"] == specialist.pk
        assert data["groups"] == ["Specialist"]

    def test_a_clients_own_trail_still_names_their_own_booking(self, client):
        person, booking, _note = person_with_history()
        audit_record(actor=person, action=AuditAction.BOOKING_VIEW, target=booking)
        data = export(client, person)
        (viewed,) = [
            row
            for row in data["audit_trail"]
            if row["action"] == AuditAction.BOOKING_VIEW
        ]
        assert (viewed["target_type"], viewed["target_id"]) == (
            "consultations.booking",
            str(booking.pk),
        )

    def test_every_relation_to_a_person_is_decided(self):
        from accounts.selectors import EXPORT_RELATIONS, user_relations

        found = {(label, field) for label, field, _relation in user_relations()}
        undecided = sorted(found - set(EXPORT_RELATIONS))
        assert not undecided, (
            "Decide for each whether its rows are about the person (exported) or "
            "not, in accounts.selectors.EXPORT_RELATIONS: " + repr(undecided)
        )
        assert sorted(set(EXPORT_RELATIONS) - found) == []


class AccountDeletionTests:
    def delete(self, client, person, **overrides):
        client.force_login(person)
        data = {"password": PASSWORD, "understood": "on", **overrides}
        return client.post(DELETE, data)

    def test_confirmation_page_explains_and_asks_for_the_password(self, client):
        client.force_login(user_create())
        response = client.get(DELETE)
        assert response.status_code == 200
        page = response.content.decode()
        assert 'type="password"' in page
        assert uz(
            "This cannot be undone. You may want to download your data first."
        ) in (page)

    @pytest.mark.parametrize(
        "overrides",
        [{"password": "not-my-password"}, {"understood": ""}, {"password": ""}],
    )
    def test_nothing_is_deleted_without_both_confirmations(self, client, overrides):
        person, _booking, _note = person_with_history()
        response = self.delete(client, person, **overrides)
        assert response.status_code == 400
        person.refresh_from_db()
        assert person.full_name == "Dilnoza Karimova"
        assert person.is_active
        assert not AuditRecord.objects.filter(
            action=AuditAction.ACCOUNT_DELETE
        ).exists()

    def test_personal_data_is_erased_and_the_person_signed_out(self, client):
        person, booking, note = person_with_history()
        response = self.delete(client, person)
        assert response.status_code == 302
        person.refresh_from_db()
        assert person.username == f"deleted-{person.pk}"
        assert (person.full_name, person.email, person.district) == ("", "", "")
        assert person.phone_number is None and person.birth_year is None
        assert person.region == ""
        assert not person.is_active
        assert not person.has_usable_password()
        assert not person.groups.exists()
        profile = reverse("accounts_profile")
        html = assert_sign_in_here(client.get(profile), profile)
        assert "Dilnoza" not in html and f"deleted-{person.pk}" not in html
        assert not client.login(username=f"deleted-{person.pk}", password=PASSWORD)

    def test_consultations_are_anonymised_and_upcoming_ones_cancelled(self, client):
        person, booking, note = person_with_history()
        self.delete(client, person)
        booking.refresh_from_db()
        assert booking.client_id is None
        assert booking.topic == ""
        assert booking.status == BookingStatus.CANCELLED
        assert booking.anonymised_at is not None
        assert not SessionNote.objects.filter(pk=note.pk).exists()
        assert not Booking.objects.filter(client=person).exists()

    def test_consent_proof_and_audit_records_are_kept_under_the_pseudonym(self, client):
        person, _booking, _note = person_with_history()
        before = AuditRecord.objects.filter(actor_id=person.pk).count()
        self.delete(client, person)
        consent = ConsentRecord.objects.get(user=person)
        assert consent.withdrawn_at is not None
        kept = AuditRecord.objects.filter(actor_pseudonym=pseudonym("user", person.pk))
        assert kept.count() >= before + 1
        assert kept.filter(action=AuditAction.ACCOUNT_DELETE).exists()
        assert audit_chain_verify().ok

    def test_learning_progress_is_deleted(self, client):
        from tests.learning.factories import course_create

        person = user_create()
        _course, (lesson, *_rest) = course_create(lessons=1)
        client.force_login(person)
        from learning.models import ProgressEvent

        ProgressEvent.objects.create(
            user=person,
            lesson=lesson,
            event_id="0b7d6e4e-7c4f-4cf5-a2a4-1f5a3c2d9e01",
            visit_id="0b7d6e4e-7c4f-4cf5-a2a4-1f5a3c2d9e02",
            kind="open",
            occurred_at=timezone.now(),
        )
        self.delete(client, person)
        assert not ProgressEvent.objects.filter(user=person).exists()

    @pytest.mark.parametrize("role", ["Trainer", "Coordinator", "Specialist"])
    def test_staff_ask_an_administrator(self, client, role):
        person = user_create(roles=(role,))
        client.force_login(person)
        assert client.get(DELETE).status_code == 403
        response = self.delete(client, person)
        assert response.status_code == 403
        person.refresh_from_db()
        assert person.is_active
        page = client.get(reverse("accounts_profile")).content.decode()
        assert f'href="{DELETE}"' not in page

"""A booking's health-related data encrypted at rest like the session notes (issue 11):
the topic the client chose and the results of their pre-call check. The raw row holds
only Fernet tokens; Python code, the pages and the data export see the values; key
rotation rewrites them; the migration encrypts rows written in clear and can be
reversed. (The notes themselves: test_privacy.py.)"""

import json
from datetime import timedelta

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from consultations import services
from consultations.models import Booking, SessionNote
from core.encryption import derived_development_key, encrypted_fields
from tests.consultations.factories import (
    booking_make,
    client_create,
    slot_at,
    specialist_create,
)
from tests.consultations.test_booking import booking_params
from tests.support.i18n import uz

pytestmark = pytest.mark.django_db

BEFORE = ("consultations", "0002_privacy_consent_terms_encrypted_notes_anonymised")
MEASURED = {"rtt_ms": 420, "loss_percent": 4.5, "relay": True, "connected": True}


def raw_row(booking: Booking) -> dict:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT topic, precall_result FROM consultations_booking WHERE id = %s",
            [booking.pk],
        )
        topic, precall_result = cursor.fetchone()
    return {"topic": topic, "precall_result": precall_result}


def opened(token: str, key: bytes | str) -> str:
    return Fernet(key).decrypt(token.encode()).decode()


def booked_through_the_pages(client, topic: str = "grief") -> Booking:
    specialist = specialist_create()
    person = client_create()
    client.force_login(person)
    response = client.post(
        reverse("consultations_book_confirm"),
        booking_params(specialist, slot_at(), topic=topic),
    )
    assert response.status_code == 302
    return Booking.objects.get(client=person)


def checked_booking() -> Booking:
    booking = booking_make(client_create(), specialist_create(), slot_at())
    return services.booking_precall_record(booking=booking, **MEASURED)


class TopicEncryptionTests:
    def test_the_row_holds_a_token_and_python_sees_the_topic(self, client, settings):
        booking = booked_through_the_pages(client, topic="grief")
        raw = raw_row(booking)["topic"]
        assert "grief" not in raw
        assert raw.startswith("gAAAAA")  # a Fernet token, version byte 0x80
        assert opened(raw, derived_development_key(settings.SECRET_KEY)) == "grief"
        reloaded = Booking.objects.get(pk=booking.pk)
        assert reloaded.topic == "grief"
        assert reloaded.get_topic_display() == uz("Grief and loss")

    def test_equal_topics_give_different_tokens(self, client):
        specialist = specialist_create()
        first = booking_make(client_create(), specialist, slot_at(hour=9))
        second = booking_make(client_create(), specialist, slot_at(hour=11))
        assert first.topic == second.topic == "loneliness"
        assert raw_row(first)["topic"] != raw_row(second)["topic"]

    def test_a_moved_booking_keeps_its_topic_encrypted(self, client):
        booking = booked_through_the_pages(client, topic="anxiety")
        moved = services.booking_reschedule(
            booking=booking,
            by_user=booking.client,
            starts_at=slot_at(days=3),
        )
        assert Booking.objects.get(pk=moved.pk).topic == "anxiety"
        assert "anxiety" not in raw_row(moved)["topic"]

    def test_the_appointments_page_shows_the_decrypted_topic(self, client):
        booking = booked_through_the_pages(client, topic="grief")
        page = client.get(reverse("consultations_appointments")).content.decode()
        assert f'data-booking="{booking.pk}"' in page
        assert uz("Topic: %(topic)s", topic=uz("Grief and loss")) in page

    def test_anonymising_leaves_an_empty_topic_in_clear(self):
        booking = checked_booking()
        services.bookings_anonymise(bookings=Booking.objects.filter(pk=booking.pk))
        assert raw_row(booking) == {"topic": "", "precall_result": None}
        booking.refresh_from_db()
        assert booking.topic == "" and booking.precall_result is None


class PrecallEncryptionTests:
    def test_the_row_holds_one_token_and_python_sees_the_measurements(self, settings):
        booking = checked_booking()
        raw = raw_row(booking)["precall_result"]
        assert raw.startswith("gAAAAA")
        for clear in ("420", "4.5", "audio", "rtt", "relay", "true"):
            assert clear not in raw
        key = derived_development_key(settings.SECRET_KEY)
        assert json.loads(opened(raw, key)) == {
            "rtt_ms": 420,
            "loss_percent": 4.5,
            "relay": True,
            "verdict": "audio",
        }
        reloaded = Booking.objects.get(pk=booking.pk)
        assert reloaded.precall_rtt_ms == 420
        assert reloaded.precall_loss_percent == 4.5
        assert reloaded.precall_relay is True
        assert reloaded.precall_verdict == "audio"
        assert reloaded.precall_checked_at is not None

    def test_a_booking_without_a_check_has_no_results(self):
        booking = booking_make(client_create(), specialist_create(), slot_at())
        assert raw_row(booking)["precall_result"] is None
        reloaded = Booking.objects.get(pk=booking.pk)
        assert reloaded.precall_verdict == ""
        assert reloaded.precall_rtt_ms is None and reloaded.precall_relay is None

    def test_the_data_export_holds_the_decrypted_values(self, client):
        booking = checked_booking()
        client.force_login(booking.client)
        from accounts.selectors import user_personal_data

        exported = user_personal_data(user=booking.client)["related"][
            "consultations.booking"
        ][0]
        assert exported["topic"] == "loneliness"
        assert exported["precall_result"]["verdict"] == "audio"


class RotationTests:
    def test_rotation_discovers_the_new_columns(self):
        found = {(model._meta.label, column) for model, column in encrypted_fields()}
        assert {
            ("consultations.Booking", "topic"),
            ("consultations.Booking", "precall_result"),
            ("consultations.SessionNote", "text"),
        } <= found

    def test_rotation_re_encrypts_topic_and_precall_with_the_newest_key(self, settings):
        old_key, new_key = Fernet.generate_key(), Fernet.generate_key()
        settings.FIELD_ENCRYPTION_KEYS = [old_key.decode()]
        booking = checked_booking()
        before = raw_row(booking)
        settings.FIELD_ENCRYPTION_KEYS = [new_key.decode(), old_key.decode()]

        call_command("rotate_encryption_keys")

        after = raw_row(booking)
        for column in ("topic", "precall_result"):
            assert after[column] != before[column]
            with pytest.raises(InvalidToken):
                opened(after[column], old_key)
        assert opened(after["topic"], new_key) == "loneliness"
        assert json.loads(opened(after["precall_result"], new_key))["rtt_ms"] == 420
        settings.FIELD_ENCRYPTION_KEYS = [new_key.decode()]
        reloaded = Booking.objects.get(pk=booking.pk)
        assert (reloaded.topic, reloaded.precall_verdict) == ("loneliness", "audio")

    def test_rotation_skips_empty_values(self, settings):
        booking = booking_make(client_create(), specialist_create(), slot_at())
        Booking.objects.filter(pk=booking.pk).update(topic="")
        call_command("rotate_encryption_keys")
        assert raw_row(booking) == {"topic": "", "precall_result": None}


@pytest.mark.django_db(transaction=True)
class MigrationTests:
    """Migrating back to 0002 and forward again on the test database (SQLite; the
    same on PostgreSQL in test_postgres.py)."""

    def migrate(self, target=None):
        """To `target`, or (None) back to the newest consultations migration."""
        executor = MigrationExecutor(connection)
        if target is None:
            target = executor.loader.graph.leaf_nodes("consultations")[0]
        executor.migrate([target])
        executor.loader.build_graph()

    def test_rows_written_in_clear_are_encrypted_and_can_be_decrypted_back(self):
        specialist = specialist_create()
        person = client_create()
        checked = booking_make(person, specialist, slot_at(hour=9))
        unchecked = booking_make(person, specialist, slot_at(hour=11))
        anonymised = booking_make(person, specialist, slot_at(hour=13))
        services.booking_precall_record(
            booking=checked, rtt_ms=90, loss_percent=0.0, relay=False, connected=True
        )
        services.bookings_anonymise(bookings=Booking.objects.filter(pk=anonymised.pk))
        try:
            self.migrate(BEFORE)
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT id, topic, precall_rtt_ms, precall_loss_percent, "
                    "precall_relay, precall_verdict FROM consultations_booking "
                    "ORDER BY id"
                )
                rows = cursor.fetchall()
            assert rows == [
                (checked.pk, "loneliness", 90, 0.0, 0, "video"),
                (unchecked.pk, "loneliness", None, None, None, ""),
                (anonymised.pk, "", None, None, None, ""),
            ]
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE consultations_booking SET topic = %s, precall_rtt_ms = %s,"
                    " precall_relay = %s, precall_verdict = %s WHERE id = %s",
                    ["grief", 1200, True, "phone", unchecked.pk],
                )
        finally:
            self.migrate()
        for booking in (checked, unchecked, anonymised):
            raw = raw_row(booking)
            assert raw["topic"] == "" or raw["topic"].startswith("gAAAAA")
        assert raw_row(anonymised) == {"topic": "", "precall_result": None}
        checked, unchecked = (
            Booking.objects.get(pk=checked.pk),
            Booking.objects.get(pk=unchecked.pk),
        )
        assert checked.topic == "loneliness"
        assert checked.precall_result == {
            "rtt_ms": 90,
            "loss_percent": 0.0,
            "relay": False,
            "verdict": "video",
        }
        assert unchecked.topic == "grief"
        assert unchecked.precall_result == {
            "rtt_ms": 1200,
            "loss_percent": None,
            "relay": True,
            "verdict": "phone",
        }

    def test_notes_survive_the_round_trip(self):
        specialist = specialist_create()
        booking = booking_make(
            client_create(), specialist, timezone.now() + timedelta(days=1)
        )
        note = services.session_note_save(
            booking=booking, author=specialist.user, text="Uyqusizlik."
        )
        try:
            self.migrate(BEFORE)
        finally:
            self.migrate()
        assert SessionNote.objects.get(pk=note.pk).text == "Uyqusizlik."
        assert Booking.objects.get(pk=booking.pk).topic == "loneliness"

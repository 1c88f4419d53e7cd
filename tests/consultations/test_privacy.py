"""Privacy of consultation data: notes encrypted at rest and key rotation, the audit
records left by every view and change (ids only), consent with all that Uzbek rules
ask for and what withdrawing it stops, and the retention task."""

import importlib
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditAction, AuditRecord
from audit.selectors import audit_chain_verify
from consultations import services
from consultations.consumers import call_access
from consultations.models import Booking, BookingStatus, ConsentRecord, SessionNote
from consultations.selectors import bookings_for_specialist
from consultations.tasks import consultations_retention_anonymise
from core.encryption import (
    DecryptionError,
    derived_development_key,
)
from tests.accounts.factories import user_create
from tests.consultations.factories import (
    booking_create,
    booking_make,
    client_create,
    slot_at,
    specialist_create,
    terms_publish,
)
from tests.consultations.test_booking import booking_params
from tests.support.i18n import uz

pytestmark = pytest.mark.django_db
REPO = Path(__file__).resolve().parents[2]
NOTE = "Mijoz turmush oʻrtogʻini yoʻqotgan; uyqusizlik, ishtahasi yoʻq."


def raw_note_text(note: SessionNote) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT text FROM consultations_sessionnote WHERE id = %s", [note.pk]
        )
        return cursor.fetchone()[0]


def booking_with_note(text: str = NOTE, **booking_fields):
    specialist = specialist_create()
    client = client_create()
    booking = booking_create(client=client, specialist=specialist, **booking_fields)
    note = services.session_note_save(
        booking=booking, author=specialist.user, text=text
    )
    return booking, note


def actions_since(sequence: int) -> list[str]:
    return list(
        AuditRecord.objects.filter(sequence__gt=sequence)
        .order_by("sequence")
        .values_list("action", flat=True)
    )


def last_sequence() -> int:
    record = AuditRecord.objects.order_by("-sequence").first()
    return record.sequence if record else 0


# Encryption at rest ------------------------------------------------------------------


class EncryptionTests:
    def test_the_database_holds_only_ciphertext(self, settings):
        _booking, note = booking_with_note()
        raw = raw_note_text(note)
        assert NOTE not in raw
        assert "uyqusizlik" not in raw
        assert raw.startswith("gAAAAA")  # a Fernet token, version byte 0x80
        assert SessionNote.objects.get(pk=note.pk).text == NOTE
        key = derived_development_key(settings.SECRET_KEY)
        assert Fernet(key).decrypt(raw.encode()).decode() == NOTE

    def test_the_same_text_encrypts_differently_each_time(self):
        _b1, first = booking_with_note("Bir xil matn")
        _b2, second = booking_with_note("Bir xil matn")
        assert raw_note_text(first) != raw_note_text(second)

    def test_rotation_re_encrypts_with_the_newest_key(self, settings):
        old_key, new_key = Fernet.generate_key(), Fernet.generate_key()
        settings.FIELD_ENCRYPTION_KEYS = [old_key.decode()]
        _booking, note = booking_with_note()
        before = raw_note_text(note)
        assert Fernet(old_key).decrypt(before.encode()).decode() == NOTE

        settings.FIELD_ENCRYPTION_KEYS = [new_key.decode(), old_key.decode()]
        # Before rotation the old key still opens the note.
        assert SessionNote.objects.get(pk=note.pk).text == NOTE
        with pytest.raises(InvalidToken):
            Fernet(new_key).decrypt(before.encode())

        sequence = last_sequence()
        call_command("rotate_encryption_keys")
        after = raw_note_text(note)
        assert after != before
        assert Fernet(new_key).decrypt(after.encode()).decode() == NOTE
        with pytest.raises(InvalidToken):
            Fernet(old_key).decrypt(after.encode())
        assert AuditAction.KEYS_ROTATE in actions_since(sequence)

        settings.FIELD_ENCRYPTION_KEYS = [new_key.decode()]
        assert SessionNote.objects.get(pk=note.pk).text == NOTE

    def test_a_removed_key_is_an_error_not_garbage(self, settings):
        settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
        _booking, note = booking_with_note()
        settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
        with pytest.raises(DecryptionError):
            SessionNote.objects.get(pk=note.pk)

    def test_migration_encrypts_notes_written_in_clear(self):
        _booking, note = booking_with_note()
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE consultations_sessionnote SET text = %s WHERE id = %s",
                ["Eski ochiq matn", note.pk],
            )
        migration = importlib.import_module(
            "consultations.migrations."
            "0002_privacy_consent_terms_encrypted_notes_anonymised"
        )
        # The function needs only the editor's connection (SQLite's editor cannot
        # open inside the test's transaction).
        migration.notes_encrypt(None, SimpleNamespace(connection=connection))
        assert "Eski" not in raw_note_text(note)
        assert SessionNote.objects.get(pk=note.pk).text == "Eski ochiq matn"

    def test_production_refuses_to_start_without_keys(self):
        env = {
            key: value
            for key, value in os.environ.items()
            if key != "FIELD_ENCRYPTION_KEYS"
        }
        env.update(
            DJANGO_SETTINGS_MODULE="cms.settings.production",
            DJANGO_SECRET_KEY="x" * 60,
            DJANGO_ALLOWED_HOSTS="komak.uz",
        )
        result = subprocess.run(
            [sys.executable, "-c", "import django; django.setup()"],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode != 0
        assert "FIELD_ENCRYPTION_KEYS" in result.stderr


# Audit records of consultation data ---------------------------------------------------


class ConsultationAuditTests:
    def test_booking_through_the_pages_is_recorded_without_the_topic(self, client):
        specialist = specialist_create()
        person = client_create()
        client.force_login(person)
        sequence = last_sequence()
        response = client.post(
            reverse("consultations_book_confirm"),
            booking_params(specialist, slot_at(), topic="grief"),
        )
        assert response.status_code == 302
        booking = Booking.objects.get(client=person)
        record = AuditRecord.objects.get(
            sequence__gt=sequence, action=AuditAction.BOOKING_CREATE
        )
        assert (record.actor_id, record.target_id) == (person.pk, str(booking.pk))
        assert record.ip_address == "127.0.0.1"
        for stored in AuditRecord.objects.filter(sequence__gt=sequence):
            assert "grief" not in str(stored.detail)

    def test_reading_and_saving_a_note_is_recorded_without_its_text(self, client):
        booking, note = booking_with_note()
        specialist = booking.specialist.user
        client.force_login(specialist)
        url = reverse("consultations_notes", args=[booking.pk])
        sequence = last_sequence()
        assert client.get(url).status_code == 200
        client.post(url, {"text": "Ikkinchi suhbat: yaxshiroq."})
        records = AuditRecord.objects.filter(sequence__gt=sequence)
        view = records.get(action=AuditAction.NOTE_VIEW)
        save = records.get(action=AuditAction.NOTE_SAVE)
        for record in (view, save):
            assert record.actor_id == specialist.pk
            assert record.target_id == str(note.pk)
            assert record.detail == {"booking": booking.pk}
        assert "suhbat" not in str(list(records.values()))

    def test_appointments_and_today_pages_record_which_bookings_were_seen(self, client):
        booking, _note = booking_with_note()
        client.force_login(booking.specialist.user)
        sequence = last_sequence()
        client.get(reverse("consultations_appointments"))
        client.get(reverse("consultations_today"))
        seen = AuditRecord.objects.filter(
            sequence__gt=sequence, action=AuditAction.BOOKING_LIST_VIEW
        )
        assert [record.detail["bookings"] for record in seen] == [
            [booking.pk],
            [booking.pk],
        ]
        assert AuditRecord.objects.filter(
            sequence__gt=sequence, action=AuditAction.NOTE_VIEW
        ).exists()

    def test_pre_call_check_and_call_page_are_recorded(self, client):
        specialist = specialist_create()
        person = client_create()
        booking = booking_create(client=person, specialist=specialist)
        client.force_login(person)
        sequence = last_sequence()
        client.get(reverse("consultations_precall", args=[booking.pk]))
        client.post(
            reverse("consultations_precall_result", args=[booking.pk]),
            {"rtt_ms": 80, "loss_percent": 0, "relay": False, "connected": True},
            content_type="application/json",
        )
        assert (
            client.get(reverse("consultations_call", args=[booking.pk])).status_code
            == 200
        )
        assert actions_since(sequence) == [
            AuditAction.PRECALL_VIEW,
            AuditAction.PRECALL_RECORD,
            AuditAction.CALL_OPEN,
        ]

    def test_cancel_and_no_show_are_recorded(self, client):
        specialist = specialist_create()
        person = client_create()
        later = booking_make(person, specialist, slot_at(days=3))
        past = booking_create(
            client=person, specialist=specialist, starts_in=-timedelta(minutes=50)
        )
        client.force_login(specialist.user)
        sequence = last_sequence()
        client.post(reverse("consultations_cancel", args=[later.pk]))
        client.post(reverse("consultations_no_show", args=[past.pk]))
        records = AuditRecord.objects.filter(sequence__gt=sequence)
        assert records.get(action=AuditAction.BOOKING_CANCEL).target_id == str(later.pk)
        assert records.get(action=AuditAction.BOOKING_NO_SHOW).actor_id == (
            specialist.user.pk
        )
        assert audit_chain_verify().ok


class RefusedAccessAuditTests:
    @pytest.mark.parametrize(
        "name",
        [
            "consultations_notes",
            "consultations_calendar",
            "consultations_call",
            "consultations_precall",
        ],
    )
    def test_another_persons_booking_is_refused_and_recorded(self, client, name):
        booking, _note = booking_with_note()
        stranger = client_create()
        client.force_login(stranger)
        sequence = last_sequence()
        response = client.get(reverse(name, args=[booking.pk]))
        assert response.status_code == 404
        record = AuditRecord.objects.get(
            sequence__gt=sequence, action=AuditAction.ACCESS_DENIED
        )
        assert record.actor_id == stranger.pk
        assert record.target_id == str(booking.pk)
        assert record.detail == {"path": reverse(name, args=[booking.pk])}

    def test_the_client_is_refused_the_specialists_notes(self, client):
        booking, _note = booking_with_note()
        client.force_login(booking.client)
        sequence = last_sequence()
        url = reverse("consultations_notes", args=[booking.pk])
        assert client.get(url).status_code == 404
        assert actions_since(sequence) == [AuditAction.ACCESS_DENIED]


# Consent -----------------------------------------------------------------------------


class ConsentTermsTests:
    def test_terms_page_states_operator_purposes_data_term_and_transfers(self, client):
        terms_publish()
        from consultations.models import ConsentTerms

        ConsentTerms.objects.update(
            operator="Koʻmak MChJ, Toshkent",
            purposes="Onlayn suhbat",
            data_categories="Ism, telefon, sogʻliq haqida qaydlar",
            term="3 yil",
            third_parties="Hech kimga berilmaydi",
        )
        client.force_login(user_create())
        page = client.get(reverse("consultations_consent")).content.decode()
        for text in (
            "Koʻmak MChJ, Toshkent",
            "Onlayn suhbat",
            "sogʻliq haqida qaydlar",
            "3 yil",
            "Hech kimga berilmaydi",
        ):
            assert text in page
        for heading in ("Who processes your data", "Who else receives it"):
            assert uz(heading) in page

    def test_accepting_is_recorded_once_per_version(self, client):
        terms_publish()
        person = user_create()
        client.force_login(person)
        sequence = last_sequence()
        for _attempt in range(2):
            client.post(
                reverse("consultations_consent"), {"version": "2026-1", "agree": "on"}
            )
        accepted = AuditRecord.objects.filter(
            sequence__gt=sequence, action=AuditAction.CONSENT_ACCEPT
        )
        assert accepted.count() == 1
        assert accepted.get().detail["version"] == "2026-1"


class ConsentWithdrawalTests:
    def withdraw(self, client, person):
        client.force_login(person)
        response = client.post(reverse("consultations_consent_withdraw"))
        assert response.status_code == 302

    def test_withdrawal_is_kept_and_recorded(self, client):
        person = client_create()
        sequence = last_sequence()
        self.withdraw(client, person)
        record = ConsentRecord.objects.get(user=person)
        assert record.withdrawn_at is not None
        withdrawn = AuditRecord.objects.get(
            sequence__gt=sequence, action=AuditAction.CONSENT_WITHDRAW
        )
        assert withdrawn.actor_id == person.pk
        assert withdrawn.detail == {"consent_records": [record.pk]}

    def test_withdrawal_stops_new_bookings(self, client):
        specialist = specialist_create()
        person = client_create()
        self.withdraw(client, person)
        response = client.post(
            reverse("consultations_book_confirm"),
            booking_params(specialist, slot_at()),
        )
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("consultations_consent"))
        assert not Booking.objects.filter(client=person).exists()

    def test_withdrawal_stops_moving_a_booking(self, client):
        specialist = specialist_create()
        person = client_create()
        booking = booking_make(person, specialist, slot_at(days=3))
        self.withdraw(client, person)
        url = reverse("consultations_reschedule", args=[booking.pk])
        response = client.post(url, {"start": "2030-01-01T05:00Z"})
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("consultations_consent"))
        booking.refresh_from_db()
        assert booking.status == BookingStatus.CONFIRMED

    def test_withdrawal_stops_calls_on_the_page_and_the_socket(self, client):
        specialist = specialist_create()
        person = client_create()
        booking = booking_create(client=person, specialist=specialist)
        assert call_access(booking_id=booking.pk, user=person) is not None
        self.withdraw(client, person)
        response = client.get(reverse("consultations_call", args=[booking.pk]))
        assert response.status_code == 403
        assert call_access(booking_id=booking.pk, user=person) is None

    def test_agreeing_again_opens_booking_again(self, client):
        specialist = specialist_create()
        person = client_create()
        self.withdraw(client, person)
        client.post(
            reverse("consultations_consent"), {"version": "2026-1", "agree": "on"}
        )
        response = client.post(
            reverse("consultations_book_confirm"),
            booking_params(specialist, slot_at()),
        )
        assert response.status_code == 302
        assert Booking.objects.filter(client=person).count() == 1


# Retention ---------------------------------------------------------------------------


class RetentionTests:
    def test_old_consultations_are_anonymised_and_recent_ones_kept(self, settings):
        settings.CONSULTATION_RETENTION_DAYS = 365
        old, _old_note = booking_with_note(
            starts_in=-timedelta(days=400), status=BookingStatus.COMPLETED
        )
        Booking.objects.filter(pk=old.pk).update(
            precall_result={"rtt_ms": 120, "verdict": "video"}
        )
        recent, recent_note = booking_with_note(starts_in=-timedelta(days=300))
        sequence = last_sequence()

        assert consultations_retention_anonymise() == 1

        old.refresh_from_db()
        assert old.client_id is None
        assert old.topic == ""
        assert old.precall_result is None
        assert old.precall_rtt_ms is None and old.precall_verdict == ""
        assert old.anonymised_at is not None
        assert old.status == BookingStatus.COMPLETED
        assert not SessionNote.objects.filter(booking=old).exists()
        recent.refresh_from_db()
        assert recent.client_id is not None and recent.topic == "loneliness"
        assert SessionNote.objects.get(pk=recent_note.pk).text == NOTE
        record = AuditRecord.objects.get(
            sequence__gt=sequence, action=AuditAction.RETENTION_ANONYMISE
        )
        assert record.detail == {"bookings": 1, "days": 365}
        assert old not in bookings_for_specialist(user=old.specialist.user)

    def test_running_again_changes_nothing(self, settings):
        settings.CONSULTATION_RETENTION_DAYS = 30
        booking_with_note(starts_in=-timedelta(days=40))
        assert consultations_retention_anonymise() == 1
        sequence = last_sequence()
        assert consultations_retention_anonymise() == 0
        assert actions_since(sequence) == []

    def test_the_period_comes_from_the_setting(self, settings):
        booking_with_note(starts_in=-timedelta(days=40))
        settings.CONSULTATION_RETENTION_DAYS = 60
        assert consultations_retention_anonymise() == 0
        settings.CONSULTATION_RETENTION_DAYS = 30
        assert consultations_retention_anonymise() == 1

    def test_an_anonymised_booking_is_no_ones_page(self, client, settings):
        settings.CONSULTATION_RETENTION_DAYS = 30
        booking, _note = booking_with_note(starts_in=-timedelta(days=40))
        consultations_retention_anonymise()
        client.force_login(booking.specialist.user)
        response = client.get(reverse("consultations_notes", args=[booking.pk]))
        assert response.status_code == 404
        assert timezone.now() > booking.ends_at


# Calls -------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
class CallAuditTests:
    def test_joins_admission_and_leaves_are_recorded(self):
        from tests.consultations.test_signaling import room_create, run

        room = room_create()
        client_id = room.booking.client_id
        specialist_id = room.booking.specialist.user_id

        async def scenario(sockets):
            client_socket, specialist_socket = await sockets.pair(room, admit=True)
            await sockets.hang_up(client_socket)
            await sockets.hang_up(specialist_socket)

        run(scenario)
        records = list(
            AuditRecord.objects.filter(
                target_type="consultations.booking", target_id=str(room.id)
            ).order_by("sequence")
        )
        assert [(r.action, r.actor_id) for r in records] == [
            (AuditAction.CALL_JOIN, client_id),
            (AuditAction.CALL_JOIN, specialist_id),
            (AuditAction.CALL_ADMIT, specialist_id),
            (AuditAction.CALL_LEAVE, client_id),
            (AuditAction.CALL_LEAVE, specialist_id),
        ]
        assert audit_chain_verify().ok

    def test_a_refused_socket_leaves_no_join(self):
        from tests.consultations.test_signaling import room_create, run

        room = room_create(consent=False)

        async def scenario(sockets):
            socket = await sockets.connect(room.id, room.client_cookie)
            return await socket.receive_output()

        assert run(scenario)["code"] == 4403
        assert not AuditRecord.objects.filter(
            action=AuditAction.CALL_JOIN, target_id=str(room.id)
        ).exists()
        refused = AuditRecord.objects.get(
            action=AuditAction.ACCESS_DENIED, target_id=str(room.id)
        )
        assert refused.actor_id == room.booking.client_id

    def test_a_repeated_admit_is_recorded_once_and_the_end_once(self):
        from tests.consultations.test_signaling import room_create, run

        room = room_create()

        async def scenario(sockets):
            client_socket, specialist_socket = await sockets.pair(room, admit=True)
            await specialist_socket.send_json_to({"type": "admit"})
            assert await client_socket.receive_json_from() == {"type": "admitted"}
            assert await specialist_socket.receive_json_from() == {"type": "admitted"}
            await specialist_socket.send_json_to({"type": "end"})
            assert await client_socket.receive_json_from() == {"type": "ended"}
            assert await specialist_socket.receive_json_from() == {"type": "ended"}

        run(scenario)
        actions = list(
            AuditRecord.objects.filter(target_id=str(room.id)).values_list(
                "action", flat=True
            )
        )
        assert actions.count(AuditAction.CALL_ADMIT) == 1
        assert actions.count(AuditAction.CALL_END) == 1
        assert actions.count(AuditAction.CALL_LEAVE) == 2


class MfaSecretEncryptionTests:
    """Staff members' TOTP secrets are kept like notes: only ciphertext in the row."""

    def test_totp_secret_is_stored_encrypted_and_still_checks_codes(self):
        from allauth.mfa.models import Authenticator
        from allauth.mfa.totp.internal.auth import TOTP

        from tests.support.mfa import totp_code

        secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
        user = user_create(roles=("Specialist",))
        totp = TOTP.activate(user, secret)
        stored = Authenticator.objects.get(pk=totp.instance.pk).data["secret"]
        assert secret not in stored
        assert stored.startswith("gAAAAA")
        assert TOTP(Authenticator.objects.get(pk=totp.instance.pk)).validate_code(
            totp_code(secret)
        )

    def test_rotation_covers_secrets_and_encrypts_old_plain_ones_when_asked(
        self, settings
    ):
        from allauth.mfa.models import Authenticator

        old_key, new_key = Fernet.generate_key(), Fernet.generate_key()
        settings.FIELD_ENCRYPTION_KEYS = [old_key.decode()]
        user = user_create(roles=("Trainer",))
        plain = Authenticator.objects.create(
            user=user, type=Authenticator.Type.TOTP, data={"secret": "PLAINSECRET234"}
        )
        settings.FIELD_ENCRYPTION_KEYS = [new_key.decode(), old_key.decode()]
        # Only on purpose (tests/consultations/test_key_rotation.py): a secret in
        # clear is refused at sign-in, and a rotation must not make one valid.
        call_command("rotate_encryption_keys", "--encrypt-plain-mfa-secrets")
        stored = Authenticator.objects.get(pk=plain.pk).data["secret"]
        assert Fernet(new_key).decrypt(stored.encode()).decode() == "PLAINSECRET234"

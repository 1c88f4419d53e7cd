"""`rotate_encryption_keys` (consultations.services.encryption_keys_rotate): row by
row under a lock, so a note saved while it runs keeps its new text (on the real
PostgreSQL, with two connections at once); second-factor secrets stored in clear
are left alone (refused at sign-in) unless the operator asks to encrypt them."""

from io import StringIO
from pathlib import Path

import pytest
from allauth.mfa.models import Authenticator
from cryptography.fernet import Fernet
from django.core.management import call_command

from tests.accounts.factories import user_create
from tests.support.services import ScratchPostgresDatabase, require_postgres

REPO = Path(__file__).resolve().parents[2]

# Run in a child process on a scratch PostgreSQL database. The rotation is paused
# between reading the note's token and writing it back (in `rotate_token`, the step
# between the two); meanwhile another thread, on its own connection, saves the note
# with new text through the service the note page uses. Without the row lock the
# save commits during the pause and the rotation then writes the older text over
# it; with the lock the save waits until the rotation's row is done.
RACE = """
import json
import threading
from datetime import timedelta

import django

django.setup()
from cryptography.fernet import Fernet
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from consultations import services
from consultations.models import Booking, SessionNote, SpecialistProfile

PAUSE_SECONDS = 3.0
NOTE_TEXT = "SELECT text FROM consultations_sessionnote WHERE id = %s"
old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
settings.FIELD_ENCRYPTION_KEYS = [old_key]
User = get_user_model()
client = User.objects.create_user(username="client", password="x" * 20)
author = User.objects.create_user(username="specialist", password="x" * 20)
specialist = SpecialistProfile.objects.create(
    user=author, kind="psychologist", bio="-"
)
starts_at = timezone.now() - timedelta(days=1)
booking = Booking.objects.create(
    client=client, specialist=specialist, topic="grief",
    starts_at=starts_at, ends_at=starts_at + timedelta(minutes=45),
)
note = services.session_note_save(booking=booking, author=author, text="older text")
with connection.cursor() as cursor:
    cursor.execute(NOTE_TEXT, [note.pk])
    note_token = cursor.fetchone()[0]
settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]

saved = threading.Event()
state = {"paused": False, "saved_during_pause": None, "error": None}


def save_new_text():
    try:
        services.session_note_save(booking=booking, author=author, text="newer text")
        saved.set()
    except Exception as error:
        state["error"] = repr(error)
    finally:
        connection.close()


saver = threading.Thread(target=save_new_text)
real_rotate_token = services.rotate_token


def paused_rotate_token(token):
    if token == note_token and not state["paused"]:
        state["paused"] = True
        saver.start()
        state["saved_during_pause"] = saved.wait(PAUSE_SECONDS)
    return real_rotate_token(token)


services.rotate_token = paused_rotate_token
result = services.encryption_keys_rotate()
saver.join(30)
settings.FIELD_ENCRYPTION_KEYS = [new_key]
with connection.cursor() as cursor:
    cursor.execute(NOTE_TEXT, [note.pk])
    stored = cursor.fetchone()[0]
print(json.dumps({
    "paused": state["paused"],
    "saved_during_pause": state["saved_during_pause"],
    "saved": saved.is_set(),
    "error": state["error"],
    "text": SessionNote.objects.get(pk=note.pk).text,
    "readable_with_new_key_alone": Fernet(new_key).decrypt(stored.encode()).decode(),
    "values": result.values,
}))
"""


class RotationRaceTests:
    def test_a_note_saved_during_rotation_keeps_its_new_text(self):
        require_postgres()
        with ScratchPostgresDatabase() as database:
            database.migrate()
            outcome = database.run_json(RACE)

        assert outcome["paused"], "the rotation never reached the note"
        assert outcome["error"] is None
        assert outcome["saved"]
        # The newer text won, and it is readable with the new key alone...
        assert outcome["text"] == "newer text"
        assert outcome["readable_with_new_key_alone"] == "newer text"
        # ...because the save had to wait for the rotation's row lock.
        assert outcome["saved_during_pause"] is False


@pytest.mark.django_db
class PlainSecretRotationTests:
    def plain_authenticator(self, settings):
        user = user_create(roles=("Trainer",))
        return Authenticator.objects.create(
            user=user, type=Authenticator.Type.TOTP, data={"secret": "PLAINSECRET234"}
        )

    def test_a_secret_in_clear_is_left_alone_and_reported(self, settings):
        plain = self.plain_authenticator(settings)
        errors = StringIO()
        call_command("rotate_encryption_keys", stdout=StringIO(), stderr=errors)
        assert Authenticator.objects.get(pk=plain.pk).data["secret"] == (
            "PLAINSECRET234"
        )
        assert "1 second-factor secrets are stored in clear" in errors.getvalue()

    def test_the_operator_may_encrypt_secrets_in_clear_on_purpose(self, settings):
        key = Fernet.generate_key()
        settings.FIELD_ENCRYPTION_KEYS = [key.decode()]
        plain = self.plain_authenticator(settings)
        errors = StringIO()
        call_command(
            "rotate_encryption_keys",
            "--encrypt-plain-mfa-secrets",
            stdout=StringIO(),
            stderr=errors,
        )
        stored = Authenticator.objects.get(pk=plain.pk).data["secret"]
        assert Fernet(key).decrypt(stored.encode()).decode() == "PLAINSECRET234"
        assert errors.getvalue() == ""

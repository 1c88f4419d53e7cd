"""On the real PostgreSQL (issue 11): a trigger refuses changing or deleting consent
terms that someone has accepted, even in raw SQL; and migration 0003, which encrypts
bookings' topics and pre-call results, runs forward over rows written in clear and
back again."""

from pathlib import Path

from tests.support.services import ScratchPostgresDatabase, require_postgres

REPO = Path(__file__).resolve().parents[2]
BEFORE = "0002_privacy_consent_terms_encrypted_notes_anonymised"

SETUP = """
import django
django.setup()
from django.db import connection
from django.contrib.auth import get_user_model
from consultations.models import (
    Booking, ConsentRecord, ConsentTerms, SpecialistProfile,
)
from datetime import timedelta
from django.utils import timezone

User = get_user_model()
accepted = ConsentTerms.objects.create(version="2026-1", text="Shartlar.")
draft = ConsentTerms.objects.create(version="2026-2", text="Loyiha.")
client = User.objects.create_user(username="client", password="x" * 20)
ConsentRecord.objects.create(user=client, terms=accepted)
specialist = SpecialistProfile.objects.create(
    user=User.objects.create_user(username="specialist", password="x" * 20),
    kind="psychologist",
    bio="-",
)
starts_at = timezone.now() + timedelta(days=2)
booking = Booking.objects.create(
    client=client, specialist=specialist, topic="grief",
    starts_at=starts_at, ends_at=starts_at + timedelta(minutes=45),
    precall_result={"rtt_ms": 300, "loss_percent": 2.5, "relay": True,
                    "verdict": "video"},
)
"""

TRIGGER_PROBE = (
    SETUP  # noqa: S608 - a script run by the test, not a query
    + """
from django.db import transaction
from django.db.utils import DatabaseError

def refused(sql, params):
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    except DatabaseError as error:
        return [type(error).__name__, str(error).splitlines()[0]]
    return None

table = "consultations_consentterms"
results = {
    "update": refused(
        f"UPDATE {table} SET text = 'Boshqa' WHERE id = %s", [accepted.pk]
    ),
    "update_date": refused(
        f"UPDATE {table} SET published_at = now() WHERE id = %s", [accepted.pk]
    ),
    "delete": refused(f"DELETE FROM {table} WHERE id = %s", [accepted.pk]),
    "unchanged": refused(
        f"UPDATE {table} SET text = text WHERE id = %s", [accepted.pk]
    ),
    "draft_update": refused(
        f"UPDATE {table} SET text = 'Tuzatilgan' WHERE id = %s", [draft.pk]
    ),
    "draft_delete": refused(f"DELETE FROM {table} WHERE id = %s", [draft.pk]),
    "text": ConsentTerms.objects.get(pk=accepted.pk).text,
}
with connection.cursor() as cursor:
    cursor.execute(
        "SELECT topic, precall_result FROM consultations_booking WHERE id = %s",
        [booking.pk],
    )
    results["raw"] = list(cursor.fetchone())
print(json.dumps(results))
"""
)

RAW_PROBE = """
import django, json
django.setup()
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_name = 'consultations_booking' AND column_name LIKE 'precall%'"
    )
    columns = sorted(row[0] for row in cursor.fetchall())
    cursor.execute(
        "SELECT count(*) FROM pg_trigger "
        "WHERE tgname = 'consultations_consentterms_immutable_once_accepted'"
    )
    triggers = cursor.fetchone()[0]
    selected = ", ".join(columns)
    cursor.execute(f"SELECT topic, {selected} FROM consultations_booking")
    rows = [[str(value) for value in row] for row in cursor.fetchall()]
print(json.dumps({"columns": columns, "triggers": triggers, "rows": rows}))
"""

READ_PROBE = """
import django, json
django.setup()
from consultations.models import Booking
booking = Booking.objects.get()
print(json.dumps({"topic": booking.topic, "precall": booking.precall_result}))
"""


class PostgresConsultationsTests:
    def test_trigger_locks_accepted_terms_and_migration_runs_both_ways(self):
        require_postgres()
        with ScratchPostgresDatabase() as database:
            database.migrate()
            probe = database.run_json("import json\n" + TRIGGER_PROBE)

            for operation in ("update", "update_date", "delete"):
                error_class, message = probe[operation]
                assert error_class == "IntegrityError", operation
                assert "have been accepted" in message, operation
            assert probe["text"] == "Shartlar."
            assert probe["unchanged"] is None
            assert probe["draft_update"] is None
            assert probe["draft_delete"] is None
            topic, precall_result = probe["raw"]
            assert topic.startswith("gAAAAA") and "grief" not in topic
            assert precall_result.startswith("gAAAAA")

            # Back to before the encryption: the old columns, in clear, no trigger.
            database.run("manage.py", "migrate", "consultations", BEFORE)
            before = database.run_json(RAW_PROBE)
            assert before["triggers"] == 0
            assert before["columns"] == [
                "precall_checked_at",
                "precall_loss_percent",
                "precall_relay",
                "precall_rtt_ms",
                "precall_verdict",
            ]
            # topic, checked_at, loss, relay, rtt, verdict
            assert before["rows"] == [["grief", "None", "2.5", "True", "300", "video"]]

            # And forward again: encrypted, readable, locked.
            database.migrate()
            after = database.run_json(RAW_PROBE)
            assert after["triggers"] == 1
            assert after["columns"] == ["precall_checked_at", "precall_result"]
            topic, _checked_at, precall_result = after["rows"][0]
            assert topic.startswith("gAAAAA") and precall_result.startswith("gAAAAA")
            assert database.run_json(READ_PROBE) == {
                "topic": "grief",
                "precall": {
                    "rtt_ms": 300,
                    "loss_percent": 2.5,
                    "relay": True,
                    "verdict": "video",
                },
            }

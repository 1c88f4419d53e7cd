"""A booking's topic and its pre-call results encrypted at rest, like the notes; on
PostgreSQL, a trigger that refuses changing or deleting consent terms someone has
accepted.

The pre-call measurements (four columns in clear) become one encrypted JSON column.
Existing rows are rewritten with raw SQL, because the field classes now expect
ciphertext. Every step can be reversed: going back decrypts into the old columns.
"""

import json

import consultations.encryption
from django.db import migrations

BOOKINGS = "consultations_booking"

TERMS_FUNCTION = """
CREATE OR REPLACE FUNCTION consultations_consentterms_refuse_change()
RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW IS NOT DISTINCT FROM OLD THEN
        RETURN NEW;
    END IF;
    IF EXISTS (
        SELECT 1 FROM consultations_consentrecord WHERE terms_id = OLD.id
    ) THEN
        RAISE EXCEPTION
            'consent terms % have been accepted and cannot be changed (% refused): '
            'publish a new version', OLD.version, TG_OP
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""
TERMS_TRIGGER = "consultations_consentterms_immutable_once_accepted"


def _is_ciphertext(value: str) -> bool:
    from cryptography.fernet import InvalidToken

    from consultations.encryption import cipher

    try:
        cipher().decrypt(value.encode("ascii"))
    except (InvalidToken, UnicodeEncodeError):
        return False
    return True


def _deferred_checks_run(connection) -> None:
    """Run PostgreSQL's deferred foreign key checks now: the UPDATEs of a data step
    can leave some pending, and PostgreSQL refuses an ALTER TABLE of the same table
    in the same transaction while any are ("pending trigger events")."""
    if connection.vendor == "postgresql":
        connection.check_constraints()


def topics_encrypt(apps, schema_editor):
    from consultations.encryption import encrypt_text

    connection = schema_editor.connection
    table = connection.ops.quote_name(BOOKINGS)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, topic FROM {table} WHERE topic <> ''")  # noqa: S608
        for pk, topic in cursor.fetchall():
            if _is_ciphertext(topic):
                continue
            cursor.execute(
                f"UPDATE {table} SET topic = %s WHERE id = %s",  # noqa: S608
                [encrypt_text(topic), pk],
            )
    _deferred_checks_run(connection)


def topics_decrypt(apps, schema_editor):
    from consultations.encryption import decrypt_text

    connection = schema_editor.connection
    table = connection.ops.quote_name(BOOKINGS)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, topic FROM {table} WHERE topic <> ''")  # noqa: S608
        for pk, topic in cursor.fetchall():
            if not _is_ciphertext(topic):
                continue
            cursor.execute(
                f"UPDATE {table} SET topic = %s WHERE id = %s",  # noqa: S608
                [decrypt_text(topic), pk],
            )
    _deferred_checks_run(connection)


def precall_encrypt(apps, schema_editor):
    """The four measurement columns, as one encrypted JSON object."""
    from consultations.encryption import encrypt_text

    connection = schema_editor.connection
    table = connection.ops.quote_name(BOOKINGS)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, precall_rtt_ms, precall_loss_percent, precall_relay, "  # noqa: S608
            f"precall_verdict FROM {table} WHERE precall_verdict <> '' "
            "OR precall_rtt_ms IS NOT NULL OR precall_loss_percent IS NOT NULL "
            "OR precall_relay IS NOT NULL"
        )
        for pk, rtt_ms, loss_percent, relay, verdict in cursor.fetchall():
            result = {
                "rtt_ms": rtt_ms,
                "loss_percent": loss_percent,
                # SQLite gives 0 and 1.
                "relay": None if relay is None else bool(relay),
                "verdict": verdict or "",
            }
            cursor.execute(
                f"UPDATE {table} SET precall_result = %s WHERE id = %s",  # noqa: S608
                [encrypt_text(json.dumps(result, sort_keys=True)), pk],
            )
    _deferred_checks_run(connection)


def precall_decrypt(apps, schema_editor):
    from consultations.encryption import decrypt_text

    connection = schema_editor.connection
    table = connection.ops.quote_name(BOOKINGS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, precall_result FROM {table} "  # noqa: S608
            "WHERE precall_result IS NOT NULL AND precall_result <> ''"
        )
        for pk, token in cursor.fetchall():
            result = json.loads(decrypt_text(token))
            cursor.execute(
                f"UPDATE {table} SET precall_rtt_ms = %s, "  # noqa: S608
                "precall_loss_percent = %s, precall_relay = %s, "
                "precall_verdict = %s WHERE id = %s",
                [
                    result.get("rtt_ms"),
                    result.get("loss_percent"),
                    result.get("relay"),
                    result.get("verdict") or "",
                    pk,
                ],
            )
    _deferred_checks_run(connection)


def terms_trigger_create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # No parameters: the % in RAISE are PL/pgSQL's, not placeholders.
    schema_editor.execute(TERMS_FUNCTION, params=None)
    schema_editor.execute(
        f"CREATE TRIGGER {TERMS_TRIGGER} BEFORE UPDATE OR DELETE "
        "ON consultations_consentterms FOR EACH ROW "
        "EXECUTE FUNCTION consultations_consentterms_refuse_change()"
    )


def terms_trigger_drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"DROP TRIGGER IF EXISTS {TERMS_TRIGGER} ON consultations_consentterms"
    )
    schema_editor.execute(
        "DROP FUNCTION IF EXISTS consultations_consentterms_refuse_change()"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0002_privacy_consent_terms_encrypted_notes_anonymised"),
    ]

    operations = [
        migrations.AddField(
            model_name="booking",
            name="precall_result",
            field=consultations.encryption.EncryptedJSONField(blank=True, null=True),
        ),
        migrations.RunPython(precall_encrypt, precall_decrypt),
        migrations.RemoveField(
            model_name="booking",
            name="precall_loss_percent",
        ),
        migrations.RemoveField(
            model_name="booking",
            name="precall_relay",
        ),
        migrations.RemoveField(
            model_name="booking",
            name="precall_rtt_ms",
        ),
        migrations.RemoveField(
            model_name="booking",
            name="precall_verdict",
        ),
        migrations.AlterField(
            model_name="booking",
            name="topic",
            field=consultations.encryption.EncryptedTextField(
                blank=True,
                choices=[
                    ("loneliness", "Loneliness"),
                    ("family_conflict", "Family conflict"),
                    ("grief", "Grief and loss"),
                    ("anxiety", "Worry and anxiety"),
                    ("pensions", "Pensions and benefits"),
                    ("disability", "Disability support"),
                    ("digital", "Help with digital services"),
                ],
                help_text="Emptied when the booking is anonymised.",
                verbose_name="topic",
            ),
        ),
        migrations.RunPython(topics_encrypt, topics_decrypt),
        migrations.RunPython(terms_trigger_create, terms_trigger_drop),
    ]

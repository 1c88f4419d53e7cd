"""What someone with write access to the database (but not the chain key) does to the
audit trail, on SQLite and on PostgreSQL alike.

On PostgreSQL the append-only trigger is switched off for the change, as the tables'
owner could do; the test database's user owns them. SQLite has no trigger.
"""

from contextlib import contextmanager

from django.db import connection, transaction

from audit.models import AuditAction, AuditRecord
from audit.services import audit_record

TABLES = ("audit_auditrecord", "audit_auditcheckpoint")


@contextmanager
def trigger_off():
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for table in TABLES:
                    cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        yield
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for table in TABLES:
                    cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")


def raw_update(record: AuditRecord, **values) -> None:
    """Change a row behind the application's back."""
    sets = ", ".join(f"{connection.ops.quote_name(name)} = %s" for name in values)
    with trigger_off(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE audit_auditrecord SET {sets} WHERE id = %s",  # noqa: S608
            [*values.values(), record.pk],
        )


def raw_delete(*records: AuditRecord) -> None:
    with trigger_off(), connection.cursor() as cursor:
        for record in records:
            cursor.execute("DELETE FROM audit_auditrecord WHERE id = %s", [record.pk])


def raw_checkpoints_rewind(*, after_sequence: int) -> None:
    """Delete the database's own checkpoint rows beyond `after_sequence`."""
    with trigger_off(), connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM audit_auditcheckpoint WHERE sequence > %s", [after_sequence]
        )


def head_set(*, sequence: int, hash_value: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditchainhead SET sequence = %s, hash = %s WHERE id = 1",
            [sequence, hash_value],
        )


def chain_of(count: int, *, actor=None) -> list[AuditRecord]:
    """`count` records after whatever the fixtures wrote, oldest first."""
    return [
        audit_record(
            actor=actor,
            action=AuditAction.BOOKING_VIEW,
            target=("consultations.booking", number),
            ip="192.0.2.7",
            detail={"page": "test", "number": number},
        )
        for number in range(count)
    ]

"""On the real PostgreSQL: the trigger refuses UPDATE, DELETE and TRUNCATE of audit
records, appends from many threads at once still form one unbroken chain, and the
chain and checkpoint tests (a record rehashed without the key, a tail cut with the
head and the database's checkpoints rewound, a changed checkpoint line) pass there as
they do on SQLite."""

import subprocess
import sys
from pathlib import Path

from tests.support.services import ScratchPostgresDatabase, require_postgres

REPO = Path(__file__).resolve().parents[2]

PROBE = """
import json, threading
import django
django.setup()
from django.db import connection, transaction
from django.db.utils import DatabaseError
from audit.models import AuditCheckpoint, AuditRecord
from audit.selectors import audit_chain_verify
from audit.services import audit_record

def refused(operation):
    try:
        with transaction.atomic():
            operation()
    except DatabaseError as error:
        return str(error).splitlines()[0]
    return None

first = audit_record(actor=None, action="sign_in_failed", ip="192.0.2.1")
results = {
    "vendor": connection.vendor,
    "update": refused(
        lambda: AuditRecord.objects.filter(pk=first.pk).update(target_id="9")
    ),
    "delete": refused(lambda: AuditRecord.objects.filter(pk=first.pk).delete()),
}
def truncate():
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE audit_auditrecord CASCADE")
results["truncate"] = refused(truncate)
checkpoint = AuditCheckpoint.objects.create(sequence=first.sequence, hash=first.hash)
results["checkpoint_update"] = refused(
    lambda: AuditCheckpoint.objects.filter(pk=checkpoint.pk).update(hash="0")
)
errors = []
def append(worker):
    try:
        for number in range(15):
            audit_record(actor=None, action="booking_view",
                         target=("consultations.booking", worker * 100 + number))
    except Exception as error:
        errors.append(repr(error))
    finally:
        connection.close()
threads = [threading.Thread(target=append, args=(n,)) for n in range(8)]
[thread.start() for thread in threads]
[thread.join(120) for thread in threads]
report = audit_chain_verify()
results.update({
    "errors": errors,
    "count": AuditRecord.objects.count(),
    "sequences": sorted(AuditRecord.objects.values_list("sequence", flat=True))
        == list(range(1, AuditRecord.objects.count() + 1)),
    "chain_ok": report.ok,
    "target_kept": AuditRecord.objects.get(pk=first.pk).target_id,
})
print(json.dumps(results))
"""


class PostgresAuditTests:
    def test_trigger_refuses_changes_and_concurrent_appends_keep_one_chain(self):
        require_postgres()
        with ScratchPostgresDatabase() as database:
            database.migrate()
            probe = database.run_json(PROBE)
        assert probe["vendor"] == "postgresql"
        for operation in ("update", "delete", "truncate", "checkpoint_update"):
            assert probe[operation] is not None, operation
            assert "append-only" in probe[operation]
        assert probe["target_kept"] == ""
        assert probe["errors"] == []
        # The migrate's own records (group permissions), the first one, 8 × 15.
        assert probe["count"] >= 1 + 8 * 15
        assert probe["sequences"] is True
        assert probe["chain_ok"] is True


CHAIN_TESTS = ["tests/audit/test_chain.py", "tests/audit/test_checkpoints.py"]


class PostgresChainTests:
    def test_the_chain_and_checkpoint_tests_pass_on_postgresql(self):
        require_postgres()
        with ScratchPostgresDatabase() as database:
            result = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "pytest",
                    *CHAIN_TESTS,
                    "-q",
                    "-p",
                    "no:cacheprovider",
                ],
                cwd=REPO,
                env={**database.environ(), "KOMAK_EXPECT_DATABASE": "postgresql"},
                capture_output=True,
                text=True,
                timeout=1200,
            )
        summary = result.stdout.strip().splitlines()[-1] if result.stdout else ""
        assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
        assert " passed" in summary
        assert "skipped" not in summary and "failed" not in summary

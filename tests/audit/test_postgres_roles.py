"""On the real PostgreSQL, with an owner role and an application role made by the
test: `migrate` runs as the owner (DATABASE_OWNER_URL), `postgres_app_role` gives the
application role row rights only, and that role appends audit records but cannot
change, delete or truncate them, nor drop, disable or get round the append-only
trigger."""

import json
import subprocess
import sys
import uuid
from pathlib import Path

from tests.support.services import POSTGRES_ADMIN_URL, require_postgres

REPO = Path(__file__).resolve().parents[2]

PROBE = """
import json
import django
django.setup()
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.utils import DatabaseError
from audit.models import AuditRecord
from audit.selectors import audit_chain_verify
from audit.services import audit_record

def refused(sql):
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    except DatabaseError as error:
        return str(error).splitlines()[0]
    return None

with connection.cursor() as cursor:
    cursor.execute("SELECT current_user")
    (user,) = cursor.fetchone()
record = audit_record(actor=None, action="sign_in_failed", ip="192.0.2.1")
person = get_user_model().objects.create_user(username="row-rights", password="x")
person.full_name = "Row Rights"
person.save()
person.delete()
where = f"WHERE id = {record.pk}"
results = {
    "user": user,
    "appended": AuditRecord.objects.filter(pk=record.pk).exists(),
    "chain_ok": audit_chain_verify().ok,
    "update": refused(f"UPDATE audit_auditrecord SET target_id = '9' {where}"),
    "delete": refused(f"DELETE FROM audit_auditrecord {where}"),
    "truncate": refused("TRUNCATE audit_auditrecord"),
    "checkpoint_delete": refused("DELETE FROM audit_auditcheckpoint"),
    "drop_trigger": refused(
        "DROP TRIGGER audit_auditrecord_append_only ON audit_auditrecord"
    ),
    "disable_trigger": refused(
        "ALTER TABLE audit_auditrecord DISABLE TRIGGER audit_auditrecord_append_only"
    ),
    "disable_all_triggers": refused(
        "ALTER TABLE audit_auditrecord DISABLE TRIGGER ALL"
    ),
    "replication_role": refused("SET session_replication_role = replica"),
    "replace_function": refused(
        "CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger AS "
        "$$ BEGIN RETURN NEW; END; $$ LANGUAGE plpgsql"
    ),
    "create_table": refused("CREATE TABLE audit_shadow (id int)"),
    "alter_table": refused("ALTER TABLE audit_auditrecord ADD COLUMN note text"),
    "head_update": refused(
        "UPDATE audit_auditchainhead SET sequence = sequence WHERE id = 1"
    ),
}
print(json.dumps(results))
"""

ADMIN_CHECKS = """
SELECT
  (SELECT tableowner FROM pg_tables WHERE tablename = 'audit_auditrecord'),
  (SELECT count(*) FROM pg_trigger WHERE tgname = 'audit_auditrecord_append_only'
     AND tgenabled = 'O'),
  (SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner = %s)
"""


def admin(sql: str, params=None, *, database_url: str = POSTGRES_ADMIN_URL):
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as connection:
        cursor = connection.execute(sql, params)
        return cursor.fetchone() if cursor.description else None


def manage(args: list[str], env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


def environ(**values) -> dict:
    import os

    kept = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "DATABASE_OWNER_URL", "REDIS_URL"}
    }
    return {**kept, "DJANGO_SETTINGS_MODULE": "cms.settings.test", **values}


class PostgresRolesTests:
    def test_the_app_role_appends_but_cannot_change_or_unguard_the_trail(self):
        require_postgres()
        suffix = uuid.uuid4().hex[:10]
        owner = f"komak_owner_{suffix}"
        app = f"komak_app_{suffix}"
        name = f"komak_roles_{suffix}"
        base = POSTGRES_ADMIN_URL.rpartition("@")[2].rpartition("/")[0]
        owner_url = f"postgres://{owner}:owner-secret@{base}/{name}"
        app_url = f"postgres://{app}:app-secret@{base}/{name}"
        admin(f"CREATE ROLE \"{owner}\" LOGIN PASSWORD 'owner-secret'")
        admin(f"CREATE ROLE \"{app}\" LOGIN PASSWORD 'app-secret'")
        try:
            admin(f'CREATE DATABASE "{name}" OWNER "{owner}"')
            env = environ(DATABASE_URL=app_url, DATABASE_OWNER_URL=owner_url)
            migrated = manage(["manage.py", "migrate", "--no-input"], env)
            assert migrated.returncode == 0, migrated.stderr[-3000:]
            assert f"Migrating as the owner role {owner}" in migrated.stdout
            for _ in range(2):  # safe to run again
                granted = manage(["manage.py", "postgres_app_role"], env)
                assert granted.returncode == 0, granted.stderr[-3000:]
            assert f"Role {app} may read and write rows" in granted.stdout
            printed = manage(["manage.py", "postgres_app_role", "--print-sql"], env)
            assert printed.returncode == 0, printed.stderr[-3000:]
            probe = manage(["-c", PROBE], environ(DATABASE_URL=app_url))
            assert probe.returncode == 0, probe.stderr[-3000:]
            checks = admin(
                ADMIN_CHECKS,
                [app],
                database_url=POSTGRES_ADMIN_URL.rpartition("/")[0] + f"/{name}",
            )
        finally:
            admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin(f'DROP ROLE IF EXISTS "{app}"')
            admin(f'DROP ROLE IF EXISTS "{owner}"')
        results = json.loads(probe.stdout.strip().splitlines()[-1])
        assert results["user"] == app
        assert results["appended"] is True
        assert results["chain_ok"] is True
        assert results["head_update"] is None  # appends move the head
        for operation in (
            "update",
            "delete",
            "truncate",
            "checkpoint_delete",
            "drop_trigger",
            "disable_trigger",
            "disable_all_triggers",
            "replication_role",
            "replace_function",
            "create_table",
            "alter_table",
        ):
            assert results[operation] is not None, operation
            assert "denied" in results[operation] or "owner" in results[operation], (
                operation,
                results[operation],
            )
        assert 'REVOKE UPDATE, DELETE ON "public".audit_auditrecord' in (printed.stdout)
        assert "CREATE ROLE" not in printed.stdout  # it exists already
        table_owner, enabled_triggers, owned_by_app = checks
        assert table_owner == owner
        assert enabled_triggers == 1
        assert owned_by_app == 0

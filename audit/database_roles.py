"""PostgreSQL roles: the owner migrates, the application only reads and writes rows.

The append-only trigger on the audit tables holds only against a role that does not
own them: an owner may `DROP TRIGGER` or `ALTER TABLE … DISABLE TRIGGER`. So the
tables belong to the owner role (`DATABASE_OWNER_URL`, used by `migrate`) and the site
connects as an application role (`DATABASE_URL`) that `postgres_app_role` gives
SELECT, INSERT, UPDATE and DELETE on the tables and USAGE on the sequences, and
nothing else: no ownership, no CREATE, no TRUNCATE, no TRIGGER, no REFERENCES. On the
audit record and checkpoint tables it gets SELECT and INSERT only.
"""

import re

import dj_database_url
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections

ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
# Appended to, never changed: the application role may not UPDATE or DELETE them.
APPEND_ONLY_TABLES = ("audit_auditrecord", "audit_auditcheckpoint")
PLACE_KEYS = ("HOST", "PORT", "NAME")


def owner_credentials_use(alias: str = DEFAULT_DB_ALIAS) -> str | None:
    """Connect `alias` as the owner role of `DATABASE_OWNER_URL` from now on, and
    return the owner's name; None when no owner URL is set.

    Only the role and its password are taken from the owner URL: the database is the
    one the connection already names (a test run's `test_…` copy stays itself). The
    owner URL must name the same host, port and database as `DATABASE_URL`.
    """
    owner_url = getattr(settings, "DATABASE_OWNER_URL", "")
    if not owner_url:
        return None
    owner = dj_database_url.parse(owner_url)
    app = dj_database_url.parse(settings.DATABASE_URL) if settings.DATABASE_URL else {}
    if owner.get("ENGINE") != app.get("ENGINE") or any(
        str(owner.get(key) or "") != str(app.get(key) or "") for key in PLACE_KEYS
    ):
        raise ImproperlyConfigured(
            "DATABASE_OWNER_URL must name the same database (engine, host, port and "
            "name) as DATABASE_URL, with the owner role."
        )
    connection = connections[alias]
    connection.close()
    connection.settings_dict["USER"] = owner.get("USER", "")
    connection.settings_dict["PASSWORD"] = owner.get("PASSWORD", "")
    return owner.get("USER", "")


def _quote(name: str) -> str:
    if not ROLE_NAME.match(name):
        raise ValueError(
            f"{name!r} is not a plain role name (lower-case letters, digits, _)"
        )
    return f'"{name}"'


def app_role_sql(*, role: str, owner: str, database: str, schema: str) -> list[str]:
    """The statements that give `role` row rights and nothing else, on everything
    `owner` has made and will make in `schema`. Safe to run again."""
    role_q, owner_q, schema_q = _quote(role), _quote(owner), _quote(schema)
    database_q = '"' + database.replace('"', '""') + '"'
    tables = ", ".join(f"{schema_q}.{table}" for table in APPEND_ONLY_TABLES)
    return [
        f"GRANT CONNECT ON DATABASE {database_q} TO {role_q}",
        f"GRANT USAGE ON SCHEMA {schema_q} TO {role_q}",
        f"REVOKE CREATE ON SCHEMA {schema_q} FROM {role_q}",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema_q} FROM {role_q}",
        "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA "
        f"{schema_q} TO {role_q}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema_q} FROM {role_q}",
        f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA {schema_q} TO {role_q}",
        f"REVOKE UPDATE, DELETE ON {tables} FROM {role_q}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner_q} IN SCHEMA {schema_q} "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role_q}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner_q} IN SCHEMA {schema_q} "
        f"GRANT USAGE ON SEQUENCES TO {role_q}",
    ]


def role_exists(cursor, role: str) -> bool:
    cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
    return cursor.fetchone() is not None


def role_create_sql(role: str) -> str:
    """A role that can sign in and do nothing else until granted."""
    return (
        f"CREATE ROLE {_quote(role)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE "
        "NOREPLICATION NOBYPASSRLS NOINHERIT"
    )

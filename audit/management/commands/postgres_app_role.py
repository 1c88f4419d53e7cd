"""`manage.py postgres_app_role`: make (or bring up to date) the PostgreSQL role the
site connects as, with row rights only (audit.database_roles).

Run it as the owner role after `migrate`: with `DATABASE_OWNER_URL` set it connects as
the owner by itself; otherwise give the owner's URL as `DATABASE_URL` and name the
role with `--role`. By default the role is `DATABASE_URL`'s user, with that URL's
password. `--print-sql` prints the statements for a database administrator instead.
"""

import os

import dj_database_url
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection

from audit.database_roles import (
    app_role_sql,
    owner_credentials_use,
    role_create_sql,
    role_exists,
)


class Command(BaseCommand):
    help = (
        "Create or update the PostgreSQL role the site connects as: SELECT, INSERT, "
        "UPDATE, DELETE on the tables and USAGE on the sequences, nothing else."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--role",
            help="The application role (default: the user of DATABASE_URL).",
        )
        parser.add_argument(
            "--password-env",
            metavar="VARIABLE",
            help="Set the role's password from this environment variable (default: "
            "DATABASE_URL's password, when the role is DATABASE_URL's user).",
        )
        parser.add_argument(
            "--print-sql",
            action="store_true",
            help="Print the statements instead of running them.",
        )

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError("postgres_app_role needs PostgreSQL (DATABASE_URL).")
        app = dj_database_url.parse(settings.DATABASE_URL)
        role = options["role"] or app.get("USER") or ""
        password = None
        if options["password_env"]:
            password = os.environ.get(options["password_env"])
            if not password:
                raise CommandError(f"{options['password_env']} is empty or not set.")
        owner_credentials_use()
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user, current_database(), current_schema()")
            owner, database, schema = cursor.fetchone()
            if not role or role == owner:
                raise CommandError(
                    f"The application role must not be the owner ({owner}): set "
                    "DATABASE_OWNER_URL, or name another role with --role."
                )
            try:
                statements = app_role_sql(
                    role=role, owner=owner, database=database, schema=schema
                )
                create = role_create_sql(role)
            except ValueError as error:
                raise CommandError(str(error)) from None
            exists = role_exists(cursor, role)
            if not exists and password is None and role == app.get("USER"):
                # A new role signs in with the password DATABASE_URL gives it; an
                # existing one keeps its own unless --password-env says otherwise.
                password = app.get("PASSWORD") or None
            if options["print_sql"]:
                lines = [] if exists else [create + ";"]
                if password:
                    lines.append(f"ALTER ROLE \"{role}\" PASSWORD '…';")
                lines += [statement + ";" for statement in statements]
                self.stdout.write("\n".join(lines))
                return
            step = ""
            try:
                if not exists:
                    step = create
                    cursor.execute(create)
                if password:
                    step = f'ALTER ROLE "{role}" PASSWORD …'
                    # Client-side binding (Django's default for psycopg 3) quotes it.
                    cursor.execute(f'ALTER ROLE "{role}" PASSWORD %s', [password])
                for statement in statements:
                    step = statement
                    cursor.execute(statement)
            except DatabaseError as error:
                raise CommandError(
                    f"Could not set up role {role} as {owner}: "
                    f"{str(error).strip()}\n  in: {step}\n"
                    "A database administrator can run the statements of "
                    "`--print-sql` instead."
                ) from None
            problems = _rights_beyond_rows(
                cursor, role=role, owner=owner, schema=schema
            )
        if problems:
            raise CommandError(
                f"Role {role} has more than row rights: " + "; ".join(problems)
            )
        self.stdout.write(
            f"Role {role} may read and write rows in {database}.{schema} (owned by "
            f"{owner}), and append only to the audit trail."
        )


def _rights_beyond_rows(cursor, *, role: str, owner: str, schema: str) -> list[str]:
    """What would let `role` get round the trigger: being a superuser or the owner,
    creating in the schema, or TRUNCATE/TRIGGER/REFERENCES on a table."""
    problems = []
    cursor.execute(
        "SELECT rolsuper, rolbypassrls, pg_has_role(%s, %s, 'MEMBER') "
        "FROM pg_roles WHERE rolname = %s",
        [role, owner, role],
    )
    superuser, bypass, member = cursor.fetchone()
    if superuser or bypass:
        problems.append("it is a superuser or bypasses row security")
    if member:
        problems.append(f"it is a member of the owner role {owner}")
    cursor.execute("SELECT has_schema_privilege(%s, %s, 'CREATE')", [role, schema])
    if cursor.fetchone()[0]:
        problems.append(
            f"it may create objects in schema {schema} (REVOKE CREATE ON SCHEMA "
            f"{schema} FROM PUBLIC)"
        )
    cursor.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = %s AND ("
        "tableowner = %s OR has_table_privilege(%s, format('%%I.%%I', schemaname, "
        "tablename), 'TRUNCATE, TRIGGER, REFERENCES')) ORDER BY tablename",
        [schema, role, role],
    )
    tables = [row[0] for row in cursor.fetchall()]
    if tables:
        problems.append("it owns or may alter tables: " + ", ".join(tables[:10]))
    return problems

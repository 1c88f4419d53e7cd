"""The statements that give the application role row rights only, and the owner URL
that `migrate` switches to (the real PostgreSQL run is test_postgres_roles.py)."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from audit.database_roles import app_role_sql, owner_credentials_use, role_create_sql

SQL = app_role_sql(role="komak_app", owner="komak", database="komak", schema="public")


class AppRoleSqlTests:
    def test_grants_row_rights_and_sequence_usage_only(self):
        grants = [line for line in SQL if line.startswith("GRANT")]
        assert grants == [
            'GRANT CONNECT ON DATABASE "komak" TO "komak_app"',
            'GRANT USAGE ON SCHEMA "public" TO "komak_app"',
            'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA "public" '
            'TO "komak_app"',
            'GRANT USAGE ON ALL SEQUENCES IN SCHEMA "public" TO "komak_app"',
        ]
        for word in ("ALL PRIVILEGES", "TRUNCATE", "TRIGGER", "REFERENCES", "OWNER"):
            assert not any(word in line for line in grants), word

    def test_takes_change_and_delete_of_audit_rows_back(self):
        assert (
            'REVOKE UPDATE, DELETE ON "public".audit_auditrecord, '
            '"public".audit_auditcheckpoint FROM "komak_app"'
        ) in SQL

    def test_tables_the_owner_makes_later_get_the_same_rights(self):
        defaults = [line for line in SQL if line.startswith("ALTER DEFAULT")]
        assert defaults == [
            'ALTER DEFAULT PRIVILEGES FOR ROLE "komak" IN SCHEMA "public" GRANT '
            'SELECT, INSERT, UPDATE, DELETE ON TABLES TO "komak_app"',
            'ALTER DEFAULT PRIVILEGES FOR ROLE "komak" IN SCHEMA "public" GRANT '
            'USAGE ON SEQUENCES TO "komak_app"',
        ]

    def test_a_new_role_has_no_powers(self):
        statement = role_create_sql("komak_app")
        for power in ("NOSUPERUSER", "NOCREATEDB", "NOCREATEROLE", "NOBYPASSRLS"):
            assert power in statement

    @pytest.mark.parametrize("name", ['app"; DROP TABLE x; --', "App", "", "1app"])
    def test_a_role_name_that_is_not_plain_is_refused(self, name):
        with pytest.raises(ValueError, match="not a plain role name"):
            app_role_sql(role=name, owner="komak", database="komak", schema="public")


@pytest.mark.django_db
class OwnerUrlTests:
    def test_without_an_owner_url_nothing_changes(self, settings):
        settings.DATABASE_OWNER_URL = ""
        before = dict(connection.settings_dict)
        assert owner_credentials_use() is None
        assert connection.settings_dict == before

    @pytest.mark.parametrize(
        "owner_url",
        [
            "postgres://owner:pw@127.0.0.1:5432/another",
            "postgres://owner:pw@192.0.2.1:5432/komak",
            "postgres://owner:pw@127.0.0.1:6543/komak",
            "sqlite:////tmp/komak.sqlite3",
        ],
    )
    def test_an_owner_url_for_another_database_is_refused(self, settings, owner_url):
        settings.DATABASE_URL = "postgres://app:pw@127.0.0.1:5432/komak"
        settings.DATABASE_OWNER_URL = owner_url
        before = dict(connection.settings_dict)
        with pytest.raises(ImproperlyConfigured, match="same database"):
            owner_credentials_use()
        assert connection.settings_dict == before

"""`manage.py migrate`, as the owner role when `DATABASE_OWNER_URL` is set.

Django's own command, connected as the role that owns the tables: the site itself
connects as `DATABASE_URL`'s role, which may only read and write rows
(`postgres_app_role`), so that it cannot drop or disable the audit trail's
append-only trigger. Without `DATABASE_OWNER_URL` nothing changes.
"""

from django.core.management.commands.migrate import Command as DjangoMigrateCommand
from django.db import DEFAULT_DB_ALIAS

from audit.database_roles import owner_credentials_use


class Command(DjangoMigrateCommand):
    def handle(self, *args, **options):
        if options["database"] == DEFAULT_DB_ALIAS:
            owner = owner_credentials_use(DEFAULT_DB_ALIAS)
            if owner and options["verbosity"] >= 1:
                self.stdout.write(f"Migrating as the owner role {owner}.")
        return super().handle(*args, **options)

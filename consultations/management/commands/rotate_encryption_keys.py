"""`manage.py rotate_encryption_keys`: encrypt every encrypted value again with the
first key of FIELD_ENCRYPTION_KEYS (docs/privacy.md, "Rotating keys")."""

from django.core.management.base import BaseCommand

from consultations.services import encryption_keys_rotate


class Command(BaseCommand):
    help = "Re-encrypt encrypted fields with the newest FIELD_ENCRYPTION_KEYS key."

    def handle(self, *args, **options):
        count = encryption_keys_rotate()
        self.stdout.write(f"Re-encrypted {count} values with the newest key.")

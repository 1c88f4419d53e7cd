"""`manage.py rotate_encryption_keys`: encrypt every encrypted value again with the
first key of FIELD_ENCRYPTION_KEYS, row by row under a lock, so that it can run while
people use the site (docs/privacy.md, "Rotating keys")."""

from django.core.management.base import BaseCommand

from consultations.services import encryption_keys_rotate


class Command(BaseCommand):
    help = "Re-encrypt encrypted fields with the newest FIELD_ENCRYPTION_KEYS key."

    def add_arguments(self, parser):
        parser.add_argument(
            "--encrypt-plain-mfa-secrets",
            action="store_true",
            help=(
                "Also encrypt second-factor secrets stored in clear (only when "
                "upgrading from a version without encryption, after checking that "
                "nobody wrote them into the database). Without it they are left "
                "in clear and refused at sign-in."
            ),
        )

    def handle(self, *args, **options):
        result = encryption_keys_rotate(
            encrypt_plain_secrets=options["encrypt_plain_mfa_secrets"]
        )
        self.stdout.write(f"Re-encrypted {result.values} values with the newest key.")
        if result.plain_secrets and not options["encrypt_plain_mfa_secrets"]:
            self.stderr.write(
                f"{result.plain_secrets} second-factor secrets are stored in clear and "
                "are refused at sign-in: remove those authenticators so that their "
                "staff set up their app again, or, when upgrading from a version "
                "without encryption, run again with --encrypt-plain-mfa-secrets."
            )

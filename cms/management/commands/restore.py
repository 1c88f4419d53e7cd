"""`manage.py restore <folder>`: check a backup made by `manage.py backup` against
its manifest, then put back the database, the media root and the audit checkpoints
(cms/backups.py). Stop the Daphne workers and the task cluster first."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cms.backups import BackupError, audit_checkpoint_dir, backup_restore, backup_verify


class Command(BaseCommand):
    help = (
        "Restore a backup folder: checks every file's checksum first, then replaces "
        "the database, the media root and the audit checkpoints."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path, help="The backup's folder.")
        parser.add_argument(
            "--no-input",
            "--noinput",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation.",
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="Only check the backup's files against its manifest.",
        )

    def handle(self, *args, folder: Path, interactive=True, check=False, **options):
        if check:
            try:
                manifest = backup_verify(folder=folder)
            except BackupError as error:
                raise CommandError(str(error)) from error
            self.stdout.write(
                f"The backup in {folder} is whole: {len(manifest['files'])} files "
                f"match their checksums (made {manifest['created_at']})."
            )
            return
        if interactive:
            database = settings.DATABASES["default"]["NAME"]
            answer = input(
                f"This REPLACES the database {database}, everything in "
                f"{settings.MEDIA_ROOT} and in {audit_checkpoint_dir() or '(none)'} "
                "with the backup's contents. Type 'yes' to go on: "
            )
            if answer.strip().lower() != "yes":
                raise CommandError("Restore cancelled: nothing was changed.")
        try:
            report = backup_restore(folder=folder)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Checked {len(report.manifest['files'])} files against the manifest, "
            f"then restored the backup made {report.manifest['created_at']}."
        )
        for note in report.notes:
            self.stdout.write(note)
        if report.pending_migrations:
            self.stdout.write(
                self.style.WARNING(
                    f"The backup predates {len(report.pending_migrations)} "
                    "migrations of this code: run `manage.py migrate` now."
                )
            )
        self.stdout.write(
            self.style.SUCCESS(
                "Restored. Check the audit trail with `manage.py audit_verify`."
            )
        )

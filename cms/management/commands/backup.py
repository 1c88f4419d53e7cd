"""`manage.py backup`: write the database, the media root and the audit checkpoints
to a new dated folder under BACKUP_DIR, with a manifest (cms/backups.py)."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cms.backups import MANIFEST_NAME, BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Back up the database, the media root and the audit checkpoints to a new "
        "folder named after the UTC time."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dir",
            dest="root",
            type=Path,
            default=None,
            help="Where to make the backup's folder (default: BACKUP_DIR).",
        )

    def handle(self, *args, root=None, **options):
        try:
            folder = backup_create(root=root)
        except BackupError as error:
            raise CommandError(str(error)) from error
        manifest = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))
        sizes = {entry["name"]: entry["size"] for entry in manifest["files"]}
        database = manifest["database"]
        self.stdout.write(
            f"Database ({database['engine']}, {database['name']}): "
            f"{database['file']}, {sizes[database['file']]:,} bytes."
        )
        for key, label in (
            ("media", "Media"),
            ("audit_checkpoints", "Audit checkpoints"),
        ):
            part = manifest[key]
            if part["file"]:
                self.stdout.write(
                    f"{label} ({part['root']}): {part['files']} files in "
                    f"{part['file']}, {sizes[part['file']]:,} bytes."
                )
            else:
                self.stdout.write(f"{label}: none ({part['root'] or 'not set'}).")
        self.stdout.write(self.style.SUCCESS("Backup complete, checksums written:"))
        # The folder alone on the last line, for scripts.
        self.stdout.write(str(folder))

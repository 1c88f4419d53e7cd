"""`manage.py audit_checkpoint`: verify the records since the last checkpoint and
append the chain's head, signed, to the checkpoint file in AUDIT_CHECKPOINT_DIR
(audit.checkpoints). The django-q2 schedule runs the same every 5 minutes."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from audit.services import AuditChainBroken, audit_checkpoint_write


class Command(BaseCommand):
    help = "Append a signed checkpoint of the audit chain's head to its file."

    def add_arguments(self, parser):
        parser.add_argument(
            "--checkpoint-dir",
            type=Path,
            help="Write to this directory instead of AUDIT_CHECKPOINT_DIR.",
        )

    def handle(self, *args, **options):
        try:
            written = audit_checkpoint_write(directory=options["checkpoint_dir"])
        except AuditChainBroken as error:
            raise CommandError(
                f"No checkpoint written: the audit chain is broken at {error}."
            ) from None
        self.stdout.write(
            f"Checkpoint written to {written.path}: head #{written.sequence} "
            f"{written.hash} ({written.checked_records} new records verified)."
        )

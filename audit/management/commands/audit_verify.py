"""`manage.py audit_verify`: walk the audit chain against the chain key and the
checkpoint file; exit 1 naming the first broken record (or checkpoint line) if any
record was changed, removed or inserted, or a checkpoint line was changed."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from audit.checkpoints import checkpoint_directory
from audit.selectors import audit_chain_verify


class Command(BaseCommand):
    help = (
        "Verify the audit trail's keyed hash chain against AUDIT_CHAIN_KEY and the "
        "signed checkpoints in AUDIT_CHECKPOINT_DIR."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--checkpoint-dir",
            type=Path,
            help="Read checkpoints from this directory instead (an off-machine copy).",
        )
        parser.add_argument(
            "--require-checkpoint",
            action="store_true",
            help="Fail when the directory holds no checkpoint at all.",
        )

    def handle(self, *args, **options):
        directory = options["checkpoint_dir"] or checkpoint_directory()
        report = audit_chain_verify(checkpoint_dir=directory)
        if not report.ok:
            raise CommandError(
                f"The audit chain is broken at {report.broken} "
                f"({report.count} records read)."
            )
        newest = report.newest_file_checkpoint
        if newest is None and options["require_checkpoint"]:
            raise CommandError(f"No audit checkpoint in {directory}.")
        self.stdout.write(
            f"The audit chain holds: {report.count} records, head "
            f"#{report.head_sequence} {report.head_hash}."
        )
        if report.unkeyed_records:
            self.stdout.write(
                f"{report.unkeyed_records} records from before the chain key are "
                "checked by plain SHA-256 (docs/privacy.md)."
            )
        if newest is None:
            self.stderr.write(
                f"No checkpoint in {directory}: checked against the key only. Run "
                "`manage.py audit_checkpoint` (the schedule does, every 5 minutes)."
            )
        else:
            self.stdout.write(
                f"Checked against {len(report.file_checkpoints)} checkpoints in "
                f"{directory}; the newest names #{newest.sequence} "
                f"({newest.written_at})."
            )

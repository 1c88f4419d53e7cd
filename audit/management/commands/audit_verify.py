"""`manage.py audit_verify`: walk the audit chain; exit 1 naming the first broken
record if any record was changed, removed or inserted."""

from django.core.management.base import BaseCommand, CommandError

from audit.selectors import audit_chain_verify


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain."

    def handle(self, *args, **options):
        report = audit_chain_verify()
        if not report.ok:
            raise CommandError(
                f"The audit chain is broken at {report.broken} "
                f"({report.count} records read)."
            )
        self.stdout.write(
            f"The audit chain holds: {report.count} records, head "
            f"#{report.head_sequence} {report.head_hash}."
        )

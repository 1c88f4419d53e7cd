"""Background work of the audit trail (django-q2, scheduled by `schedule_tasks`):
verify the chain every day and keep its head.

The head's number and hash go to an `AuditCheckpoint` row and to the log, which is
shipped off the database server: a later rewrite of the chain, even one that also
moved the head row, no longer matches them.
"""

import logging

from .models import AuditCheckpoint
from .selectors import audit_chain_verify

logger = logging.getLogger(__name__)


def audit_chain_check() -> bool:
    """True when the chain holds (a checkpoint is kept); False, logged as an error,
    when it does not."""
    report = audit_chain_verify()
    if not report.ok:
        logger.error("Audit chain broken at %s", report.broken)
        return False
    AuditCheckpoint.objects.create(sequence=report.head_sequence, hash=report.head_hash)
    logger.info(
        "Audit chain verified: %s records, head #%s %s",
        report.count,
        report.head_sequence,
        report.head_hash,
    )
    return True

"""Background work of the audit trail (django-q2, audit/schedules.py):
a signed checkpoint of the chain's head every 5 minutes, and a full verification
every day.

The checkpoint goes to the append-only file outside the database (audit.checkpoints)
and its line to the log. The daily verification walks the whole chain against the
key and every checkpoint, keeps the head in an `AuditCheckpoint` row and records
`audit_checkpoint` once: a day's trail says that it was checked.
"""

import logging

from .checkpoints import checkpoint_directory
from .models import AuditAction, AuditCheckpoint
from .selectors import audit_chain_verify
from .services import AuditChainBroken, audit_checkpoint_write, audit_record

logger = logging.getLogger(__name__)


def audit_checkpoint_task() -> bool:
    """True when a checkpoint was written; False, logged as an error, when the chain
    or the file does not hold (nothing is written then)."""
    try:
        written = audit_checkpoint_write()
    except AuditChainBroken as error:
        logger.error("Audit checkpoint refused, the chain is broken at %s", error)
        return False
    logger.info(
        "Audit checkpoint: head #%s %s (%s)",
        written.sequence,
        written.hash,
        written.path,
    )
    return True


def audit_chain_check() -> bool:
    """True when the chain holds (a checkpoint row and an `audit_checkpoint` record
    are kept); False, logged as an error, when it does not."""
    report = audit_chain_verify()
    if not report.ok:
        logger.error("Audit chain broken at %s", report.broken)
        return False
    AuditCheckpoint.objects.create(sequence=report.head_sequence, hash=report.head_hash)
    newest = report.newest_file_checkpoint
    audit_record(
        actor=None,
        action=AuditAction.AUDIT_CHECKPOINT,
        detail={
            "verified_sequence": report.head_sequence,
            "file_checkpoints": len(report.file_checkpoints),
            "newest_file_checkpoint": newest.sequence if newest else None,
        },
    )
    logger.info(
        "Audit chain verified: %s records, head #%s %s; %s file checkpoints in %s",
        report.count,
        report.head_sequence,
        report.head_hash,
        len(report.file_checkpoints),
        checkpoint_directory(),
    )
    return True

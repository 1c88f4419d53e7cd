"""Reads of the audit trail: walking the chain to prove nothing was changed, removed
or inserted."""

from dataclasses import dataclass

from .chain import chain_hash, record_content_of
from .models import GENESIS_HASH, AuditChainHead, AuditCheckpoint, AuditRecord


@dataclass
class ChainBreak:
    """The first record where the chain does not hold, and why."""

    sequence: int
    record_id: int | None
    reason: str

    def __str__(self) -> str:
        where = f"record #{self.sequence}"
        if self.record_id is not None:
            where += f" (id {self.record_id})"
        return f"{where}: {self.reason}"


@dataclass
class ChainReport:
    count: int
    head_sequence: int
    head_hash: str
    broken: ChainBreak | None

    @property
    def ok(self) -> bool:
        return self.broken is None


def _record_id(sequence: int) -> int | None:
    return (
        AuditRecord.objects.filter(sequence=sequence)
        .values_list("pk", flat=True)
        .first()
    )


def audit_chain_verify(*, batch_size: int = 2000) -> ChainReport:
    """Walk every record in order and name the first one that breaks the chain.

    - its own hash does not match its content: the record was changed;
    - its number skips one: records before it were removed;
    - its previous hash is not its predecessor's hash: a record before it was
      removed, inserted or changed;
    - the last record is not the head, or a checkpoint's hash is not the record's
      at that number: records were cut from the end or the chain was rewritten.
    """
    checkpoints = {}
    for checkpoint in AuditCheckpoint.objects.order_by("sequence"):
        checkpoints.setdefault(checkpoint.sequence, set()).add(checkpoint.hash)
    expected_sequence = 1
    previous_hash = GENESIS_HASH
    count = 0
    records = AuditRecord.objects.order_by("sequence")
    for record in records.iterator(chunk_size=batch_size):
        count += 1
        if record.sequence != expected_sequence:
            reason = (
                f"record #{expected_sequence} is missing (removed)"
                if record.sequence > expected_sequence
                else "its number repeats or goes back (inserted)"
            )
            return ChainReport(
                count, 0, "", ChainBreak(record.sequence, record.pk, reason)
            )
        if record.previous_hash != previous_hash:
            return ChainReport(
                count,
                0,
                "",
                ChainBreak(
                    record.sequence,
                    record.pk,
                    "its previous hash does not match the record before it "
                    "(a record was removed, inserted or changed before it)",
                ),
            )
        content = record_content_of(record)
        expected = chain_hash(previous_hash=record.previous_hash, content=content)
        if expected != record.hash:
            return ChainReport(
                count,
                0,
                "",
                ChainBreak(
                    record.sequence,
                    record.pk,
                    "its content does not match its hash (changed)",
                ),
            )
        for kept in checkpoints.get(record.sequence, ()):
            if kept != record.hash:
                return ChainReport(
                    count,
                    0,
                    "",
                    ChainBreak(
                        record.sequence,
                        record.pk,
                        "its hash differs from the one kept at a daily check "
                        "(the chain was rewritten)",
                    ),
                )
        previous_hash = record.hash
        expected_sequence += 1
    last_sequence = expected_sequence - 1
    head = AuditChainHead.objects.filter(pk=1).first()
    head_sequence = head.sequence if head else 0
    head_hash = head.hash if head else GENESIS_HASH
    if head_sequence > last_sequence:
        broken = ChainBreak(
            last_sequence + 1,
            None,
            f"records after #{last_sequence} up to the head are missing (removed)",
        )
        return ChainReport(count, head_sequence, head_hash, broken)
    if head_sequence < last_sequence:
        broken = ChainBreak(
            head_sequence + 1,
            _record_id(head_sequence + 1),
            "it lies beyond the chain's head (inserted)",
        )
        return ChainReport(count, head_sequence, head_hash, broken)
    if head_hash != previous_hash:
        broken = ChainBreak(
            last_sequence,
            _record_id(last_sequence),
            "its hash is not the chain's head (the chain was rewritten)",
        )
        return ChainReport(count, head_sequence, head_hash, broken)
    beyond = [seq for seq in checkpoints if seq > last_sequence]
    if beyond:
        return ChainReport(
            count,
            head_sequence,
            head_hash,
            ChainBreak(
                min(beyond),
                None,
                "a daily check saw this record, which is gone (removed)",
            ),
        )
    return ChainReport(count, head_sequence, head_hash, None)

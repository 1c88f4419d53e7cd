"""Reads of the audit trail: walking the chain to prove nothing was changed, removed
or inserted; what coordinators are shown of a record (pseudonyms only); and who is
behind a pseudonym, for the admins' recorded reveal."""

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model

from .chain import chain_hash, pseudonym, record_content_of
from .checkpoints import CheckpointFileError, FileCheckpoint, checkpoints_read
from .models import (
    GENESIS_HASH,
    AuditChainHead,
    AuditCheckpoint,
    AuditRecord,
    ChainScheme,
)

# Keys of `detail` that hold user ids; coordinators see them as pseudonyms. Code that
# names a person in `detail` uses one of these keys (docs/privacy.md).
PERSON_DETAIL_KEYS = frozenset({"user", "users", "user_id", "user_ids"})
ADDRESS_PSEUDONYM_LENGTH = 12


@dataclass
class ChainBreak:
    """The first place where the chain does not hold, and why: a record, or a line of
    the checkpoint file (`where`)."""

    sequence: int
    record_id: int | None
    reason: str
    where: str = ""

    def __str__(self) -> str:
        if self.where:
            return f"{self.where}: {self.reason}"
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
    file_checkpoints: list[FileCheckpoint] = field(default_factory=list)
    unkeyed_records: int = 0

    @property
    def ok(self) -> bool:
        return self.broken is None

    @property
    def newest_file_checkpoint(self) -> FileCheckpoint | None:
        if not self.file_checkpoints:
            return None
        return max(self.file_checkpoints, key=lambda checkpoint: checkpoint.sequence)


@dataclass(frozen=True)
class Anchor:
    """A head seen earlier: the record at `sequence` must still have `hash`."""

    hash: str
    file_checkpoint: FileCheckpoint | None = None

    def mismatch(self) -> str:
        if self.file_checkpoint is None:
            return (
                "its hash differs from the one kept at a daily check "
                "(the chain was rewritten)"
            )
        return (
            f"its hash differs from the one in {self.file_checkpoint.where} "
            "(the chain was rewritten)"
        )

    def gone(self) -> str:
        if self.file_checkpoint is None:
            return "a daily check saw this record, which is gone (removed)"
        return (
            f"{self.file_checkpoint.where} names this record, which is gone "
            "(removed, and the chain's head moved back)"
        )


def _record_id(sequence: int) -> int | None:
    return (
        AuditRecord.objects.filter(sequence=sequence)
        .values_list("pk", flat=True)
        .first()
    )


def _anchors(file_checkpoints: list[FileCheckpoint]) -> dict[int, list[Anchor]]:
    anchors: dict[int, list[Anchor]] = defaultdict(list)
    for checkpoint in AuditCheckpoint.objects.order_by("sequence"):
        anchors[checkpoint.sequence].append(Anchor(checkpoint.hash))
    for checkpoint in file_checkpoints:
        anchors[checkpoint.sequence].append(Anchor(checkpoint.hash, checkpoint))
    return anchors


def _record_break(record: AuditRecord, reason: str) -> ChainBreak:
    return ChainBreak(record.sequence, record.pk, reason)


def _link_break(
    record: AuditRecord,
    *,
    expected_sequence: int,
    previous_hash: str,
    previous_scheme: int,
) -> ChainBreak | None:
    """Why `record` does not follow its predecessor, or None."""
    if record.sequence != expected_sequence:
        reason = (
            f"record #{expected_sequence} is missing (removed)"
            if record.sequence > expected_sequence
            else "its number repeats or goes back (inserted)"
        )
        return _record_break(record, reason)
    if record.previous_hash != previous_hash:
        return _record_break(
            record,
            "its previous hash does not match the record before it "
            "(a record was removed, inserted or changed before it)",
        )
    if record.scheme not in ChainScheme.values:
        return _record_break(record, "its hash scheme is unknown (changed)")
    if record.scheme < previous_scheme:
        return _record_break(
            record,
            "it is hashed without the key after a keyed record (changed)",
        )
    expected = chain_hash(
        previous_hash=record.previous_hash,
        content=record_content_of(record),
        scheme=record.scheme,
    )
    if expected != record.hash:
        return _record_break(record, "its content does not match its hash (changed)")
    return None


def audit_chain_verify(
    *,
    batch_size: int = 2000,
    checkpoint_dir: Path | None = None,
    since: FileCheckpoint | None = None,
) -> ChainReport:
    """Walk the records in order and name the first place where the chain breaks.

    - a record's own hash does not match its content (with the chain key): changed;
    - its number skips one: records before it were removed;
    - its previous hash is not its predecessor's hash: a record before it was
      removed, inserted or changed;
    - an unkeyed record after a keyed one: changed;
    - the last record is not the head, or a kept head (a daily check's row, or a line
      of the checkpoint file) is not the record at that number, or names a record
      that is gone: records were cut from the end or the chain was rewritten;
    - a line of the checkpoint file whose signature does not match, or whose head
      goes back: the file was changed.

    `since` (a checkpoint already verified) starts the walk there instead of at the
    first record: the record it names must still have its hash.
    """
    try:
        file_checkpoints = checkpoints_read(checkpoint_dir)
    except CheckpointFileError as error:
        return ChainReport(
            0,
            0,
            "",
            ChainBreak(
                error.sequence,
                None,
                error.reason,
                where=f"checkpoint file {error.path} line {error.line}",
            ),
        )

    anchors = _anchors(file_checkpoints)
    # The head is read after the kept heads and before the walk, which stops there:
    # records appended meanwhile are not mistaken for a broken end.
    head_sequence, head_hash = _head()

    def at_head(count, broken, unkeyed=0):
        return ChainReport(
            count, head_sequence, head_hash, broken, file_checkpoints, unkeyed
        )

    for anchor in anchors.get(0, ()):
        if anchor.hash != GENESIS_HASH:
            return at_head(0, ChainBreak(0, None, anchor.mismatch()))
    expected_sequence, previous_hash = 1, GENESIS_HASH
    previous_scheme = ChainScheme.SHA256
    if since is not None and since.sequence > 0:
        start = AuditRecord.objects.filter(sequence=since.sequence).first()
        anchor = Anchor(since.hash, since)
        if start is None:
            return at_head(0, ChainBreak(since.sequence, None, anchor.gone()))
        if start.hash != since.hash:
            return at_head(0, _record_break(start, anchor.mismatch()))
        expected_sequence = since.sequence + 1
        previous_hash, previous_scheme = start.hash, start.scheme
    count = unkeyed = 0
    records = AuditRecord.objects.filter(
        sequence__gte=expected_sequence, sequence__lte=head_sequence
    ).order_by("sequence")
    for record in records.iterator(chunk_size=batch_size):
        count += 1
        broken = _link_break(
            record,
            expected_sequence=expected_sequence,
            previous_hash=previous_hash,
            previous_scheme=previous_scheme,
        )
        if broken is None:
            for anchor in anchors.get(record.sequence, ()):
                if anchor.hash != record.hash:
                    broken = _record_break(record, anchor.mismatch())
                    break
        if broken is not None:
            return at_head(count, broken, unkeyed)
        unkeyed += record.scheme == ChainScheme.SHA256
        previous_hash, previous_scheme = record.hash, record.scheme
        expected_sequence += 1
    last_sequence = expected_sequence - 1
    if head_sequence > last_sequence:
        return at_head(
            count,
            ChainBreak(
                last_sequence + 1,
                None,
                f"records after #{last_sequence} up to the head are missing (removed)",
            ),
            unkeyed,
        )
    if head_sequence < last_sequence:
        return at_head(
            count,
            ChainBreak(
                head_sequence + 1,
                _record_id(head_sequence + 1),
                "it lies beyond the chain's head (inserted, or the head moved back)",
            ),
            unkeyed,
        )
    if head_hash != previous_hash:
        return at_head(
            count,
            ChainBreak(
                last_sequence,
                _record_id(last_sequence),
                "its hash is not the chain's head (the chain was rewritten)",
            ),
            unkeyed,
        )
    beyond = sorted(sequence for sequence in anchors if sequence > last_sequence)
    if beyond:
        # The file's own line, when there is one, rather than a database row.
        anchor = anchors[beyond[0]][-1]
        return at_head(count, ChainBreak(beyond[0], None, anchor.gone()), unkeyed)
    # A record beyond the head as it is now: appends move the head in the same
    # transaction, so only a forger leaves one there.
    current_head, _hash = _head()
    stray = (
        AuditRecord.objects.filter(sequence__gt=current_head)
        .order_by("sequence")
        .values_list("sequence", "pk")
        .first()
    )
    if stray is not None:
        return at_head(
            count,
            ChainBreak(*stray, "it lies beyond the chain's head (inserted)"),
            unkeyed,
        )
    return at_head(count, None, unkeyed)


def _head() -> tuple[int, str]:
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is None:
        return 0, GENESIS_HASH
    return head.sequence, head.hash


# What coordinators see ---------------------------------------------------------------


def _user_label() -> str:
    return settings.AUTH_USER_MODEL.lower()


def audit_target_shown(record: AuditRecord) -> str:
    """The record's object id, except a person's: a user id would name the pseudonym
    beside it (a sign-in's object is the person signing in), so it shows as that
    person's pseudonym."""
    if record.target_type == _user_label() and record.target_id:
        return pseudonym("user", record.target_id)
    return record.target_id


def audit_address_shown(ip_address: str | None) -> str:
    """A keyed pseudonym of the address: repeated tries from one address stay
    visible, but an address beside a booking id can point to a home."""
    if not ip_address:
        return ""
    return pseudonym("address", ip_address)[:ADDRESS_PSEUDONYM_LENGTH]


def audit_detail_shown(detail: dict) -> dict:
    """`detail` with user ids (PERSON_DETAIL_KEYS) turned into pseudonyms."""

    def shown(value):
        if isinstance(value, list):
            return [shown(item) for item in value]
        if value is None or value == "":
            return value
        return pseudonym("user", value)

    return {
        key: shown(value) if key in PERSON_DETAIL_KEYS else value
        for key, value in (detail or {}).items()
    }


# The admins' reveal ------------------------------------------------------------------


def audit_reveal_allowed(*, user) -> bool:
    """Seeing who is behind a pseudonym: administrators (superusers) alone, never a
    coordinator, whatever permissions a group is given."""
    return bool(
        getattr(user, "is_authenticated", False)
        and getattr(user, "is_active", False)
        and getattr(user, "is_superuser", False)
    )


@dataclass(frozen=True)
class RevealedPerson:
    user_id: int
    username: str | None  # None: the account is gone


@dataclass(frozen=True)
class Revealed:
    actor: RevealedPerson | None  # None: the system, or someone not signed in
    target: RevealedPerson | None  # set when the record's object is a person
    ip_address: str | None


def _person(user_id) -> RevealedPerson | None:
    if user_id in (None, ""):
        return None
    try:
        user_id = int(user_id)
    except (TypeError, ValueError):
        return None
    username = (
        get_user_model()
        .objects.filter(pk=user_id)
        .values_list("username", flat=True)
        .first()
    )
    return RevealedPerson(user_id, username)


def audit_record_revealed(*, record: AuditRecord) -> Revealed:
    """Who is behind the record's pseudonyms, and its address. Only for
    `audit_reveal` (services.audit_reveal), which records the reading first."""
    target = _person(record.target_id) if record.target_type == _user_label() else None
    return Revealed(_person(record.actor_id), target, record.ip_address)

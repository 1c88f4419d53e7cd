"""The checkpoint file: the chain's head, signed, appended outside the database.

Every 5 minutes `manage.py audit_checkpoint` (and the django-q2 schedule) appends one
line to `<AUDIT_CHECKPOINT_DIR>/audit-checkpoints.jsonl`:

    {"hash": "...", "sequence": 812, "signature": "...", "v": 1,
     "written_at": "2026-12-06T09:05:00.123456+00:00"}

`signature` is HMAC-SHA256 over the canonical JSON of the other fields, with a key
derived from `AUDIT_CHAIN_KEY`. Someone who can write the database but not this file
(or its off-machine copy) cannot rewind the chain past a line: `audit_verify` wants the
record each line names, with that hash. Someone who can write the file but has no key
cannot add or change a line without the signature showing it.

The file is opened with O_APPEND and synced (`fsync`) after each line, under an
exclusive lock so that two runs never interleave and sequences never go back within
the file. `audit_verify` reads every `*.jsonl` file in the directory, so files from
several machines, or a year's file renamed aside, can be checked side by side.
"""

import fcntl
import hashlib
import hmac
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings

from .chain import canonical_json, chain_subkey

FILE_NAME = "audit-checkpoints.jsonl"
FORMAT_VERSION = 1
HASH_LENGTH = 64


@dataclass(frozen=True)
class FileCheckpoint:
    sequence: int
    hash: str
    written_at: str
    path: Path
    line: int

    @property
    def where(self) -> str:
        return f"checkpoint file {self.path} line {self.line}"


class CheckpointFileError(Exception):
    """A line that is not a checkpoint this installation signed, or one that goes
    back: the file was changed."""

    def __init__(self, *, path: Path, line: int, reason: str, sequence: int = 0):
        self.path = path
        self.line = line
        self.reason = reason
        self.sequence = sequence
        super().__init__(f"checkpoint file {path} line {line}: {reason}")


def checkpoint_directory() -> Path:
    return Path(settings.AUDIT_CHECKPOINT_DIR)


def _signed_fields(*, sequence: int, head_hash: str, written_at: str) -> dict:
    return {
        "v": FORMAT_VERSION,
        "sequence": sequence,
        "hash": head_hash,
        "written_at": written_at,
    }


def checkpoint_signature(*, sequence: int, head_hash: str, written_at: str) -> str:
    message = canonical_json(
        _signed_fields(sequence=sequence, head_hash=head_hash, written_at=written_at)
    ).encode("utf-8")
    return hmac.new(chain_subkey("checkpoint"), message, hashlib.sha256).hexdigest()


def checkpoint_line(*, sequence: int, head_hash: str, written_at: datetime) -> str:
    """One signed line, newline included."""
    when = written_at.astimezone(UTC).isoformat(timespec="microseconds")
    fields = _signed_fields(sequence=sequence, head_hash=head_hash, written_at=when)
    fields["signature"] = checkpoint_signature(
        sequence=sequence, head_hash=head_hash, written_at=when
    )
    return canonical_json(fields) + "\n"


def _parse_line(text: str, *, path: Path, number: int) -> FileCheckpoint:
    def refuse(reason: str) -> CheckpointFileError:
        return CheckpointFileError(path=path, line=number, reason=reason)

    try:
        fields = json.loads(text)
    except ValueError:
        raise refuse("it is not a checkpoint (the file was changed)") from None
    if not isinstance(fields, dict) or fields.get("v") != FORMAT_VERSION:
        raise refuse("it is not a checkpoint (the file was changed)")
    sequence, head_hash = fields.get("sequence"), fields.get("hash")
    written_at, signature = fields.get("written_at"), fields.get("signature")
    if (
        not isinstance(sequence, int)
        or isinstance(sequence, bool)
        or sequence < 0
        or not isinstance(head_hash, str)
        or len(head_hash) != HASH_LENGTH
        or not isinstance(written_at, str)
        or not isinstance(signature, str)
    ):
        raise refuse("it is not a checkpoint (the file was changed)")
    expected = checkpoint_signature(
        sequence=sequence, head_hash=head_hash, written_at=written_at
    )
    if not hmac.compare_digest(expected, signature):
        raise refuse(
            "its signature does not match (the line was changed, or signed with "
            "another chain key)"
        )
    return FileCheckpoint(sequence, head_hash, written_at, path, number)


def _read_file(path: Path) -> list[FileCheckpoint]:
    checkpoints: list[FileCheckpoint] = []
    with path.open("r", encoding="utf-8") as handle:
        for number, text in enumerate(handle, start=1):
            if not text.strip():
                continue
            checkpoint = _parse_line(text, path=path, number=number)
            if checkpoints and checkpoint.sequence < checkpoints[-1].sequence:
                raise CheckpointFileError(
                    path=path,
                    line=number,
                    sequence=checkpoint.sequence,
                    reason=(
                        f"the head goes back from #{checkpoints[-1].sequence} to "
                        f"#{checkpoint.sequence} (the chain was cut between "
                        "checkpoints, or the database was restored from a backup)"
                    ),
                )
            checkpoints.append(checkpoint)
    return checkpoints


def checkpoints_read(directory: Path | None = None) -> list[FileCheckpoint]:
    """Every checkpoint of every `*.jsonl` file in `directory`, each line's signature
    checked; raises `CheckpointFileError` at the first line that does not hold. An
    absent directory holds no checkpoints."""
    directory = checkpoint_directory() if directory is None else Path(directory)
    if not directory.is_dir():
        return []
    checkpoints: list[FileCheckpoint] = []
    for path in sorted(directory.glob("*.jsonl")):
        checkpoints.extend(_read_file(path))
    return checkpoints


@contextmanager
def checkpoint_file_locked(directory: Path | None = None) -> Iterator[int]:
    """The checkpoint file opened for appending (O_APPEND, made if missing, mode
    0600), under an exclusive lock held until the block ends; yields the descriptor."""
    directory = checkpoint_directory() if directory is None else Path(directory)
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = directory / FILE_NAME
    created = not path.exists()
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        if created:
            _fsync_directory(directory)
        yield descriptor
    finally:
        os.close(descriptor)  # closing releases the lock


def checkpoint_append(descriptor: int, line: str) -> None:
    """Write one line in one call and wait until it is on the disk."""
    data = line.encode("utf-8")
    written = os.write(descriptor, data)
    if written != len(data):
        raise OSError(f"checkpoint line written only in part ({written} bytes)")
    os.fsync(descriptor)


def _fsync_directory(directory: Path) -> None:
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)

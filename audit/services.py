"""Writes of the audit trail: `audit_record`, the one way to add a record; the
checkpoint file's lines; and the admins' recorded reveal of a pseudonym.

Other apps call `audit_record(actor=..., action=..., target=..., request=...)`; it
locks the chain's head, links the new record to the previous one and moves the head,
all in one transaction (inside the caller's, if there is one: a change that rolls
back takes its record with it).
"""

import ipaddress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.ipv6 import clean_ipv6_address

from .chain import chain_hash, pseudonym, record_content
from .checkpoints import (
    FILE_NAME,
    CheckpointFileError,
    checkpoint_append,
    checkpoint_directory,
    checkpoint_file_locked,
    checkpoint_line,
    checkpoints_read,
)
from .models import (
    GENESIS_HASH,
    AuditAction,
    AuditChainHead,
    AuditRecord,
    ChainScheme,
)
from .selectors import (
    ChainReport,
    Revealed,
    audit_chain_verify,
    audit_record_revealed,
    audit_reveal_allowed,
)

DETAIL_SCALARS = (str, int, bool, type(None))


def _clean_detail(detail: dict | None) -> dict:
    """Only ids, codes and counts: strings, integers, booleans, lists of them.
    Floats are refused because their JSON text is not the same on every database."""
    cleaned: dict[str, Any] = {}
    for key, value in (detail or {}).items():
        if isinstance(value, list | tuple | set | frozenset):
            items = (
                sorted(value, key=str) if isinstance(value, set | frozenset) else value
            )
            if not all(isinstance(item, DETAIL_SCALARS) for item in items):
                raise TypeError(f"audit detail {key!r} must hold plain values")
            cleaned[str(key)] = list(items)
        elif isinstance(value, DETAIL_SCALARS):
            cleaned[str(key)] = value
        else:
            raise TypeError(f"audit detail {key!r} must be a plain value")
    return cleaned


def _target(target) -> tuple[str, str]:
    if target is None:
        return "", ""
    if isinstance(target, tuple):
        label, pk = target
        return str(label), str(pk)
    if isinstance(target, models.Model):
        return target._meta.label_lower, str(target.pk)
    raise TypeError("target must be a model instance or (label, id)")


def request_ip(request) -> str | None:
    """The peer address Django saw (Daphne sets it from the proxy headers it is told
    to trust); X-Forwarded-For is not read here, as anyone can send it."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def _clean_ip(value: str | None) -> str | None:
    """The address as the database will keep it (IPv6 compressed), or None."""
    if not value:
        return None
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if address.version == 6:
        return clean_ipv6_address(value)
    return str(address)


def actor_pseudonym(user_id: int | None) -> str:
    return pseudonym("user", user_id) if user_id is not None else ""


def audit_record(
    *,
    actor,
    action: str,
    target=None,
    request=None,
    ip: str | None = None,
    detail: dict | None = None,
) -> AuditRecord:
    """Append one record to the chain and return it.

    `actor` is a user (anonymous or None for the system); `target` a model instance
    or a `(app_label.model, id)` pair; `ip` overrides the request's address (for
    WebSockets pass the scope's client address). `detail` holds ids and codes only.
    """
    if action not in AuditAction.values:
        raise ValueError(f"unknown audit action {action!r}")
    actor_id = getattr(actor, "pk", None) if actor is not None else None
    if actor is not None and not getattr(actor, "is_authenticated", True):
        actor_id = None
    target_type, target_id = _target(target)
    ip_address = _clean_ip(ip or request_ip(request))
    cleaned = _clean_detail(detail)
    with transaction.atomic():
        head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            # A flushed test database; the migration makes this row.
            head = AuditChainHead.objects.create(pk=1, sequence=0, hash=GENESIS_HASH)
        occurred_at = timezone.now()
        content = record_content(
            sequence=head.sequence + 1,
            occurred_at=occurred_at,
            actor_id=actor_id,
            actor_pseudonym=actor_pseudonym(actor_id),
            action=action,
            target_type=target_type,
            target_id=target_id,
            ip_address=ip_address,
            detail=cleaned,
            scheme=ChainScheme.HMAC_SHA256,
        )
        record = AuditRecord.objects.create(
            sequence=content["sequence"],
            occurred_at=occurred_at,
            actor_id=actor_id,
            actor_pseudonym=content["actor_pseudonym"],
            action=action,
            target_type=target_type,
            target_id=target_id,
            ip_address=ip_address,
            detail=cleaned,
            previous_hash=head.hash,
            hash=chain_hash(
                previous_hash=head.hash,
                content=content,
                scheme=ChainScheme.HMAC_SHA256,
            ),
            scheme=ChainScheme.HMAC_SHA256,
        )
        head.sequence = record.sequence
        head.hash = record.hash
        head.save(update_fields=["sequence", "hash"])
    return record


# The checkpoint file -----------------------------------------------------------------


class AuditChainBroken(Exception):
    """The chain, or the checkpoint file, does not hold: no checkpoint is written
    over it."""

    def __init__(self, report: ChainReport):
        self.report = report
        super().__init__(str(report.broken))


@dataclass(frozen=True)
class CheckpointWritten:
    sequence: int
    hash: str
    path: Path
    checked_records: int


def audit_checkpoint_write(*, directory: Path | None = None) -> CheckpointWritten:
    """Append the chain's head, signed, to the checkpoint file.

    The records since the newest checkpoint in the file are verified first (their
    links, their keyed hashes and the record that checkpoint names), under the file's
    lock: a checkpoint never vouches for a chain that was already broken, and the
    heads in one file never go back. Raises `AuditChainBroken` instead of writing.

    Not recorded in the chain itself: a record per checkpoint would move the head
    every 5 minutes, so that each checkpoint was out of date as soon as written; the
    daily check records `audit_checkpoint` once a day (audit.tasks).
    """
    directory = checkpoint_directory() if directory is None else Path(directory)
    with checkpoint_file_locked(directory) as descriptor:
        try:
            existing = checkpoints_read(directory)
        except CheckpointFileError:
            existing = []  # audit_chain_verify reports the same line
        newest = max(existing, key=lambda line: line.sequence, default=None)
        report = audit_chain_verify(checkpoint_dir=directory, since=newest)
        if not report.ok:
            raise AuditChainBroken(report)
        line = checkpoint_line(
            sequence=report.head_sequence,
            head_hash=report.head_hash,
            written_at=timezone.now(),
        )
        checkpoint_append(descriptor, line)
    return CheckpointWritten(
        report.head_sequence, report.head_hash, directory / FILE_NAME, report.count
    )


# Revealing a pseudonym ---------------------------------------------------------------

REVEAL_REASON_MIN_LENGTH = 20
REVEAL_REASON_MAX_LENGTH = 500


def audit_reveal(*, admin, record: AuditRecord, reason: str, request=None) -> Revealed:
    """Record that `admin` looked behind `record`'s pseudonyms, and why, then say who
    it is. The reveal's record holds the reason and the pseudonym, never the id it
    shows: coordinators read the trail too.

    Callers check `audit_reveal_allowed` and the reason (audit.forms.AuditRevealForm)
    first; both are checked again here.
    """
    reason = " ".join(reason.split())
    if not audit_reveal_allowed(user=admin):
        raise PermissionError("only administrators may reveal a pseudonym")
    if not REVEAL_REASON_MIN_LENGTH <= len(reason) <= REVEAL_REASON_MAX_LENGTH:
        raise ValueError("the reason for a reveal is too short or too long")
    audit_record(
        actor=admin,
        action=AuditAction.AUDIT_REVEAL,
        target=record,
        request=request,
        detail={"reason": reason, "pseudonym": record.actor_pseudonym},
    )
    return audit_record_revealed(record=record)


# Reading the trail -------------------------------------------------------------------

AUDIT_VIEW_QUERY_KEYS = (
    "action",
    "occurred_at_after",
    "occurred_at_before",
    "actor_pseudonym",
    "target_type",
    "target_id",
    "q",
    "ordering",
    "p",
)
QUERY_VALUE_MAX_LENGTH = 100


def audit_view_record(
    *,
    viewer,
    request,
    view: str,
    rows: int,
    record: AuditRecord | None = None,
) -> AuditRecord:
    """One record per page of the audit trail shown (not per row): which page, what
    filter or search, and how many records it showed."""
    query = sorted(
        f"{key}={value[:QUERY_VALUE_MAX_LENGTH]}"
        for key in AUDIT_VIEW_QUERY_KEYS
        for value in request.GET.getlist(key)
        if value
    )
    return audit_record(
        actor=viewer,
        action=AuditAction.AUDIT_VIEW,
        target=record,
        request=request,
        detail={"view": view, "query": query, "rows": rows},
    )

"""Writes of the audit trail: `audit_record`, the one way to add a record.

Other apps call `audit_record(actor=..., action=..., target=..., request=...)`; it
locks the chain's head, links the new record to the previous one and moves the head,
all in one transaction (inside the caller's, if there is one: a change that rolls
back takes its record with it).
"""

import ipaddress
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.ipv6 import clean_ipv6_address

from .chain import chain_hash, pseudonym, record_content
from .models import GENESIS_HASH, AuditAction, AuditChainHead, AuditRecord

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
            hash=chain_hash(previous_hash=head.hash, content=content),
        )
        head.sequence = record.sequence
        head.hash = record.hash
        head.save(update_fields=["sequence", "hash"])
    return record

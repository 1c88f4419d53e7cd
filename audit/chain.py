"""The hash chain: canonical content of a record, its keyed link, and the keys.

`hash = HMAC-SHA256(record key, previous_hash + canonical JSON of the record's own
content)`, where the canonical JSON has sorted keys, no spaces, UTF-8, and the time in
UTC with microseconds, so that the same row always gives the same bytes on SQLite and
PostgreSQL. Records written before the chain had a key used plain SHA-256 over the
same bytes (`ChainScheme.SHA256`); they are still checked that way.

The keys come from `AUDIT_CHAIN_KEY` (the environment, never the database): one
derived key links records, another signs the checkpoint file (`audit.checkpoints`),
so neither use can stand in for the other. Without the key nobody can recompute a
changed record's hash, not even someone who can write every row of the database.
Dev and test derive the key from `SECRET_KEY`; production refuses to start without it.
"""

import hashlib
import hmac
import json
from datetime import UTC, datetime

from django.conf import settings

from .models import ChainScheme

CONTENT_FIELDS = (
    "sequence",
    "occurred_at",
    "actor_id",
    "actor_pseudonym",
    "action",
    "target_type",
    "target_id",
    "ip_address",
    "detail",
    "scheme",
)


def canonical_json(content: dict) -> str:
    return json.dumps(
        content, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )


def record_content(
    *,
    sequence: int,
    occurred_at: datetime,
    actor_id: int | None,
    actor_pseudonym: str,
    action: str,
    target_type: str,
    target_id: str,
    ip_address: str | None,
    detail: dict,
    scheme: int = ChainScheme.HMAC_SHA256,
) -> dict:
    """The content a record's hash covers. A keyed record also covers its scheme, so
    the scheme cannot be changed without the key; an unkeyed one has the content it
    was hashed with before schemes existed."""
    content = {
        "sequence": sequence,
        "occurred_at": occurred_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_id": actor_id,
        "actor_pseudonym": actor_pseudonym,
        "action": action,
        "target_type": target_type,
        "target_id": target_id,
        "ip_address": ip_address,
        "detail": detail,
    }
    if scheme != ChainScheme.SHA256:
        content["scheme"] = int(scheme)
    return content


def record_content_of(record, **changes) -> dict:
    """The content of a stored record (anything with the CONTENT_FIELDS attributes),
    with `changes` applied."""
    fields = {name: getattr(record, name) for name in CONTENT_FIELDS}
    return record_content(**{**fields, **changes})


def _chain_root_key() -> bytes:
    key = getattr(settings, "AUDIT_CHAIN_KEY", "")
    if key:
        return key.encode("utf-8")
    return hashlib.sha256(
        b"komak-audit-chain:" + settings.SECRET_KEY.encode("utf-8")
    ).digest()


def chain_subkey(purpose: str) -> bytes:
    """A key for one purpose ("record", "checkpoint"), derived from the chain key with
    HMAC-SHA256 (as HKDF-Expand does for one block)."""
    return hmac.new(
        _chain_root_key(), f"komak-audit-{purpose}".encode(), hashlib.sha256
    ).digest()


def chain_hash(
    *, previous_hash: str, content: dict, scheme: int = ChainScheme.HMAC_SHA256
) -> str:
    data = (previous_hash + canonical_json(content)).encode("utf-8")
    if scheme == ChainScheme.HMAC_SHA256:
        return hmac.new(chain_subkey("record"), data, hashlib.sha256).hexdigest()
    if scheme == ChainScheme.SHA256:
        return hashlib.sha256(data).hexdigest()
    raise ValueError(f"unknown audit chain scheme {scheme!r}")


def _pseudonym_key() -> bytes:
    key = getattr(settings, "AUDIT_PSEUDONYM_KEY", "") or settings.SECRET_KEY
    return hashlib.sha256(b"komak-audit-pseudonym:" + key.encode("utf-8")).digest()


def pseudonym(kind: str, value: object) -> str:
    """A keyed, one-way name for a person (or a sign-in name): stable, not
    reversible without the key, and the same after the account is anonymised."""
    message = f"{kind}:{value}".encode()
    return hmac.new(_pseudonym_key(), message, hashlib.sha256).hexdigest()[:32]

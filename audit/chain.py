"""The hash chain: canonical content of a record and its SHA-256 link.

`hash = SHA-256(previous_hash + canonical JSON of the record's own content)`, where the
canonical JSON has sorted keys, no spaces, UTF-8, and the time in UTC with
microseconds, so that the same row always gives the same bytes on SQLite and
PostgreSQL.
"""

import hashlib
import hmac
import json
from datetime import UTC, datetime

from django.conf import settings

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
) -> dict:
    return {
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


def record_content_of(record, **changes) -> dict:
    """The content of a stored record (anything with the CONTENT_FIELDS attributes),
    with `changes` applied."""
    fields = {name: getattr(record, name) for name in CONTENT_FIELDS}
    return record_content(**{**fields, **changes})


def chain_hash(*, previous_hash: str, content: dict) -> str:
    data = (previous_hash + canonical_json(content)).encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def _pseudonym_key() -> bytes:
    key = getattr(settings, "AUDIT_PSEUDONYM_KEY", "") or settings.SECRET_KEY
    return hashlib.sha256(b"komak-audit-pseudonym:" + key.encode("utf-8")).digest()


def pseudonym(kind: str, value: object) -> str:
    """A keyed, one-way name for a person (or a sign-in name): stable, not
    reversible without the key, and the same after the account is anonymised."""
    message = f"{kind}:{value}".encode()
    return hmac.new(_pseudonym_key(), message, hashlib.sha256).hexdigest()[:32]

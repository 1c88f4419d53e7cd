"""Refused call sockets per client address: a limit, and one audit record a minute.

Anyone can open sockets to `/ws/consultations/<id>/` and be refused. Each refusal is
counted in the cache (Redis in the scale-out profile, so every Daphne worker adds to
the same count) per address and per minute. Past `SOCKET_REFUSALS_PER_MINUTE` the
address's sockets are refused at the handshake, before any booking is read. The audit
trail gets one `socket_refusals` record per address and minute, with the counts: the
first refusal of the minute schedules it (a django-q2 schedule that runs once, after
the minute), so a flood costs one chain write per address per minute instead of one
per socket, and never queues on the chain's lock. The address is the one
`core.proxy.TrustedProxyMiddleware` put in the scope (the real client behind our
proxies, `TRUSTED_PROXY_COUNT`).
"""

import logging
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from audit.models import AuditAction
from audit.services import audit_record

logger = logging.getLogger(__name__)

# Why sockets were refused, counted apart in the summary; see consumers.py.
OVER_LIMIT = "over_limit"
REASONS = ("signed_out", "not_participant", "not_open", "no_consent", OVER_LIMIT)
# Counts outlive their minute long enough for the summary to read them.
COUNT_SECONDS = 5 * 60
# The summary runs this long after its minute, when late increments have landed.
SUMMARY_DELAY = timedelta(seconds=5)
SUMMARY_TASK = "consultations.tasks.socket_refusals_summarise"


def minute_of(now: datetime) -> int:
    """The minute `now` falls in, as whole minutes since 1970 (UTC)."""
    return int(now.timestamp()) // 60


def _key(address: str, minute: int, reason: str = "all") -> str:
    return f"socket-refusals:{address}:{minute}:{reason}"


def _count(key: str) -> int:
    """Add one to a cache count that lives `COUNT_SECONDS`; the new value."""
    cache.add(key, 0, timeout=COUNT_SECONDS)
    try:
        return cache.incr(key)
    except ValueError:  # it expired between the two calls
        cache.set(key, 1, timeout=COUNT_SECONDS)
        return 1


def refusals_over_limit(*, address: str | None, now: datetime | None = None) -> bool:
    """Whether this address has had its refusals for the current minute. Without an
    address (a Unix socket and no proxy) people cannot be told apart: no limit."""
    if not address:
        return False
    now = now or timezone.now()
    count = cache.get(_key(address, minute_of(now))) or 0
    return count >= settings.SOCKET_REFUSALS_PER_MINUTE


def refusal_count(
    *, address: str | None, reason: str, now: datetime | None = None
) -> int:
    """Count one refused socket; its number in this address's minute. The first of a
    minute schedules that minute's summary."""
    now = now or timezone.now()
    address = address or "unknown"
    minute = minute_of(now)
    number = _count(_key(address, minute))
    _count(_key(address, minute, reason))
    if number == 1:
        _summary_schedule(address=address, minute=minute)
    return number


def _summary_schedule(*, address: str, minute: int) -> None:
    from django_q.models import Schedule
    from django_q.tasks import schedule

    next_minute = datetime.fromtimestamp((minute + 1) * 60, tz=UTC)
    schedule(
        SUMMARY_TASK,
        address,
        minute,
        schedule_type=Schedule.ONCE,
        next_run=next_minute + SUMMARY_DELAY,
    )


def socket_refusals_record(*, address: str, minute: int) -> int:
    """Write the audit record of one address's refused sockets in one minute; the
    count (0 writes nothing: the counts were lost, e.g. the cache restarted)."""
    count = cache.get(_key(address, minute)) or 0
    if not count:
        logger.warning("Socket refusals of %s in minute %s were lost", address, minute)
        return 0
    detail = {
        "minute": datetime.fromtimestamp(minute * 60, tz=UTC).isoformat(),
        "count": count,
    }
    for reason in REASONS:
        detail[reason] = cache.get(_key(address, minute, reason)) or 0
    audit_record(
        actor=None,
        action=AuditAction.SOCKET_REFUSALS,
        ip=None if address == "unknown" else address,
        detail=detail,
    )
    return count

"""When a person's right to be in a call holds, and how a call ends when it stops.

A call's signaling (consumers.py) and its relay (turn.py) follow one window: from 15
minutes before the start to the booking's end, and for a call under way (the client
was let in) until the end plus the grace (`CALL_GRACE_MINUTES`, 30), so that an
overrunning talk can reconnect. The right also ends when the booking is cancelled or
anonymised or the client withdraws consent: the service that changes it calls
`calls_end` once its transaction commits, which tells the booking's room over the
channel layer, so the sockets close on whichever Daphne worker holds them. Each socket
also checks the booking itself at the window's edges and every
`CALL_RECHECK_SECONDS`, so a message the layer lost (Redis down at that moment) only
delays the end. docs/signaling.md, "When a call ends".
"""

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.utils import timezone
from redis.exceptions import RedisError

from .models import JOIN_EARLY, Booking, BookingStatus

logger = logging.getLogger(__name__)

# Why a call ended, as sent to the page, and the close code of each.
CANCELLED = "cancelled"
ANONYMISED = "anonymised"
CONSENT_WITHDRAWN = "consent_withdrawn"
TIME_OVER = "time_over"

CLOSE_TIME_OVER = 4408
CLOSE_CANCELLED = 4410  # also an anonymised booking: the talk is gone
# Like HTTP 451: the client no longer agrees to the terms under which we hold a call.
CLOSE_CONSENT_WITHDRAWN = 4451

CLOSE_CODES = {
    CANCELLED: CLOSE_CANCELLED,
    ANONYMISED: CLOSE_CANCELLED,
    CONSENT_WITHDRAWN: CLOSE_CONSENT_WITHDRAWN,
    TIME_OVER: CLOSE_TIME_OVER,
}

# What a channel layer raises when its server is out of reach or restarting.
LAYER_ERRORS = (OSError, TimeoutError, RedisError)


def group_name(booking_id: int) -> str:
    """The channel layer group (the room) of one booking's call."""
    return f"consultation.{booking_id}"


def call_grace() -> timedelta:
    return timedelta(minutes=settings.CALL_GRACE_MINUTES)


def call_closes_at(booking: Booking) -> datetime:
    """When the call's signaling closes: the end, or the end plus the grace for a
    call under way."""
    if booking.admitted_at is not None:
        return booking.ends_at + call_grace()
    return booking.ends_at


def call_is_open(booking: Booking, now: datetime | None = None) -> bool:
    """Whether the booking's call may be joined (or rejoined) at `now`."""
    now = now or timezone.now()
    return (
        booking.status == BookingStatus.CONFIRMED
        and booking.anonymised_at is None
        and booking.join_opens_at <= now <= call_closes_at(booking)
    )


def call_closed_reason(booking: Booking, now: datetime | None = None) -> str:
    """Why a participant may not be in the call now: `cancelled`, `time_over`, or
    "" (too early)."""
    now = now or timezone.now()
    if booking.status == BookingStatus.CANCELLED or booking.anonymised_at is not None:
        return CANCELLED
    if booking.status != BookingStatus.CONFIRMED or now > booking.join_opens_at:
        return TIME_OVER
    return ""


def calls_end(*, booking_ids: Iterable[int], reason: str) -> int:
    """Tell the rooms of these bookings that their call has ended; returns how many
    rooms were told. Run after the change has committed (`transaction.on_commit`), so
    that a socket re-reading the booking sees it. A failing channel layer is logged,
    not raised: the change stands, and the sockets' own checks end the call."""
    layer = get_channel_layer()
    told = 0
    for booking_id in booking_ids:
        try:
            async_to_sync(layer.group_send)(
                group_name(booking_id), {"type": "call.end", "reason": reason}
            )
        except LAYER_ERRORS as error:
            logger.warning(
                "Could not end the call of booking %s (%s): %r",
                booking_id,
                reason,
                error,
            )
            continue
        told += 1
    return told


def calls_end_for_client(*, user_id: int, reason: str) -> int:
    """End the calls the client could be in now (their consent was withdrawn)."""
    now = timezone.now()
    ids = Booking.objects.filter(
        client_id=user_id,
        status=BookingStatus.CONFIRMED,
        starts_at__lte=now + JOIN_EARLY,
        ends_at__gte=now - call_grace(),
    ).values_list("pk", flat=True)
    return calls_end(booking_ids=list(ids), reason=reason)


def calls_end_for_bookings(*, booking_ids: Iterable[int], reason: str) -> int:
    """End the calls among these bookings whose window is not long over (an
    anonymisation of old bookings tells no rooms)."""
    recent = Booking.objects.filter(
        pk__in=list(booking_ids), ends_at__gte=timezone.now() - call_grace()
    ).values_list("pk", flat=True)
    return calls_end(booking_ids=list(recent), reason=reason)


# Why the pre-call check may not run, besides CANCELLED and TIME_OVER
# (selectors.precall_refusal).
NEEDS_CONSENT = "needs_consent"

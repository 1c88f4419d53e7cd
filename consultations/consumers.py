"""WebSocket consumers: the signaling of a consultation call, and a ping for health
checks.

The call's protocol is docs/signaling.md. The consumer keeps no call state that another
Daphne worker would need: the room is the channel layer group `consultation.<booking
id>`, and admission lives on the booking row, so the two people of a call may be served
by different workers.
"""

import logging

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.utils import timezone

from audit.models import AuditAction

from . import selectors, services, signaling, turn
from .signaling import CLIENT, SPECIALIST, RateLimiter, SignalingError

logger = logging.getLogger(__name__)

CLOSE_NORMAL = 1000
CLOSE_INVALID = 4400
CLOSE_NOT_ALLOWED = 4403


def group_name(booking_id: int) -> str:
    return f"consultation.{booking_id}"


# Why a socket was refused, for the audit record (never told to the browser).
REFUSED_SIGNED_OUT = "signed_out"  # also a staff session without its second factor
REFUSED_NOT_PARTICIPANT = "not_participant"  # no such booking, or not theirs
REFUSED_NOT_OPEN = "not_open"  # too early, too late, cancelled or over
REFUSED_NO_CONSENT = "no_consent"


def call_access_checked(*, booking_id: int, user) -> tuple[tuple | None, str]:
    """((booking, role), "") if `user` may be in this booking's call now, else
    (None, why not)."""
    if user is None or not user.is_authenticated:
        return None, REFUSED_SIGNED_OUT
    booking = selectors.booking_for_participant(booking_id=booking_id, user=user)
    if booking is None:
        return None, REFUSED_NOT_PARTICIPANT
    if not booking.is_joinable():
        return None, REFUSED_NOT_OPEN
    if booking.specialist.user_id == user.pk:
        return (booking, SPECIALIST), ""
    if not selectors.consent_given(user=user):
        return None, REFUSED_NO_CONSENT
    return (booking, CLIENT), ""


def call_access(*, booking_id: int, user):
    """(booking, role) if `user` may be in this booking's call now, else None."""
    access, _reason = call_access_checked(booking_id=booking_id, user=user)
    return access


class ConsultationConsumer(AsyncJsonWebsocketConsumer):
    """One person's socket in one booking's call.

    Every frame is checked by `signaling.validate` on its raw text, before any JSON
    parsing by the base class, so that size and binary frames are judged first.
    """

    async def dispatch(self, message):
        """Run the handler without Channels' per-message `aclose_old_connections()`.

        That call is a hop to the single sync thread for every frame and every relayed
        message, and it was most of the relay latency under load (docs/benchmarks.md).
        This consumer touches the database only through `database_sync_to_async`,
        which closes stale connections itself.
        """
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    # Set for real in `connect`; a socket refused there keeps these.
    room = None
    role = None
    admitted = False
    closing = False
    protocol_error = ""  # the error code of a close for a broken rule

    async def connect(self):
        self.booking_id = self.scope["url_route"]["kwargs"]["booking_id"]
        self.limiter = RateLimiter()
        # Accept before refusing so the browser sees close code 4403, not a failed
        # handshake; nothing is sent before the close, so a stranger learns nothing.
        await self.accept()
        user = self.scope.get("user")
        if user is not None and user.is_authenticated:
            access, reason = await database_sync_to_async(call_access_checked)(
                booking_id=self.booking_id, user=user
            )
        else:
            access, reason = None, REFUSED_SIGNED_OUT
        if access is None:
            # Recorded before the close, so that the record exists once the
            # browser knows it was refused.
            await self.audit(
                AuditAction.ACCESS_DENIED,
                detail={
                    "path": self.scope.get("path", ""),
                    "close_code": CLOSE_NOT_ALLOWED,
                    "reason": reason,
                },
            )
            await self.close_with(CLOSE_NOT_ALLOWED)
            return
        booking, self.role = access
        # Admission never reverts, so once seen it may be kept for this connection.
        self.admitted = booking.admitted_at is not None
        self.room = group_name(booking.pk)
        await self.channel_layer.group_add(self.room, self.channel_name)
        await self.audit(AuditAction.CALL_JOIN)
        await self.send_json(
            {
                "type": "welcome",
                "role": self.role,
                "admitted": self.admitted,
                "iceServers": turn.ice_servers_for(user_id=user.pk, booking=booking),
                # Unknown without shared presence state; the peer answers `join`.
                "peerPresent": False,
            }
        )

    async def disconnect(self, code):
        if self.room is None:
            return
        await self.channel_layer.group_discard(self.room, self.channel_name)
        await self.to_others({"type": "peer", "event": "left", "role": self.role})
        if self.protocol_error:
            await self.audit(
                AuditAction.CALL_PROTOCOL_CLOSE,
                detail={"close_code": CLOSE_INVALID, "error": self.protocol_error},
            )
        else:
            await self.audit(AuditAction.CALL_LEAVE)

    async def websocket_receive(self, message):
        # The raw frame, text or binary, goes to `receive` as it came; the base class
        # would pick one and fail on a frame with neither.
        await self.receive(
            text_data=message.get("text"), bytes_data=message.get("bytes")
        )

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        if self.room is None or self.closing:
            return
        try:
            self.limiter.hit()
            message = await self.validated(text_data, bytes_data)
        except SignalingError as error:
            logger.info(
                "Signaling message refused in booking %s: %s",
                self.booking_id,
                error.code,
            )
            await self.send_json(error.as_frame())
            # Recorded once, in place of this socket's leave (`disconnect`): later
            # frames are not read, so a flood of bad frames costs no more writes
            # than a socket that leaves.
            self.protocol_error = error.code
            await self.close_with(CLOSE_INVALID)
            return
        await getattr(self, f"on_{message['type']}")(message)

    async def validated(self, text_data, bytes_data) -> dict:
        try:
            return signaling.validate(
                text_data, bytes_data, role=self.role, admitted=self.admitted
            )
        except SignalingError as error:
            # Admission may have happened through another worker: ask the database.
            if error.code != signaling.NOT_ADMITTED:
                raise
            booking = await database_sync_to_async(selectors.booking_for_participant)(
                booking_id=self.booking_id, user=self.scope["user"]
            )
            self.admitted = booking is not None and booking.admitted_at is not None
            if not self.admitted:
                raise
            return signaling.validate(
                text_data, bytes_data, role=self.role, admitted=True
            )

    # --- Messages from this socket ---------------------------------------------------

    async def on_join(self, message):
        await database_sync_to_async(services.booking_joined)(
            booking_id=self.booking_id, role=self.role
        )
        await self.to_others({"type": "peer", "event": "joined", "role": self.role})

    async def on_present(self, message):
        await self.to_others({"type": "peer", "event": "present", "role": self.role})

    async def on_admit(self, message):
        admitted = await database_sync_to_async(services.booking_admit)(
            booking_id=self.booking_id
        )
        if admitted:  # a repeated admit changes nothing and is not recorded
            await self.audit(AuditAction.CALL_ADMIT)
        self.admitted = True
        await self.to_everyone({"type": "admitted"})

    async def relay(self, message):
        """Pass the message on to the other side as it came, with the sender's role."""
        await self.to_others({**message, "from": self.role})

    on_offer = on_answer = on_ice = on_state = relay

    async def on_chat(self, message):
        # Chat is passed on, never stored.
        await self.to_others(
            {
                "type": "chat",
                "text": message["text"],
                "from": self.role,
                "at": timezone.now().isoformat(),
            }
        )

    async def on_leave(self, message):
        await self.to_others({"type": "leave", "from": self.role})
        await self.close_with(CLOSE_NORMAL)

    async def on_end(self, message):
        ended = await database_sync_to_async(services.booking_end)(
            booking_id=self.booking_id
        )
        if ended:
            await self.audit(AuditAction.CALL_END)
        await self.to_everyone({"type": "ended"})

    async def on_ping(self, message):
        await self.send_json({"type": "pong"})

    async def audit(self, action: str, detail: dict | None = None):
        """An audit record of this socket: a refusal, join, leave, admission, end
        or a close for a broken rule. Signed out: no person, the address only."""
        client = self.scope.get("client") or (None,)
        await database_sync_to_async(services.call_event_record)(
            booking_id=self.booking_id,
            user=self.scope.get("user"),
            action=action,
            ip=client[0],
            detail=detail,
        )

    # --- The room ------------------------------------------------------------------

    async def to_others(self, payload: dict):
        await self.channel_layer.group_send(
            self.room,
            {"type": "signal.relay", "payload": payload, "sender": self.channel_name},
        )

    async def to_everyone(self, payload: dict):
        await self.channel_layer.group_send(
            self.room, {"type": "signal.relay", "payload": payload, "sender": None}
        )

    async def signal_relay(self, event):
        if self.closing or event["sender"] == self.channel_name:
            return
        payload = event["payload"]
        if payload["type"] == "admitted":
            self.admitted = True
        await self.send_json(payload)
        if payload["type"] == "ended":
            await self.close_with(CLOSE_NORMAL)

    async def close_with(self, code: int):
        self.closing = True
        await self.close(code=code)


class PingConsumer(AsyncJsonWebsocketConsumer):
    """Answer {"type": "ping"} with {"type": "pong"}: for health checks and tests."""

    async def connect(self):
        await self.accept()

    async def receive_json(self, content, **kwargs):
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"type": "pong"})
        else:
            await self.close(code=4400)

"""WebSocket consumers: the signaling of a consultation call, and a ping for health
checks.

The call's protocol is docs/signaling.md. The consumer keeps no call state that another
Daphne worker would need: the room is the channel layer group `consultation.<booking
id>`, and admission lives on the booking row, so the two people of a call may be served
by different workers.

With Redis as the channel layer (the scale-out profile), a restart of Redis loses the
rooms' memberships and the messages in flight. A socket whose layer fails is closed
with 4503 ("try again"), and the page reconnects and joins again, as after any
lost link; a socket that saw nothing adds itself to its room again every few seconds.
Every relayed message carries an id, and a socket passes each id on once: a message
the layer hands out twice (channels_redis puts back what was being read when a
connection broke, and redis-py repeats a command whose answer was lost) reaches the
browser once.
"""

import asyncio
import itertools
import logging
from collections import deque

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.layers import InMemoryChannelLayer, get_channel_layer
from channels.utils import await_many_dispatch
from django.utils import timezone
from redis.exceptions import RedisError

from audit.models import AuditAction

from . import selectors, services, signaling, turn
from .signaling import CLIENT, SPECIALIST, RateLimiter, SignalingError

logger = logging.getLogger(__name__)

CLOSE_NORMAL = 1000
# Like HTTP 503: the server cannot relay for a moment, reconnect. (RFC 6455's 1013,
# "Try Again Later", is refused by Daphne's WebSocket library, which lets a server
# send only 1000 and 3000-4999.)
CLOSE_TRY_AGAIN = 4503
CLOSE_INVALID = 4400
CLOSE_NOT_ALLOWED = 4403

# What a channel layer raises when its server is out of reach or restarting.
LAYER_ERRORS = (OSError, TimeoutError, RedisError)
# How often a socket adds itself to its room again (a restarted Redis forgot it).
MEMBERSHIP_REFRESH_SECONDS = 5
# Ids of relayed messages a socket remembers, to pass each on once.
SEEN_IDS_KEPT = 256


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

    async def __call__(self, scope, receive, send):
        """Channels' `AsyncConsumer.__call__`, reading the channel layer through
        `layer_receive`, which turns a failed layer into a message instead of an
        exception that would end the consumer without `disconnect`."""
        self.scope = scope
        self.channel_layer = get_channel_layer(self.channel_layer_alias)
        self.channel_name = await self.channel_layer.new_channel()
        self.base_send = send
        self.layer_broken = False
        self.seen_ids = set()
        self.seen_order = deque()
        self.message_numbers = itertools.count(1)
        self.membership_keeper = None
        try:
            await await_many_dispatch([receive, self.layer_receive], self.dispatch)
        except StopConsumer:
            pass
        finally:
            if self.membership_keeper is not None:
                self.membership_keeper.cancel()

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
    accepted = False
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
        self.accepted = True
        if self.layer_broken:  # the layer failed before the handshake was answered
            await self.close_with(CLOSE_TRY_AGAIN)
            return
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
        room = group_name(booking.pk)
        if not await self.layer_call(
            self.channel_layer.group_add, room, self.channel_name
        ):
            return
        self.room = room
        if not isinstance(self.channel_layer, InMemoryChannelLayer):
            self.membership_keeper = asyncio.ensure_future(self.membership_keep())
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
        if self.membership_keeper is not None:
            self.membership_keeper.cancel()
        if self.room is None:
            return
        # With a failed layer these do nothing, and the leave is still recorded.
        await self.layer_call(
            self.channel_layer.group_discard, self.room, self.channel_name
        )
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
        await self.to_room(payload, sender=self.channel_name)

    async def to_everyone(self, payload: dict):
        await self.to_room(payload, sender=None)

    async def to_room(self, payload: dict, *, sender: str | None):
        event = {
            "type": "signal.relay",
            "payload": payload,
            "sender": sender,
            "id": f"{self.channel_name}#{next(self.message_numbers)}",
        }
        await self.layer_call(self.channel_layer.group_send, self.room, event)

    async def signal_relay(self, event):
        if (
            self.closing
            or event["sender"] == self.channel_name
            # No id: sent by a worker of an older version during a deploy.
            or not self.first_time(event.get("id"))
        ):
            return
        payload = event["payload"]
        if payload["type"] == "admitted":
            self.admitted = True
        await self.send_json(payload)
        if payload["type"] == "ended":
            await self.close_with(CLOSE_NORMAL)

    async def close_with(self, code: int):
        if self.closing:  # one close per socket (a failed layer may close first)
            return
        self.closing = True
        await self.close(code=code)

    def first_time(self, message_id: str | None) -> bool:
        """Whether this socket has not passed on the message with this id yet."""
        if message_id is None:
            return True
        if message_id in self.seen_ids:
            logger.info("Signaling message %s delivered twice, dropped", message_id)
            return False
        self.seen_ids.add(message_id)
        self.seen_order.append(message_id)
        if len(self.seen_order) > SEEN_IDS_KEPT:
            self.seen_ids.discard(self.seen_order.popleft())
        return True

    # --- The channel layer failing ---------------------------------------------------

    async def layer_receive(self):
        """The layer's next message for this socket; `layer.lost` once if the layer
        fails, after which nothing more is read (the socket is closing)."""
        if self.layer_broken:
            await asyncio.Future()  # waits until the consumer ends
        try:
            return await self.channel_layer.receive(self.channel_name)
        except LAYER_ERRORS as error:
            self.layer_broken = True
            logger.warning(
                "Channel layer lost in booking %s: %r",
                getattr(self, "booking_id", None),
                error,
            )
            return {"type": "layer.lost"}

    async def layer_lost(self, message):
        if self.accepted:  # else `connect` closes once it has answered
            await self.close_with(CLOSE_TRY_AGAIN)

    async def layer_call(self, operation, *args) -> bool:
        """Run one channel layer operation. If the layer fails, close this socket
        with 4503 (the page reconnects and joins again) and return False."""
        try:
            await operation(*args)
        except LAYER_ERRORS as error:
            logger.warning(
                "Channel layer lost in booking %s: %r", self.booking_id, error
            )
            self.layer_broken = True
            await self.layer_lost({"type": "layer.lost"})
            return False
        return True

    async def membership_keep(self):
        """Add this socket to its room again every few seconds: a Redis restarted
        since it joined has forgotten the room (and the socket may not have noticed,
        if another socket of this process read the layer when it failed)."""
        while not self.closing:
            await asyncio.sleep(MEMBERSHIP_REFRESH_SECONDS)
            if not await self.layer_call(
                self.channel_layer.group_add, self.room, self.channel_name
            ):
                return


class PingConsumer(AsyncJsonWebsocketConsumer):
    """Answer {"type": "ping"} with {"type": "pong"}: for health checks and tests."""

    async def connect(self):
        await self.accept()

    async def receive_json(self, content, **kwargs):
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"type": "pong"})
        else:
            await self.close(code=4400)

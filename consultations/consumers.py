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

A socket lasts as long as its person's right to the call (call_rights.py): a
cancellation, a withdrawn consent or an anonymisation reaches the room as a `call.end`
message, and each socket checks the booking itself at the edges of its window and
every `CALL_RECHECK_SECONDS`; it then closes with a code that says why. While the call
lasts it sends fresh TURN credentials (`servers`) before the old ones expire. Refused
sockets are counted per address (socket_refusals.py).
"""

import asyncio
import itertools
import logging
from collections import deque
from datetime import datetime, timedelta

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.layers import InMemoryChannelLayer, get_channel_layer
from channels.utils import await_many_dispatch
from django.conf import settings
from django.utils import timezone

from audit.models import AuditAction

from . import call_rights, selectors, services, signaling, socket_refusals, turn
from .call_rights import LAYER_ERRORS, group_name
from .signaling import RateLimiter, SignalingError

logger = logging.getLogger(__name__)

CLOSE_NORMAL = 1000
# Like HTTP 503: the server cannot relay for a moment, reconnect. (RFC 6455's 1013,
# "Try Again Later", is refused by Daphne's WebSocket library, which lets a server
# send only 1000 and 3000-4999.)
CLOSE_TRY_AGAIN = 4503
CLOSE_INVALID = 4400
CLOSE_NOT_ALLOWED = 4403
# The person's right to the call ended (call_rights.py).
CLOSE_TIME_OVER = call_rights.CLOSE_TIME_OVER
CLOSE_CANCELLED = call_rights.CLOSE_CANCELLED
CLOSE_CONSENT_WITHDRAWN = call_rights.CLOSE_CONSENT_WITHDRAWN

# How often a socket adds itself to its room again (a restarted Redis forgot it).
MEMBERSHIP_REFRESH_SECONDS = 5
# Ids of relayed messages a socket remembers, to pass each on once.
SEEN_IDS_KEPT = 256
# Fresh TURN credentials go out this long before the old ones expire (or at half
# their life, if that is sooner).
TURN_RENEW_BEFORE = timedelta(minutes=10)
# A socket checks its window a moment after its edge, to be past it.
EDGE_MARGIN = timedelta(seconds=1)


# Why a socket was refused, for the audit record (never told to the browser); the
# rule itself is selectors.call_access_get, shared with the call page.
REFUSED_SIGNED_OUT = selectors.REFUSED_SIGNED_OUT
REFUSED_NOT_PARTICIPANT = selectors.REFUSED_NOT_PARTICIPANT
REFUSED_NOT_OPEN = selectors.REFUSED_NOT_OPEN
REFUSED_NO_CONSENT = selectors.REFUSED_NO_CONSENT


def call_access_decided(
    *, booking_id: int, user, now: datetime | None = None
) -> tuple[tuple | None, str, int]:
    """((booking, role), "", 0) if `user` may be in this booking's call now, else
    (None, why not, the close code). A participant learns why (cancelled, over);
    anyone else, and a client without consent, gets 4403 and learns nothing (the
    call page itself asks for consent first)."""
    access = selectors.call_access_get(booking_id=booking_id, user=user, now=now)
    if access.allowed:
        return (access.booking, access.role), "", 0
    code = CLOSE_NOT_ALLOWED
    if access.refusal == REFUSED_NOT_OPEN:
        why = call_rights.call_closed_reason(access.booking, now)
        code = call_rights.CLOSE_CODES.get(why, CLOSE_NOT_ALLOWED)
    return None, access.refusal, code


def call_access(*, booking_id: int, user):
    """(booking, role) if `user` may be in this booking's call now, else None."""
    access, _reason, _code = call_access_decided(booking_id=booking_id, user=user)
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
            if self.rights_watcher is not None:
                self.rights_watcher.cancel()

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
    ended_why = ""  # why the person's right to the call ended (call_rights)
    rights_watcher = None
    turn_expires_at = None

    async def connect(self):
        self.booking_id = self.scope["url_route"]["kwargs"]["booking_id"]
        self.limiter = RateLimiter()
        self.address = (self.scope.get("client") or (None,))[0]
        if await database_sync_to_async(socket_refusals.refusals_over_limit)(
            address=self.address
        ):
            # Refused at the handshake (HTTP 403), reading no booking: counted for
            # the minute's summary, never recorded one by one.
            await database_sync_to_async(socket_refusals.refusal_count)(
                address=self.address, reason=socket_refusals.OVER_LIMIT
            )
            await self.close()
            return
        # Accept before refusing so the browser sees close code 4403, not a failed
        # handshake; nothing is sent before the close, so a stranger learns nothing.
        await self.accept()
        self.accepted = True
        if self.layer_broken:  # the layer failed before the handshake was answered
            await self.close_with(CLOSE_TRY_AGAIN)
            return
        user = self.scope.get("user")
        if user is not None and user.is_authenticated:
            access, reason, code = await database_sync_to_async(call_access_decided)(
                booking_id=self.booking_id, user=user
            )
        else:
            access, reason, code = None, REFUSED_SIGNED_OUT, CLOSE_NOT_ALLOWED
        if access is None:
            await self.refused(reason=reason, code=code)
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
        now = timezone.now()
        self.turn_expires_at = turn.credential_expiry(booking=booking, now=now)
        await self.send_json(
            {
                "type": "welcome",
                "role": self.role,
                "admitted": self.admitted,
                "iceServers": turn.ice_servers_for(
                    user_id=user.pk, booking=booking, now=now
                ),
                # Unknown without shared presence state; the peer answers `join`.
                "peerPresent": False,
            }
        )
        self.rights_watcher = asyncio.ensure_future(self.rights_watch(booking))

    async def refused(self, *, reason: str, code: int):
        """Count a refused socket for its address's minute; a signed-in person's is
        also recorded on its own (with who and why) while the address is under its
        limit. Recorded before the close, so that the record exists once the
        browser knows it was refused."""
        number = await database_sync_to_async(socket_refusals.refusal_count)(
            address=self.address, reason=reason
        )
        if (
            reason != REFUSED_SIGNED_OUT
            and number <= settings.SOCKET_REFUSALS_PER_MINUTE
        ):
            await self.audit(
                AuditAction.ACCESS_DENIED,
                detail={
                    "path": self.scope.get("path", ""),
                    "close_code": code,
                    "reason": reason,
                },
            )
        await self.close_with(code)

    async def disconnect(self, code):
        if self.membership_keeper is not None:
            self.membership_keeper.cancel()
        if self.rights_watcher is not None:
            self.rights_watcher.cancel()
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
        elif self.ended_why:
            await self.audit(
                AuditAction.CALL_LEAVE,
                detail={
                    "close_code": call_rights.CLOSE_CODES[self.ended_why],
                    "reason": self.ended_why,
                },
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

    # --- The person's right to the call ----------------------------------------------

    async def call_end(self, event):
        """The room was told the call's right ended (call_rights.calls_end)."""
        reason = event.get("reason")
        if reason in call_rights.CLOSE_CODES:
            await self.end_for(reason)

    async def end_for(self, reason: str):
        """Close this socket because the right to the call ended, with its code."""
        if self.closing:
            return
        self.ended_why = reason
        await self.close_with(call_rights.CLOSE_CODES[reason])

    async def rights_watch(self, booking):
        """Check the booking at its window's edges and every `CALL_RECHECK_SECONDS`,
        and renew TURN credentials before they expire, until the socket closes.

        The booking row is the one truth every worker reads; the `call.end` message
        is only the fast path, and may be lost with a failing channel layer.
        """
        user = self.scope["user"]
        while not self.closing:
            now = timezone.now()
            wake = now + timedelta(seconds=settings.CALL_RECHECK_SECONDS)
            for edge in (booking.ends_at, call_rights.call_closes_at(booking)):
                if edge >= now:
                    wake = min(wake, edge + EDGE_MARGIN)
            renew_at = self.turn_renew_at(now)
            if renew_at is not None:
                wake = min(wake, renew_at)
            await asyncio.sleep(max((wake - now).total_seconds(), 0))
            if self.closing:
                return
            now = timezone.now()
            try:
                access, reason, code = await database_sync_to_async(
                    call_access_decided
                )(booking_id=self.booking_id, user=user, now=now)
            except Exception:
                # A database that fails for a moment must not end a call: the
                # next check (or a `call.end`) decides.
                logger.exception("Call check failed in booking %s", self.booking_id)
                await asyncio.sleep(EDGE_MARGIN.total_seconds())  # never a busy loop
                continue
            if access is None:
                await self.end_for(self.ended_reason(reason, code))
                return
            booking, _role = access
            renew_at = self.turn_renew_at(now)
            if renew_at is not None and renew_at <= now:
                await self.turn_renew(booking, now)

    @staticmethod
    def ended_reason(refusal: str, code: int) -> str:
        """Why a socket that was in the call may no longer be (not a participant
        any more: the booking was anonymised, and is gone for both)."""
        if refusal == REFUSED_NO_CONSENT:
            return call_rights.CONSENT_WITHDRAWN
        if code == CLOSE_TIME_OVER:
            return call_rights.TIME_OVER
        return call_rights.CANCELLED

    def turn_renew_at(self, now: datetime) -> datetime | None:
        """When to send fresh TURN credentials; None if none are due (no TURN, or
        the credential already runs to the end of the grace)."""
        if (
            self.turn_expires_at is None
            or not settings.TURN_URLS
            or not settings.TURN_SECRET
        ):
            return None
        life = timedelta(seconds=settings.TURN_CREDENTIAL_TTL_SECONDS)
        return self.turn_expires_at - min(TURN_RENEW_BEFORE, life / 2)

    async def turn_renew(self, booking, now: datetime):
        expires_at = turn.credential_expiry(booking=booking, now=now)
        if expires_at is None or expires_at <= self.turn_expires_at:
            # Capped by the end of the grace: the socket closes with it.
            self.turn_expires_at = None
            return
        self.turn_expires_at = expires_at
        await self.send_json(
            {
                "type": "servers",
                "iceServers": turn.ice_servers_for(
                    user_id=self.scope["user"].pk, booking=booking, now=now
                ),
            }
        )

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

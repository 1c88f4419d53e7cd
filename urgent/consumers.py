"""WebSockets of urgent help: the duty pool's live list, and a client's own status.

`DutyConsumer` (ws/urgent/duty/) is for on-duty specialists and coordinators only
(selectors.may_see_requests); anyone else is accepted and then closed with 4403, so
the page learns why and nothing else. Its socket joins the duty pool's group, and
every worker's sockets hear the same news through the channel layer: a request made,
taken, escalated or closed. News carries only an id; each socket reads the request
through the access rule, and the page then loads the list from the server (which
records what it showed: views.py).

`ClientConsumer` (ws/urgent/mine/) tells a client's status page that their request
changed; the page then loads its words again from the server.

A failing channel layer closes the socket with 4503; the page reconnects and loads
the list again, so nothing is lost (the rows are the truth).
"""

import asyncio
import logging
from datetime import datetime

from channels.db import database_sync_to_async
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.layers import InMemoryChannelLayer, get_channel_layer
from channels.utils import await_many_dispatch
from django.utils import timezone

from audit.models import AuditAction
from audit.services import audit_record
from consultations.call_rights import LAYER_ERRORS

from . import live, selectors

logger = logging.getLogger(__name__)

CLOSE_NOT_ALLOWED = 4403
CLOSE_TRY_AGAIN = 4503
CLOSE_INVALID = 4400
# The sockets only listen; a ping is all a page sends.
MAX_FRAME_CHARS = 200
# How often a socket joins its group again (a restarted Redis forgot it).
MEMBERSHIP_REFRESH_SECONDS = 5


def duty_access(*, user) -> tuple[bool, datetime | None]:
    """(allowed, until when): a coordinator has no end, an on-duty specialist the
    end of their duty."""
    if selectors.is_coordinator(user=user):
        return True, None
    ends_at = selectors.duty_ends_at(user=user)
    return ends_at is not None, ends_at


def socket_audit(*, scope, action: str, target=None, detail=None) -> None:
    client = scope.get("client") or (None,)
    audit_record(
        actor=scope.get("user"),
        action=action,
        target=target,
        ip=client[0],
        detail=detail,
    )


def request_news(*, request_id: int, user) -> dict | None:
    """What a duty socket sends about one request; None if the person may not see
    it (any more). No name or number goes over the socket: the page loads the list
    from the server, which records what it showed."""
    urgent = selectors.request_for_viewer(request_id=request_id, user=user)
    if urgent is None:
        return None
    return {
        "request": urgent.pk,
        "takenBy": urgent.taken_by.get_full_name() if urgent.taken_by else "",
        "open": urgent.closed_at is None,
    }


class UrgentSocket(AsyncJsonWebsocketConsumer):
    """What both sockets share: refusal with a close code, the group, and a channel
    layer whose failure closes the socket with 4503 instead of killing it."""

    group = None
    closing = False
    membership_keeper = None

    async def __call__(self, scope, receive, send):
        # Channels' own loop, with the layer read through `layer_receive`.
        self.scope = scope
        self.channel_layer = get_channel_layer(self.channel_layer_alias)
        self.channel_name = await self.channel_layer.new_channel()
        self.base_send = send
        try:
            await await_many_dispatch([receive, self.layer_receive], self.dispatch)
        except StopConsumer:
            pass
        finally:
            if self.membership_keeper is not None:
                self.membership_keeper.cancel()

    async def layer_receive(self):
        try:
            return await self.channel_layer.receive(self.channel_name)
        except LAYER_ERRORS as error:
            logger.warning("Channel layer lost on an urgent socket: %r", error)
            await self.close_with(CLOSE_TRY_AGAIN)
            raise StopConsumer() from error

    async def close_with(self, code: int):
        if self.closing:
            return
        self.closing = True
        await self.close(code=code)

    async def refuse(self, reason: str):
        user = self.scope.get("user")
        if user is not None and user.is_authenticated:
            await database_sync_to_async(socket_audit)(
                scope=self.scope,
                action=AuditAction.ACCESS_DENIED,
                detail={
                    "path": self.scope.get("path", ""),
                    "close_code": CLOSE_NOT_ALLOWED,
                    "reason": reason,
                },
            )
        await self.close_with(CLOSE_NOT_ALLOWED)

    async def join(self, group: str) -> bool:
        if not await self.group_add(group):
            return False
        self.group = group
        if not isinstance(self.channel_layer, InMemoryChannelLayer):
            self.membership_keeper = asyncio.ensure_future(self.membership_keep())
        return True

    async def group_add(self, group: str) -> bool:
        try:
            await self.channel_layer.group_add(group, self.channel_name)
        except LAYER_ERRORS as error:
            logger.warning("Channel layer lost on an urgent socket: %r", error)
            await self.close_with(CLOSE_TRY_AGAIN)
            return False
        return True

    async def membership_keep(self):
        """Join the group again every few seconds: a Redis restarted since the
        socket joined has forgotten the group, and the list would fall silent."""
        while not self.closing:
            await asyncio.sleep(MEMBERSHIP_REFRESH_SECONDS)
            if not await self.group_add(self.group):
                return

    async def disconnect(self, code):
        if self.membership_keeper is not None:
            self.membership_keeper.cancel()
        if self.group is None:
            return
        try:
            await self.channel_layer.group_discard(self.group, self.channel_name)
        except LAYER_ERRORS:
            pass  # the group forgets a dead channel by itself (its expiry)

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        if text_data is None or len(text_data) > MAX_FRAME_CHARS:
            await self.close_with(CLOSE_INVALID)
            return
        await super().receive(text_data=text_data, **kwargs)

    async def receive_json(self, content, **kwargs):
        # Only pings are read; the socket is for listening.
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"type": "pong"})
        else:
            await self.close_with(CLOSE_INVALID)

    async def decode_json(self, text_data):
        try:
            return await super().decode_json(text_data)
        except ValueError:
            return None


class DutyConsumer(UrgentSocket):
    """An on-duty specialist's or a coordinator's live list of urgent requests."""

    until = None

    async def connect(self):
        # Accept before refusing, so the page sees the close code, not a failed
        # handshake.
        await self.accept()
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.refuse("signed_out")
            return
        allowed, self.until = await database_sync_to_async(duty_access)(user=user)
        if not allowed:
            await self.refuse("not_on_duty")
            return
        if await self.join(live.POOL_GROUP):
            await self.send_json({"type": "welcome"})

    async def still_allowed(self) -> bool:
        """Whether the person is still on duty; the database is asked only once the
        duty known at the connect has ended (a later shift may follow)."""
        if self.until is None or timezone.now() < self.until:
            return True
        allowed, self.until = await database_sync_to_async(duty_access)(
            user=self.scope["user"]
        )
        return allowed

    async def urgent_event(self, event):
        if self.closing or event.get("event") not in live.EVENTS:
            return
        if not await self.still_allowed():
            await self.close_with(CLOSE_NOT_ALLOWED)
            return
        news = await database_sync_to_async(request_news)(
            request_id=event["request"], user=self.scope["user"]
        )
        if news is None:
            return
        await self.send_json({"type": event["event"], **news})


class ClientConsumer(UrgentSocket):
    """A client's status page, told when their request changes."""

    async def connect(self):
        await self.accept()
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.refuse("signed_out")
            return
        if not await database_sync_to_async(selectors.may_ask_for_help)(user=user):
            await self.refuse("not_client")
            return
        if await self.join(live.client_group(user.pk)):
            await self.send_json({"type": "welcome"})

    async def urgent_event(self, event):
        if self.closing or event.get("event") not in live.EVENTS:
            return
        await self.send_json({"type": event["event"], "request": event["request"]})

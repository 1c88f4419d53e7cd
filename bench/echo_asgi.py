"""The ASGI application of the relay benchmark: Ko'mak's own, plus a bare echo room.

`bench/signaling_relay.py` serves this with one Daphne. Next to the real routes of
`cms.asgi` (HTTP through Django, `/ws/consultations/<booking id>/`), it adds
`/ws/echo/<room>/`, served by `EchoRelayConsumer`: the least a relay can do with
Channels — join the group, pass every JSON message on to the others in it — with no
sign-in check, no validation, no rate limit and no database. It is the baseline
against which the consultation consumer's relay latency is read.

`/ws/echo-nohop/<room>/` is the same relay without the one thing every Channels
consumer does per message that is not relaying: in Channels 4.3 (installed),
`AsyncConsumer.dispatch` awaits `aclose_old_connections()` before each handler, a
`sync_to_async` call, so every message received from the socket or from the group
waits for a turn on the single thread that runs sync code. Measuring both shows how
much of the latency is that hop.

Never routed in production: only the benchmark names this module.
"""

from channels.auth import AuthMiddlewareStack
from channels.consumer import get_handler_name
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.routing import ProtocolTypeRouter, URLRouter
from channels.security.websocket import AllowedHostsOriginValidator
from django.urls import path

# Sets up Django (settings from the environment) before the routes import models.
from cms.asgi import django_asgi_app
from consultations.routing import websocket_urlpatterns


class EchoRelayConsumer(AsyncJsonWebsocketConsumer):
    """Relay every received JSON message to the rest of the room, as it came."""

    async def connect(self):
        self.room = f"echo.{self.scope['url_route']['kwargs']['room']}"
        # In the group before the handshake ends, so no message to it is missed.
        await self.channel_layer.group_add(self.room, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        await self.channel_layer.group_discard(self.room, self.channel_name)

    async def receive_json(self, content, **kwargs):
        await self.channel_layer.group_send(
            self.room,
            {"type": "echo.relay", "payload": content, "sender": self.channel_name},
        )

    async def echo_relay(self, event):
        if event["sender"] != self.channel_name:
            await self.send_json(event["payload"])


class EchoRelayNoHopConsumer(EchoRelayConsumer):
    """The echo relay, dispatching without the database-connection cleanup (it never
    touches the database, so there is nothing to clean up)."""

    async def dispatch(self, message):
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)


# The same middleware as cms.asgi, so both kinds of socket are opened alike (Origin
# check, session lookup once at connect); per message, neither runs.
application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(
                URLRouter(
                    [
                        path("ws/echo/<int:room>/", EchoRelayConsumer.as_asgi()),
                        path(
                            "ws/echo-nohop/<int:room>/",
                            EchoRelayNoHopConsumer.as_asgi(),
                        ),
                        *websocket_urlpatterns,
                    ]
                )
            )
        ),
    }
)

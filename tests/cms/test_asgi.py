"""The ASGI application: HTTP through Django and WebSockets through Channels, origins
checked.
"""

import pytest
from asgiref.sync import async_to_sync
from channels.testing import HttpCommunicator, WebsocketCommunicator

from cms.asgi import application

pytestmark = pytest.mark.django_db


async def ping(origin: bytes):
    communicator = WebsocketCommunicator(
        application, "/ws/ping/", headers=[(b"origin", origin), (b"host", b"127.0.0.1")]
    )
    connected, _ = await communicator.connect()
    reply = None
    if connected:
        await communicator.send_json_to({"type": "ping"})
        reply = await communicator.receive_json_from()
    await communicator.disconnect()
    return connected, reply


async def bad_message():
    communicator = WebsocketCommunicator(
        application, "/ws/ping/", headers=[(b"origin", b"http://127.0.0.1:8000")]
    )
    await communicator.connect()
    await communicator.send_json_to({"type": "shout"})
    closed = await communicator.receive_output()
    await communicator.disconnect()
    return closed


class AsgiTests:
    def test_http_goes_through_django(self):
        async def get():
            communicator = HttpCommunicator(
                application, "GET", "/healthz", headers=[(b"host", b"127.0.0.1")]
            )
            return await communicator.get_response()

        response = async_to_sync(get)()
        assert response["status"] == 200
        assert response["body"] == b"ok"

    def test_websocket_from_an_allowed_origin(self):
        connected, reply = async_to_sync(ping)(b"http://127.0.0.1:8000")
        assert connected is True
        assert reply == {"type": "pong"}

    def test_websocket_from_another_origin_is_refused(self):
        connected, reply = async_to_sync(ping)(b"https://evil.example")
        assert connected is False
        assert reply is None

    def test_unknown_message_closes_with_4400(self):
        closed = async_to_sync(bad_message)()
        assert closed == {"type": "websocket.close", "code": 4400}

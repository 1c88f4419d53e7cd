"""The sockets of urgent help (urgent/consumers.py) with WebsocketCommunicator: an
on-duty specialist hears a new request and that it was taken, a coordinator hears an
escalation, a client's socket hears that their request was taken; a client, an
off-duty specialist or a stranger on the duty socket is closed with 4403."""

import asyncio
from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.utils import timezone

from audit.models import AuditAction, AuditRecord
from cms.asgi import application
from tests.consultations.test_signaling import (
    CLOSED_INVALID,
    CLOSED_NOT_ALLOWED,
    HOST,
    ORIGIN,
    session_cookie,
)
from tests.urgent.factories import (
    client_create,
    coordinator_create,
    specialist_off_duty,
    specialist_on_duty,
    with_role,
)
from urgent import services
from urgent.models import DutyShift, UrgentRequest

pytestmark = pytest.mark.django_db(transaction=True)

DUTY = "/ws/urgent/duty/"
MINE = "/ws/urgent/mine/"


def run(scenario):
    """Run an async scenario; every socket it opened is closed at the end."""

    async def main():
        sockets = []
        try:
            return await scenario(sockets)
        finally:
            for socket in sockets:
                await socket.disconnect()

    return async_to_sync(main)()


async def opened(sockets, path, user=None):
    headers = [ORIGIN, HOST]
    if user is not None:
        cookie = await database_sync_to_async(session_cookie)(user)
        headers.append((b"cookie", cookie))
    socket = WebsocketCommunicator(application, path, headers=headers)
    connected, _ = await socket.connect()
    assert connected is True
    sockets.append(socket)
    return socket


create = database_sync_to_async(services.urgent_request_create)
take = database_sync_to_async(services.urgent_request_take)
escalate = database_sync_to_async(services.urgent_requests_escalate)


class DutySocketTests:
    def test_an_on_duty_specialist_hears_a_new_request_and_that_it_was_taken(self):
        watcher = specialist_on_duty()
        taker = specialist_on_duty(full_name="Aziz Tursunov")
        client = client_create()

        async def scenario(sockets):
            socket = await opened(sockets, DUTY, watcher)
            assert await socket.receive_json_from() == {"type": "welcome"}
            urgent, _ = await create(client=client)
            new = await socket.receive_json_from(timeout=5)
            assert new == {
                "type": "new",
                "request": urgent.pk,
                "takenBy": "",
                "open": True,
            }
            await take(request_id=urgent.pk, by_user=taker)
            taken = await socket.receive_json_from(timeout=5)
            assert taken["type"] == "taken"
            assert taken["request"] == urgent.pk
            assert taken["takenBy"] == "Aziz Tursunov"
            assert await socket.receive_nothing()

        run(scenario)

    def test_a_coordinator_hears_an_escalation(self, settings):
        settings.URGENT_ESCALATE_AFTER_SECONDS = 60
        coordinator = coordinator_create()
        client = client_create()

        async def scenario(sockets):
            socket = await opened(sockets, DUTY, coordinator)
            assert await socket.receive_json_from() == {"type": "welcome"}
            urgent, _ = await create(client=client)
            assert (await socket.receive_json_from(timeout=5))["type"] == "new"
            later = timezone.now() + timedelta(minutes=2)
            assert await escalate(now=later) == [urgent.pk]
            escalated = await socket.receive_json_from(timeout=5)
            assert escalated["type"] == "escalated"
            assert escalated["request"] == urgent.pk

        run(scenario)

    @pytest.mark.parametrize("who", ["client", "off_duty", "trainer"])
    def test_others_are_closed_with_4403_and_recorded(self, who):
        user = {
            "client": client_create,
            "off_duty": specialist_off_duty,
            "trainer": lambda: with_role("Trainer"),
        }[who]()

        async def scenario(sockets):
            socket = await opened(sockets, DUTY, user)
            assert await socket.receive_output() == CLOSED_NOT_ALLOWED

        run(scenario)
        (record,) = AuditRecord.objects.filter(action=AuditAction.ACCESS_DENIED)
        assert record.actor_id == user.pk
        assert record.detail["close_code"] == 4403
        assert record.detail["path"] == DUTY

    def test_a_signed_out_socket_is_closed_with_4403(self):
        async def scenario(sockets):
            socket = await opened(sockets, DUTY)
            assert await socket.receive_output() == CLOSED_NOT_ALLOWED

        run(scenario)

    def test_a_specialist_whose_duty_ended_is_closed_at_the_next_news(self):
        watcher = specialist_off_duty()
        now = timezone.now()
        DutyShift.objects.create(
            specialist=watcher,
            starts_at=now - timedelta(hours=1),
            ends_at=now + timedelta(seconds=2),
        )
        client = client_create()

        async def scenario(sockets):
            socket = await opened(sockets, DUTY, watcher)
            assert await socket.receive_json_from() == {"type": "welcome"}
            await asyncio.sleep(2.2)  # past the end of the duty
            await create(client=client)
            assert await socket.receive_output(timeout=5) == CLOSED_NOT_ALLOWED

        run(scenario)

    def test_a_frame_other_than_a_ping_closes_with_4400(self):
        watcher = specialist_on_duty()

        async def scenario(sockets):
            socket = await opened(sockets, DUTY, watcher)
            assert await socket.receive_json_from() == {"type": "welcome"}
            await socket.send_json_to({"type": "ping"})
            assert await socket.receive_json_from() == {"type": "pong"}
            await socket.send_to(text_data="not json")
            assert await socket.receive_output() == CLOSED_INVALID

        run(scenario)

    def test_a_binary_frame_closes_with_4400(self):
        watcher = specialist_on_duty()

        async def scenario(sockets):
            socket = await opened(sockets, DUTY, watcher)
            assert await socket.receive_json_from() == {"type": "welcome"}
            await socket.send_to(bytes_data=b"\x00\x01")
            assert await socket.receive_output() == CLOSED_INVALID

        run(scenario)


class ClientSocketTests:
    def test_the_client_hears_that_their_request_was_taken(self):
        client = client_create()
        other = client_create()
        specialist = specialist_on_duty()

        async def scenario(sockets):
            mine = await opened(sockets, MINE, client)
            theirs = await opened(sockets, MINE, other)
            assert await mine.receive_json_from() == {"type": "welcome"}
            assert await theirs.receive_json_from() == {"type": "welcome"}
            urgent, _ = await create(client=client)
            assert await mine.receive_json_from(timeout=5) == {
                "type": "new",
                "request": urgent.pk,
            }
            await take(request_id=urgent.pk, by_user=specialist)
            assert await mine.receive_json_from(timeout=5) == {
                "type": "taken",
                "request": urgent.pk,
            }
            assert await theirs.receive_nothing()

        run(scenario)
        assert UrgentRequest.objects.get(client=client).taken_by == specialist

    def test_staff_are_closed_on_the_client_socket(self):
        specialist = specialist_on_duty()

        async def scenario(sockets):
            socket = await opened(sockets, MINE, specialist)
            assert await socket.receive_output() == CLOSED_NOT_ALLOWED

        run(scenario)


class LayerFailureTests:
    def test_a_failing_layer_closes_with_4503_so_the_page_tries_again(self):
        from unittest import mock

        from channels.layers import InMemoryChannelLayer

        watcher = specialist_on_duty()

        async def scenario(sockets):
            with mock.patch.object(
                InMemoryChannelLayer, "group_add", side_effect=OSError("gone")
            ):
                socket = await opened(sockets, DUTY, watcher)
                assert await socket.receive_output() == {
                    "type": "websocket.close",
                    "code": 4503,
                }

        run(scenario)

"""The signaling consumer relays without Channels' per-message thread hop, and still
reaches the database (with `close_old_connections` around it) where it needs to.

Channels' `AsyncConsumer.dispatch` awaits `aclose_old_connections()` before every
handler: a trip to the one thread that runs sync code. Under load that trip was most
of the relay latency (docs/benchmarks.md), so `ConsultationConsumer` dispatches
without it. These tests hold that thread busy, as a slow database call in another
socket would, and show that chat still crosses while `join` (which writes the
booking row) waits for it.
"""

import asyncio
import threading
from unittest import mock

import pytest
from asgiref.sync import sync_to_async
from channels.db import DatabaseSyncToAsync

from tests.consultations.test_signaling import room_create, run

pytestmark = pytest.mark.django_db(transaction=True)

WAIT_SECONDS = 5


class SyncThreadHeld:
    """Keeps the sync thread (where `database_sync_to_async` runs) busy until
    released."""

    def __init__(self):
        self.release = threading.Event()
        self.holding = threading.Event()
        self.task = None

    def _hold(self):
        self.holding.set()
        self.release.wait(WAIT_SECONDS * 4)

    async def __aenter__(self):
        self.task = asyncio.ensure_future(sync_to_async(self._hold)())
        while not self.holding.is_set():
            await asyncio.sleep(0.01)
        return self

    async def __aexit__(self, *exc):
        self.release.set()
        await self.task


class RelayWithoutHopTests:
    def test_chat_is_relayed_while_the_sync_thread_is_busy(self):
        room = room_create()

        async def scenario(sockets):
            client, specialist = await sockets.pair(room, admit=True)
            async with SyncThreadHeld():
                await client.send_json_to({"type": "chat", "text": "Salom"})
                return await specialist.receive_json_from(timeout=WAIT_SECONDS)

        received = run(scenario)
        assert (received["type"], received["text"]) == ("chat", "Salom")

    def test_join_waits_for_the_database_thread(self):
        room = room_create()

        async def scenario(sockets):
            client, specialist = await sockets.pair(room)
            async with SyncThreadHeld():
                await client.send_json_to({"type": "join"})
                relayed_while_held = not await specialist.receive_nothing(timeout=0.5)
            joined = await specialist.receive_json_from(timeout=WAIT_SECONDS)
            return relayed_while_held, joined

        relayed_while_held, joined = run(scenario)
        assert relayed_while_held is False
        assert joined == {"type": "peer", "event": "joined", "role": "client"}

    def test_only_database_work_goes_through_database_sync_to_async(self):
        # Channels' DatabaseSyncToAsync closes old connections before and after each
        # call (channels.testing stubs that closing out, so the calls are counted).
        room = room_create()
        calls = []
        original = DatabaseSyncToAsync.thread_handler

        def counted(self, *args, **kwargs):
            calls.append(1)
            return original(self, *args, **kwargs)

        async def scenario(sockets):
            client, specialist = await sockets.pair(room, admit=True)
            with mock.patch.object(DatabaseSyncToAsync, "thread_handler", counted):
                for number in range(5):
                    await client.send_json_to({"type": "chat", "text": f"{number}"})
                    await specialist.receive_json_from()
                chat_calls = len(calls)
                await client.send_json_to({"type": "join"})
                await specialist.receive_json_from()
                return chat_calls, len(calls) - chat_calls

        chat_calls, join_calls = run(scenario)
        assert chat_calls == 0
        assert join_calls == 1  # services.booking_joined

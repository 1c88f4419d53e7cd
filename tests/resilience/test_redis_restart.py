"""Redis restarted during a call: signaling recovers, and no message reaches a person
twice.

Redis carries the rooms (channels_redis groups) of the scale-out profile. A socket
whose layer fails is closed with 4503 and the page reconnects and joins again; each
relayed message carries an id that a socket passes on once. The first tests make the
in-memory layer fail or repeat itself under the real consumer; the last ones run a
Redis of their own under two real Daphne workers, with the client on one and the
specialist on the other sending numbered messages, and restart it mid-call, without
and with its data kept on disk.
"""

import asyncio
import contextlib
import json
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass, field
from unittest import mock

import pytest
from channels.layers import InMemoryChannelLayer, get_channel_layer
from redis.exceptions import ConnectionError as RedisConnectionError

from audit.models import AuditAction, AuditRecord
from consultations.consumers import (
    CLOSE_TRY_AGAIN,
    MEMBERSHIP_REFRESH_SECONDS,
    group_name,
)
from tests.consultations.test_signaling import room_create, run
from tests.support.live import LiveServer, free_port
from tests.support.parts import port_open, require

LOST = RedisConnectionError("Connection closed by server.")


@pytest.mark.django_db(transaction=True)
class LayerFailureTests:
    def test_a_message_the_layer_hands_out_twice_is_passed_on_once(self):
        room = room_create()

        async def scenario(sockets):
            client, specialist = await sockets.pair(room, admit=True)
            event = {
                "type": "signal.relay",
                "payload": {"type": "chat", "text": "Bir marta", "from": "specialist"},
                "sender": None,
                "id": "specific.other-worker!abc#7",
            }
            layer = get_channel_layer()
            await layer.group_send(group_name(room.id), event)
            await layer.group_send(group_name(room.id), event)
            first = await client.receive_json_from()
            again = not await client.receive_nothing(timeout=0.5)
            return first, again

        first, again = run(scenario)
        assert first["text"] == "Bir marta"
        assert again is False

    def test_different_messages_with_the_same_text_all_arrive(self):
        room = room_create()

        async def scenario(sockets):
            client, specialist = await sockets.pair(room, admit=True)
            for _ in range(3):
                await specialist.send_json_to({"type": "chat", "text": "Ha"})
            return [(await client.receive_json_from())["text"] for _ in range(3)]

        assert run(scenario) == ["Ha", "Ha", "Ha"]

    def test_a_failed_send_closes_with_try_again_and_the_leave_is_recorded(self):
        room = room_create()

        async def scenario(sockets):
            client, specialist = await sockets.pair(room, admit=True)
            with mock.patch.object(
                InMemoryChannelLayer, "group_send", side_effect=LOST
            ):
                await client.send_json_to({"type": "chat", "text": "Yetib bormaydi"})
                closed = await client.receive_output()
                await sockets.hang_up(client)
            return closed

        closed = run(scenario)
        assert closed == {"type": "websocket.close", "code": CLOSE_TRY_AGAIN}
        assert AuditRecord.objects.filter(
            action=AuditAction.CALL_LEAVE, target_id=str(room.id)
        ).exists()

    def test_a_failed_read_closes_with_try_again(self):
        room = room_create()
        real_receive = InMemoryChannelLayer.receive
        failing = {"once": True}

        async def receive(layer, channel):
            if failing.pop("once", False):
                raise LOST
            return await real_receive(layer, channel)

        async def scenario(sockets):
            with mock.patch.object(InMemoryChannelLayer, "receive", receive):
                socket = await sockets.connect(room.id, room.client_cookie)
                output = await socket.receive_output()
                while output["type"] != "websocket.close":  # the welcome may come first
                    output = await socket.receive_output()
                return output

        assert run(scenario) == {"type": "websocket.close", "code": CLOSE_TRY_AGAIN}

    def test_no_room_no_welcome_when_the_layer_is_down_at_connect(self):
        room = room_create()

        async def scenario(sockets):
            with mock.patch.object(InMemoryChannelLayer, "group_add", side_effect=LOST):
                socket = await sockets.connect(room.id, room.client_cookie)
                return await socket.receive_output()

        assert run(scenario) == {"type": "websocket.close", "code": CLOSE_TRY_AGAIN}
        assert not AuditRecord.objects.filter(
            action=AuditAction.CALL_JOIN, target_id=str(room.id)
        ).exists()


# --- A real Redis, restarted under two Daphne workers ---------------------------------

SETUP_CODE = """
import json
from datetime import timedelta
from importlib import import_module
from django.conf import settings
from django.contrib.auth import (
    BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model,
)
from django.utils import timezone
from consultations.models import (
    Booking, ConsentRecord, ConsentTerms, SpecialistProfile, Topic,
)
User = get_user_model()
SessionStore = import_module(settings.SESSION_ENGINE).SessionStore

def session_key(user):
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key

client = User.objects.create_user(username="restart-client")
specialist = User.objects.create_user(username="restart-specialist")
terms = ConsentTerms.objects.create(version="restart", text="Consent.")
ConsentRecord.objects.create(user=client, terms=terms)
profile = SpecialistProfile.objects.create(
    user=specialist, kind="psychologist", bio="B"
)
starts = timezone.now() + timedelta(minutes=5)
booking = Booking.objects.create(
    client=client, specialist=profile, topic=Topic.GRIEF,
    starts_at=starts, ends_at=starts + timedelta(minutes=45),
)
print(json.dumps({
    "booking": booking.pk,
    "client": session_key(client),
    "specialist": session_key(specialist),
}))
"""

SEND_EVERY_S = 0.2  # 5 a second per person; the outbox drains at 10 a second
OUTBOX_SPACING_S = 0.1  # the page's outbox: half the server's limit of 20 a second
RECONNECT_DELAYS_S = (0.2, 0.5, 1, 2)  # then every 2 s, as the page backs off
RESUME_WITHIN_S = 20


class PrivateRedis:
    """redis-server on a free port, with or without its data kept on disk."""

    def __init__(self, folder, *, keep_data: bool):
        self.folder = folder
        self.port = free_port()
        self.keep_data = keep_data
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        persistence = (
            ["--appendonly", "yes", "--appendfsync", "always"]
            if self.keep_data
            else ["--appendonly", "no"]
        )
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--dir",
                str(self.folder),
                *persistence,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 10
        while not port_open("127.0.0.1", self.port):
            if time.monotonic() > deadline:
                raise RuntimeError("redis-server did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=20)


@pytest.fixture(scope="module")
def migrated_server():
    """A migrated SQLite database with one open call, made once."""
    require(shutil.which("redis-server") is not None, "redis-server is not installed")
    server = LiveServer()
    try:
        server.manage("migrate", "--no-input")
        people = json.loads(server.shell(SETUP_CODE))
        yield server, people
    finally:
        shutil.rmtree(server.workdir, ignore_errors=True)


@pytest.fixture(params=[False, True], ids=["data-lost", "data-kept"])
def call_on_redis(request, migrated_server, tmp_path):
    """A private Redis and two Daphne workers on it, serving one open call."""
    base, people = migrated_server
    redis = PrivateRedis(tmp_path, keep_data=request.param)
    redis.start()
    workers = []
    try:
        for _ in range(2):
            worker = LiveServer()
            shutil.rmtree(worker.workdir)
            worker.workdir = base.workdir
            worker.log_path = tmp_path / f"daphne-{len(workers)}.log"
            worker.env = {**base.env, "REDIS_URL": redis.url}
            worker.start()
            workers.append(worker)
        yield redis, workers, people
    finally:
        for worker in workers:
            worker.stop()
        redis.stop()


@dataclass
class Person:
    """One side of the call, speaking docs/signaling.md like the call page: it
    reconnects after any close that is not on purpose, joins again, and keeps what
    it could not send for the next socket."""

    role: str
    url: str
    session: str
    outbox: list = field(default_factory=list)
    received: list = field(default_factory=list)  # chat texts, in order
    closes: list = field(default_factory=list)
    opened: int = 0
    connection: object = None
    admitted: asyncio.Event = field(default_factory=asyncio.Event)
    flushing: object = None  # the task sending the outbox after a reconnect
    stopping: bool = False

    async def run(self) -> None:
        from websockets.asyncio.client import connect
        from websockets.exceptions import WebSocketException

        attempt = 0
        while not self.stopping:
            try:
                async with connect(
                    self.url,
                    origin=self.url.split("/ws/")[0].replace("ws://", "http://"),
                    additional_headers={"Cookie": f"sessionid={self.session}"},
                    proxy=None,
                    open_timeout=10,
                ) as connection:
                    self.connection = connection
                    self.opened += 1
                    attempt = 0
                    await self.read(connection)
            except (OSError, WebSocketException, TimeoutError):
                pass
            finally:
                self.connection = None
            if self.stopping:
                return
            await asyncio.sleep(RECONNECT_DELAYS_S[min(attempt, 3)])
            attempt += 1

    async def read(self, connection) -> None:
        from websockets.exceptions import ConnectionClosed

        try:
            async for raw in connection:
                message = json.loads(raw)
                kind = message["type"]
                if kind == "welcome":
                    await connection.send(json.dumps({"type": "join"}))
                    if message["admitted"]:
                        self.admitted.set()
                        self.flushing = asyncio.ensure_future(self.flush(connection))
                elif kind == "peer" and message["event"] in {"joined", "present"}:
                    if message["event"] == "joined":
                        await connection.send(json.dumps({"type": "present"}))
                    if self.role == "specialist" and not self.admitted.is_set():
                        await connection.send(json.dumps({"type": "admit"}))
                elif kind == "admitted":
                    self.admitted.set()
                    self.flushing = asyncio.ensure_future(self.flush(connection))
                elif kind == "chat":
                    self.received.append(message["text"])
        except ConnectionClosed:
            pass
        self.closes.append(connection.close_code)

    async def flush(self, connection) -> None:
        # One every 100 ms, as the page's outbox sends: under the server's limit.
        try:
            while self.outbox:
                await connection.send(json.dumps(self.outbox[0]))
                self.outbox.pop(0)
                await asyncio.sleep(OUTBOX_SPACING_S)
        except Exception:  # noqa: S110 - the socket closed: kept for the next one
            pass
        finally:
            self.flushing = None

    async def say(self, number: int) -> None:
        message = {"type": "chat", "text": f"{self.role}:{number}"}
        connection = self.connection
        if (
            connection is not None
            and self.admitted.is_set()
            and not self.outbox
            and not self.flushing
        ):
            with contextlib.suppress(Exception):
                await connection.send(json.dumps(message))
                return
        self.outbox.append(message)


def numbers_from(person: Person, sender: str) -> list[int]:
    return [
        int(text.split(":")[1])
        for text in person.received
        if text.startswith(sender + ":")
    ]


async def talk(people: list[Person], seconds: float, start: int) -> int:
    """Each person says a numbered message every 100 ms; returns the next number."""
    number = start
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for person in people:
            await person.say(number)
        number += 1
        await asyncio.sleep(SEND_EVERY_S)
    return number


def people_of_the_call(first, second, ids) -> tuple["Person", "Person"]:
    """The client on the first worker and the specialist on the second, so that
    every message crosses Redis."""
    path = f"/ws/consultations/{ids['booking']}/"
    client = Person("client", first.url.replace("http", "ws") + path, ids["client"])
    specialist = Person(
        "specialist", second.url.replace("http", "ws") + path, ids["specialist"]
    )
    return client, specialist


@pytest.mark.e2e
class RedisRestartTests:
    def test_signaling_recovers_and_nothing_arrives_twice(self, call_on_redis):
        redis, (first, second), ids = call_on_redis
        client, specialist = people_of_the_call(first, second, ids)
        people = [client, specialist]

        async def scenario():
            runners = [asyncio.ensure_future(person.run()) for person in people]
            try:
                await asyncio.wait_for(
                    asyncio.gather(*(person.admitted.wait() for person in people)),
                    30,
                )
                number = await talk(people, 2, start=0)
                redis.stop()
                number = await talk(people, 1, start=number)
                redis.start()
                restarted_at = number
                # Delivery must come back: a message said after the restart, in
                # both directions, within RESUME_WITHIN_S.
                deadline = time.monotonic() + RESUME_WITHIN_S
                while time.monotonic() < deadline:
                    number = await talk(people, 0.5, start=number)
                    if all(
                        any(n >= restarted_at for n in numbers_from(person, other))
                        for person, other in (
                            (client, "specialist"),
                            (specialist, "client"),
                        )
                    ):
                        break
                resumed_at = number
                number = await talk(people, 2, start=number)
                for _ in range(50):  # what waits in an outbox, then in flight
                    if not any(person.outbox for person in people):
                        break
                    await asyncio.sleep(0.1)
                await asyncio.sleep(1)
                return restarted_at, resumed_at, number
            finally:
                for person in people:
                    person.stopping = True
                    if person.connection is not None:
                        await person.connection.close()
                for runner in runners:
                    runner.cancel()
                await asyncio.gather(*runners, return_exceptions=True)

        restarted_at, resumed_at, last = asyncio.run(scenario())
        logs = "\n".join(
            path.read_text()[-1500:] for path in (first.log_path, second.log_path)
        )
        for person, other in ((client, "specialist"), (specialist, "client")):
            heard = numbers_from(person, other)
            # Nothing twice, and in the order it was said.
            assert len(heard) == len(set(heard)), (person.role, heard, logs)
            assert heard == sorted(heard), (person.role, heard)
            # Heard again after the restart...
            assert any(n >= restarted_at for n in heard), (person.role, heard, logs)
            # ...and, once back, everything said in the last two seconds.
            said_after = set(range(resumed_at, last))
            assert said_after <= set(heard), (
                person.role,
                sorted(said_after - set(heard)),
            )
        # The sockets whose layer failed were closed in order, with "try again"
        # (4503), never dropped by a crashed consumer (1011), and came back.
        closes = client.closes[:-1] + specialist.closes[:-1]  # the last: the test's
        assert closes, "no socket noticed the restart"
        assert set(closes) == {CLOSE_TRY_AGAIN}, closes

    def test_a_room_that_redis_forgot_silently_is_found_again(self, call_on_redis):
        # Memberships lost with no connection error to notice (FLUSHDB here; an
        # eviction under memory pressure or a failover can do the same): each
        # socket adds itself again within MEMBERSHIP_REFRESH_SECONDS.
        import redis as redis_client

        redis, (first, second), ids = call_on_redis
        client, specialist = people_of_the_call(first, second, ids)
        people = [client, specialist]

        async def scenario():
            runners = [asyncio.ensure_future(person.run()) for person in people]
            try:
                await asyncio.wait_for(
                    asyncio.gather(*(person.admitted.wait() for person in people)),
                    30,
                )
                number = await talk(people, 1, start=0)
                redis_client.Redis.from_url(redis.url).flushdb()
                forgotten_at = number
                deadline = time.monotonic() + MEMBERSHIP_REFRESH_SECONDS + 5
                while time.monotonic() < deadline:
                    number = await talk(people, 0.5, start=number)
                    if all(
                        any(n > forgotten_at for n in numbers_from(person, other))
                        for person, other in (
                            (client, "specialist"),
                            (specialist, "client"),
                        )
                    ):
                        return forgotten_at
                return forgotten_at
            finally:
                for person in people:
                    person.stopping = True
                    if person.connection is not None:
                        await person.connection.close()
                for runner in runners:
                    runner.cancel()
                await asyncio.gather(*runners, return_exceptions=True)

        forgotten_at = asyncio.run(scenario())
        for person, other in ((client, "specialist"), (specialist, "client")):
            heard = numbers_from(person, other)
            assert any(n > forgotten_at for n in heard), (person.role, heard)
            assert len(heard) == len(set(heard)), (person.role, heard)
        # Found again without a reconnect.
        assert (client.opened, specialist.opened) == (1, 1)

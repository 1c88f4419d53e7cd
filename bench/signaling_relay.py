"""Relay latency of the call's signaling with 200 calls on one Daphne, against a bare
echo relay.

The server is a real Ko'mak in the embedded profile (`tests.support.live.LiveServer`:
a fresh SQLite database, in-memory channel layer), served by ONE Daphne process with
`bench.echo_asgi:application`, which is `cms.asgi`'s application plus a bare echo room.
One `manage.py shell` script makes 200 clients (with consent), 200 specialists and
200 bookings whose calls are open, and signs everyone in by writing Django sessions
directly. This process then opens 400 WebSockets in one asyncio loop, two per booking,
joins, admits, and has each socket send one `chat` every 500 ms for 10 s (and, as a
second, lighter load, every 5 s for 20 s); the text carries `time.perf_counter_ns()`
at sending, so the other side of the room reads the latency off the same clock. The
baseline does exactly the same with 400 sockets on `/ws/echo/<room>/` (no sign-in, no
validation, no database), and a third run on `/ws/echo-nohop/<room>/` shows what
Channels' per-message thread hop costs (see bench/echo_asgi.py). Every figure is
printed as `BENCH <name> <value> <unit>`; docs/benchmarks.md explains them.

Run it with `make bench`, or alone with `python -m bench.signaling_relay`.
"""

import asyncio
import contextlib
import json
import os
import shutil
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, WebSocketException

from tests.support.live import LiveServer

ROOMS = 200
GRACE_QUIET_S = 3  # after the last send, wait while messages still arrive...
GRACE_MAX_S = 30  # ...but no longer than this; what has not come by then is lost
CONNECT_CONCURRENCY = 25
OPEN_TIMEOUT_S = 20
READY_TIMEOUT_S = 60
CLOSE_TIMEOUT_S = 20
SETTLE_SECONDS = 5
APPLICATION = "bench.echo_asgi:application"
CLIENT = "client"
SPECIALIST = "specialist"


@dataclass(frozen=True)
class Load:
    """How often every socket sends a chat message, and for how long."""

    prefix: str  # of the BENCH names
    interval_s: float
    duration_s: float

    @property
    def messages_per_socket(self) -> int:
        return round(self.duration_s / self.interval_s)


LOADS = [
    # 2 messages a second per socket (the limit is 20): 800 a second in all.
    Load("relay", interval_s=0.5, duration_s=10),
    # One every 5 seconds per socket: 80 a second in all, closer to a real call.
    Load("relay_light", interval_s=5, duration_s=20),
]
# Issue 12: one Daphne relays 800 call messages a second with p99 below this.
GOAL_P99_MS = 100

# Which socket path each kind of relay is served at, by room number and booking id.
PATHS = {
    "ours": "/ws/consultations/{booking}/",
    "echo": "/ws/echo/{room}/",
    "echo_nohop": "/ws/echo-nohop/{room}/",
}

SETUP_CODE = """
import json
from datetime import timedelta
from importlib import import_module
from django.conf import settings
from django.contrib.auth import (
    BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model,
)
from django.db import transaction
from django.utils import timezone
from consultations.models import (
    Booking, ConsentRecord, ConsentTerms, SpecialistProfile, Topic,
)
ROOMS = {rooms}
User = get_user_model()
SessionStore = import_module(settings.SESSION_ENGINE).SessionStore


def session_key(user):
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def people(prefix):
    users = [User(username=f"{{prefix}}-{{n}}") for n in range(ROOMS)]
    for user in users:
        user.set_unusable_password()
    User.objects.bulk_create(users)
    return list(User.objects.filter(username__startswith=prefix + "-").order_by("pk"))


with transaction.atomic():
    clients = people("bench-client")
    specialists = people("bench-specialist")
    terms = ConsentTerms.objects.order_by("-published_at").first()
    if terms is None:
        terms = ConsentTerms.objects.create(version="bench", text="Bench consent.")
    ConsentRecord.objects.bulk_create(
        ConsentRecord(user=client, terms=terms) for client in clients
    )
    profiles = SpecialistProfile.objects.bulk_create(
        SpecialistProfile(user=user, kind="psychologist", bio="Bench specialist.")
        for user in specialists
    )
    starts = timezone.now() + timedelta(minutes=5)
    bookings = Booking.objects.bulk_create(
        Booking(
            client=client, specialist=profile, topic=Topic.GRIEF,
            starts_at=starts, ends_at=starts + timedelta(minutes=45),
        )
        for client, profile in zip(clients, profiles)
    )
    rooms = [
        {{
            "booking": booking.pk,
            "client": session_key(client),
            "specialist": session_key(specialist),
        }}
        for booking, client, specialist in zip(bookings, clients, specialists)
    ]
print(json.dumps(rooms))
"""


class RelayServer(LiveServer):
    """A LiveServer whose Daphne serves the benchmark's application (ours plus the
    echo room) instead of `cms.asgi`."""

    def start(self, timeout: float = 60, asgi_app: str = APPLICATION) -> None:
        super().start(timeout, asgi_app)

    def cpu_seconds(self) -> float:
        """User plus system CPU time Daphne has used so far (Linux /proc)."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1]
        user, system = fields.split()[11:13]
        return (int(user) + int(system)) / os.sysconf("SC_CLK_TCK")


def rooms_create(server: LiveServer) -> list[dict]:
    return json.loads(server.shell(SETUP_CODE.format(rooms=ROOMS), timeout=300))


@dataclass
class Recorder:
    """Chat messages sent and received in one phase, keyed (room, sender, number)."""

    sent: set = field(default_factory=set)
    latencies_ns: dict = field(default_factory=dict)
    duplicates: int = 0
    send_failures: list = field(default_factory=list)
    last_arrival: float = 0.0

    def arrived(self, room: int, text: str, now_ns: int) -> None:
        self.last_arrival = time.monotonic()
        sent_ns, sender, number = text.split(":")
        key = (room, sender, int(number))
        if key in self.latencies_ns:
            self.duplicates += 1
            return
        self.latencies_ns[key] = now_ns - int(sent_ns)

    def lost(self) -> int:
        return len(self.sent - self.latencies_ns.keys())

    def milliseconds(self) -> list[float]:
        return [ns / 1e6 for ns in self.latencies_ns.values()]


@dataclass
class Side:
    """One person's socket in one room."""

    room: int
    role: str
    path: str
    session: str
    recorder: Recorder
    connection: ClientConnection | None = None
    welcomed: asyncio.Event = field(default_factory=asyncio.Event)
    admitted: asyncio.Event = field(default_factory=asyncio.Event)
    unexpected: list = field(default_factory=list)
    reader: asyncio.Task | None = None

    async def open(self, base_url: str) -> None:
        self.connection = await connect(
            base_url.replace("http://", "ws://") + self.path,
            origin=base_url,
            additional_headers={"Cookie": f"sessionid={self.session}"},
            proxy=None,
            compression=None,
            open_timeout=OPEN_TIMEOUT_S,
            max_queue=None,
        )
        self.reader = asyncio.ensure_future(self.read())

    async def read(self) -> None:
        try:
            async for raw in self.connection:
                # The clock first: parsing is the receiver's cost, not the relay's.
                now_ns = time.perf_counter_ns()
                message = json.loads(raw)
                kind = message.get("type")
                if kind == "chat":
                    self.recorder.arrived(self.room, message["text"], now_ns)
                elif kind == "welcome":
                    self.welcomed.set()
                elif kind == "admitted":
                    self.admitted.set()
                elif kind != "peer":
                    self.unexpected.append(message)
        except ConnectionClosed:
            pass

    async def send(self, message: dict) -> None:
        await self.connection.send(json.dumps(message))

    async def chat(self, load: Load, start: float, offset: float) -> None:
        loop = asyncio.get_running_loop()
        for number in range(load.messages_per_socket):
            delay = start + offset + number * load.interval_s - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            key = (self.room, self.role, number)
            text = f"{time.perf_counter_ns()}:{self.role}:{number}"
            try:
                await self.send({"type": "chat", "text": text})
            except WebSocketException as error:
                self.recorder.send_failures.append(f"{key}: {error!r}")
                return
            self.recorder.sent.add(key)

    def trouble(self) -> str | None:
        """What went wrong on this socket, if anything."""
        code = self.connection.close_code if self.connection else None
        if self.unexpected or code is not None:
            return (
                f"room {self.room} {self.role}: close code {code}, "
                f"unexpected {self.unexpected[:3]}"
            )
        return None


def sides_for(rooms: list[dict], recorder: Recorder, kind: str) -> list[Side]:
    sides = []
    for number, room in enumerate(rooms):
        path = PATHS[kind].format(room=number, booking=room["booking"])
        for role in (CLIENT, SPECIALIST):
            sides.append(Side(number, role, path, room[role], recorder))
    return sides


async def open_all(sides: list[Side], base_url: str) -> None:
    gate = asyncio.Semaphore(CONNECT_CONCURRENCY)

    async def open_one(side: Side) -> None:
        async with gate:
            await side.open(base_url)

    await asyncio.gather(*(open_one(side) for side in sides))


async def wait_all(events: list[asyncio.Event], what: str, sides: list[Side]) -> None:
    try:
        await asyncio.wait_for(
            asyncio.gather(*(event.wait() for event in events)), READY_TIMEOUT_S
        )
    except TimeoutError:
        missing = sum(not event.is_set() for event in events)
        troubles = [text for side in sides if (text := side.trouble())]
        raise RuntimeError(
            f"{missing} sockets without {what} after {READY_TIMEOUT_S}s: {troubles[:5]}"
        ) from None


async def close_all(sides: list[Side]) -> None:
    async def close_one(side: Side) -> None:
        if side.connection is not None:
            await side.connection.close()
        if side.reader is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await side.reader

    await asyncio.wait_for(
        asyncio.gather(*(close_one(side) for side in sides)), CLOSE_TIMEOUT_S
    )


async def chat_phase(sides: list[Side], recorder: Recorder, load: Load) -> None:
    """Every socket sends on its own beat; the beats are spread evenly over the
    interval so that the server sees a steady flow, not bursts. Then wait for late
    messages while they still come."""
    start = asyncio.get_running_loop().time() + 0.5
    await asyncio.gather(
        *(
            side.chat(load, start, index * load.interval_s / len(sides))
            for index, side in enumerate(sides)
        )
    )
    sent_all = time.monotonic()
    while recorder.lost():
        now = time.monotonic()
        quiet = now - max(recorder.last_arrival, sent_all) >= GRACE_QUIET_S
        if quiet or now - sent_all >= GRACE_MAX_S:
            return
        await asyncio.sleep(0.1)


async def phase(
    server: RelayServer, rooms: list[dict], kind: str, load: Load
) -> tuple[Recorder, float]:
    """One phase: open, get ready, chat, close. Returns what was recorded and the
    Daphne CPU seconds used while the messages were sent and awaited."""
    recorder = Recorder()
    sides = sides_for(rooms, recorder, kind)
    try:
        await open_all(sides, server.url)
        if kind == "ours":
            await wait_all([side.welcomed for side in sides], "welcome", sides)
            await asyncio.gather(*(side.send({"type": "join"}) for side in sides))
            specialists = [side for side in sides if side.role == SPECIALIST]
            await asyncio.gather(
                *(side.send({"type": "admit"}) for side in specialists)
            )
            await wait_all([side.admitted for side in sides], "admitted", sides)
        cpu_before = server.cpu_seconds()
        await chat_phase(sides, recorder, load)
        cpu = server.cpu_seconds() - cpu_before
        troubles = [text for side in sides if (text := side.trouble())]
        if troubles:
            print(f"# {len(troubles)} sockets in trouble: {troubles[:5]}", flush=True)
        if recorder.send_failures:
            print(f"# send failures: {recorder.send_failures[:5]}", flush=True)
        return recorder, cpu
    finally:
        await close_all(sides)


def percentile(values: list[float], rank: int) -> float:
    if len(values) < 2:
        return float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[rank - 1]


def bench(name: str, value: float, unit: str) -> None:
    if unit == "ratio":
        text = f"{value:.2f}"
    elif unit == "ms":
        text = f"{value:.2f}"
    else:
        text = str(round(value))
    print(f"BENCH {name} {text} {unit}", flush=True)


def describe(kind: str, load: Load, recorder: Recorder, cpu: float) -> None:
    values = recorder.milliseconds()
    slowest = max(values, default=float("nan"))
    print(
        f"# {kind}, one message per socket every {load.interval_s:g} s: "
        f"{len(recorder.latencies_ns)} measured, {recorder.lost()} lost, "
        f"{recorder.duplicates} duplicates; ms p50 {percentile(values, 50):.2f}, "
        f"p90 {percentile(values, 90):.2f}, p99 {percentile(values, 99):.2f}, "
        f"max {slowest:.2f}; Daphne CPU {cpu:.1f} s "
        f"(sending took {load.duration_s:g} s); load average "
        f"{os.getloadavg()[0]:.1f}",
        flush=True,
    )


def report(load: Load, results: dict[str, Recorder]) -> None:
    name = load.prefix
    ours = results["ours"].milliseconds()
    echo = results["echo"].milliseconds()
    nohop = results["echo_nohop"].milliseconds()
    p50, p99 = percentile(ours, 50), percentile(ours, 99)
    echo_p50, echo_p99 = percentile(echo, 50), percentile(echo, 99)
    bench(f"{name}_p50_ms", p50, "ms")
    bench(f"{name}_p99_ms", p99, "ms")
    bench(f"{name}_echo_p50_ms", echo_p50, "ms")
    bench(f"{name}_echo_p99_ms", echo_p99, "ms")
    bench(f"{name}_p50_vs_echo_ratio", p50 / echo_p50, "ratio")
    bench(f"{name}_p99_vs_echo_ratio", p99 / echo_p99, "ratio")
    bench(f"{name}_messages", len(ours), "messages")
    bench(f"{name}_lost", results["ours"].lost(), "messages")
    bench(f"{name}_echo_messages", len(echo), "messages")
    bench(f"{name}_echo_lost", results["echo"].lost(), "messages")
    bench(f"{name}_echo_nohop_p50_ms", percentile(nohop, 50), "ms")
    bench(f"{name}_echo_nohop_p99_ms", percentile(nohop, 99), "ms")
    bench(f"{name}_echo_nohop_lost", results["echo_nohop"].lost(), "messages")
    if load is LOADS[0]:
        met = p99 < GOAL_P99_MS and results["ours"].lost() == 0
        print(
            f"# goal: {name}_p99_ms < {GOAL_P99_MS} ms at "
            f"{round(2 * ROOMS / load.interval_s)} messages a second, none lost "
            f"(echo relay p99 {echo_p99:.2f} ms in the same run): "
            f"{'goal met' if met else 'goal NOT met'}",
            flush=True,
        )


async def measure(server: RelayServer, rooms: list[dict]) -> None:
    print(
        f"# {ROOMS} rooms, {2 * ROOMS} sockets on one Daphne; "
        f"load average {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    for load in LOADS:
        results = {}
        for kind in PATHS:
            recorder, cpu = await phase(server, rooms, kind, load)
            describe(kind, load, recorder, cpu)
            results[kind] = recorder
            # 400 sockets just left (each `leave` is an audit record written on
            # Daphne's one sync thread): let that finish before the next 400 open,
            # or their handshakes wait behind it past Daphne's 5-second limit.
            await asyncio.sleep(SETTLE_SECONDS)
        report(load, results)


def main() -> None:
    server = RelayServer()
    try:
        server.prepare()
        rooms = rooms_create(server)
        server.start()
        asyncio.run(measure(server, rooms))
    finally:
        server.stop()
    # Kept on failure: the Daphne log there explains what broke.
    shutil.rmtree(server.workdir, ignore_errors=True)


if __name__ == "__main__":
    main()

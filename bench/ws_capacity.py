"""How many call sockets one Daphne worker holds with no error, and the memory each
costs, against a bare Channels echo consumer served by Daphne in the same run.

The server is one worker of the scale-out profile (`bench.stack`: Daphne with
`--proxy-headers`, a scratch PostgreSQL database, the Redis channel layer), reached
directly on its port. The sockets are real signed-in call sockets on
`/ws/consultations/<booking id>/`: one `manage.py shell` script (the relay
benchmark's) makes a client, a specialist and a booking whose call is open for every
two sockets and signs everyone in by writing sessions, so each socket goes through the
whole stack: Origin check, session and user from PostgreSQL, the participant check,
the room in Redis, the `call_join` audit record, `welcome`.

The sockets are opened in steps (`RAMP`). After each step the benchmark waits, then
every socket opened so far must still be open and answer a `ping` with `pong`; the
first step with any failure (refused or dropped handshake, close, no answer) ends the
ramp. Memory per connection is the growth of Daphne's resident memory (VmRSS) from
before the first socket (after a few sockets were opened and closed, so that lazy
imports and caches are already there) to the last step held, divided by its sockets.

Baseline: `bench.echo_asgi:application` served by a second Daphne with the same
settings (the same Redis channel layer); the sockets go to `/ws/echo/<pair>/`
(`EchoRelayConsumer`: joins a group, no sign-in, no database), two per group, the
same steps, and each socket's liveness check is a message relayed to the other of its
pair. Every figure is printed as `BENCH <name> <value> <unit>`; docs/benchmarks.md
explains them.

Run it with `make bench`, or alone with `python -m bench.ws_capacity`.
"""

import asyncio
import contextlib
import json
import os
import shutil
import time
from dataclasses import dataclass, field

from websockets.asyncio.client import ClientConnection, connect

from bench.signaling_relay import SETUP_CODE
from bench.stack import (
    ExtraDaphne,
    bench,
    file_limit_raise,
    load_average,
    open_files_limit,
    rss_kib,
    stack_start,
)

# Sockets open after each step; KOMAK_BENCH_WS_RAMP="50,100" for a quick try.
RAMP_TEXT = os.environ.get("KOMAK_BENCH_WS_RAMP", "250,500,1000,1500,2000")
RAMP = tuple(int(step) for step in RAMP_TEXT.split(","))
WARM_UP_SOCKETS = 10
HOLD_SECONDS = 5
SETTLE_SECONDS = 3
CONNECT_CONCURRENCY = 25
OPEN_TIMEOUT_S = 30
ANSWER_TIMEOUT_S = 30
CLOSE_TIMEOUT_S = 60
# Issue 12: 1,000 sockets or more on one worker, under 100 KB each (1 KB = 1024 B).
GOAL_SOCKETS = 1000
GOAL_KIB_PER_SOCKET = 100


@dataclass
class Socket:
    path: str
    cookie: str | None
    connection: ClientConnection | None = None


@dataclass
class Kind:
    """One kind of socket: where it goes and how it proves it is alive."""

    name: str
    base_url: str
    pid: int
    sockets: list[Socket]
    opened: list[Socket] = field(default_factory=list)

    async def open(self, socket: Socket) -> None:
        headers = {"Cookie": f"sessionid={socket.cookie}"} if socket.cookie else {}
        socket.connection = await connect(
            self.base_url.replace("http://", "ws://") + socket.path,
            origin=self.base_url,
            additional_headers=headers,
            proxy=None,
            compression=None,
            open_timeout=OPEN_TIMEOUT_S,
        )
        if self.name == "ours":
            message = json.loads(
                await asyncio.wait_for(socket.connection.recv(), ANSWER_TIMEOUT_S)
            )
            if message.get("type") != "welcome":
                raise RuntimeError(f"{socket.path}: {message} instead of welcome")

    async def alive(self, socket: Socket) -> None:
        """Ours: `ping` answered by `pong`. Echo: a message to the group arrives at
        the other socket of the pair (which sends one back the same way)."""
        await socket.connection.send(json.dumps({"type": "ping"}))
        message = json.loads(
            await asyncio.wait_for(socket.connection.recv(), ANSWER_TIMEOUT_S)
        )
        expected = "pong" if self.name == "ours" else "ping"
        if message.get("type") != expected:
            raise RuntimeError(f"{socket.path}: {message} instead of {expected}")


async def gathered_errors(coroutines) -> list[str]:
    gate = asyncio.Semaphore(CONNECT_CONCURRENCY)

    async def one(coroutine) -> str | None:
        async with gate:
            try:
                await coroutine
            except Exception as error:  # every failure counts; none stops the rest
                return repr(error)[:200]
        return None

    results = await asyncio.gather(*(one(coroutine) for coroutine in coroutines))
    return [result for result in results if result]


async def close_all(sockets: list[Socket]) -> None:
    async def close(socket: Socket) -> None:
        if socket.connection is not None:
            with contextlib.suppress(Exception):
                await socket.connection.close()

    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(
            asyncio.gather(*(close(socket) for socket in sockets)), CLOSE_TIMEOUT_S
        )


@dataclass
class Result:
    held: int = 0
    kib_per_socket: float = float("nan")
    errors: int = 0
    rss_before_kib: int = 0
    rss_held_kib: int = 0


async def ramp(kind: Kind) -> Result:
    result = Result()
    # Warm-up: imports, caches and the first database connections on the server.
    warm = [Socket(s.path, s.cookie) for s in kind.sockets[:WARM_UP_SOCKETS]]
    errors = await gathered_errors(kind.open(socket) for socket in warm)
    errors += await gathered_errors(kind.alive(socket) for socket in warm)
    await close_all(warm)
    if errors:
        raise RuntimeError(f"{kind.name}: warm-up failed: {errors[:3]}")
    await asyncio.sleep(SETTLE_SECONDS)
    result.rss_before_kib = rss_kib(kind.pid)
    print(
        f"# {kind.name}: Daphne pid {kind.pid}, RSS {result.rss_before_kib} KiB "
        f"before, open-file limit {open_files_limit(kind.pid)}; load average "
        f"{load_average()}",
        flush=True,
    )
    try:
        for step in RAMP:
            started = time.monotonic()
            new = kind.sockets[len(kind.opened) : step]
            errors = await gathered_errors(kind.open(socket) for socket in new)
            kind.opened += new
            opening = time.monotonic() - started
            await asyncio.sleep(HOLD_SECONDS)
            # A socket whose handshake failed is already among the errors.
            live = [s for s in kind.opened if s.connection is not None]
            errors += await gathered_errors(kind.alive(socket) for socket in live)
            rss = rss_kib(kind.pid)
            failed = len(errors)
            print(
                f"# {kind.name}: {step} sockets opened in {opening:.1f} s, held "
                f"{HOLD_SECONDS} s, {failed} failed; RSS {rss} KiB "
                f"({(rss - result.rss_before_kib) / step:.1f} KiB per socket); "
                f"load average {load_average()}",
                flush=True,
            )
            if failed:
                result.errors = failed
                print(f"# {kind.name}: first errors: {errors[:3]}", flush=True)
                break
            result.held = step
            result.rss_held_kib = rss
            result.kib_per_socket = (rss - result.rss_before_kib) / step
    finally:
        await close_all(kind.opened)
    return result


def main() -> None:
    limit = file_limit_raise()
    sockets_wanted = max(RAMP)
    if limit < 2 * sockets_wanted + 200:
        print(f"# open-file limit {limit} is low for {sockets_wanted} sockets")
    stack = stack_start(workers=1)
    echo = ExtraDaphne(stack, "bench.echo_asgi:application")
    try:
        rooms = json.loads(
            stack.shell(SETUP_CODE.format(rooms=(sockets_wanted + 1) // 2), timeout=600)
        )
        ours_sockets = [
            Socket(f"/ws/consultations/{room['booking']}/", room[role])
            for room in rooms
            for role in ("client", "specialist")
        ]
        worker = stack.processes["web1"]
        ours = Kind(
            "ours",
            f"http://127.0.0.1:{stack.worker_ports[0]}",
            worker.pid,
            ours_sockets,
        )
        results = {"ours": asyncio.run(ramp(ours))}
        # The worker has nothing more to do here; its CPU goes to the baseline.
        stack.process_stop("web1")
        echo.start()
        echo_sockets = [
            Socket(f"/ws/echo/{number // 2}/", None)
            for number in range(len(ours_sockets))
        ]
        baseline = Kind("echo", echo.url, echo.process.pid, echo_sockets)
        results["echo"] = asyncio.run(ramp(baseline))
    finally:
        echo.stop()
        stack.stop()
    ours, baseline = results["ours"], results["echo"]
    bench("ws_concurrent_per_worker", ours.held, "sockets")
    bench("ws_concurrent_per_worker_errors", ours.errors, "errors")
    bench("ws_memory_per_connection_kib", ours.kib_per_socket, "KiB")
    bench("ws_echo_concurrent_per_worker", baseline.held, "sockets")
    bench("ws_echo_concurrent_per_worker_errors", baseline.errors, "errors")
    bench("ws_echo_memory_per_connection_kib", baseline.kib_per_socket, "KiB")
    bench(
        "ws_memory_per_connection_vs_echo_ratio",
        ours.kib_per_socket / baseline.kib_per_socket
        if baseline.kib_per_socket
        else float("nan"),
        "ratio",
    )
    met = ours.held >= GOAL_SOCKETS and ours.kib_per_socket < GOAL_KIB_PER_SOCKET
    print(
        f"# ramp {', '.join(map(str, RAMP))}; goal: >= {GOAL_SOCKETS} sockets held "
        f"with no error, < {GOAL_KIB_PER_SOCKET} KiB each: "
        f"{'goal met' if met else 'goal NOT met'}",
        flush=True,
    )
    # Kept on failure: the Daphne logs there explain what broke.
    shutil.rmtree(stack.workdir, ignore_errors=True)


if __name__ == "__main__":
    main()

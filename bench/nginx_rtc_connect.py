"""Call set-up time through nginx in front of two Daphne workers, against the same
through one of those workers directly.

The stack is the scale-out profile (`bench.stack`: `make scale-up`'s two workers with
`--proxy-headers` on a scratch PostgreSQL database and the Redis channel layer,
Debian's nginx with deploy/nginx/komak.conf), without STUN or TURN, every ICE
candidate on 127.0.0.1 (`bench.rtc_connect.loopback_only`). The demo client and
specialist sign in once through nginx; each run gets a new joinable booking (admission
is kept on the booking), and two aiortc peers (`bench.rtc_connect.TimedPeer`, from
`tests.support.rtc`) open their sockets at the same moment and go through the whole
protocol of docs/signaling.md: welcome, join, present, admit, admitted, offer, answer,
ICE and DTLS. The figure is from the moment both start opening their sockets to both
RTCPeerConnections being "connected".

Runs alternate between nginx (`least_conn`: the two peers of a call may land on
different workers, and the channel layer carries their messages between them) and the
first worker's own port, so that a busy moment of the machine weighs on both alike.
Every figure is printed as `BENCH <name> <value> <unit>`; docs/benchmarks.md explains
them.

Run it with `make bench`, or alone with `python -m bench.nginx_rtc_connect`.
"""

import asyncio
import os
import re
import shutil
import statistics
import time

from bench.rtc_connect import (
    CLIENT,
    CONNECT_TIMEOUT_S,
    SERVER_ENV,
    SPECIALIST,
    TimedPeer,
    loopback_only,
    p90,
)
from bench.stack import bench, django_setup, load_average, stack_start
from tests.support.bookings import joinable_booking_ids
from tests.support.rtc import login_session

SOCKET_LOG = re.compile(r'"GET /ws/consultations/(\d+)/ [^"]*" .* upstream=(\S+)')
RUNS = int(os.environ.get("KOMAK_BENCH_RTC_RUNS", "15"))  # of each kind


async def call_setup_ms(base_url: str, booking_id: int, sessions: dict) -> float:
    """Milliseconds from both peers starting to open their sockets to both being
    connected."""
    peers = [
        TimedPeer(
            base_url=base_url,
            booking_id=booking_id,
            username=username,
            session=sessions[username],
        )
        for username in (CLIENT, SPECIALIST)
    ]
    try:
        started = time.monotonic()
        await asyncio.gather(*(peer.start() for peer in peers))
        await asyncio.gather(
            *(peer.wait_connected(CONNECT_TIMEOUT_S) for peer in peers)
        )
        return 1000 * (max(peer.connected_at for peer in peers) - started)
    finally:
        await asyncio.gather(*(peer.close() for peer in peers))


async def measure(stack) -> dict[str, list[float]]:
    booking_ids = joinable_booking_ids(stack.server, 2 * RUNS)
    sessions = {
        username: await asyncio.to_thread(login_session, stack.url, username)
        for username in (CLIENT, SPECIALIST)
    }
    direct_url = f"http://127.0.0.1:{stack.worker_ports[0]}"
    times = {"nginx": [], "direct": []}
    for run in range(RUNS):
        times["nginx"].append(
            await call_setup_ms(stack.url, booking_ids[2 * run], sessions)
        )
        times["direct"].append(
            await call_setup_ms(direct_url, booking_ids[2 * run + 1], sessions)
        )
    return times


def main() -> None:
    loopback_only()
    django_setup()
    stack = stack_start(workers=2, extra_env=SERVER_ENV)
    try:
        print(
            f"# {RUNS} calls through nginx and {RUNS} straight to one worker, "
            f"alternating; load average {load_average()}",
            flush=True,
        )
        times = asyncio.run(measure(stack))
        workers_of_call = {}
        for booking, worker in SOCKET_LOG.findall(stack.access_log.read_text()):
            workers_of_call.setdefault(booking, set()).add(worker)
        split = sum(len(workers) > 1 for workers in workers_of_call.values())
        print(
            f"# calls through nginx whose two sockets were on different workers: "
            f"{split} of {len(workers_of_call)}",
            flush=True,
        )
    finally:
        stack.stop()
    for kind, values in times.items():
        print(
            f"# {kind}, sockets opening to connected (ms): "
            f"{', '.join(str(round(value)) for value in values)}; load average "
            f"{load_average()}",
            flush=True,
        )
    nginx, direct = times["nginx"], times["direct"]
    bench("nginx_call_setup_median_ms", statistics.median(nginx), "ms")
    bench("nginx_call_setup_p90_ms", p90(nginx), "ms")
    bench("nginx_call_setup_runs", len(nginx), "runs")
    bench("direct_call_setup_median_ms", statistics.median(direct), "ms")
    bench("direct_call_setup_p90_ms", p90(direct), "ms")
    bench("direct_call_setup_runs", len(direct), "runs")
    bench(
        "nginx_call_setup_vs_direct_ratio",
        statistics.median(nginx) / statistics.median(direct),
        "ratio",
    )
    shutil.rmtree(stack.workdir, ignore_errors=True)


if __name__ == "__main__":
    main()

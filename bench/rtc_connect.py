"""Time for a call to connect through our signaling, against two peers wired directly.

A black-box benchmark: it starts a real Ko'mak (`tests.support.live.LiveServer`, the
embedded profile: one Daphne, SQLite, in-memory channel layer) and makes one joinable
booking per run between the demo client and the demo specialist. Each run puts two
aiortc peers (`tests.support.rtc.RtcPeer`) through the whole protocol of
docs/signaling.md over real WebSockets — join, present, admit, admitted, offer, answer —
and measures from the moment both have joined (both welcomed, both `join` sent) to
both RTCPeerConnections being "connected". The baseline is two aiortc peers with the
same tracks in this process, handing offer and answer to each other in memory.

Then the round trip that the pre-call check reports: an aiortc peer offers to the
echo peer inside Daphne as static/js/precall.js does (tracks and a "ping" channel,
the offer POSTed with the session and CSRF token) and sends 10 "ping <n>" 200 ms apart;
the median of the answered round trips is the figure. The check's verdict offers video
only under 300 ms (`consultations.services.precall_verdict`): that goal is judged here,
not in the tests.
Every figure is printed as `BENCH <name> <value> <unit>`; docs/benchmarks.md explains
them.

Run it with `make bench`, or alone with `python -m bench.rtc_connect`.
"""

import asyncio
import contextlib
import shutil
import statistics
import time

import aioice.ice
from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription

from bench.stack import django_setup
from tests.support.bookings import joinable_booking_ids
from tests.support.live import LiveServer
from tests.support.precall import precall_offer
from tests.support.rtc import RtcPeer, SyntheticVideoTrack, ToneTrack, login_session

RUNS = 20
CONNECT_TIMEOUT_S = 30
JOIN_TIMEOUT_S = 15
# As static/js/precall.js measures: 10 pings, 200 ms apart, each given 2 s.
PINGS = 10
PING_GAP_S = 0.2
PING_TIMEOUT_S = 2.0
# Above this the check's verdict is no longer video (consultations/services.py).
PRECALL_RTT_GOAL_MS = 300
CLIENT = "client"
SPECIALIST = "specialist"

# No STUN or TURN: every candidate is a host candidate on 127.0.0.1, for our peers and
# for the baseline alike, so that both measure signaling and ICE, not a remote server.
SERVER_ENV = {"STUN_URLS": "", "TURN_URLS": "", "TURN_SECRET": ""}


def loopback_only() -> None:
    """Make aioice offer 127.0.0.1 as its only host address (it leaves loopback out
    by default), so that every packet stays on this machine."""
    aioice.ice.get_host_addresses = lambda use_ipv4, use_ipv6: ["127.0.0.1"]


class TimedPeer(RtcPeer):
    """An `RtcPeer` that notes when its `join` went out and signs in only once.

    Signing in per run would make 40 logins in well under a minute, past allauth's
    limit of 30 per minute per address, so each person's session cookie is reused.
    """

    def __init__(self, *, session: str, **kwargs):
        super().__init__(**kwargs)
        self.session = session
        self.joined_at: float | None = None
        self.joined = asyncio.Event()

    async def start(self) -> None:
        from websockets.asyncio.client import connect

        self.started_at = time.monotonic()
        self.socket = await connect(
            self.ws_url,
            origin=self.base_url,
            additional_headers={"Cookie": f"sessionid={self.session}"},
            proxy=None,
            open_timeout=10,
        )
        self._spawn(self._read())

    async def _send(self, message: dict) -> None:
        await super()._send(message)
        if message["type"] == "join" and self.joined_at is None:
            self.joined_at = time.monotonic()
            self.joined.set()


async def signaled_run(
    base_url: str, booking_id: int, sessions: dict
) -> tuple[float, float]:
    """Seconds from both peers having joined to both being connected, and to both
    having been admitted (when each creates its RTCPeerConnection)."""
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
        # The client is usually first in the waiting room; the specialist comes.
        for peer in peers:
            await peer.start()
        try:
            await asyncio.wait_for(
                asyncio.gather(*(peer.joined.wait() for peer in peers)),
                JOIN_TIMEOUT_S,
            )
        except TimeoutError:
            details = "; ".join(peer.describe() for peer in peers)
            raise RuntimeError(f"booking {booking_id}: no join: {details}") from None
        await asyncio.gather(
            *(peer.wait_connected(CONNECT_TIMEOUT_S) for peer in peers)
        )
        joined = max(peer.joined_at for peer in peers)
        connected = max(peer.connected_at for peer in peers)
        admitted = max(peer.admitted_at for peer in peers)
        return connected - joined, admitted - joined
    finally:
        await asyncio.gather(*(peer.close() for peer in peers))


async def direct_run() -> float:
    """Seconds from creating two peer connections to both being connected, with the
    offer and answer handed over in memory."""
    started = time.monotonic()
    offerer = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    answerer = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    connected = {}
    done = asyncio.Event()

    def watch(name: str, connection: RTCPeerConnection) -> None:
        @connection.on("connectionstatechange")
        def changed() -> None:
            if connection.connectionState == "connected" and name not in connected:
                connected[name] = time.monotonic()
                if len(connected) == 2:
                    done.set()

    watch("offerer", offerer)
    watch("answerer", answerer)
    try:
        for connection in (offerer, answerer):
            connection.addTrack(ToneTrack())
            connection.addTrack(SyntheticVideoTrack())
        await offerer.setLocalDescription(await offerer.createOffer())
        await answerer.setRemoteDescription(offerer.localDescription)
        await answerer.setLocalDescription(await answerer.createAnswer())
        await offerer.setRemoteDescription(answerer.localDescription)
        await asyncio.wait_for(done.wait(), CONNECT_TIMEOUT_S)
        return max(connected.values()) - started
    finally:
        await offerer.close()
        await answerer.close()


async def precall_round_trips(base_url: str, booking_id: int, session: str) -> list:
    """Round trips in ms to the pre-call check's echo peer, as the browser measures
    them (timed-out pings are left out, as precall.js leaves them out)."""
    peer = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    channel = peer.createDataChannel("ping")
    peer.addTrack(ToneTrack())
    peer.addTrack(SyntheticVideoTrack())
    opened = asyncio.Event()
    answered: dict[str, asyncio.Event] = {}
    channel.on("open", opened.set)

    @channel.on("message")
    def on_pong(message) -> None:
        number = message.removeprefix("pong ") if isinstance(message, str) else ""
        with contextlib.suppress(KeyError):
            answered[number].set()

    try:
        await peer.setLocalDescription(await peer.createOffer())
        answer = await asyncio.to_thread(
            precall_offer,
            base_url,
            booking_id,
            peer.localDescription.sdp,
            session=session,
        )
        await peer.setRemoteDescription(
            RTCSessionDescription(answer["sdp"], answer["type"])
        )
        await asyncio.wait_for(opened.wait(), CONNECT_TIMEOUT_S)
        round_trips = []
        for number in range(1, PINGS + 1):
            answered[str(number)] = asyncio.Event()
            sent_at = time.monotonic()
            channel.send(f"ping {number}")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(answered[str(number)].wait(), PING_TIMEOUT_S)
                round_trips.append(1000 * (time.monotonic() - sent_at))
            await asyncio.sleep(PING_GAP_S)  # the browser's pacing, not a wait
        return round_trips
    finally:
        await peer.close()


def p90(values: list[float]) -> float:
    return statistics.quantiles(values, n=10, method="inclusive")[-1]


def bench(name: str, value: float, unit: str) -> None:
    text = f"{value:.2f}" if unit == "ratio" else f"{value:.1f}"
    if unit == "runs":
        text = str(round(value))
    print(f"BENCH {name} {text} {unit}", flush=True)


def runs_line(label: str, values: list[float]) -> None:
    print(f"# {label} (ms): {', '.join(str(round(v)) for v in values)}", flush=True)


async def measure(server: LiveServer) -> None:
    # One new booking per run, so that every run goes through admission again
    # (admission is kept on the booking row).
    *booking_ids, precall_booking_id = joinable_booking_ids(server, RUNS + 1)
    sessions = {
        username: await asyncio.to_thread(login_session, server.url, username)
        for username in (CLIENT, SPECIALIST)
    }
    signaled = []
    admitted = []
    direct = []
    # Alternated, so that a slower moment of the machine weighs on both alike.
    for booking_id in booking_ids:
        seconds, seconds_to_admitted = await signaled_run(
            server.url, booking_id, sessions
        )
        signaled.append(1000 * seconds)
        admitted.append(1000 * seconds_to_admitted)
        direct.append(1000 * await direct_run())
    runs_line("through Daphne, joined to connected", signaled)
    runs_line("through Daphne, joined to admitted (both)", admitted)
    runs_line("direct, created to connected", direct)
    print(
        f"# median joined to admitted: {statistics.median(admitted):.1f} ms",
        flush=True,
    )

    signaled_median = statistics.median(signaled)
    direct_median = statistics.median(direct)
    bench("rtc_connect_median_ms", signaled_median, "ms")
    bench("rtc_connect_p90_ms", p90(signaled), "ms")
    bench("rtc_connect_runs", len(signaled), "runs")
    bench("rtc_connect_direct_median_ms", direct_median, "ms")
    bench("rtc_connect_direct_p90_ms", p90(direct), "ms")
    bench("rtc_connect_direct_runs", len(direct), "runs")
    bench("rtc_connect_vs_direct_ratio", signaled_median / direct_median, "ratio")

    round_trips = await precall_round_trips(
        server.url, precall_booking_id, sessions[CLIENT]
    )
    runs_line("pre-call check, ping to pong", round_trips)
    if not round_trips:
        raise RuntimeError("the pre-call echo peer answered no ping")
    precall_median = statistics.median(round_trips)
    bench("precall_echo_rtt_median_ms", precall_median, "ms")
    bench("precall_echo_pings_answered", len(round_trips), "runs")
    met = "met" if precall_median < PRECALL_RTT_GOAL_MS else "missed"
    print(
        f"# goal: the check's round trip under {PRECALL_RTT_GOAL_MS} ms: {met}",
        flush=True,
    )


def main() -> None:
    loopback_only()
    django_setup()  # the specialist's sign-in computes an authenticator code
    with LiveServer(extra_env=SERVER_ENV) as server:
        asyncio.run(measure(server))
    # Kept on failure: the Daphne log there explains what broke.
    shutil.rmtree(server.workdir, ignore_errors=True)


if __name__ == "__main__":
    main()

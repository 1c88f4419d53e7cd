"""Real WebRTC calls between two aiortc peers through a real Daphne.

Each test signs in the demo client and the demo specialist over HTTP, opens the
signaling WebSocket of a booking whose call is open now, and proves that both sides
reach connectionState "connected" and decode at least 10 audio and 10 video frames
from each other:

- the embedded profile: one Daphne, SQLite, in-memory channel layer, host candidates;
- through coturn: TURN credentials from the server's `welcome`, relay-only peers, the
  selected pair uses a relay candidate; and a wrong TURN secret never connects;
- the scale-out profile: two Daphne workers sharing PostgreSQL and Redis, the client's
  socket on one and the specialist's on the other;
- the pre-call check's echo peer living in Daphne's event loop.

Everything runs on 127.0.0.1 with every wait bounded.
"""

import asyncio
import contextlib
import json
import logging
import os
import secrets
import shutil
import socket
import subprocess
import time
from datetime import timedelta

import pytest
from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import MediaStreamError
from django.utils import timezone

from consultations.turn import turn_credentials
from tests.support.bookings import joinable_booking_id
from tests.support.homes import demo_sign_in
from tests.support.i18n import uz
from tests.support.live import CHROMIUM_ARGS, LiveServer
from tests.support.parts import require, require_chromium
from tests.support.precall import precall_offer
from tests.support.rtc import (
    RtcPeer,
    SyntheticVideoTrack,
    ToneTrack,
    login_session,
    loopback_host_candidates,
)
from tests.support.services import require_postgres, require_redis
from tests.support.waiting import eventually_async, grows, page_true

pytestmark = pytest.mark.e2e
logger = logging.getLogger(__name__)

CONNECT_TIMEOUT = 30
FRAMES_TIMEOUT = 30
MIN_FRAMES = 10
SCALE_OUT_REDIS_URL = os.environ.get(
    "KOMAK_TEST_SCALE_OUT_REDIS_URL", "redis://127.0.0.1:6379/13"
)


def user_id(server: LiveServer, username: str) -> int:
    code = (
        "from django.contrib.auth import get_user_model; "
        f"print(get_user_model().objects.get(username={username!r}).pk)"
    )
    return int(server.shell(code))


class Call:
    """The two peers of one call, started and closed together."""

    def __init__(self, client: RtcPeer, specialist: RtcPeer):
        self.client = client
        self.specialist = specialist
        self.peers = (client, specialist)

    async def __aenter__(self) -> "Call":
        try:
            await self.client.start()
            await self.specialist.start()
        except BaseException:
            await self.__aexit__()
            raise
        return self

    async def __aexit__(self, *exc) -> None:
        await asyncio.gather(*(peer.close() for peer in self.peers))

    async def connected_and_frames(self) -> dict:
        """Seconds from admission to "connected" per role, once frames flowed both
        ways."""
        await asyncio.gather(
            *(peer.wait_connected(CONNECT_TIMEOUT) for peer in self.peers)
        )
        await asyncio.gather(
            *(
                peer.wait_frames(
                    audio=MIN_FRAMES, video=MIN_FRAMES, timeout=FRAMES_TIMEOUT
                )
                for peer in self.peers
            )
        )
        return {
            peer.username: round(peer.seconds_admitted_to_connected(), 3)
            for peer in self.peers
        }


def call_of(client_url: str, specialist_url: str, booking_id: int, **options) -> Call:
    return Call(
        RtcPeer(
            base_url=client_url, booking_id=booking_id, username="client", **options
        ),
        RtcPeer(
            base_url=specialist_url,
            booking_id=booking_id,
            username="specialist",
            **options,
        ),
    )


def media_call(client_url: str, specialist_url: str, booking_id: int):
    """Run a call until both peers are connected and frames flowed both ways."""

    async def scenario():
        async with call_of(client_url, specialist_url, booking_id) as call:
            seconds = await call.connected_and_frames()
            return seconds, call

    seconds, call = asyncio.run(scenario())
    for peer in call.peers:
        assert peer.frames["audio"] >= MIN_FRAMES
        assert peer.frames["video"] >= MIN_FRAMES
    return seconds, call


@pytest.fixture(autouse=True)
def on_loopback(monkeypatch):
    loopback_host_candidates(monkeypatch)


# --- Embedded profile --------------------------------------------------------------


@pytest.fixture(scope="module")
def embedded():
    with LiveServer() as server:
        yield server


class EmbeddedCallTests:
    def test_client_and_specialist_connect_and_exchange_media(self, embedded):
        booking_id = joinable_booking_id(embedded, fresh=True)
        seconds, call = media_call(embedded.url, embedded.url, booking_id)
        logger.info("embedded: connected after %s", seconds)
        for peer in call.peers:
            assert peer.welcome["role"] == peer.username
        assert {"type": "admitted"} in call.client.received
        assert any(m["type"] == "offer" for m in call.client.received)
        assert any(m["type"] == "answer" for m in call.specialist.received)

    def test_a_stranger_never_gets_a_welcome(self, embedded):
        booking_id = joinable_booking_id(embedded, fresh=True)

        async def scenario():
            stranger = RtcPeer(
                base_url=embedded.url, booking_id=booking_id, username="learner"
            )
            await stranger.start()
            try:
                await eventually_async(
                    lambda: stranger.socket.close_code is not None,
                    5,
                    what="the stranger's socket to be closed",
                )
                return stranger.socket.close_code, stranger.received
            finally:
                await stranger.close()

        close_code, received = asyncio.run(scenario())
        assert close_code == 4403
        assert received == []


# --- Through coturn ----------------------------------------------------------------


def free_udp_and_tcp_port() -> int:
    """A port free for both UDP and TCP on 127.0.0.1 (coturn listens on both)."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
            udp.bind(("127.0.0.1", 0))
            port = udp.getsockname()[1]
            with socket.socket() as tcp:
                try:
                    tcp.bind(("127.0.0.1", port))
                except OSError:
                    continue
            return port
    raise RuntimeError("no free port")


def stun_answers(port: int) -> bool:
    """Whether a STUN Binding request to 127.0.0.1:port gets a success response."""
    transaction = secrets.token_bytes(12)
    request = b"\x00\x01\x00\x00\x21\x12\xa4\x42" + transaction  # RFC 5389 header
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(0.3)
        try:
            sock.sendto(request, ("127.0.0.1", port))
            response, _ = sock.recvfrom(2048)
        except OSError:
            return False
    return response[:2] == b"\x01\x01" and response[8:20] == transaction


class Coturn:
    def __init__(self, process, port: int, secret: str, log_path):
        self.process = process
        self.port = port
        self.secret = secret
        self.log_path = log_path
        self.turn_url = f"turn:127.0.0.1:{port}?transport=udp"
        self.stun_url = f"stun:127.0.0.1:{port}"


def coturn_start(workdir, port: int, secret: str) -> "Coturn":
    """Start coturn on 127.0.0.1:port with `use-auth-secret`; wait until it answers."""
    binary = shutil.which("turnserver")
    require(binary is not None, "coturn is not installed (apt-get install coturn)")
    log_path = workdir / "turnserver.log"
    command = [
        binary,
        "-c",
        str(workdir / "none.conf"),  # not /etc/turnserver.conf
        f"--listening-port={port}",
        "--listening-ip=127.0.0.1",
        "--relay-ip=127.0.0.1",
        "--allow-loopback-peers",
        "--use-auth-secret",
        f"--static-auth-secret={secret}",
        "--realm=komak.test",
        "--fingerprint",
        "--no-cli",
        "--no-tls",
        "--no-dtls",
        "--no-tcp-relay",
        f"--pidfile={workdir / 'turnserver.pid'}",
        f"--userdb={workdir / 'turndb'}",
        "--log-file=stdout",
        "--simple-log",
    ]
    (workdir / "none.conf").write_text("")
    with log_path.open("ab") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 15
    while not stun_answers(port):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"coturn did not start: {log_path.read_text()}")
        time.sleep(0.2)
    return Coturn(process, port, secret, log_path)


def coturn_stop(server: "Coturn") -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait(timeout=10)


@pytest.fixture(scope="module")
def coturn(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("coturn")
    server = coturn_start(workdir, free_udp_and_tcp_port(), secrets.token_hex(16))
    server.workdir = workdir
    try:
        yield server
    finally:
        # A test may have replaced the process (restart after a simulated outage).
        coturn_stop(server)


@pytest.fixture(scope="module")
def with_turn(coturn):
    server = LiveServer(
        extra_env={
            "TURN_URLS": coturn.turn_url,
            "STUN_URLS": coturn.stun_url,
            "TURN_SECRET": coturn.secret,
        }
    )
    with server:
        yield server


class TurnCallTests:
    def test_welcome_carries_turn_credentials(self, with_turn, coturn):
        booking_id = joinable_booking_id(with_turn, fresh=True)

        async def scenario():
            peer = RtcPeer(
                base_url=with_turn.url, booking_id=booking_id, username="client"
            )
            await peer.start()
            try:
                await eventually_async(lambda: peer.welcome, 5, what="a welcome")
                return peer.welcome
            finally:
                await peer.close()

        welcome = asyncio.run(scenario())
        servers = {tuple(server["urls"]): server for server in welcome["iceServers"]}
        turn = servers[(coturn.turn_url,)]
        assert (coturn.stun_url,) in servers
        assert turn["username"].endswith(f":{user_id(with_turn, 'client')}")
        assert turn["credential"]

    def test_relay_only_peers_connect_through_coturn(self, with_turn, coturn):
        booking_id = joinable_booking_id(with_turn, fresh=True)

        async def scenario():
            async with call_of(
                with_turn.url, with_turn.url, booking_id, relay_only=True
            ) as call:
                seconds = await call.connected_and_frames()
                pairs = {
                    peer.username: peer.selected_candidate_types()
                    for peer in call.peers
                }
                local = {
                    peer.username: peer.local_candidate_types() for peer in call.peers
                }
                return seconds, pairs, local, call

        seconds, pairs, local, call = asyncio.run(scenario())
        logger.info("coturn relay: connected after %s", seconds)
        for username in ("client", "specialist"):
            assert local[username] == {"relay"}
            assert pairs[username] == ("relay", "relay")
        for peer in call.peers:
            assert "typ relay" in peer.local_sdp
            assert "typ host" not in peer.local_sdp
            assert peer.frames["audio"] >= MIN_FRAMES
            assert peer.frames["video"] >= MIN_FRAMES

    def test_a_wrong_turn_secret_gets_no_relay_and_never_connects(
        self, with_turn, coturn
    ):
        booking_id = joinable_booking_id(with_turn, fresh=True)
        expires_at = timezone.now() + timedelta(hours=2)
        wrong = [
            {
                "urls": [coturn.turn_url],
                **turn_credentials(
                    user_id=user_id(with_turn, "client"),
                    expires_at=expires_at,
                    secret=coturn.secret + "-wrong",
                ),
            }
        ]

        async def scenario():
            client = RtcPeer(
                base_url=with_turn.url,
                booking_id=booking_id,
                username="client",
                relay_only=True,
                ice_servers=wrong,
            )
            specialist = RtcPeer(
                base_url=with_turn.url,
                booking_id=booking_id,
                username="specialist",
                relay_only=True,
            )
            async with Call(client, specialist) as call:
                never = await call.client.stays_unconnected(10)
                return never, call

        never, call = asyncio.run(scenario())
        assert call.client.local_sdp, call.client.describe()  # it did answer
        assert "typ relay" not in call.client.local_sdp
        assert "a=candidate" not in call.client.local_sdp
        assert "typ relay" in call.specialist.local_sdp  # the right secret works
        assert never is True
        assert call.client.frames == {"audio": 0, "video": 0}


# --- Scale-out profile: two Daphne workers -----------------------------------------


@pytest.fixture(scope="module")
def two_workers():
    require_postgres()
    require_redis()
    import redis

    from tests.support.services import ScratchPostgresDatabase

    # A database of its own for the channel layer, emptied so that no group of an
    # earlier run (booking ids start at 1 again) receives this run's messages.
    redis.Redis.from_url(SCALE_OUT_REDIS_URL).flushdb()
    with ScratchPostgresDatabase() as database:
        first = LiveServer()
        # Set after construction: LiveServer drops DATABASE_URL and REDIS_URL from
        # its environment, extra_env included.
        first.env.update(DATABASE_URL=database.url, REDIS_URL=SCALE_OUT_REDIS_URL)
        second = LiveServer()
        second.env = dict(first.env)
        try:
            first.prepare()
            first.start()
            second.start()
            yield first, second
        finally:
            second.stop()
            first.stop()


class ScaleOutCallTests:
    def test_peers_on_two_workers_connect_and_exchange_media(self, two_workers):
        first, second = two_workers
        assert first.port != second.port
        booking_id = joinable_booking_id(first, fresh=True)

        seconds, call = media_call(first.url, second.url, booking_id)
        logger.info("two workers: connected after %s", seconds)
        assert call.client.base_url == first.url
        assert call.specialist.base_url == second.url


# --- The pre-call check's echo peer inside Daphne ------------------------------------


def post_offer(server: LiveServer, booking_id: int, sdp: str) -> dict:
    """POST the offer as precall.js does, signed in as the demo client."""
    session = login_session(server.url, "client")
    return precall_offer(server.url, booking_id, sdp, session=session)


class PrecallInDaphneTests:
    def test_echo_peer_answers_pings_and_echoes_video(self, embedded):
        booking_id = joinable_booking_id(embedded, fresh=True)

        async def scenario():
            peer = RTCPeerConnection(RTCConfiguration(iceServers=[]))
            channel = peer.createDataChannel("ping")
            peer.addTrack(ToneTrack())
            peer.addTrack(SyntheticVideoTrack())
            echoed = asyncio.Event()
            pongs = []
            opened = asyncio.Event()

            @peer.on("track")
            def on_track(track):
                async def first_frame():
                    with contextlib.suppress(MediaStreamError):
                        await track.recv()
                        if track.kind == "video":
                            echoed.set()

                asyncio.ensure_future(first_frame())

            channel.on("open", opened.set)
            channel.on("message", pongs.append)
            try:
                await peer.setLocalDescription(await peer.createOffer())
                started = time.monotonic()
                answer = await asyncio.to_thread(
                    post_offer, embedded, booking_id, peer.localDescription.sdp
                )
                await peer.setRemoteDescription(
                    RTCSessionDescription(answer["sdp"], answer["type"])
                )
                await asyncio.wait_for(opened.wait(), CONNECT_TIMEOUT)
                seconds = time.monotonic() - started
                channel.send("ping 1")
                await asyncio.wait_for(echoed.wait(), FRAMES_TIMEOUT)
                await eventually_async(lambda: pongs, 5, what="a pong")
                return seconds, pongs
            finally:
                await peer.close()

        seconds, pongs = asyncio.run(scenario())
        logger.info("pre-call echo peer in Daphne: channel open after %.2fs", seconds)
        assert pongs == ["pong 1"]


# --- The pre-call check page in Chromium ---------------------------------------------


@pytest.fixture(scope="module")
def media_browser():
    """Chromium with a fake camera and microphone (a test pattern and a beep).

    Local addresses are shown as they are rather than as mDNS names, which the
    server's aiortc peer could not resolve without multicast.
    """
    path = require_chromium()
    from playwright.sync_api import sync_playwright

    args = [
        *CHROMIUM_ARGS,
        "--use-fake-device-for-media-stream",
        "--disable-features=WebRtcHideLocalIpsWithMdns",
    ]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=args)
        yield browser
        browser.close()


def stored_check(server: LiveServer, booking_id: int) -> dict:
    code = (
        "import json; from consultations.models import Booking; "
        f"b = Booking.objects.get(pk={booking_id}); "
        "print(json.dumps({'verdict': b.precall_verdict, 'rtt_ms': b.precall_rtt_ms, "
        "'loss': b.precall_loss_percent, 'relay': b.precall_relay}))"
    )
    return json.loads(server.shell(code))


class PrecallPageInChromiumTests:
    def test_check_shows_preview_level_and_verdict(self, embedded, media_browser):
        booking_id = joinable_booking_id(embedded, fresh=True)
        context = media_browser.new_context(
            permissions=["camera", "microphone"], locale="uz-UZ"
        )
        page = context.new_page()
        try:
            demo_sign_in(page, embedded.url, "client")
            page.goto(embedded.url + f"/uz/consultations/{booking_id}/check/")
            page.locator("#precall").wait_for(state="visible")
            assert not page.locator("#precall-needs-script").is_visible()
            started = time.monotonic()
            page.click("[data-action=start]")
            # Polled with evaluate: the site's CSP rightly forbids the eval behind
            # Playwright's wait_for_function.
            page_true(
                page, "document.querySelector('[data-preview]').videoWidth > 0", 15
            )
            page_true(page, "document.querySelector('[data-level]').value > 0", 15)
            page_true(
                page,
                "document.querySelector('[data-verdict]').textContent.trim() !== ''",
                60,
            )
            seconds = time.monotonic() - started
            verdict = page.locator("[data-verdict]").inner_text()
            details = page.locator("[data-details]").text_content()
            # The figures are small print, folded under "What we measured".
            figures = page.locator("[data-figures]")
            figures_shown = figures.is_visible()
            details_before_opening = page.locator("[data-details]").is_visible()
            figures.locator("summary").click()
            details_after_opening = page.locator("[data-details]").is_visible()
            # The talk is open: "Join the call" leads into it.
            join = page.get_by_role("link", name=uz("Join the call"), exact=True)
            join_visible = join.is_visible()
            join_href = join.get_attribute("href")
        finally:
            context.close()
        logger.info("pre-call check in Chromium: verdict after %.1fs", seconds)
        stored = stored_check(embedded, booking_id)
        assert stored["verdict"] == "video", (stored, details)
        assert verdict == uz("Your connection is good enough for video.")
        # Words, not figures.
        assert not any(char.isdigit() for char in verdict) and "%" not in verdict
        assert figures_shown and not details_before_opening and details_after_opening
        assert str(stored["rtt_ms"]) in details
        assert join_visible
        assert join_href == f"/uz/consultations/{booking_id}/call/"
        # A round trip was measured (how short it is, is bench/rtc_connect.py's figure
        # precall_echo_rtt_median_ms).
        assert isinstance(stored["rtt_ms"], int) and stored["rtt_ms"] > 0, stored
        assert stored["loss"] <= 3
        assert stored["relay"] is False

    def test_refused_camera_is_explained_and_the_network_still_checked(
        self, embedded, media_browser
    ):
        booking_id = joinable_booking_id(embedded, fresh=True)
        context = media_browser.new_context(locale="uz-UZ")  # no permission given
        page = context.new_page()
        try:
            demo_sign_in(page, embedded.url, "client")
            page.goto(embedded.url + f"/uz/consultations/{booking_id}/check/")
            texts = json.loads(page.locator("#precall-texts").text_content())
            page.click("[data-action=start]")
            page_true(
                page,
                "document.querySelector('[data-verdict]').textContent.trim() !== ''",
                60,
            )
            media_status = page.locator("[data-media-status]").inner_text()
        finally:
            context.close()
        assert media_status == texts["refused"]
        assert stored_check(embedded, booking_id)["verdict"] == "video"

    def test_without_javascript_the_page_says_so_and_links_back(
        self, embedded, media_browser
    ):
        booking_id = joinable_booking_id(embedded, fresh=True)
        context = media_browser.new_context(java_script_enabled=False, locale="uz-UZ")
        page = context.new_page()
        try:
            demo_sign_in(page, embedded.url, "client")
            page.goto(embedded.url + f"/uz/consultations/{booking_id}/check/")
            note = page.get_by_text(
                uz(
                    "This check needs JavaScript, which is turned off or not "
                    "supported in this browser."
                )
            )
            assert note.is_visible()
            assert not page.locator("#precall").is_visible()
            back = page.get_by_role("link", name=uz("Back to my appointments"))
            assert back.is_visible()
            assert back.get_attribute("href") == "/uz/consultations/appointments/"
        finally:
            context.close()


# --- A media path that drops in the middle of a call ----------------------------------


def frames_flow(page, timeout_s: float = 20) -> None:
    """The page keeps decoding the other person's video."""
    grows(
        lambda: page.evaluate("window.komakCall.framesDecoded()"),
        timeout_s,
        by=10,
        what="decoded video frames (the video stalled)",
    )


class MediaPathOutageTests:
    def test_the_call_comes_back_after_the_relay_drops(
        self, with_turn, coturn, media_browser
    ):
        """Relay-only call; coturn dies and comes back; ICE restarts, media resumes."""
        booking_id = joinable_booking_id(with_turn, fresh=True)
        path = f"/uz/consultations/{booking_id}/call/?relay=1"
        contexts, pages, console = [], {}, []
        for username in ("client", "specialist"):
            context = media_browser.new_context(
                locale="uz-UZ", permissions=["camera", "microphone"]
            )
            contexts.append(context)
            page = context.new_page()
            page.on(
                "console",
                lambda message, who=username: console.append(f"{who}: {message.text}"),
            )
            demo_sign_in(page, with_turn.url, username)
            pages[username] = page
        client, specialist = pages["client"], pages["specialist"]
        try:
            client.goto(with_turn.url + path)
            specialist.goto(with_turn.url + path)
            let_in = specialist.get_by_role("button", name=uz("Let in"))
            let_in.wait_for()
            let_in.click()
            for page in (client, specialist):
                page_true(page, "window.komakCall.connectionState === 'connected'", 40)
            assert client.evaluate("window.komakCall.relayInUse()") is True
            frames_flow(specialist)

            coturn_stop(coturn)
            page_true(
                client,
                "['disconnected', 'failed'].includes(window.komakCall.connectionState)",
                60,
            )
            client.get_by_text(uz("Reconnecting…")).wait_for()

            coturn.process = coturn_start(
                coturn.workdir, coturn.port, coturn.secret
            ).process
            for page in (client, specialist):
                page_true(page, "window.komakCall.connectionState === 'connected'", 90)
            frames_flow(specialist)
            client.get_by_text(uz("You are in the call.")).wait_for()
        except AssertionError:
            # What the two pages said is the only trace of a negotiation that stalled.
            print("\n".join(console))  # noqa: T201
            for who, page in pages.items():
                state = page.evaluate(
                    "({admitted: komakCall.admitted, state: komakCall.connectionState,"
                    " sockets: komakCall.socketOpens, status: document.querySelector("
                    "'[role=status]')?.textContent})"
                )
                print(who, state)  # noqa: T201
            raise
        finally:
            for context in contexts:
                context.close()

"""A real WebRTC participant for tests: aiortc media over our signaling WebSocket.

`RtcPeer` signs in over HTTP like a person, opens `/ws/consultations/<id>/` with the
session cookie and an allowed Origin, and speaks the protocol of docs/signaling.md:
welcome → join → (the specialist admits the client) → admitted → offer/answer →
media. Its camera and microphone are synthetic (`SyntheticVideoTrack`, `ToneTrack`),
and it counts the audio and video frames it decodes from the other side, so a test can
prove that media really crossed the network both ways.

Negotiation is kept simple: the specialist (the impolite peer) offers once after
admission and the client answers. aiortc gathers all candidates before it returns from
setLocalDescription, so the SDP carries them and nothing needs to trickle; trickled
`ice` messages from a browser are still applied.
"""

import asyncio
import contextlib
import json
import math
import struct
import time

import aioice.ice
from aiortc import (
    RTCConfiguration,
    RTCPeerConnection,
    RTCSessionDescription,
)
from aiortc.mediastreams import AudioStreamTrack, MediaStreamError, VideoStreamTrack
from aiortc.rtcconfiguration import RTCIceTransportPolicy
from aiortc.sdp import candidate_from_sdp
from av import VideoFrame

from consultations.precall import rtc_ice_servers
from demo.people import DEMO_PASSWORD

TONE_HZ = 440
TONE_AMPLITUDE = 8000  # of 32767: clearly audible, far from clipping


class SyntheticVideoTrack(VideoStreamTrack):
    """Small frames (160×120, 30 per second) whose brightness changes every frame,
    so the encoder has something to send."""

    def __init__(self, width: int = 160, height: int = 120):
        super().__init__()
        self.width = width
        self.height = height
        self.count = 0

    async def recv(self) -> VideoFrame:
        pts, time_base = await self.next_timestamp()
        frame = VideoFrame(width=self.width, height=self.height, format="yuv420p")
        luma = 16 + (self.count * 7) % 220
        frame.planes[0].update(bytes([luma]) * frame.planes[0].buffer_size)
        for plane in frame.planes[1:]:
            plane.update(bytes([128]) * plane.buffer_size)
        frame.pts = pts
        frame.time_base = time_base
        self.count += 1
        return frame


class ToneTrack(AudioStreamTrack):
    """A 440 Hz tone in 20 ms frames (aiortc's base class gives the timing)."""

    def __init__(self):
        super().__init__()
        self.sample_index = 0

    async def recv(self):
        frame = await super().recv()
        rate = frame.sample_rate
        samples = [
            int(
                TONE_AMPLITUDE
                * math.sin(2 * math.pi * TONE_HZ * (self.sample_index + n) / rate)
            )
            for n in range(frame.samples)
        ]
        self.sample_index += frame.samples
        frame.planes[0].update(struct.pack(f"<{len(samples)}h", *samples))
        return frame


def loopback_host_candidates(monkeypatch) -> None:
    """Make aioice offer 127.0.0.1 as its only host address, for the rest of a test.

    aioice leaves loopback out of host candidates, so on its own a peer would use the
    machine's network interfaces; tests keep every packet on 127.0.0.1 instead, and
    still work on a machine with no interface but loopback.
    """
    monkeypatch.setattr(
        aioice.ice, "get_host_addresses", lambda use_ipv4, use_ipv6: ["127.0.0.1"]
    )


def login_session(base_url: str, username: str, password: str = DEMO_PASSWORD) -> str:
    """Sign in at /accounts/login/ as a browser would (staff also give the demo
    authenticator code); return the session cookie."""
    from tests.support.mfa import http_sign_in

    _, jar = http_sign_in(base_url, username, password)
    for cookie in jar:
        if cookie.name == "sessionid":
            return cookie.value
    raise AssertionError(f"{username} could not sign in at {base_url}")


class RtcPeer:
    """One person in a call: signaling over a real WebSocket, media with aiortc.

    `ice_servers` replaces the list the server sends in `welcome` (for example to try
    a wrong TURN secret); `relay_only` sets iceTransportPolicy "relay", which aiortc
    1.16 supports: only TURN candidates are gathered.
    """

    def __init__(
        self,
        *,
        base_url: str,
        booking_id: int,
        username: str,
        password: str = DEMO_PASSWORD,
        relay_only: bool = False,
        ice_servers: list[dict] | None = None,
    ):
        self.base_url = base_url
        self.ws_url = base_url.replace("http://", "ws://") + (
            f"/ws/consultations/{booking_id}/"
        )
        self.username = username
        self.password = password
        self.relay_only = relay_only
        self.ice_servers_override = ice_servers
        self.role: str | None = None
        self.welcome: dict | None = None
        self.received: list[dict] = []
        self.sent: list[dict] = []
        self.states: list[str] = []
        self.frames = {"audio": 0, "video": 0}
        self.local_sdp = ""
        self.error: BaseException | None = None
        self.started_at = 0.0
        self.admitted_at: float | None = None
        self.connected_at: float | None = None
        self.peer: RTCPeerConnection | None = None
        self.socket = None
        self._admit_sent = False
        self._connected = asyncio.Event()
        self._tasks: set[asyncio.Task] = set()

    # ---- lifecycle ---------------------------------------------------------

    async def start(self) -> None:
        # websockets is a test-only dependency (requirements-dev.txt); imported here so
        # that tests using only the synthetic tracks do not need it.
        from websockets.asyncio.client import connect

        self.started_at = time.monotonic()
        session = await asyncio.to_thread(
            login_session, self.base_url, self.username, self.password
        )
        self.socket = await connect(
            self.ws_url,
            origin=self.base_url,
            additional_headers={"Cookie": f"sessionid={session}"},
            proxy=None,
            open_timeout=10,
        )
        self._spawn(self._read())

    async def close(self) -> None:
        if self.socket is not None:
            with contextlib.suppress(Exception):
                await self._send({"type": "leave"})
            await self.socket.close()
        if self.peer is not None:
            await self.peer.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    # ---- what tests wait for ----------------------------------------------

    async def wait_connected(self, timeout: float) -> float:
        """Seconds from start() to connectionState "connected"."""
        try:
            await asyncio.wait_for(self._connected.wait(), timeout)
        except TimeoutError:
            raise AssertionError(
                f"{self.username} not connected after {timeout}s: {self.describe()}"
            ) from None
        return self.connected_at - self.started_at

    async def stays_unconnected(self, seconds: float) -> bool:
        """True when the peer does not connect within `seconds`."""
        try:
            await asyncio.wait_for(self._connected.wait(), seconds)
        except TimeoutError:
            return True
        return False

    async def wait_frames(self, *, audio: int, video: int, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.frames["audio"] >= audio and self.frames["video"] >= video:
                return
            await asyncio.sleep(0.1)
        raise AssertionError(
            f"{self.username} got {self.frames} in {timeout}s: {self.describe()}"
        )

    def selected_candidate_types(self) -> tuple[str, str]:
        """Types (host, srflx, relay) of the local and remote candidate in use.

        aiortc has no candidate-pair statistics, so this reads the nominated pair of
        the aioice connection under the (bundled) transport.
        """
        transceiver = self.peer.getTransceivers()[0]
        connection = transceiver.receiver.transport.transport._connection
        pair = connection._nominated[1]
        return pair.local_candidate.type, pair.remote_candidate.type

    def local_candidate_types(self) -> set[str]:
        transceiver = self.peer.getTransceivers()[0]
        connection = transceiver.receiver.transport.transport._connection
        return {candidate.type for candidate in connection.local_candidates}

    def seconds_admitted_to_connected(self) -> float:
        """From the peer connection's creation (on admission) to "connected"."""
        return self.connected_at - self.admitted_at

    def describe(self) -> str:
        received = [message.get("type") for message in self.received]
        return (
            f"received={received} states={self.states} frames={self.frames} "
            f"error={self.error!r}"
        )

    # ---- signaling ---------------------------------------------------------

    def _spawn(self, coroutine) -> None:
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _send(self, message: dict) -> None:
        self.sent.append(message)
        await self.socket.send(json.dumps(message))

    async def _read(self) -> None:
        try:
            async for raw in self.socket:
                message = json.loads(raw)
                self.received.append(message)
                await self._handle(message)
        except Exception as error:  # kept for describe(); the waits then time out
            self.error = error

    async def _handle(self, message: dict) -> None:
        kind = message.get("type")
        if kind == "welcome":
            self.welcome = message
            self.role = message["role"]
            await self._send({"type": "join"})
            if message.get("admitted"):
                await self._on_admitted()
        elif kind == "peer":
            if message.get("event") == "joined":
                await self._send({"type": "present"})
            other_is_client = message.get("role") == "client"
            if (
                self.role == "specialist"
                and other_is_client
                and message.get("event") in {"joined", "present"}
                and not self._admit_sent
            ):
                self._admit_sent = True
                await self._send({"type": "admit"})
        elif kind == "admitted":
            await self._on_admitted()
        elif kind == "offer":
            await self._on_admitted()
            await self.peer.setRemoteDescription(
                RTCSessionDescription(sdp=message["sdp"], type="offer")
            )
            await self.peer.setLocalDescription(await self.peer.createAnswer())
            self.local_sdp = self.peer.localDescription.sdp
            await self._send({"type": "answer", "sdp": self.local_sdp})
        elif kind == "answer":
            await self.peer.setRemoteDescription(
                RTCSessionDescription(sdp=message["sdp"], type="answer")
            )
        elif kind == "ice" and message.get("candidate") and self.peer is not None:
            line = message["candidate"].removeprefix("candidate:")
            candidate = candidate_from_sdp(line)
            candidate.sdpMid = message.get("sdpMid")
            candidate.sdpMLineIndex = message.get("sdpMLineIndex")
            await self.peer.addIceCandidate(candidate)

    async def _on_admitted(self) -> None:
        if self.peer is not None:
            return
        self.admitted_at = time.monotonic()
        servers = (
            self.ice_servers_override
            if self.ice_servers_override is not None
            else self.welcome.get("iceServers", [])
        )
        policy = (
            RTCIceTransportPolicy.RELAY
            if self.relay_only
            else RTCIceTransportPolicy.ALL
        )
        # An explicit list, even empty: aiortc would otherwise use a public STUN server.
        self.peer = RTCPeerConnection(
            RTCConfiguration(
                iceServers=rtc_ice_servers(servers), iceTransportPolicy=policy
            )
        )
        self.peer.on("track", self._on_track)
        self.peer.on("connectionstatechange", self._on_state)
        self.peer.addTrack(ToneTrack())
        self.peer.addTrack(SyntheticVideoTrack())
        if self.role == "specialist":
            await self.peer.setLocalDescription(await self.peer.createOffer())
            self.local_sdp = self.peer.localDescription.sdp
            await self._send({"type": "offer", "sdp": self.local_sdp})

    def _on_track(self, track) -> None:
        self._spawn(self._count_frames(track))

    async def _count_frames(self, track) -> None:
        while True:
            try:
                await track.recv()
            except MediaStreamError:
                return
            self.frames[track.kind] += 1

    def _on_state(self) -> None:
        state = self.peer.connectionState
        self.states.append(state)
        if state == "connected" and self.connected_at is None:
            self.connected_at = time.monotonic()
            self._connected.set()

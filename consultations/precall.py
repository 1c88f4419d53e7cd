"""The server side of the pre-call check: a short-lived aiortc peer for one browser.

The browser sends an offer with its camera and microphone and a data channel named
"ping". This peer answers it, sends every received track straight back (so the browser
can measure loss on media that really crossed the network twice) and answers each
"ping <n>" on the data channel with "pong <n>" (so the browser can measure the round
trip).

Peers live in the Daphne process that answered the offer, because the media flows to
that process: the module-level set only keeps them from being garbage collected. Each
peer is closed after `PEER_LIFETIME_SECONDS` or as soon as its connection fails or
closes, and at most `PRECALL_MAX_PEERS` (20) run at once per process, since each one
decodes and encodes video: past that the browser is told the check is busy. One
person may start at most `PRECALL_CHECKS_PER_PERSON` (3) checks in
`PRECALL_CHECKS_WINDOW_SECONDS` (10 minutes), counted in the cache, so every worker
sees the same count (with Redis, the scale-out profile).
"""

import asyncio
import logging
import re

from aiortc import (
    RTCConfiguration,
    RTCIceServer,
    RTCPeerConnection,
    RTCSessionDescription,
)
from aiortc import sdp as aiortc_sdp
from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

PEER_LIFETIME_SECONDS = 60
# What a busy server asks the browser to wait, in seconds (Retry-After).
BUSY_RETRY_SECONDS = 60
# Gathering waits for STUN and TURN answers; an unreachable server must not hold the
# request for long.
GATHER_TIMEOUT_SECONDS = 15
MAX_SDP_CHARS = 60_000
PING_CHANNEL = "ping"
PING_PATTERN = re.compile(r"ping (\d{1,9})")
MEDIA_KINDS = {"audio", "video", "application"}

_peers: set[RTCPeerConnection] = set()


class PrecallError(Exception):
    """An offer that cannot be answered; `message` says why in plain words."""

    def __init__(self, message: str, *, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


def precall_ice_servers(*, user_id: int, booking) -> list[dict]:
    """The ICE servers for this person and booking, as the browser's RTCIceServer list.

    `consultations.turn` is imported here rather than at the top so that the check
    still works (with host candidates only) on an installation without it.
    """
    try:
        from .turn import ice_servers_for
    except ImportError:
        return []
    return list(ice_servers_for(user_id=user_id, booking=booking))


def rtc_ice_servers(servers: list[dict]) -> list[RTCIceServer]:
    """RTCIceServer dicts (as sent to browsers) turned into aiortc's dataclass."""
    return [
        RTCIceServer(
            urls=server["urls"],
            username=server.get("username"),
            credential=server.get("credential"),
        )
        for server in servers
    ]


def peers_running() -> int:
    return len(_peers)


def peers_all_busy() -> bool:
    return len(_peers) >= settings.PRECALL_MAX_PEERS


def _checks_key(user_id: int) -> str:
    return f"precall-checks:{user_id}"


def precall_check_take(*, user_id: int) -> bool:
    """Count one check for this person; False when they have had their checks for
    this window (the window starts at their first check)."""
    key = _checks_key(user_id)
    cache.add(key, 0, timeout=settings.PRECALL_CHECKS_WINDOW_SECONDS)
    try:
        taken = cache.incr(key)
    except ValueError:  # the window ended between the two calls
        cache.set(key, 1, timeout=settings.PRECALL_CHECKS_WINDOW_SECONDS)
        taken = 1
    return taken <= settings.PRECALL_CHECKS_PER_PERSON


def precall_check_give_back(*, user_id: int) -> None:
    """Undo `precall_check_take` for a check the server could not run (busy)."""
    try:
        cache.decr(_checks_key(user_id))
    except ValueError:  # the window has ended: nothing to give back
        pass


def busy_message() -> str:
    return _("The check is busy. Please try again in a minute.")


def offer_check(offer_sdp) -> None:
    """Refuse what is not a WebRTC offer for this check before aiortc sees it.

    aiortc accepts almost any text as a description, so the shape is checked here:
    media sections of known kinds, one data channel, ICE credentials and a DTLS
    fingerprint.
    """
    if not isinstance(offer_sdp, str) or not offer_sdp.strip():
        raise PrecallError(_("The offer has no session description."))
    if len(offer_sdp) > MAX_SDP_CHARS:
        raise PrecallError(_("The session description is too long."))
    if not offer_sdp.startswith("v=0"):
        raise PrecallError(_("This is not a session description."))
    try:
        description = aiortc_sdp.SessionDescription.parse(offer_sdp)
    except (ValueError, KeyError, IndexError, TypeError) as error:
        raise PrecallError(_("The session description could not be read.")) from error
    kinds = [media.kind for media in description.media]
    if not kinds or any(kind not in MEDIA_KINDS for kind in kinds):
        raise PrecallError(_("The session description has no usable media."))
    if kinds.count("application") != 1:
        raise PrecallError(_("The offer must open one data channel."))
    for media in description.media:
        if not (media.ice and media.ice.usernameFragment and media.ice.password):
            raise PrecallError(_("The session description has no ICE credentials."))
        if not (media.dtls and media.dtls.fingerprints):
            raise PrecallError(_("The session description has no DTLS fingerprint."))


async def _close(peer: RTCPeerConnection) -> None:
    _peers.discard(peer)
    try:
        await peer.close()
    except Exception:  # a half-built peer must not keep the others from closing
        logger.exception("pre-call peer did not close cleanly")


def _wire(peer: RTCPeerConnection) -> None:
    @peer.on("track")
    def on_track(track):
        # Echo: the received track becomes the sender's source on the same
        # transceiver, so the browser gets its own picture and sound back.
        peer.addTrack(track)

    @peer.on("datachannel")
    def on_datachannel(channel):
        if channel.label != PING_CHANNEL:
            return

        @channel.on("message")
        def on_message(message):
            if not isinstance(message, str):
                return
            match = PING_PATTERN.fullmatch(message)
            if match:
                channel.send(f"pong {match.group(1)}")

    @peer.on("connectionstatechange")
    async def on_state():
        if peer.connectionState in {"failed", "closed"}:
            await _close(peer)


async def precall_answer(*, offer_sdp, ice_servers: list[dict]) -> str:
    """Answer a browser's offer with a new echo peer; return the answer SDP.

    The answer carries all of this peer's candidates (aiortc gathers before it
    returns from setLocalDescription), so the browser needs no trickling. Raises
    `PrecallError` for a bad offer (400) or when this process's peers are all in
    use (503).
    """
    offer_check(offer_sdp)
    if peers_all_busy():
        raise PrecallError(busy_message(), status=503)
    peer = RTCPeerConnection(
        # An explicit empty list: aiortc would otherwise use a public STUN server.
        RTCConfiguration(iceServers=rtc_ice_servers(ice_servers))
    )
    _peers.add(peer)
    _wire(peer)
    try:
        await peer.setRemoteDescription(
            RTCSessionDescription(sdp=offer_sdp, type="offer")
        )
        answer = await peer.createAnswer()
        await asyncio.wait_for(
            peer.setLocalDescription(answer), timeout=GATHER_TIMEOUT_SECONDS
        )
    except TimeoutError as error:
        await _close(peer)
        raise PrecallError(
            _("The server could not prepare the connection in time."), status=503
        ) from error
    except Exception as error:  # aiortc raises many kinds for a malformed offer
        await _close(peer)
        raise PrecallError(_("The offer could not be used.")) from error
    asyncio.get_running_loop().call_later(
        PEER_LIFETIME_SECONDS, lambda: asyncio.ensure_future(_close(peer))
    )
    return peer.localDescription.sdp


async def precall_close_all() -> None:
    """Close every peer of this process (tests, and a clean shutdown)."""
    await asyncio.gather(*(_close(peer) for peer in list(_peers)))

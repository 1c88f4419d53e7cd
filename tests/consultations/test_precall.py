"""The pre-call check: the page, the server's echo peer and the result endpoint.

The echo peer is tested with a real aiortc peer in the same event loop: it must answer
a browser-like offer, echo the media it receives, answer pings on the data channel and
close itself; bad offers and bad results are refused without storing anything.
"""

import asyncio
import contextlib
import json
import re
from datetime import timedelta

import pytest
from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import MediaStreamError
from asgiref.sync import async_to_sync
from django.test import AsyncClient
from django.urls import reverse
from django.utils import timezone

from consultations import precall
from consultations.models import (
    Booking,
    BookingStatus,
    ConsentRecord,
    SpecialistProfile,
    Topic,
)
from consultations.views import precall as precall_views
from tests.accounts.factories import user_create
from tests.consultations.factories import consent_give
from tests.support.i18n import uz
from tests.support.rtc import SyntheticVideoTrack, ToneTrack, loopback_host_candidates
from tests.support.sign_in_here import assert_sign_in_here
from tests.support.waiting import eventually, eventually_async

# Checks per person are counted in the cache: each test starts with none.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_limits")]

GOOD = {"rtt_ms": 80, "loss_percent": 0.5, "relay": False, "connected": True}
TIMEOUT = 20


@pytest.fixture(autouse=True)
def no_ice_servers(settings, monkeypatch):
    settings.STUN_URLS = []
    settings.TURN_URLS = []
    settings.TURN_SECRET = ""
    loopback_host_candidates(monkeypatch)


@pytest.fixture
def booking():
    specialist = SpecialistProfile.objects.create(
        user=user_create(roles=("Specialist",)),
        kind="psychologist",
        bio="Listens first.",
    )
    starts_at = timezone.now() + timedelta(hours=1)
    client = user_create()
    consent_give(client)
    return Booking.objects.create(
        client=client,
        specialist=specialist,
        topic=Topic.GRIEF,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=45),
    )


def booking_move(booking, *, starts_in: timedelta) -> Booking:
    booking.starts_at = timezone.now() + starts_in
    booking.ends_at = booking.starts_at + timedelta(minutes=45)
    booking.save(update_fields=["starts_at", "ends_at"])
    return booking


def urls(booking) -> dict:
    return {
        name: reverse(f"consultations_precall{suffix}", args=[booking.pk])
        for name, suffix in (("page", ""), ("offer", "_offer"), ("result", "_result"))
    }


def post_json(client, url, payload=None, *, raw=None):
    body = raw if raw is not None else json.dumps(payload)
    return client.post(url, data=body, content_type="application/json")


def nothing_stored(booking) -> bool:
    booking.refresh_from_db()
    return (
        booking.precall_checked_at is None
        and booking.precall_rtt_ms is None
        and booking.precall_verdict == ""
    )


# --- Browser-like peer --------------------------------------------------------------


async def browser_offer(*, data_channel: bool = True, media: bool = True):
    """An aiortc peer offering what precall.js offers: tracks, a "ping" channel."""
    peer = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    channel = peer.createDataChannel("ping") if data_channel else None
    if media:
        peer.addTrack(ToneTrack())
        peer.addTrack(SyntheticVideoTrack())
    await peer.setLocalDescription(await peer.createOffer())
    return peer, channel


async def echo_exchange(peer, channel, answer_sdp: str) -> dict:
    """Connect to the echo peer; return the pongs and the first echoed frames."""
    echoed = {}
    got_video = asyncio.Event()

    @peer.on("track")
    def on_track(track):
        async def first_frame():
            with contextlib.suppress(MediaStreamError):
                echoed[track.kind] = await track.recv()
                if track.kind == "video":
                    got_video.set()

        asyncio.ensure_future(first_frame())

    pongs = []
    opened = asyncio.Event()
    channel.on("open", opened.set)
    channel.on("message", pongs.append)
    await peer.setRemoteDescription(RTCSessionDescription(answer_sdp, "answer"))
    await asyncio.wait_for(opened.wait(), TIMEOUT)
    # Not a ping, so ignored. Sent first on the ordered channel: anything said back
    # to it would arrive before "pong 1".
    channel.send("hello")
    for number in (1, 2, 3):
        channel.send(f"ping {number}")
    await asyncio.wait_for(got_video.wait(), TIMEOUT)
    await eventually_async(
        lambda: "pong 3" in pongs and "audio" in echoed,
        TIMEOUT,
        what="pong 3 and the first echoed audio frame",
    )
    return {"pongs": pongs, "echoed": echoed}


# --- Page ---------------------------------------------------------------------------


class PrecallPageTests:
    def test_urls_are_named(self, booking):
        assert urls(booking) == {
            "page": f"/uz/consultations/{booking.pk}/check/",
            "offer": f"/uz/consultations/{booking.pk}/check/offer/",
            "result": f"/uz/consultations/{booking.pk}/check/result/",
        }

    def test_client_sees_the_check_and_the_needs_javascript_note(self, client, booking):
        client.force_login(booking.client)
        response = client.get(urls(booking)["page"])
        assert response.status_code == 200
        html = response.content.decode()
        assert 'id="precall-needs-script"' in html
        assert 'id="precall-texts"' in html
        assert "js/precall.js" in html
        assert urls(booking)["offer"] in html
        assert urls(booking)["result"] in html

    def test_specialist_sees_the_check(self, client, booking):
        client.force_login(booking.specialist.user)
        assert client.get(urls(booking)["page"]).status_code == 200

    def test_stranger_gets_404(self, client, booking):
        client.force_login(user_create())
        assert client.get(urls(booking)["page"]).status_code == 404

    def test_anonymous_is_asked_to_sign_in(self, client, booking):
        url = urls(booking)["page"]
        html = assert_sign_in_here(client.get(url), url)
        assert booking.client.full_name not in html
        assert booking.specialist.user.full_name not in html

    def test_page_carries_this_persons_turn_credentials(
        self, client, booking, settings
    ):
        # From 30 minutes before the start: the call opens within 15 minutes.
        booking_move(booking, starts_in=timedelta(minutes=29))
        settings.STUN_URLS = ["stun:turn.example:3478"]
        settings.TURN_URLS = ["turn:turn.example:3478?transport=udp"]
        settings.TURN_SECRET = "s3cret"  # noqa: S105
        client.force_login(booking.client)
        response = client.get(urls(booking)["page"])
        servers = json.loads(
            response.content.decode()
            .split('id="precall-ice-servers" type="application/json">')[1]
            .split("</script>")[0]
        )
        assert servers[0] == {"urls": ["stun:turn.example:3478"]}
        assert servers[1]["urls"] == ["turn:turn.example:3478?transport=udp"]
        assert servers[1]["username"].endswith(f":{booking.client_id}")
        assert "s3cret" not in response.content.decode()


SOUND_ONLY = (
    "Your connection is good enough for sound only. The picture may switch off "
    "during the talk, but you will hear each other."
)
TOO_WEAK = (
    "Your connection is too weak for a call right now. Try near a window or on "
    "Wi-Fi, then check again. If it stays weak, the specialist will phone you."
)


class PrecallJoinTests:
    """ "Join the call" under the check, by the call page's own rule (call_is_open)."""

    def test_no_join_link_before_the_call_opens(self, client, booking):
        client.force_login(booking.client)
        html = client.get(urls(booking)["page"]).content.decode()
        link = re.search(r"<a [^>]*data-join-link[^>]*>", html).group(0)
        assert " hidden" in link
        assert "data-join-later" in html

    def test_the_join_link_shows_when_the_call_is_open(self, client, booking):
        booking_move(booking, starts_in=timedelta(minutes=10))
        client.force_login(booking.client)
        html = client.get(urls(booking)["page"]).content.decode()
        link = re.search(r"<a [^>]*data-join-link[^>]*>", html).group(0)
        assert " hidden" not in link
        assert f'href="{reverse("consultations_call", args=[booking.pk])}"' in link
        assert uz("Join the call") in html
        assert "data-join-later" not in html

    def test_the_result_says_when_the_call_has_opened(self, client, booking):
        booking_move(booking, starts_in=timedelta(minutes=10))
        client.force_login(booking.client)
        response = post_json(client, urls(booking)["result"], GOOD)
        assert response.json()["joinable"] is True


# --- Result -------------------------------------------------------------------------


class PrecallResultTests:
    def test_good_connection_is_stored_with_verdict_video(self, client, booking):
        client.force_login(booking.client)
        response = post_json(client, urls(booking)["result"], GOOD)
        assert response.status_code == 200
        assert response.json() == {
            "verdict": "video",
            "message": uz("Your connection is good enough for video."),
            "saved": True,
            # An hour before the start: the call is not open yet.
            "joinable": False,
        }
        booking.refresh_from_db()
        assert booking.precall_checked_at is not None
        assert booking.precall_rtt_ms == 80
        assert booking.precall_loss_percent == 0.5
        assert booking.precall_relay is False
        assert booking.precall_verdict == "video"

    @pytest.mark.parametrize(
        ("measured", "verdict", "message"),
        [
            ({"rtt_ms": 500, "loss_percent": 5}, "audio", SOUND_ONLY),
            ({"rtt_ms": 1200, "loss_percent": 20}, "phone", TOO_WEAK),
            (
                {"connected": False, "rtt_ms": 0, "loss_percent": 100},
                "phone",
                TOO_WEAK,
            ),
        ],
    )
    def test_weaker_connections_get_plain_advice(
        self, client, booking, measured, verdict, message
    ):
        client.force_login(booking.client)
        response = post_json(client, urls(booking)["result"], {**GOOD, **measured})
        assert response.json()["verdict"] == verdict
        assert response.json()["message"] == uz(message)
        booking.refresh_from_db()
        assert booking.precall_verdict == verdict

    def test_relay_is_stored(self, client, booking):
        client.force_login(booking.client)
        post_json(client, urls(booking)["result"], {**GOOD, "relay": True})
        booking.refresh_from_db()
        assert booking.precall_relay is True

    def test_whole_number_loss_is_accepted(self, client, booking):
        client.force_login(booking.client)
        response = post_json(
            client, urls(booking)["result"], {**GOOD, "loss_percent": 2}
        )
        assert response.status_code == 200
        booking.refresh_from_db()
        assert booking.precall_loss_percent == 2.0

    @pytest.mark.parametrize(
        "raw",
        [
            "not json",
            "[1, 2]",
            '"text"',
            "",
            "\xff",
        ],
    )
    def test_not_a_json_object_is_refused(self, client, booking, raw):
        client.force_login(booking.client)
        response = post_json(client, urls(booking)["result"], raw=raw)
        assert response.status_code == 400
        assert response.json()["error"]
        assert nothing_stored(booking)

    @pytest.mark.parametrize(
        "change",
        [
            {"rtt_ms": None},
            {"rtt_ms": "80"},
            {"rtt_ms": 80.5},
            {"rtt_ms": True},
            {"rtt_ms": -1},
            {"rtt_ms": 60_001},
            {"loss_percent": "0.5"},
            {"loss_percent": -0.1},
            {"loss_percent": 100.1},
            {"loss_percent": False},
            {"loss_percent": None},
            {"relay": "false"},
            {"relay": 0},
            {"connected": 1},
            {"connected": None},
            {"extra": 1},
        ],
    )
    def test_bad_field_is_refused_and_nothing_stored(self, client, booking, change):
        client.force_login(booking.client)
        response = post_json(client, urls(booking)["result"], {**GOOD, **change})
        assert response.status_code == 400
        assert response.json()["error"]
        assert nothing_stored(booking)

    @pytest.mark.parametrize("missing", sorted(GOOD))
    def test_missing_field_is_refused(self, client, booking, missing):
        client.force_login(booking.client)
        payload = {key: value for key, value in GOOD.items() if key != missing}
        response = post_json(client, urls(booking)["result"], payload)
        assert response.status_code == 400
        assert nothing_stored(booking)

    def test_not_a_number_loss_is_refused(self, client, booking):
        # Python's json reads NaN and Infinity; they are not measurements.
        client.force_login(booking.client)
        for token in ("NaN", "Infinity"):
            raw = (
                '{"rtt_ms": 80, "loss_percent": %s, "relay": false, "connected": true}'
                % token
            )
            response = post_json(client, urls(booking)["result"], raw=raw)
            assert response.status_code == 400
        assert nothing_stored(booking)

    def test_too_large_body_is_refused(self, client, booking):
        client.force_login(booking.client)
        raw = json.dumps({**GOOD, "padding": "x" * 70_000})
        response = post_json(client, urls(booking)["result"], raw=raw)
        assert response.status_code == 400
        assert nothing_stored(booking)

    def test_stranger_gets_404_and_nothing_stored(self, client, booking):
        client.force_login(user_create())
        response = post_json(client, urls(booking)["result"], GOOD)
        assert response.status_code == 404
        assert nothing_stored(booking)

    def test_anonymous_gets_404(self, client, booking):
        response = post_json(client, urls(booking)["result"], GOOD)
        assert response.status_code == 404
        assert nothing_stored(booking)

    def test_specialist_gets_a_verdict_but_the_clients_check_is_kept(
        self, client, booking
    ):
        client.force_login(booking.specialist.user)
        response = post_json(client, urls(booking)["result"], GOOD)
        assert response.status_code == 200
        assert response.json()["verdict"] == "video"
        assert response.json()["saved"] is False
        assert nothing_stored(booking)

    def test_get_is_not_allowed(self, client, booking):
        client.force_login(booking.client)
        assert client.get(urls(booking)["result"]).status_code == 405


# --- Offer --------------------------------------------------------------------------


def real_offer_sdp(**kwargs) -> str:
    async def make():
        peer, _ = await browser_offer(**kwargs)
        sdp = peer.localDescription.sdp
        await peer.close()
        return sdp

    return asyncio.run(make())


class PrecallOfferTests:
    @pytest.mark.parametrize(
        "raw",
        [
            "not json",
            "[]",
            "{}",
            '{"sdp": null}',
            '{"sdp": 42}',
            '{"sdp": ""}',
            '{"sdp": "hello"}',
            '{"sdp": "v=0\\r\\no=- 1 1 IN IP4 0.0.0.0\\r\\ns=-\\r\\nt=0 0\\r\\n"}',
        ],
    )
    def test_bad_offer_is_refused(self, client, booking, raw):
        client.force_login(booking.client)
        response = post_json(client, urls(booking)["offer"], raw=raw)
        assert response.status_code == 400
        assert response.json()["error"]
        assert precall.peers_running() == 0

    def test_offer_without_data_channel_is_refused(self, client, booking):
        client.force_login(booking.client)
        sdp = real_offer_sdp(data_channel=False)
        response = post_json(client, urls(booking)["offer"], {"sdp": sdp})
        assert response.status_code == 400
        assert precall.peers_running() == 0

    def test_offer_without_ice_credentials_is_refused(self, client, booking):
        client.force_login(booking.client)
        sdp = "".join(
            line + "\r\n"
            for line in real_offer_sdp().splitlines()
            if not line.startswith("a=ice-pwd")
        )
        response = post_json(client, urls(booking)["offer"], {"sdp": sdp})
        assert response.status_code == 400

    def test_answer_sent_as_offer_is_refused(self, client, booking):
        client.force_login(booking.client)
        response = post_json(
            client, urls(booking)["offer"], {"type": "answer", "sdp": real_offer_sdp()}
        )
        assert response.status_code == 400

    def test_unknown_field_is_refused(self, client, booking):
        client.force_login(booking.client)
        response = post_json(
            client, urls(booking)["offer"], {"sdp": real_offer_sdp(), "extra": 1}
        )
        assert response.status_code == 400

    def test_too_long_sdp_is_refused(self, client, booking):
        client.force_login(booking.client)
        sdp = real_offer_sdp() + "a=x-padding:" + "x" * 60_000 + "\r\n"
        response = post_json(client, urls(booking)["offer"], {"sdp": sdp})
        assert response.status_code == 400

    def test_stranger_gets_404(self, client, booking):
        client.force_login(user_create())
        response = post_json(client, urls(booking)["offer"], {"sdp": real_offer_sdp()})
        assert response.status_code == 404
        assert precall.peers_running() == 0

    def test_full_server_says_so_with_503(self, client, booking, settings):
        settings.PRECALL_MAX_PEERS = 0
        client.force_login(booking.client)
        response = post_json(client, urls(booking)["offer"], {"sdp": real_offer_sdp()})
        assert response.status_code == 503
        assert response["Retry-After"] == "60"
        assert response.json()["error"] == uz(
            "The check is busy. Please try again in a minute."
        )

    def test_view_answers_and_the_echo_peer_works(self, booking):
        """The async view, in the same event loop as the browser-like peer."""

        async def scenario():
            browser = AsyncClient()
            await browser.aforce_login(booking.client)
            peer, channel = await browser_offer()
            try:
                response = await browser.post(
                    urls(booking)["offer"],
                    data=json.dumps(
                        {"type": "offer", "sdp": peer.localDescription.sdp}
                    ),
                    content_type="application/json",
                )
                assert response.status_code == 200
                answer = response.json()
                assert answer["type"] == "answer"
                assert precall.peers_running() == 1
                return await echo_exchange(peer, channel, answer["sdp"])
            finally:
                await peer.close()
                await precall.precall_close_all()

        result = async_to_sync(scenario)()
        assert result["pongs"] == ["pong 1", "pong 2", "pong 3"]
        assert set(result["echoed"]) == {"audio", "video"}
        assert precall.peers_running() == 0


# --- The echo peer itself -----------------------------------------------------------


class PrecallRightsTests:
    """The check only for a talk that will happen, and with the client's consent."""

    @pytest.fixture
    def cancelled(self, booking):
        booking.status = BookingStatus.CANCELLED
        booking.save(update_fields=["status"])
        return booking

    def test_a_cancelled_booking_has_no_check_and_no_relay_credential(
        self, client, cancelled, settings
    ):
        settings.TURN_URLS = ["turn:turn.example:3478?transport=udp"]
        settings.TURN_SECRET = "s3cret"  # noqa: S105
        booking_move(cancelled, starts_in=timedelta(minutes=5))
        client.force_login(cancelled.client)
        response = client.get(urls(cancelled)["page"])
        assert response.status_code == 403
        assert "precall-ice-servers" not in response.content.decode()
        assert "turn:turn.example" not in response.content.decode()

    def test_a_cancelled_booking_refuses_the_offer(self, client, cancelled):
        client.force_login(cancelled.client)
        response = post_json(client, urls(cancelled)["offer"], {"sdp": "v=0"})
        assert response.status_code == 403
        assert response.json()["error"] == uz("This talk was cancelled or is over.")
        assert precall.peers_running() == 0

    def test_a_cancelled_booking_stores_no_result(self, client, cancelled):
        client.force_login(cancelled.client)
        response = post_json(client, urls(cancelled)["result"], GOOD)
        assert response.status_code == 403
        assert nothing_stored(cancelled)

    def test_a_talk_long_over_has_no_check(self, client, booking):
        booking_move(booking, starts_in=timedelta(hours=-3))
        client.force_login(booking.specialist.user)
        assert client.get(urls(booking)["page"]).status_code == 403

    def test_a_client_without_consent_is_asked_for_it(self, client, booking):
        ConsentRecord.objects.filter(user=booking.client).update(
            withdrawn_at=timezone.now()
        )
        client.force_login(booking.client)
        page = client.get(urls(booking)["page"])
        assert page.status_code == 403
        assert (
            uz(
                "Before the first talk, please read and accept the terms for online "
                "consultations."
            )
            in page.content.decode()
        )
        offer = post_json(client, urls(booking)["offer"], {"sdp": "v=0"})
        assert offer.status_code == 403
        assert offer.json()["error"] == uz(
            "Before the check, please read and accept the terms for online "
            "consultations."
        )

    def test_the_specialist_needs_no_consent(self, client, booking):
        ConsentRecord.objects.filter(user=booking.client).delete()
        client.force_login(booking.specialist.user)
        assert client.get(urls(booking)["page"]).status_code == 200


class PrecallLimitTests:
    """3 checks per person in 10 minutes (cache); busy when the peers are in use."""

    @pytest.fixture(autouse=True)
    def answered(self, monkeypatch):
        """No aiortc peer: the view's limits are what is tested."""
        started = []

        async def answer(*, offer_sdp, ice_servers):
            started.append(offer_sdp)
            return "v=0 answer"

        monkeypatch.setattr(precall_views, "precall_answer", answer)
        return started

    def offer(self, client, booking):
        return post_json(client, urls(booking)["offer"], {"sdp": real_offer_sdp()})

    def test_a_fourth_check_in_ten_minutes_is_refused(self, client, booking, answered):
        client.force_login(booking.client)
        assert [self.offer(client, booking).status_code for _ in range(3)] == [200] * 3
        refused = self.offer(client, booking)
        assert refused.status_code == 429
        assert refused["Retry-After"] == "600"
        assert refused.json()["error"] == uz(
            "You have checked %(count)d times in the last %(minutes)d minutes. "
            "Please wait a few minutes, then try again."
        ) % {"count": 3, "minutes": 10}
        assert len(answered) == 3

    def test_the_limit_is_per_person(self, client, booking):
        client.force_login(booking.client)
        for _ in range(3):
            self.offer(client, booking)
        client.force_login(booking.specialist.user)
        assert self.offer(client, booking).status_code == 200

    def test_the_window_ends(self, client, booking, settings):
        settings.PRECALL_CHECKS_WINDOW_SECONDS = 1
        client.force_login(booking.client)
        for _ in range(3):
            self.offer(client, booking)
        assert self.offer(client, booking).status_code == 429
        # Refused offers until the window is over, then a check again.
        eventually(
            lambda: self.offer(client, booking).status_code == 200,
            10,
            what="a check once the window is over",
        )

    def test_a_busy_server_does_not_use_up_a_check(self, client, booking, settings):
        client.force_login(booking.client)
        settings.PRECALL_MAX_PEERS = 0
        assert [self.offer(client, booking).status_code for _ in range(4)] == [503] * 4
        settings.PRECALL_MAX_PEERS = 20
        assert [self.offer(client, booking).status_code for _ in range(3)] == [200] * 3

    def test_a_bad_offer_does_not_use_up_a_check(self, client, booking):
        client.force_login(booking.client)
        for _ in range(4):
            post_json(client, urls(booking)["offer"], {"sdp": "not sdp"})
        assert self.offer(client, booking).status_code == 200


class PrecallAnswerTests:
    def test_answer_carries_candidates(self):
        async def scenario():
            peer, _ = await browser_offer()
            try:
                return await precall.precall_answer(
                    offer_sdp=peer.localDescription.sdp, ice_servers=[]
                )
            finally:
                await peer.close()
                await precall.precall_close_all()

        answer = asyncio.run(scenario())
        assert "a=candidate:" in answer
        assert "a=end-of-candidates" in answer
        assert "127.0.0.1" in answer

    def test_echoes_video_and_audio_and_answers_pings(self):
        async def scenario():
            peer, channel = await browser_offer()
            try:
                answer = await precall.precall_answer(
                    offer_sdp=peer.localDescription.sdp, ice_servers=[]
                )
                return await echo_exchange(peer, channel, answer)
            finally:
                await peer.close()
                await precall.precall_close_all()

        result = asyncio.run(scenario())
        assert result["pongs"] == ["pong 1", "pong 2", "pong 3"]
        video = result["echoed"]["video"]
        assert (video.width, video.height) == (160, 120)
        assert "audio" in result["echoed"]

    def test_data_channel_only_offer_is_answered(self):
        async def scenario():
            peer, channel = await browser_offer(media=False)
            try:
                answer = await precall.precall_answer(
                    offer_sdp=peer.localDescription.sdp, ice_servers=[]
                )
                opened = asyncio.Event()
                pongs = []
                channel.on("open", opened.set)
                channel.on("message", pongs.append)
                await peer.setRemoteDescription(RTCSessionDescription(answer, "answer"))
                await asyncio.wait_for(opened.wait(), TIMEOUT)
                channel.send("ping 7")
                await eventually_async(lambda: pongs, 5, what="a pong")
                return pongs
            finally:
                await peer.close()
                await precall.precall_close_all()

        assert asyncio.run(scenario()) == ["pong 7"]

    def test_peer_closes_itself_after_its_lifetime(self, monkeypatch):
        monkeypatch.setattr(precall, "PEER_LIFETIME_SECONDS", 0.5)

        async def scenario():
            peer, _ = await browser_offer()
            try:
                await precall.precall_answer(
                    offer_sdp=peer.localDescription.sdp, ice_servers=[]
                )
                running_at_first = precall.peers_running()
                await eventually_async(
                    lambda: precall.peers_running() == 0, 10, what="the peer closed"
                )
                return running_at_first, precall.peers_running()
            finally:
                await peer.close()
                await precall.precall_close_all()

        assert asyncio.run(scenario()) == (1, 0)

    def test_too_many_peers_are_refused(self, settings):
        settings.PRECALL_MAX_PEERS = 1

        async def scenario():
            first, _ = await browser_offer()
            second, _ = await browser_offer()
            try:
                await precall.precall_answer(
                    offer_sdp=first.localDescription.sdp, ice_servers=[]
                )
                with pytest.raises(precall.PrecallError) as refused:
                    await precall.precall_answer(
                        offer_sdp=second.localDescription.sdp, ice_servers=[]
                    )
                return refused.value.status
            finally:
                await first.close()
                await second.close()
                await precall.precall_close_all()

        assert asyncio.run(scenario()) == 503

    def test_peer_closes_when_the_browser_hangs_up(self):
        async def scenario():
            peer, channel = await browser_offer()
            try:
                answer = await precall.precall_answer(
                    offer_sdp=peer.localDescription.sdp, ice_servers=[]
                )
                await echo_exchange(peer, channel, answer)
                running_while_connected = precall.peers_running()
                await peer.close()
                # DTLS close_notify arrives at once; 5 s is ample.
                await eventually_async(
                    lambda: precall.peers_running() == 0, 5, what="the peer closed"
                )
                return running_while_connected, precall.peers_running()
            finally:
                await peer.close()
                await precall.precall_close_all()

        assert asyncio.run(scenario()) == (1, 0)

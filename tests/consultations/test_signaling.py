"""The call's signaling consumer through the real ASGI application (origin check,
session authentication, routing), as a browser meets it: who may connect, what is
relayed to whom, and how bad messages are refused without disturbing other calls.
"""

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client
from django.utils import timezone

from cms.asgi import application
from consultations import services
from consultations.models import (
    Booking,
    BookingStatus,
    ConsentTerms,
)
from tests.accounts.factories import user_create
from tests.consultations.factories import (
    booking_create,
    consent_give,
    specialist_profile_create,
)

pytestmark = pytest.mark.django_db(transaction=True)

ORIGIN = (b"origin", b"http://127.0.0.1:8000")
HOST = (b"host", b"127.0.0.1")
SDP = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
CANDIDATE = "candidate:1 1 udp 2122260223 192.0.2.1 54321 typ host"
CLOSED_NOT_ALLOWED = {"type": "websocket.close", "code": 4403}
CLOSED_INVALID = {"type": "websocket.close", "code": 4400}
CLOSED_NORMAL = {"type": "websocket.close", "code": 1000}
# A participant is told why (call_rights.py); a stranger only ever gets 4403.
CLOSED_TIME_OVER = {"type": "websocket.close", "code": 4408}
CLOSED_CANCELLED = {"type": "websocket.close", "code": 4410}


@pytest.fixture(autouse=True)
def no_ice_servers(settings):
    settings.STUN_URLS = []
    settings.TURN_URLS = []
    settings.TURN_SECRET = ""


# --- Data ---------------------------------------------------------------------------


def session_cookie(user) -> bytes:
    browser = Client()
    browser.force_login(user)
    return f"sessionid={browser.cookies['sessionid'].value}".encode()


@dataclass
class Room:
    booking: Booking
    client_cookie: bytes
    specialist_cookie: bytes

    @property
    def id(self) -> int:
        return self.booking.pk


def room_create(
    *,
    starts_in=timedelta(minutes=5),
    length=timedelta(minutes=45),
    consent=True,
    status=BookingStatus.CONFIRMED,
) -> Room:
    client = user_create(roles=())
    if consent:
        consent_give(client)
    specialist = specialist_profile_create()
    booking = booking_create(
        client=client,
        specialist=specialist,
        starts_in=starts_in,
        length=length,
        status=status,
    )
    return Room(booking, session_cookie(client), session_cookie(specialist.user))


# --- Sockets ------------------------------------------------------------------------


class Sockets:
    """The sockets one test opens; whatever is still open is disconnected at the end,
    as Daphne would when the browser goes away."""

    def __init__(self):
        self.open = []

    async def connect(self, booking_id: int, cookie: bytes | None = None):
        headers = [ORIGIN, HOST]
        if cookie is not None:
            headers.append((b"cookie", cookie))
        socket = WebsocketCommunicator(
            application, f"/ws/consultations/{booking_id}/", headers=headers
        )
        connected, _ = await socket.connect()
        assert connected is True
        self.open.append(socket)
        return socket

    async def enter(self, booking_id: int, cookie: bytes):
        """Connect and take the welcome frame."""
        socket = await self.connect(booking_id, cookie)
        welcome = await socket.receive_json_from()
        assert welcome["type"] == "welcome"
        return socket, welcome

    async def pair(self, room: Room, *, admit=False):
        client, _ = await self.enter(room.id, room.client_cookie)
        specialist, _ = await self.enter(room.id, room.specialist_cookie)
        if admit:
            await specialist.send_json_to({"type": "admit"})
            assert await client.receive_json_from() == {"type": "admitted"}
            assert await specialist.receive_json_from() == {"type": "admitted"}
        return client, specialist

    async def hang_up(self, socket):
        self.open.remove(socket)
        await socket.disconnect()

    async def close_all(self):
        while self.open:
            await self.hang_up(self.open[-1])


def run(scenario, *args):
    """Run an async scenario with fresh sockets from this synchronous test."""

    async def main():
        sockets = Sockets()
        try:
            return await scenario(sockets, *args)
        finally:
            await sockets.close_all()

    return async_to_sync(main)()


async def still_relays_chat(sockets: Sockets, room: Room, client, specialist):
    """Prove a room still works: a chat goes from the client to the specialist."""
    await client.send_json_to({"type": "chat", "text": "Are you still there?"})
    received = await specialist.receive_json_from()
    assert received["type"] == "chat"
    assert received["text"] == "Are you still there?"
    assert await client.receive_nothing()


def booking_fresh(room: Room) -> Booking:
    return Booking.objects.get(pk=room.id)


# --- The call -----------------------------------------------------------------------


class ConsultationCallTests:
    def test_both_sides_are_welcomed(self):
        room = room_create()

        async def scenario(sockets):
            _, client_welcome = await sockets.enter(room.id, room.client_cookie)
            _, specialist_welcome = await sockets.enter(room.id, room.specialist_cookie)
            return client_welcome, specialist_welcome

        client_welcome, specialist_welcome = run(scenario)
        assert client_welcome == {
            "type": "welcome",
            "role": "client",
            "admitted": False,
            "iceServers": [],
            "peerPresent": False,
        }
        assert specialist_welcome == {**client_welcome, "role": "specialist"}

    def test_welcome_carries_stun_and_this_users_turn_credentials(self, settings):
        settings.STUN_URLS = ["stun:stun.komak.test:3478"]
        settings.TURN_URLS = ["turn:turn.komak.test:3478?transport=udp"]
        settings.TURN_SECRET = "shared-with-coturn"
        room = room_create()

        async def scenario(sockets):
            _, welcome = await sockets.enter(room.id, room.client_cookie)
            return welcome

        stun, turn = run(scenario)["iceServers"]
        expiry = int((room.booking.ends_at + timedelta(minutes=30)).timestamp())
        username = f"{expiry}:{room.booking.client_id}"
        mac = hmac.new(b"shared-with-coturn", username.encode(), hashlib.sha1)
        assert stun == {"urls": ["stun:stun.komak.test:3478"]}
        assert turn == {
            "urls": ["turn:turn.komak.test:3478?transport=udp"],
            "username": username,
            "credential": base64.b64encode(mac.digest()).decode(),
        }

    def test_join_and_present_reach_the_other_side(self):
        room = room_create()

        async def scenario(sockets):
            client, specialist = await sockets.pair(room)
            await client.send_json_to({"type": "join"})
            joined = await specialist.receive_json_from()
            client_heard_itself = not await client.receive_nothing()
            await specialist.send_json_to({"type": "present"})
            present = await client.receive_json_from()
            specialist_heard_itself = not await specialist.receive_nothing()
            return joined, present, client_heard_itself, specialist_heard_itself

        joined, present, client_echo, specialist_echo = run(scenario)
        assert joined == {"type": "peer", "event": "joined", "role": "client"}
        assert present == {"type": "peer", "event": "present", "role": "specialist"}
        assert (client_echo, specialist_echo) == (False, False)

    def test_join_records_the_first_arrival(self):
        room = room_create()

        async def scenario(sockets):
            client, specialist = await sockets.pair(room)
            await client.send_json_to({"type": "join"})
            await specialist.receive_json_from()

        run(scenario)
        booking = booking_fresh(room)
        assert booking.client_joined_at is not None
        assert booking.specialist_joined_at is None

    def test_client_offer_before_admission_is_refused(self):
        room = room_create()

        async def scenario(sockets):
            client, specialist = await sockets.pair(room)
            await client.send_json_to({"type": "offer", "sdp": SDP})
            error = await client.receive_json_from()
            closed = await client.receive_output()
            await sockets.hang_up(client)
            after = await specialist.receive_json_from()
            return error, closed, after

        error, closed, after = run(scenario)
        assert error["type"] == "error"
        assert error["code"] == "not_admitted"
        assert error["message"]
        assert closed == CLOSED_INVALID
        # Nothing was relayed: the specialist only learns that the client left.
        assert after == {"type": "peer", "event": "left", "role": "client"}

    def test_admission_reaches_both_and_is_stored(self):
        room = room_create()

        async def scenario(sockets):
            await sockets.pair(room, admit=True)

        run(scenario)
        assert booking_fresh(room).admitted_at is not None

    @pytest.mark.parametrize(
        "message",
        [
            {"type": "offer", "sdp": SDP},
            {"type": "answer", "sdp": SDP},
            {"type": "ice", "candidate": CANDIDATE, "sdpMid": "0", "sdpMLineIndex": 0},
            {"type": "ice", "candidate": None, "sdpMid": None, "sdpMLineIndex": None},
            {"type": "state", "muted": True, "audioOnly": False},
        ],
        ids=["offer", "answer", "ice", "end-of-candidates", "state"],
    )
    def test_media_messages_are_relayed_both_ways_and_not_echoed(self, message):
        room = room_create()

        async def scenario(sockets):
            client, specialist = await sockets.pair(room, admit=True)
            await client.send_json_to(message)
            to_specialist = await specialist.receive_json_from()
            assert await client.receive_nothing()
            await specialist.send_json_to(message)
            to_client = await client.receive_json_from()
            assert await specialist.receive_nothing()
            return to_specialist, to_client

        to_specialist, to_client = run(scenario)
        assert to_specialist == {**message, "from": "client"}
        assert to_client == {**message, "from": "specialist"}

    def test_chat_is_relayed_with_sender_and_time_and_not_echoed(self):
        room = room_create()

        async def scenario(sockets):
            client, specialist = await sockets.pair(room, admit=True)
            await client.send_json_to({"type": "chat", "text": "Salom, eshityapsizmi?"})
            to_specialist = await specialist.receive_json_from()
            assert await client.receive_nothing()
            await specialist.send_json_to({"type": "chat", "text": "Ha, eshityapman."})
            to_client = await client.receive_json_from()
            assert await specialist.receive_nothing()
            return to_specialist, to_client

        before = timezone.now()
        to_specialist, to_client = run(scenario)
        assert to_specialist["type"] == "chat"
        assert to_specialist["text"] == "Salom, eshityapsizmi?"
        assert to_specialist["from"] == "client"
        assert to_client["text"] == "Ha, eshityapman."
        assert to_client["from"] == "specialist"
        sent_at = datetime.fromisoformat(to_specialist["at"])
        assert before <= sent_at <= timezone.now()

    def test_state_is_relayed_before_admission(self):
        room = room_create()

        async def scenario(sockets):
            client, specialist = await sockets.pair(room)
            await client.send_json_to({"type": "state", "camera": False})
            return await specialist.receive_json_from()

        assert run(scenario) == {"type": "state", "camera": False, "from": "client"}

    def test_admission_made_elsewhere_is_read_from_the_database(self):
        # As when the specialist's socket is served by another Daphne worker.
        room = room_create()

        async def scenario(sockets):
            client, specialist = await sockets.pair(room)
            await database_sync_to_async(services.booking_admit)(booking_id=room.id)
            await client.send_json_to({"type": "offer", "sdp": SDP})
            offer = await specialist.receive_json_from()
            await specialist.send_json_to({"type": "answer", "sdp": SDP})
            answer = await client.receive_json_from()
            return offer, answer

        offer, answer = run(scenario)
        assert offer == {"type": "offer", "sdp": SDP, "from": "client"}
        assert answer == {"type": "answer", "sdp": SDP, "from": "specialist"}

    def test_welcome_after_admission_says_admitted(self):
        room = room_create()
        services.booking_admit(booking_id=room.id)

        async def scenario(sockets):
            _, welcome = await sockets.enter(room.id, room.client_cookie)
            return welcome

        assert run(scenario)["admitted"] is True

    def test_leave_is_relayed_then_the_socket_closes_normally(self):
        room = room_create()

        async def scenario(sockets):
            client, specialist = await sockets.pair(room, admit=True)
            await client.send_json_to({"type": "leave"})
            leave = await specialist.receive_json_from()
            closed = await client.receive_output()
            await sockets.hang_up(client)
            left = await specialist.receive_json_from()
            return leave, closed, left

        leave, closed, left = run(scenario)
        assert leave == {"type": "leave", "from": "client"}
        assert closed == CLOSED_NORMAL
        assert left == {"type": "peer", "event": "left", "role": "client"}

    def test_a_dropped_socket_is_announced(self):
        room = room_create()

        async def scenario(sockets):
            client, specialist = await sockets.pair(room)
            await sockets.hang_up(specialist)
            return await client.receive_json_from()

        assert run(scenario) == {"type": "peer", "event": "left", "role": "specialist"}

    def test_end_completes_the_booking_and_closes_both(self):
        room = room_create()

        async def scenario(sockets):
            client, specialist = await sockets.pair(room, admit=True)
            await specialist.send_json_to({"type": "end"})
            return [
                await client.receive_json_from(),
                await client.receive_output(),
                await specialist.receive_json_from(),
                await specialist.receive_output(),
            ]

        frames = run(scenario)
        assert frames == [
            {"type": "ended"},
            CLOSED_NORMAL,
            {"type": "ended"},
            CLOSED_NORMAL,
        ]
        booking = booking_fresh(room)
        assert booking.status == BookingStatus.COMPLETED
        assert booking.ended_at is not None

    def test_ping_is_answered_with_pong(self):
        room = room_create()

        async def scenario(sockets):
            client, specialist = await sockets.pair(room)
            await client.send_json_to({"type": "ping"})
            pong = await client.receive_json_from()
            assert await specialist.receive_nothing()
            return pong

        assert run(scenario) == {"type": "pong"}

    def test_a_second_tab_of_the_client_hears_the_room(self):
        room = room_create()

        async def scenario(sockets):
            client, specialist = await sockets.pair(room, admit=True)
            second, welcome = await sockets.enter(room.id, room.client_cookie)
            await specialist.send_json_to({"type": "chat", "text": "Hello"})
            return (
                welcome,
                await client.receive_json_from(),
                await second.receive_json_from(),
            )

        welcome, first_tab, second_tab = run(scenario)
        assert welcome["admitted"] is True
        assert first_tab["text"] == second_tab["text"] == "Hello"


# --- Who may connect ----------------------------------------------------------------


def refused(room: Room, cookie: bytes | None, booking_id: int | None = None):
    """Connect as someone who must be refused, while the specialist waits in the
    room; return the first output and whether the specialist heard anything."""

    async def scenario(sockets):
        specialist, _ = await sockets.enter(room.id, room.specialist_cookie)
        stranger = await sockets.connect(booking_id or room.id, cookie)
        first = await stranger.receive_output()
        await sockets.hang_up(stranger)
        return first, await specialist.receive_nothing()

    return run(scenario)


class ConsultationAccessTests:
    def assert_refused(self, room, cookie, booking_id=None):
        first, specialist_heard_nothing = refused(room, cookie, booking_id)
        # The very first thing the stranger gets is the close: no frame before it.
        assert first == CLOSED_NOT_ALLOWED
        assert specialist_heard_nothing

    def test_anonymous(self):
        self.assert_refused(room_create(), None)

    def test_another_client_with_consent(self):
        room = room_create()
        stranger = user_create(roles=())
        consent_give(stranger)
        self.assert_refused(room, session_cookie(stranger))

    def test_a_learner(self):
        room = room_create()
        self.assert_refused(room, session_cookie(user_create(roles=("Learner",))))

    def test_another_specialist(self):
        room = room_create()
        self.assert_refused(room, session_cookie(specialist_profile_create().user))

    def test_the_client_without_consent(self):
        room = room_create(consent=False)
        self.assert_refused(room, room.client_cookie)

    def test_the_client_after_withdrawing_consent(self):
        room = room_create()
        services.consent_withdraw(user=room.booking.client)
        self.assert_refused(room, room.client_cookie)

    def test_the_client_who_accepted_only_older_terms(self):
        room = room_create()
        ConsentTerms.objects.create(
            version="t2",
            text="New terms.",
            published_at=timezone.now() + timedelta(seconds=1),
        )
        self.assert_refused(room, room.client_cookie)

    def test_the_specialist_needs_no_consent(self):
        room = room_create()

        async def scenario(sockets):
            _, welcome = await sockets.enter(room.id, room.specialist_cookie)
            return welcome

        assert run(scenario)["role"] == "specialist"

    def test_too_early(self):
        room = room_create(starts_in=timedelta(hours=1))
        for cookie in (room.client_cookie, room.specialist_cookie):
            first, _ = self.refused_alone(room, cookie)
            assert first == CLOSED_NOT_ALLOWED

    def test_fifteen_minutes_early_is_in_time(self):
        room = room_create(starts_in=timedelta(minutes=14))

        async def scenario(sockets):
            _, welcome = await sockets.enter(room.id, room.client_cookie)
            return welcome

        assert run(scenario)["role"] == "client"

    def test_too_late(self):
        room = room_create(starts_in=timedelta(minutes=-60))
        for cookie in (room.client_cookie, room.specialist_cookie):
            first, _ = self.refused_alone(room, cookie)
            assert first == CLOSED_TIME_OVER

    def test_a_cancelled_booking(self):
        room = room_create(status=BookingStatus.CANCELLED)
        for cookie in (room.client_cookie, room.specialist_cookie):
            first, _ = self.refused_alone(room, cookie)
            assert first == CLOSED_CANCELLED

    def test_a_completed_booking(self):
        room = room_create()
        services.booking_end(booking_id=room.id)
        first, _ = self.refused_alone(room, room.client_cookie)
        assert first == CLOSED_TIME_OVER

    def test_a_booking_that_does_not_exist(self):
        room = room_create()
        self.assert_refused(room, room.client_cookie, booking_id=room.id + 1000)

    def refused_alone(self, room, cookie):
        async def scenario(sockets):
            socket = await sockets.connect(room.id, cookie)
            return await socket.receive_output(), None

        return run(scenario)


# --- Bad messages -------------------------------------------------------------------


def text(message) -> dict:
    return {"text": json.dumps(message)}


BAD_MESSAGES = {
    "malformed-json": ([{"text": '{"type": "chat", "text": '}], "malformed", 0),
    "binary-frame": ([{"bytes": b'{"type": "ping"}'}], "malformed", 0),
    "not-an-object": ([text(["ping"])], "malformed", 0),
    "unknown-type": ([text({"type": "dance"})], "unknown_type", 0),
    "missing-field": ([text({"type": "offer"})], "bad_fields", 0),
    "extra-field": ([text({"type": "ping", "urgent": True})], "bad_fields", 0),
    "wrong-type": ([text({"type": "state", "muted": "yes"})], "bad_fields", 0),
    "oversize": ([text({"type": "chat", "text": "a" * 70_000})], "too_large", 0),
    "flood": ([text({"type": "ping"})] * 21, "too_many", 20),
    "client-admits": ([text({"type": "admit"})], "forbidden", 0),
    "chat-before-admission": (
        [text({"type": "chat", "text": "Hello?"})],
        "not_admitted",
        0,
    ),
}


class ConsultationBadMessageTests:
    @pytest.mark.parametrize("name", sorted(BAD_MESSAGES))
    def test_error_then_4400_and_other_rooms_carry_on(self, name):
        frames, code, pongs = BAD_MESSAGES[name]
        room = room_create()
        other_room = room_create()

        async def scenario(sockets):
            other_client, other_specialist = await sockets.pair(other_room, admit=True)
            client, specialist = await sockets.pair(room)
            for frame in frames:
                await client.send_input({"type": "websocket.receive", **frame})
            answers = [await client.receive_json_from() for _ in range(pongs)]
            error = await client.receive_json_from()
            closed = await client.receive_output()
            await sockets.hang_up(client)
            specialist_next = await specialist.receive_json_from()
            await still_relays_chat(sockets, other_room, other_client, other_specialist)
            return answers, error, closed, specialist_next

        answers, error, closed, specialist_next = run(scenario)
        assert answers == [{"type": "pong"}] * pongs
        assert error["type"] == "error"
        assert error["code"] == code
        assert isinstance(error["message"], str) and error["message"]
        assert set(error) == {"type", "code", "message"}
        assert closed == CLOSED_INVALID
        # Nothing of the bad message reached the other side of its room.
        assert specialist_next == {"type": "peer", "event": "left", "role": "client"}

    def test_the_specialist_is_refused_too(self):
        room = room_create()

        async def scenario(sockets):
            client, specialist = await sockets.pair(room)
            await specialist.send_to(bytes_data=b"\x00\x01")
            error = await specialist.receive_json_from()
            closed = await specialist.receive_output()
            return error["code"], closed

        assert run(scenario) == ("malformed", CLOSED_INVALID)

    def test_nothing_more_is_read_after_an_error(self):
        room = room_create()

        async def scenario(sockets):
            client, specialist = await sockets.pair(room, admit=True)
            await client.send_to(text_data="nonsense")
            await client.send_json_to({"type": "chat", "text": "sneaked in"})
            await client.receive_json_from()
            closed = await client.receive_output()
            return closed, await specialist.receive_nothing()

        closed, specialist_heard_nothing = run(scenario)
        assert closed == CLOSED_INVALID
        assert specialist_heard_nothing

"""A call ends when its right ends (consultations/call_rights.py, consumers.py).

Through the real ASGI application: cancelling, withdrawing consent or anonymising
closes both people's sockets with a code that says why; an overrunning call may
reconnect until the end of the grace and is closed when it ends; a cancellation whose
message the channel layer lost is still caught by the sockets' own checks; and TURN
credentials are renewed over the socket before they expire.
"""

import asyncio
from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from django.utils import timezone

from consultations import call_rights, services
from consultations.models import Booking, BookingStatus
from tests.consultations.test_signaling import (
    CLOSED_CANCELLED,
    CLOSED_TIME_OVER,
    room_create,
    run,
)

pytestmark = pytest.mark.django_db(transaction=True)

CLOSED_CONSENT_WITHDRAWN = {"type": "websocket.close", "code": 4451}
TURN_SECRET = "shared-with-coturn"


@pytest.fixture(autouse=True)
def no_ice_servers(settings):
    settings.STUN_URLS = []
    settings.TURN_URLS = []
    settings.TURN_SECRET = ""


@pytest.fixture
def turn_configured(settings):
    settings.TURN_URLS = ["turn:turn.komak.test:3478?transport=udp"]
    settings.TURN_SECRET = TURN_SECRET
    return settings


async def closes(socket, timeout: float = 5) -> dict:
    """The next output of a socket that should be closing, frames skipped."""
    while True:
        output = await socket.receive_output(timeout)
        if output["type"] == "websocket.close":
            return output


def booking_ended_ago(room, ago: timedelta, *, admitted: bool) -> None:
    """Move the room's booking so that it ended `ago` (negative: ends in future)."""
    ends_at = timezone.now() - ago
    Booking.objects.filter(pk=room.id).update(
        starts_at=ends_at - timedelta(minutes=45),
        ends_at=ends_at,
        admitted_at=timezone.now() - timedelta(minutes=40) if admitted else None,
    )


@sync_to_async
def cancel_by_specialist(booking_id: int) -> None:
    """The specialist cancels, through the service, as the booking page does."""
    booking = Booking.objects.select_related("specialist__user").get(pk=booking_id)
    services.booking_cancel(booking=booking, by_user=booking.specialist.user)


class CallEndsWithItsRightTests:
    def test_cancelling_closes_both_sockets_with_4410(self):
        room = room_create()

        async def scenario(sockets):
            client, specialist = await sockets.pair(room, admit=True)
            await cancel_by_specialist(room.id)
            return await closes(client), await closes(specialist)

        assert run(scenario) == (CLOSED_CANCELLED, CLOSED_CANCELLED)

    def test_withdrawing_consent_closes_both_sockets_with_4451(self):
        room = room_create()

        async def scenario(sockets):
            client, specialist = await sockets.pair(room, admit=True)
            await sync_to_async(services.consent_withdraw)(user=room.booking.client)
            return await closes(client), await closes(specialist)

        assert run(scenario) == (CLOSED_CONSENT_WITHDRAWN, CLOSED_CONSENT_WITHDRAWN)

    def test_anonymising_closes_both_sockets_with_4410(self):
        room = room_create()

        async def scenario(sockets):
            client, specialist = await sockets.pair(room, admit=True)
            await sync_to_async(services.bookings_anonymise)(
                bookings=Booking.objects.filter(pk=room.id)
            )
            return await closes(client), await closes(specialist)

        assert run(scenario) == (CLOSED_CANCELLED, CLOSED_CANCELLED)

    def test_another_booking_cancelled_closes_nothing_here(self):
        room = room_create()
        other = room_create()

        async def scenario(sockets):
            client, specialist = await sockets.pair(room, admit=True)
            await cancel_by_specialist(other.id)
            return await client.receive_nothing(0.3), await specialist.receive_nothing()

        assert run(scenario) == (True, True)

    def test_the_leave_record_says_why(self):
        from audit.models import AuditAction, AuditRecord

        room = room_create()

        async def scenario(sockets):
            client, specialist = await sockets.pair(room, admit=True)
            await cancel_by_specialist(room.id)
            await closes(client)
            await closes(specialist)
            await sockets.close_all()  # disconnect, as Daphne does after the close

        run(scenario)
        leaves = AuditRecord.objects.filter(
            action=AuditAction.CALL_LEAVE, target_id=str(room.id)
        )
        assert [record.detail for record in leaves] == [
            {"close_code": 4410, "reason": "cancelled"}
        ] * 2

    def test_a_lost_cancellation_message_is_caught_by_the_sockets_check(
        self, settings, monkeypatch
    ):
        """The channel layer lost `call.end` (Redis down): each socket re-reads the
        booking every CALL_RECHECK_SECONDS and closes all the same."""
        settings.CALL_RECHECK_SECONDS = 1
        monkeypatch.setattr(call_rights, "calls_end", lambda **kwargs: 0)
        room = room_create()

        async def scenario(sockets):
            client, specialist = await sockets.pair(room, admit=True)
            await cancel_by_specialist(room.id)
            assert await client.receive_nothing(0.2)  # no message came
            return await closes(client), await closes(specialist)

        assert run(scenario) == (CLOSED_CANCELLED, CLOSED_CANCELLED)

    def test_a_failing_check_does_not_end_the_call(self, settings, monkeypatch, caplog):
        """The database failing for a moment during a socket's own check leaves the
        call going."""
        from consultations import consumers

        settings.CALL_RECHECK_SECONDS = 1
        real = consumers.call_access_decided
        calls = []

        def failing_after_connect(**kwargs):
            calls.append(kwargs)
            if len(calls) > 1:
                raise ConnectionError("database restarting")
            return real(**kwargs)

        monkeypatch.setattr(consumers, "call_access_decided", failing_after_connect)
        room = room_create()

        async def scenario(sockets):
            client, _ = await sockets.enter(room.id, room.client_cookie)
            return await client.receive_nothing(2.5)

        assert run(scenario) is True
        assert len(calls) >= 2
        assert "Call check failed" in caplog.text


class GraceTests:
    def test_an_overrunning_call_may_reconnect_within_the_grace(self):
        room = room_create()
        booking_ended_ago(room, timedelta(minutes=29), admitted=True)

        async def scenario(sockets):
            _, welcome = await sockets.enter(room.id, room.client_cookie)
            return welcome

        assert run(scenario)["type"] == "welcome"

    def test_not_after_the_grace(self):
        room = room_create()
        booking_ended_ago(room, timedelta(minutes=31), admitted=True)

        async def scenario(sockets):
            socket = await sockets.connect(room.id, room.client_cookie)
            return await socket.receive_output()

        assert run(scenario) == CLOSED_TIME_OVER

    def test_a_call_never_started_gets_no_grace(self):
        room = room_create()
        booking_ended_ago(room, timedelta(minutes=1), admitted=False)

        async def scenario(sockets):
            socket = await sockets.connect(room.id, room.specialist_cookie)
            return await socket.receive_output()

        assert run(scenario) == CLOSED_TIME_OVER

    def test_the_end_of_the_grace_closes_both_sockets(self, settings):
        room = room_create()
        # The grace ends 2 seconds from now.
        booking_ended_ago(
            room, timedelta(minutes=30) - timedelta(seconds=2), admitted=True
        )

        async def scenario(sockets):
            client, specialist = await sockets.pair(room)
            return await closes(client, 6), await closes(specialist, 6)

        assert run(scenario) == (CLOSED_TIME_OVER, CLOSED_TIME_OVER)

    def test_a_call_not_let_in_closes_at_the_end(self):
        room = room_create()
        booking_ended_ago(room, -timedelta(seconds=2), admitted=False)

        async def scenario(sockets):
            client, specialist = await sockets.pair(room)
            return await closes(client, 6), await closes(specialist, 6)

        assert run(scenario) == (CLOSED_TIME_OVER, CLOSED_TIME_OVER)


class TurnRenewalTests:
    def test_fresh_credentials_come_before_the_old_ones_expire(self, turn_configured):
        turn_configured.TURN_CREDENTIAL_TTL_SECONDS = 4  # renewed at half life: 2 s
        room = room_create()

        async def scenario(sockets):
            client, welcome = await sockets.enter(room.id, room.client_cookie)
            renewed = await client.receive_json_from(timeout=5)
            return welcome, renewed

        welcome, renewed = run(scenario)
        assert renewed["type"] == "servers"
        (old,) = welcome["iceServers"]
        (new,) = renewed["iceServers"]
        old_expiry = int(old["username"].split(":")[0])
        new_expiry = int(new["username"].split(":")[0])
        assert new_expiry > old_expiry
        assert new_expiry <= int(timezone.now().timestamp()) + 4
        assert new["username"].endswith(f":{room.booking.client_id}")
        assert new["credential"] != old["credential"]

    def test_no_renewal_past_the_end_of_the_grace(self, turn_configured):
        """A credential already running to the end of the grace is not renewed:
        the socket closes then."""
        turn_configured.TURN_CREDENTIAL_TTL_SECONDS = 4
        room = room_create()
        booking_ended_ago(
            room, timedelta(minutes=30) - timedelta(seconds=3), admitted=True
        )

        async def scenario(sockets):
            client, welcome = await sockets.enter(room.id, room.client_cookie)
            return welcome, await closes(client, 6)

        welcome, closed = run(scenario)
        assert closed == CLOSED_TIME_OVER

    def test_nothing_is_sent_without_turn(self, settings):
        settings.TURN_CREDENTIAL_TTL_SECONDS = 2
        room = room_create()

        async def scenario(sockets):
            client, _ = await sockets.enter(room.id, room.client_cookie)
            return await client.receive_nothing(2.5)

        assert run(scenario) is True


class CallsEndTests:
    def test_a_failing_layer_is_logged_not_raised(self, monkeypatch, caplog):
        class BrokenLayer:
            async def group_send(self, group, message):
                raise ConnectionError("Redis is restarting")

        monkeypatch.setattr(call_rights, "get_channel_layer", BrokenLayer)
        assert call_rights.calls_end(booking_ids=[1, 2], reason="cancelled") == 0
        assert "Could not end the call of booking 1" in caplog.text

    def test_old_bookings_tell_no_room(self, monkeypatch):
        told = []
        monkeypatch.setattr(
            call_rights, "calls_end", lambda **kwargs: told.append(kwargs) or 0
        )
        room = room_create()
        Booking.objects.filter(pk=room.id).update(
            starts_at=timezone.now() - timedelta(days=400),
            ends_at=timezone.now() - timedelta(days=400) + timedelta(minutes=45),
            status=BookingStatus.COMPLETED,
        )
        call_rights.calls_end_for_bookings(booking_ids=[room.id], reason="anonymised")
        assert told == [{"booking_ids": [], "reason": "anonymised"}]


def test_closes_helper_times_out_on_an_open_socket():
    """`closes` fails rather than passing when nothing closes (guards the tests)."""

    async def scenario():
        class Quiet:
            async def receive_output(self, timeout):
                await asyncio.sleep(timeout)
                raise TimeoutError

        with pytest.raises(TimeoutError):
            await closes(Quiet(), 0.01)

    asyncio.run(scenario())

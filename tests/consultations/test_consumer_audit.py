"""The signaling consumer's refusals in the audit trail (consultations/consumers.py):
each refused socket of a signed-in person is recorded once, with who, which booking,
the close code, why, and the address; signed-out sockets are only counted into the
address's summary of the minute (tests/consultations/test_socket_refusals.py); a
socket closed for a broken protocol rule is recorded once per close, however many
bad frames came, in place of its leave.
"""

import ast
from datetime import timedelta

import pytest
from channels.testing import WebsocketCommunicator
from django_q.models import Schedule

from audit.models import AuditAction, AuditRecord
from audit.selectors import audit_chain_verify
from cms.asgi import application
from consultations.models import BookingStatus
from consultations.socket_refusals import SUMMARY_TASK
from consultations.tasks import socket_refusals_summarise
from tests.accounts.factories import user_create
from tests.consultations import test_signaling as signaling_tests
from tests.consultations.factories import consent_give, specialist_profile_create
from tests.consultations.test_signaling import (
    CLOSED_INVALID,
    CLOSED_NORMAL,
    CLOSED_NOT_ALLOWED,
    HOST,
    ORIGIN,
    room_create,
    run,
    session_cookie,
)

# The refusals per address are counted in the cache: each test starts with none.
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("fresh_limits"),
]

no_ice_servers = signaling_tests.no_ice_servers  # the signaling tests' fixture
ADDRESS = "192.0.2.44"


def refusals(booking_id: int) -> list[AuditRecord]:
    return list(
        AuditRecord.objects.filter(
            action=AuditAction.ACCESS_DENIED, target_id=str(booking_id)
        ).order_by("sequence")
    )


def summaries_written() -> list[AuditRecord]:
    """Run the summaries the refusals scheduled (as the django-q2 cluster would
    after their minute) and return the records they wrote."""
    for scheduled in Schedule.objects.filter(func=SUMMARY_TASK):
        socket_refusals_summarise(*ast.literal_eval(scheduled.args))
    return list(AuditRecord.objects.filter(action=AuditAction.SOCKET_REFUSALS))


def protocol_closes(booking_id: int) -> list[AuditRecord]:
    return list(
        AuditRecord.objects.filter(
            action=AuditAction.CALL_PROTOCOL_CLOSE, target_id=str(booking_id)
        ).order_by("sequence")
    )


def refused_from_address(booking_id: int, cookie: bytes | None) -> dict:
    """Open one socket from ADDRESS (as Daphne puts the peer in the scope) and
    return the first thing the server sends."""

    async def scenario(sockets):
        headers = [ORIGIN, HOST] + ([(b"cookie", cookie)] if cookie else [])
        socket = WebsocketCommunicator(
            application, f"/ws/consultations/{booking_id}/", headers=headers
        )
        socket.scope["client"] = [ADDRESS, 50123]
        connected, _ = await socket.connect()
        assert connected is True
        sockets.open.append(socket)
        return await socket.receive_output()

    return run(scenario)


class RefusedSocketAuditTests:
    def test_a_signed_out_socket_is_only_counted_for_its_address(self):
        room = room_create()
        assert refused_from_address(room.id, None) == CLOSED_NOT_ALLOWED
        assert refusals(room.id) == []
        (summary,) = summaries_written()
        assert summary.actor_id is None
        assert summary.actor_pseudonym == ""
        assert summary.ip_address == ADDRESS
        assert summary.detail["count"] == 1
        assert summary.detail["signed_out"] == 1
        assert audit_chain_verify().ok

    def test_a_stranger_is_recorded_by_id(self):
        room = room_create()
        stranger = user_create(roles=())
        consent_give(stranger)
        assert refused_from_address(room.id, session_cookie(stranger)) == (
            CLOSED_NOT_ALLOWED
        )
        (record,) = refusals(room.id)
        assert record.actor_id == stranger.pk
        assert record.detail["reason"] == "not_participant"

    def test_another_specialist_is_not_a_participant(self):
        room = room_create()
        other = specialist_profile_create().user
        refused_from_address(room.id, session_cookie(other))
        assert [r.detail["reason"] for r in refusals(room.id)] == ["not_participant"]

    def test_a_booking_that_does_not_exist(self):
        room = room_create()
        missing = room.id + 1000
        assert refused_from_address(missing, room.client_cookie) == CLOSED_NOT_ALLOWED
        (record,) = refusals(missing)
        assert record.actor_id == room.booking.client_id
        assert record.target_id == str(missing)
        assert record.detail["reason"] == "not_participant"

    def test_the_client_without_consent(self):
        room = room_create(consent=False)
        refused_from_address(room.id, room.client_cookie)
        assert [r.detail["reason"] for r in refusals(room.id)] == ["no_consent"]

    @pytest.mark.parametrize(
        "room_options",
        [
            {"starts_in": timedelta(hours=1)},
            {"starts_in": timedelta(minutes=-60)},
            {"status": BookingStatus.CANCELLED},
        ],
        ids=["too-early", "too-late", "cancelled"],
    )
    def test_a_call_that_is_not_open(self, room_options):
        room = room_create(**room_options)
        refused_from_address(room.id, room.specialist_cookie)
        (record,) = refusals(room.id)
        assert record.actor_id == room.booking.specialist.user_id
        assert record.detail["reason"] == "not_open"

    def test_each_refused_socket_of_a_person_is_one_record(self):
        room = room_create()
        stranger = session_cookie(user_create(roles=()))
        for _ in range(3):
            refused_from_address(room.id, stranger)
        assert len(refusals(room.id)) == 3
        (summary,) = summaries_written()
        assert summary.detail["count"] == 3
        assert summary.detail["not_participant"] == 3

    def test_an_admitted_socket_records_no_refusal(self):
        room = room_create()

        async def scenario(sockets):
            await sockets.pair(room)

        run(scenario)
        assert refusals(room.id) == []
        assert protocol_closes(room.id) == []


class ProtocolCloseAuditTests:
    def test_a_bad_frame_is_one_record_with_the_error(self):
        room = room_create()

        async def scenario(sockets):
            client, _specialist = await sockets.pair(room)
            await client.send_to(text_data="not json")
            error = await client.receive_json_from()
            return error["code"], await client.receive_output()

        assert run(scenario) == ("malformed", CLOSED_INVALID)
        (record,) = protocol_closes(room.id)
        assert record.actor_id == room.booking.client_id
        assert record.detail == {"close_code": 4400, "error": "malformed"}
        # It stands for the client's leave; the specialist's leave is as usual.
        leaves = AuditRecord.objects.filter(
            action=AuditAction.CALL_LEAVE, target_id=str(room.id)
        )
        assert [leave.actor_id for leave in leaves] == [room.booking.specialist.user_id]

    def test_a_burst_of_bad_frames_is_one_record(self):
        room = room_create()

        async def scenario(sockets):
            client, _specialist = await sockets.pair(room)
            for _ in range(50):
                await client.send_to(bytes_data=b"\x00\x01")
            error = await client.receive_json_from()
            closed = await client.receive_output()
            return error["code"], closed, await client.receive_nothing()

        assert run(scenario) == ("malformed", CLOSED_INVALID, True)
        assert len(protocol_closes(room.id)) == 1

    def test_a_flood_is_one_record(self):
        room = room_create()

        async def scenario(sockets):
            client, _specialist = await sockets.pair(room)
            for _ in range(30):
                await client.send_json_to({"type": "ping"})
            while (output := await client.receive_output())["type"] != (
                "websocket.close"
            ):
                pass
            return output

        assert run(scenario) == CLOSED_INVALID
        assert [r.detail for r in protocol_closes(room.id)] == [
            {"close_code": 4400, "error": "too_many"}
        ]

    def test_a_client_admitting_is_recorded_as_forbidden(self):
        room = room_create()

        async def scenario(sockets):
            client, _specialist = await sockets.pair(room)
            await client.send_json_to({"type": "admit"})
            await client.receive_json_from()
            return await client.receive_output()

        assert run(scenario) == CLOSED_INVALID
        (record,) = protocol_closes(room.id)
        assert record.detail == {"close_code": 4400, "error": "forbidden"}

    def test_a_normal_leave_is_no_protocol_close(self):
        room = room_create()

        async def scenario(sockets):
            client, _specialist = await sockets.pair(room)
            await client.send_json_to({"type": "leave"})
            return await client.receive_output()

        assert run(scenario) == CLOSED_NORMAL
        assert protocol_closes(room.id) == []

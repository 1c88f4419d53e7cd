"""Refused call sockets (consultations/socket_refusals.py): a limit per client
address, and one audit record per address per minute however many were refused.

Through the real ASGI application, with the address as Daphne puts it in the scope,
or as nginx forwards it (`TRUSTED_PROXY_COUNT`, core/proxy.py).
"""

import ast
from datetime import UTC, datetime

import pytest
from channels.testing import WebsocketCommunicator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_q.models import Schedule

from audit.models import AuditAction, AuditRecord
from audit.selectors import audit_chain_verify
from cms.asgi import application
from consultations import socket_refusals
from consultations.tasks import socket_refusals_summarise
from tests.consultations.test_signaling import (
    CLOSED_NOT_ALLOWED,
    HOST,
    ORIGIN,
    room_create,
    run,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("fresh_limits"),
]

ADDRESS = "198.51.100.7"
OTHER_ADDRESS = "198.51.100.8"
NGINX = "127.0.0.1"


@pytest.fixture(autouse=True)
def small_limit(settings):
    settings.SOCKET_REFUSALS_PER_MINUTE = 3
    settings.STUN_URLS = []
    settings.TURN_URLS = []
    settings.TURN_SECRET = ""


def open_socket(booking_id: int, *, client=(ADDRESS, 50123), headers=()):
    """Open one signed-out socket; (handshake accepted, first output)."""

    async def scenario(sockets):
        socket = WebsocketCommunicator(
            application,
            f"/ws/consultations/{booking_id}/",
            headers=[ORIGIN, HOST, *headers],
        )
        if client is not None:
            socket.scope["client"] = list(client)
        accepted, code = await socket.connect()
        try:
            if not accepted:
                return False, code
            return True, await socket.receive_output()
        finally:
            await socket.disconnect()

    return run(scenario)


def summaries() -> list[AuditRecord]:
    """Run the scheduled summaries, as the django-q2 cluster would after their
    minute, and return the records written."""
    for scheduled in Schedule.objects.filter(func=socket_refusals.SUMMARY_TASK):
        socket_refusals_summarise(*ast.literal_eval(scheduled.args))
    return list(
        AuditRecord.objects.filter(action=AuditAction.SOCKET_REFUSALS).order_by(
            "sequence"
        )
    )


class SocketRefusalLimitTests:
    def test_past_the_limit_the_handshake_is_refused(self):
        room = room_create()
        answers = [open_socket(room.id) for _ in range(5)]
        assert answers[:3] == [(True, CLOSED_NOT_ALLOWED)] * 3
        assert answers[3:] == [(False, 1000)] * 2

    def test_past_the_limit_no_booking_is_read(self):
        room = room_create()
        for _ in range(3):
            open_socket(room.id)
        with CaptureQueriesContext(connection) as queries:
            assert open_socket(room.id)[0] is False
        assert not [q for q in queries if "consultations_booking" in q["sql"]]

    def test_another_address_is_not_limited(self):
        room = room_create()
        for _ in range(4):
            open_socket(room.id)
        assert open_socket(room.id, client=(OTHER_ADDRESS, 1)) == (
            True,
            CLOSED_NOT_ALLOWED,
        )

    def test_without_an_address_there_is_no_limit(self):
        """A Unix socket and no proxy: people cannot be told apart, so none is
        shut out for another's noise."""
        room = room_create()
        answers = [open_socket(room.id, client=None) for _ in range(5)]
        assert answers == [(True, CLOSED_NOT_ALLOWED)] * 5

    def test_the_real_address_behind_the_proxy_is_limited(self, settings):
        settings.TRUSTED_PROXY_COUNT = 1
        room = room_create()
        for client_address in (ADDRESS, ADDRESS, ADDRESS, ADDRESS):
            forwarded = (b"x-forwarded-for", f"203.0.113.9, {client_address}".encode())
            last = open_socket(room.id, client=(NGINX, 1), headers=[forwarded])
        assert last == (False, 1000)
        # Another client behind the same nginx is not shut out.
        forwarded = (b"x-forwarded-for", OTHER_ADDRESS.encode())
        assert open_socket(room.id, client=(NGINX, 1), headers=[forwarded]) == (
            True,
            CLOSED_NOT_ALLOWED,
        )
        (first, second) = sorted(summaries(), key=lambda record: record.ip_address)
        assert (first.ip_address, first.detail["count"]) == (ADDRESS, 4)
        assert (second.ip_address, second.detail["count"]) == (OTHER_ADDRESS, 1)


class SocketRefusalSummaryTests:
    def test_a_flood_is_one_record_per_address_and_minute(self):
        room = room_create()
        for _ in range(6):
            open_socket(room.id)
        assert Schedule.objects.filter(func=socket_refusals.SUMMARY_TASK).count() == 1
        (record,) = summaries()
        assert record.ip_address == ADDRESS
        assert record.actor_id is None
        assert record.detail["count"] == 6
        assert record.detail["signed_out"] == 3
        assert record.detail["over_limit"] == 3
        assert not AuditRecord.objects.filter(action=AuditAction.ACCESS_DENIED)
        assert audit_chain_verify().ok

    def test_the_summary_runs_after_its_minute(self):
        room = room_create()
        open_socket(room.id)
        (scheduled,) = Schedule.objects.filter(func=socket_refusals.SUMMARY_TASK)
        address, minute = ast.literal_eval(scheduled.args)
        assert address == ADDRESS
        assert scheduled.schedule_type == Schedule.ONCE
        assert scheduled.next_run > datetime.fromtimestamp((minute + 1) * 60, tz=UTC)

    def test_each_minute_has_its_own_record(self):
        moments = [
            datetime(2026, 12, 6, 10, 0, 5, tzinfo=UTC),
            datetime(2026, 12, 6, 10, 0, 50, tzinfo=UTC),
            datetime(2026, 12, 6, 10, 1, 10, tzinfo=UTC),
        ]
        for now in moments:
            socket_refusals.refusal_count(address=ADDRESS, reason="signed_out", now=now)
        records = summaries()
        assert [record.detail["count"] for record in records] == [2, 1]
        assert [record.detail["minute"] for record in records] == [
            "2026-12-06T10:00:00+00:00",
            "2026-12-06T10:01:00+00:00",
        ]

    def test_lost_counts_write_nothing(self):
        assert socket_refusals.socket_refusals_record(address=ADDRESS, minute=1) == 0
        assert not AuditRecord.objects.filter(action=AuditAction.SOCKET_REFUSALS)

"""Asking for help, taking, closing and escalating (urgent/services.py), each step
with its audit record."""

from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone
from django_q.models import Schedule

from audit.models import AuditAction, AuditRecord
from audit.selectors import audit_chain_verify
from tests.support.i18n import uz
from tests.urgent.factories import (
    client_create,
    coordinator_create,
    specialist_off_duty,
    specialist_on_duty,
)
from urgent import live, services, tasks
from urgent.models import UrgentRequest

pytestmark = pytest.mark.django_db


def records(action: str, urgent=None) -> list[AuditRecord]:
    found = AuditRecord.objects.filter(action=action)
    if urgent is not None:
        found = found.filter(
            target_type="urgent.urgentrequest", target_id=str(urgent.pk)
        )
    return list(found.order_by("sequence"))


class CreateTests:
    def test_a_client_asks_and_it_is_recorded(self):
        specialist_on_duty()
        client = client_create()
        urgent, made = services.urgent_request_create(client=client)
        assert made is True
        assert urgent.client == client
        assert urgent.taken_at is None and urgent.closed_at is None
        (record,) = records(AuditAction.URGENT_REQUEST, urgent)
        assert record.actor_id == client.pk
        assert record.detail == {"on_duty": 1}

    def test_a_second_tap_gives_the_same_request(self):
        client = client_create()
        first, _ = services.urgent_request_create(client=client)
        second, made = services.urgent_request_create(client=client)
        assert made is False
        assert second.pk == first.pk
        assert UrgentRequest.objects.filter(client=client).count() == 1
        assert len(records(AuditAction.URGENT_REQUEST)) == 1

    def test_the_database_refuses_a_second_open_request(self):
        from django.db import IntegrityError, transaction

        client = client_create()
        services.urgent_request_create(client=client)
        with pytest.raises(IntegrityError), transaction.atomic():
            UrgentRequest.objects.create(client=client)

    def test_a_lost_race_returns_the_winners_request(self):
        client = client_create()
        winner = UrgentRequest.objects.create(client=client)
        # As if the other worker's row appeared between the check and the insert.
        with mock.patch.object(
            services.selectors,
            "client_open_request",
            side_effect=[None, winner],
        ):
            urgent, made = services.urgent_request_create(client=client)
        assert (urgent.pk, made) == (winner.pk, False)
        assert UrgentRequest.objects.count() == 1

    def test_after_closing_a_new_request_can_be_made(self):
        client = client_create()
        first, _ = services.urgent_request_create(client=client)
        services.urgent_request_close(request_id=first.pk, by_user=client)
        second, made = services.urgent_request_create(client=client)
        assert made is True and second.pk != first.pk

    def test_staff_cannot_ask(self):
        with pytest.raises(services.UrgentError) as raised:
            services.urgent_request_create(client=specialist_on_duty())
        assert raised.value.code == "not_client"
        assert UrgentRequest.objects.count() == 0

    def test_the_duty_pool_and_the_client_are_told_after_commit(
        self, django_capture_on_commit_callbacks
    ):
        client = client_create()
        with mock.patch.object(live, "tell") as tell:
            with django_capture_on_commit_callbacks(execute=True):
                urgent, _ = services.urgent_request_create(client=client)
        tell.assert_called_once_with(
            event=live.NEW, request_id=urgent.pk, client_id=client.pk
        )


class TakeTests:
    def test_an_on_duty_specialist_takes_it(self):
        specialist = specialist_on_duty(full_name="Aziz Tursunov")
        urgent, _ = services.urgent_request_create(client=client_create())
        taken = services.urgent_request_take(request_id=urgent.pk, by_user=specialist)
        assert taken.taken_by == specialist
        assert taken.taken_at is not None
        (record,) = records(AuditAction.URGENT_TAKE, urgent)
        assert record.actor_id == specialist.pk
        assert "waited_seconds" in record.detail

    def test_the_second_taker_is_told_who_has_it(self):
        first = specialist_on_duty(full_name="Aziz Tursunov")
        second = specialist_on_duty()
        urgent, _ = services.urgent_request_create(client=client_create())
        services.urgent_request_take(request_id=urgent.pk, by_user=first)
        with pytest.raises(services.UrgentError) as raised:
            services.urgent_request_take(request_id=urgent.pk, by_user=second)
        assert raised.value.code == "taken"
        assert "Aziz Tursunov" in raised.value.message
        urgent.refresh_from_db()
        assert urgent.taken_by == first
        assert len(records(AuditAction.URGENT_TAKE)) == 1

    def test_taking_it_again_is_not_an_error_and_not_recorded_again(self):
        specialist = specialist_on_duty()
        urgent, _ = services.urgent_request_create(client=client_create())
        services.urgent_request_take(request_id=urgent.pk, by_user=specialist)
        again = services.urgent_request_take(request_id=urgent.pk, by_user=specialist)
        assert again.taken_by == specialist
        assert len(records(AuditAction.URGENT_TAKE)) == 1

    def test_an_off_duty_specialist_cannot_take_it(self):
        urgent, _ = services.urgent_request_create(client=client_create())
        with pytest.raises(services.UrgentError) as raised:
            services.urgent_request_take(
                request_id=urgent.pk, by_user=specialist_off_duty()
            )
        assert raised.value.code == "not_allowed"
        urgent.refresh_from_db()
        assert urgent.taken_at is None

    def test_a_coordinator_may_take_it(self):
        coordinator = coordinator_create()
        urgent, _ = services.urgent_request_create(client=client_create())
        taken = services.urgent_request_take(request_id=urgent.pk, by_user=coordinator)
        assert taken.taken_by == coordinator

    def test_a_closed_or_missing_request_cannot_be_taken(self):
        specialist = specialist_on_duty()
        client = client_create()
        urgent, _ = services.urgent_request_create(client=client)
        services.urgent_request_close(request_id=urgent.pk, by_user=client)
        with pytest.raises(services.UrgentError) as raised:
            services.urgent_request_take(request_id=urgent.pk, by_user=specialist)
        assert raised.value.code == "closed"
        with pytest.raises(services.UrgentError) as raised:
            services.urgent_request_take(request_id=urgent.pk + 99, by_user=specialist)
        assert raised.value.code == "missing"


class CloseTests:
    def test_the_taker_closes_it_and_it_is_recorded(self):
        specialist = specialist_on_duty()
        urgent, _ = services.urgent_request_create(client=client_create())
        services.urgent_request_take(request_id=urgent.pk, by_user=specialist)
        closed = services.urgent_request_close(request_id=urgent.pk, by_user=specialist)
        assert closed.closed_at is not None
        (record,) = records(AuditAction.URGENT_CLOSE, urgent)
        assert record.detail == {"by": "taker", "taken": True}

    def test_another_specialist_cannot_close_it(self):
        urgent, _ = services.urgent_request_create(client=client_create())
        services.urgent_request_take(request_id=urgent.pk, by_user=specialist_on_duty())
        with pytest.raises(services.UrgentError):
            services.urgent_request_close(
                request_id=urgent.pk, by_user=specialist_on_duty()
            )
        urgent.refresh_from_db()
        assert urgent.closed_at is None

    def test_closing_twice_is_recorded_once(self):
        client = client_create()
        urgent, _ = services.urgent_request_create(client=client)
        services.urgent_request_close(request_id=urgent.pk, by_user=client)
        services.urgent_request_close(
            request_id=urgent.pk, by_user=coordinator_create()
        )
        (record,) = records(AuditAction.URGENT_CLOSE, urgent)
        assert record.detail == {"by": "client", "taken": False}


class EscalationTests:
    def made_at(self, when):
        urgent, _ = services.urgent_request_create(client=client_create())
        UrgentRequest.objects.filter(pk=urgent.pk).update(created=when)
        return urgent

    def test_nothing_escalates_before_the_time(self, settings):
        settings.URGENT_ESCALATE_AFTER_SECONDS = 300
        now = timezone.now()
        self.made_at(now - timedelta(seconds=299))
        assert services.urgent_requests_escalate(now=now) == []

    def test_the_task_escalates_once_the_clock_moved_past_the_time(self, settings):
        settings.URGENT_ESCALATE_AFTER_SECONDS = 300
        coordinator_create()
        urgent = self.made_at(timezone.now())
        assert tasks.urgent_escalate() == 0
        later = timezone.now() + timedelta(seconds=301)
        with mock.patch("django.utils.timezone.now", return_value=later):
            assert tasks.urgent_escalate() == 1
            # The next minute's run (or another cluster's) escalates nothing again.
            assert tasks.urgent_escalate() == 0
        urgent.refresh_from_db()
        assert urgent.escalated_at == later
        (record,) = records(AuditAction.URGENT_ESCALATE, urgent)
        assert record.actor_id is None
        assert record.detail["coordinators"] == 1
        assert record.detail["waited_seconds"] >= 300
        assert audit_chain_verify().ok

    def test_a_taken_or_closed_request_does_not_escalate(self, settings):
        settings.URGENT_ESCALATE_AFTER_SECONDS = 60
        now = timezone.now()
        taken = self.made_at(now - timedelta(minutes=5))
        services.urgent_request_take(request_id=taken.pk, by_user=specialist_on_duty())
        closed = self.made_at(now - timedelta(minutes=5))
        services.urgent_request_close(request_id=closed.pk, by_user=closed.client)
        assert services.urgent_requests_escalate(now=now) == []

    def test_a_claim_lost_to_another_cluster_escalates_nothing(self, settings):
        settings.URGENT_ESCALATE_AFTER_SECONDS = 60
        now = timezone.now()
        urgent = self.made_at(now - timedelta(minutes=5))
        # The other cluster claims it between this run's read and its update.
        real_filter = UrgentRequest.objects.filter

        def claimed_meanwhile(*args, **kwargs):
            if "escalated_at__isnull" in kwargs and "pk" in kwargs:
                real_filter(pk=urgent.pk).update(escalated_at=now)
            return real_filter(*args, **kwargs)

        with mock.patch.object(UrgentRequest.objects, "filter", claimed_meanwhile):
            assert services.urgent_requests_escalate(now=now) == []
        assert records(AuditAction.URGENT_ESCALATE) == []

    def test_coordinators_get_an_sms_when_set(self, settings, sms_log):
        settings.URGENT_ESCALATE_AFTER_SECONDS = 60
        settings.URGENT_ESCALATE_SMS = True
        settings.KOMAK_NOTIFICATION_BACKENDS = ["core.notifications.LoggingSmsBackend"]
        coordinator_create(phone_number="+998909998877")
        urgent, _ = services.urgent_request_create(
            client=client_create(full_name="Dilnoza Karimova")
        )
        UrgentRequest.objects.filter(pk=urgent.pk).update(
            created=timezone.now() - timedelta(minutes=6)
        )
        assert len(services.urgent_requests_escalate()) == 1
        sent = [r.getMessage() for r in sms_log.records if r.name == "komak.sms"]
        assert len(sent) == 1
        assert "+998909998877" in sent[0]
        assert (
            uz(
                "Ko'mak: someone asked for urgent help %(minutes)s min ago and no "
                "specialist has taken it. Please open the urgent help page.",
                minutes=6,
            )
            in sent[0]
        )
        assert "Dilnoza" not in sent[0]  # no name on a lock screen

    def test_no_sms_unless_set(self, settings, sms_log):
        settings.URGENT_ESCALATE_AFTER_SECONDS = 60
        settings.URGENT_ESCALATE_SMS = False
        coordinator_create(phone_number="+998909998877")
        self.made_at(timezone.now() - timedelta(minutes=6))
        assert len(services.urgent_requests_escalate()) == 1
        assert [r for r in sms_log.records if r.name == "komak.sms"] == []

    def test_the_schedule_runs_every_minute(self):
        from django.core.management import call_command

        call_command("schedule_tasks", stdout=mock.Mock())
        call_command("schedule_tasks", stdout=mock.Mock())
        (schedule,) = Schedule.objects.filter(func="urgent.tasks.urgent_escalate")
        assert schedule.schedule_type == Schedule.MINUTES
        assert schedule.minutes == 1


class TidyTests:
    """Requests left open are closed after URGENT_STALE_HOURS, so the client can ask
    again; closed ones are deleted after URGENT_RETENTION_DAYS."""

    def request_made(self, *, hours_ago: float, taken=False, closed_days_ago=None):
        client = client_create()
        urgent, _ = services.urgent_request_create(client=client)
        now = timezone.now()
        fields = {"created": now - timedelta(hours=hours_ago)}
        if taken:
            fields["taken_at"] = fields["created"] + timedelta(minutes=1)
        if closed_days_ago is not None:
            fields["closed_at"] = now - timedelta(days=closed_days_ago)
        UrgentRequest.objects.filter(pk=urgent.pk).update(**fields)
        return UrgentRequest.objects.get(pk=urgent.pk)

    def test_a_request_open_too_long_is_closed_and_the_client_may_ask_again(
        self, settings
    ):
        settings.URGENT_STALE_HOURS = 24
        stale = self.request_made(hours_ago=25, taken=True)
        fresh = self.request_made(hours_ago=23)
        assert services.urgent_requests_close_stale() == 1
        stale.refresh_from_db()
        fresh.refresh_from_db()
        assert stale.closed_at is not None
        assert fresh.closed_at is None
        (record,) = records(AuditAction.URGENT_CLOSE, stale)
        assert record.actor_id is None
        assert record.detail == {"by": "stale", "taken": True}
        again, made = services.urgent_request_create(client=stale.client)
        assert made is True and again.pk != stale.pk
        assert services.urgent_requests_close_stale() == 0

    def test_the_dashboards_are_told_a_stale_request_closed(
        self, settings, django_capture_on_commit_callbacks
    ):
        settings.URGENT_STALE_HOURS = 24
        stale = self.request_made(hours_ago=30)
        with mock.patch.object(live, "tell") as tell:
            with django_capture_on_commit_callbacks(execute=True):
                services.urgent_requests_close_stale()
        tell.assert_called_once_with(
            event=live.CLOSED, request_id=stale.pk, client_id=stale.client_id
        )

    def test_closed_requests_past_retention_are_deleted_and_recorded(self):
        old = self.request_made(hours_ago=24 * 40, closed_days_ago=31)
        kept = self.request_made(hours_ago=24 * 40, closed_days_ago=29)
        still_open = self.request_made(hours_ago=1)
        assert services.urgent_requests_retention_delete(days=30) == 1
        assert not UrgentRequest.objects.filter(pk=old.pk).exists()
        assert (
            UrgentRequest.objects.filter(pk__in=[kept.pk, still_open.pk]).count() == 2
        )
        (record,) = records(AuditAction.URGENT_RETENTION_DELETE)
        assert record.detail == {"requests": 1, "days": 30}
        assert services.urgent_requests_retention_delete(days=30) == 0
        assert len(records(AuditAction.URGENT_RETENTION_DELETE)) == 1
        assert audit_chain_verify().ok

    def test_the_hourly_task_does_both(self, settings):
        settings.URGENT_STALE_HOURS = 24
        settings.URGENT_RETENTION_DAYS = 30
        self.request_made(hours_ago=48)
        self.request_made(hours_ago=24 * 60, closed_days_ago=45)
        assert tasks.urgent_tidy() == {"closed": 1, "deleted": 1}
        assert UrgentRequest.objects.count() == 1

    def test_the_tidy_is_scheduled_every_hour(self):
        from django.core.management import call_command

        call_command("schedule_tasks", stdout=mock.Mock())
        call_command("schedule_tasks", stdout=mock.Mock())
        (schedule,) = Schedule.objects.filter(func="urgent.tasks.urgent_tidy")
        assert schedule.schedule_type == Schedule.MINUTES
        assert schedule.minutes == 60

"""Reminders a day and an hour before a talk (each sent once), no-show marking, the
notification backends and the django-q2 schedules."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django_q.models import Schedule

from consultations import reminders
from consultations.models import Booking, BookingStatus
from consultations.tasks import no_shows_mark, reminders_send
from core.notifications import (
    EmailBackend,
    LoggingSmsBackend,
    Message,
    notify,
)
from tests.consultations.factories import booking_make, client_create, specialist_create

pytestmark = pytest.mark.django_db


def sms_lines(caplog) -> list[str]:
    return [
        record.getMessage() for record in caplog.records if record.name == "komak.sms"
    ]


@pytest.fixture
def person():
    return client_create(
        full_name="Dilnoza Karimova",
        email="dilnoza@example.org",
        phone_number="+998901110004",
    )


@pytest.fixture
def specialist():
    return specialist_create(full_name="Aziz Tursunov")


class RemindersTests:
    def test_day_reminder_is_sent_once(self, person, specialist, sms_log):
        booking = booking_make(person, specialist, timezone.now() + timedelta(hours=20))
        assert reminders_send() == 1
        assert reminders_send() == 0
        assert len(mail.outbox) == 1
        assert mail.outbox[0].to == ["dilnoza@example.org"]
        assert "Aziz Tursunov" in mail.outbox[0].body
        assert len(sms_lines(sms_log)) == 1
        assert "+998901110004" in sms_lines(sms_log)[0]
        booking.refresh_from_db()
        assert booking.reminder_day_sent_at is not None
        assert booking.reminder_hour_sent_at is None

    def test_both_windows_each_once(self, person, specialist, sms_log):
        start = timezone.now() + timedelta(hours=20)
        booking = booking_make(person, specialist, start)
        reminders_send(now=start - timedelta(hours=20))
        reminders_send(now=start - timedelta(minutes=50))
        reminders_send(now=start - timedelta(minutes=45))
        assert len(mail.outbox) == 2
        assert len(sms_lines(sms_log)) == 2
        booking.refresh_from_db()
        assert booking.reminder_day_sent_at is not None
        assert booking.reminder_hour_sent_at is not None

    def test_nothing_after_the_client_withdrew_consent(self, person, specialist):
        from consultations.services import consent_withdraw

        booking_make(person, specialist, timezone.now() + timedelta(hours=20))
        consent_withdraw(user=person)
        assert reminders_send() == 0
        assert mail.outbox == []

    def test_under_an_hour_ahead_only_the_hour_reminder(self, person, specialist):
        booking = booking_make(
            person, specialist, timezone.now() + timedelta(minutes=40)
        )
        assert reminders_send() == 1
        assert reminders_send() == 0
        assert len(mail.outbox) == 1
        booking.refresh_from_db()
        assert booking.reminder_hour_sent_at is not None
        assert booking.reminder_day_sent_at is not None  # claimed, not sent

    def test_nothing_for_far_past_or_cancelled_talks(self, person, specialist):
        booking_make(person, specialist, timezone.now() + timedelta(hours=30))
        booking_make(person, specialist, timezone.now() - timedelta(hours=1))
        booking_make(
            person,
            specialist,
            timezone.now() + timedelta(hours=5),
            status=BookingStatus.CANCELLED,
        )
        assert reminders_send() == 0
        assert mail.outbox == []

    def test_a_second_run_at_the_same_time_sends_nothing_again(
        self, person, specialist, sms_log, monkeypatch
    ):
        """Another cluster runs the task while this one is half-way through."""
        for hours in (3, 5, 7):
            booking_make(person, specialist, timezone.now() + timedelta(hours=hours))
        real_notify = reminders.notify
        other_run: dict[str, int] = {}

        def notify_while_another_cluster_runs(**kwargs):
            if "sent" not in other_run:
                other_run["sent"] = 0  # only one nested run
                other_run["sent"] = reminders_send()
            return real_notify(**kwargs)

        monkeypatch.setattr(reminders, "notify", notify_while_another_cluster_runs)
        first = reminders_send()
        assert (first, other_run["sent"]) == (1, 2)
        assert len(mail.outbox) == 3
        assert len(sms_lines(sms_log)) == 3
        assert not Booking.objects.filter(reminder_day_sent_at__isnull=True).exists()

    def test_a_claimed_row_is_not_sent_by_another_worker(self, person, specialist):
        booking = booking_make(person, specialist, timezone.now() + timedelta(hours=3))
        # Another worker claimed it a moment ago (and may still be sending).
        Booking.objects.filter(pk=booking.pk).update(
            reminder_day_sent_at=timezone.now()
        )
        assert reminders_send() == 0
        assert mail.outbox == []

    def test_failed_send_is_tried_again_next_run(self, person, specialist, monkeypatch):
        booking = booking_make(person, specialist, timezone.now() + timedelta(hours=3))

        def broken(**kwargs):
            raise ConnectionError("mail server down")

        monkeypatch.setattr(reminders, "notify", broken)
        assert reminders_send() == 0
        booking.refresh_from_db()
        assert booking.reminder_day_sent_at is None
        monkeypatch.undo()
        assert reminders_send() == 1
        assert len(mail.outbox) == 1

    def test_message_in_the_clients_language_and_tashkent_time(self, specialist):
        person = client_create(email="a@example.org", preferred_language="en")
        start = timezone.now().replace(second=0, microsecond=0) + timedelta(hours=5)
        booking_make(person, specialist, start)
        reminders_send()
        local = timezone.localtime(start)
        assert f"{local:%H:%M}" in mail.outbox[0].body
        assert "(Tashkent time)" in mail.outbox[0].body

    def test_links_use_the_sites_address(self, settings, person, specialist, sms_log):
        """Issue 18: links pointed at port 8000 whatever PORT was."""
        settings.WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8123/"
        start = timezone.now() + timedelta(minutes=40)
        booking = booking_make(person, specialist, start)
        assert reminders_send() == 1
        with translation.override(person.preferred_language or "uz"):
            appointments = reverse("consultations_appointments")
            precall = reverse("consultations_precall", args=[booking.pk])
        assert "http://127.0.0.1:8123" + appointments in mail.outbox[0].body
        assert "http://127.0.0.1:8123" + appointments in sms_lines(sms_log)[0]
        day = reminders.reminder_message(booking=booking, kind="day")
        assert "http://127.0.0.1:8123" + precall in day.text
        assert ":8000" not in mail.outbox[0].body + day.text


class NoShowTaskTests:
    def test_marks_ended_talks_the_client_never_joined(self, person, specialist):
        missed = booking_make(person, specialist, timezone.now() - timedelta(hours=2))
        assert no_shows_mark() == 1
        missed.refresh_from_db()
        assert missed.status == BookingStatus.NO_SHOW
        assert no_shows_mark() == 0

    def test_leaves_everything_else_alone(self, person, specialist):
        now = timezone.now()
        joined = booking_make(
            person,
            specialist,
            now - timedelta(hours=2),
            client_joined_at=now - timedelta(hours=2),
        )
        running = booking_make(person, specialist, now - timedelta(minutes=10))
        cancelled = booking_make(
            person,
            specialist,
            now - timedelta(hours=5),
            status=BookingStatus.CANCELLED,
        )
        completed = booking_make(
            person,
            specialist,
            now - timedelta(hours=8),
            status=BookingStatus.COMPLETED,
        )
        assert no_shows_mark() == 0
        for booking, status in (
            (joined, BookingStatus.CONFIRMED),
            (running, BookingStatus.CONFIRMED),
            (cancelled, BookingStatus.CANCELLED),
            (completed, BookingStatus.COMPLETED),
        ):
            booking.refresh_from_db()
            assert booking.status == status


class NotificationBackendTests:
    message = Message(subject="Salom", text="Uzun matn", sms_text="Qisqa matn")

    def test_email_only_with_an_address(self):
        assert EmailBackend().send(user=client_create(), message=self.message) is False
        assert mail.outbox == []
        person = client_create(email="x@example.org")
        assert EmailBackend().send(user=person, message=self.message) is True
        assert (mail.outbox[0].subject, mail.outbox[0].body) == ("Salom", "Uzun matn")

    def test_sms_is_logged_only_with_a_phone_number(self, sms_log):
        sms = LoggingSmsBackend()
        assert sms.send(user=client_create(), message=self.message) is False
        person = client_create(phone_number="+998901234567")
        assert sms.send(user=person, message=self.message) is True
        assert sms_lines(sms_log) == ["SMS to +998901234567: Qisqa matn"]

    def test_backends_come_from_the_setting(self, settings, sms_log):
        settings.KOMAK_NOTIFICATION_BACKENDS = ["core.notifications.LoggingSmsBackend"]
        person = client_create(email="x@example.org", phone_number="+998901234568")
        assert notify(user=person, message=self.message) == 1
        assert mail.outbox == []
        assert len(sms_lines(sms_log)) == 1

    def test_both_by_default(self, sms_log):
        person = client_create(email="x@example.org", phone_number="+998901234569")
        assert notify(user=person, message=self.message) == 2

    def test_one_failing_backend_does_not_stop_the_other(self, settings, sms_log):
        settings.KOMAK_NOTIFICATION_BACKENDS = [
            "tests.consultations.test_reminders.BrokenBackend",
            "core.notifications.LoggingSmsBackend",
        ]
        person = client_create(phone_number="+998901234570")
        assert notify(user=person, message=self.message) == 1


class BrokenBackend:
    def send(self, *, user, message):
        raise ConnectionError("gateway down")


class ScheduleTasksTests:
    def test_schedules_are_made_once_and_point_at_real_tasks(self):
        call_command("schedule_tasks")
        call_command("schedule_tasks")
        every = Schedule.objects.all()
        # Other apps (learning) add theirs through the same command.
        schedules = {
            s.func: s
            for s in every
            if s.func.split(".")[0] in {"consultations", "audit"}
        }
        assert set(schedules) == {
            "consultations.tasks.reminders_send",
            "consultations.tasks.no_shows_mark",
            "consultations.tasks.consultations_retention_anonymise",
            "audit.tasks.audit_chain_check",
            "audit.tasks.audit_checkpoint_task",
        }
        assert schedules["consultations.tasks.reminders_send"].minutes == 5
        assert schedules["audit.tasks.audit_checkpoint_task"].minutes == 5
        assert schedules["consultations.tasks.no_shows_mark"].minutes == 15
        daily = 24 * 60
        assert (
            schedules["consultations.tasks.consultations_retention_anonymise"].minutes
            == daily
        )
        assert schedules["audit.tasks.audit_chain_check"].minutes == daily
        assert len(every) == len({s.name for s in every})
        for schedule in every:
            assert schedule.schedule_type == Schedule.MINUTES
            assert schedule.repeats == -1
            assert callable(import_string(schedule.func))

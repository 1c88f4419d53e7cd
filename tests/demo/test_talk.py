"""The demo stays alive (issue 18): while `make run` runs, a scheduled task keeps one
talk between the demo client and the demo specialist joinable."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_q.models import Schedule

from audit.models import AuditAction, AuditRecord
from consultations.models import Booking, BookingStatus
from consultations.services import consent_withdraw
from demo.talk import DEMO_CLIENT_USERNAME, DEMO_SPECIALIST_USERNAME
from demo.tasks import demo_talk_keep
from tests.consultations.factories import client_create, specialist_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def keep_on(settings):
    settings.KOMAK_DEMO_KEEP_TALK = True
    return settings


@pytest.fixture
def demo_people():
    """The demo accounts, with hours nobody could book now: the demo talk is made at
    any hour."""
    client = client_create(username=DEMO_CLIENT_USERNAME)
    specialist = specialist_create(username=DEMO_SPECIALIST_USERNAME, hours=False)
    return client, specialist


def demo_talks(client, specialist):
    return Booking.objects.filter(client=client, specialist=specialist)


class DemoTalkTests:
    def test_makes_one_joinable_talk_and_a_second_run_makes_none(
        self, keep_on, demo_people
    ):
        client, specialist = demo_people
        now = timezone.now()
        assert demo_talk_keep(now=now) == 1
        talk = demo_talks(client, specialist).get()
        assert talk.status == BookingStatus.CONFIRMED
        assert now < talk.starts_at <= now + timedelta(minutes=5)
        assert talk.is_joinable(now)
        # Booked through the booking service: it leaves the audit record.
        assert AuditRecord.objects.filter(
            action=AuditAction.BOOKING_CREATE, target_id=str(talk.pk)
        ).exists()
        assert demo_talk_keep(now=now) == 0
        assert demo_talk_keep(now=now + timedelta(minutes=30)) == 0
        assert demo_talks(client, specialist).count() == 1

    def test_makes_a_new_one_after_the_old_one_ended(self, keep_on, demo_people):
        client, specialist = demo_people
        now = timezone.now()
        assert demo_talk_keep(now=now) == 1
        old = demo_talks(client, specialist).get()
        later = old.ends_at + timedelta(minutes=1)
        assert not old.is_joinable(later)
        assert demo_talk_keep(now=later) == 1
        new = demo_talks(client, specialist).exclude(pk=old.pk).get()
        assert new.is_joinable(later)
        assert new.starts_at <= later + timedelta(minutes=5)
        assert demo_talk_keep(now=later) == 0

    def test_a_talk_seed_demo_made_is_enough(self, keep_on, demo_people):
        client, specialist = demo_people
        now = timezone.now()
        starts_at = now + timedelta(minutes=5)
        Booking.objects.create(
            client=client,
            specialist=specialist,
            topic="loneliness",
            starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=45),
        )
        assert demo_talk_keep(now=now) == 0
        assert demo_talks(client, specialist).count() == 1

    def test_nothing_when_the_setting_is_off(self, settings, demo_people):
        settings.KOMAK_DEMO_KEEP_TALK = False
        assert demo_talk_keep() == 0
        assert not Booking.objects.exists()

    @pytest.mark.parametrize(
        "missing", [DEMO_CLIENT_USERNAME, DEMO_SPECIALIST_USERNAME]
    )
    def test_nothing_without_the_demo_accounts(self, keep_on, missing):
        if missing != DEMO_CLIENT_USERNAME:
            client_create(username=DEMO_CLIENT_USERNAME)
        if missing != DEMO_SPECIALIST_USERNAME:
            specialist_create(username=DEMO_SPECIALIST_USERNAME)
        # Other people by other names are not the demo's.
        client_create(username="someone")
        specialist_create(username="another")
        assert demo_talk_keep() == 0
        assert not Booking.objects.exists()

    def test_nothing_after_the_demo_client_withdrew_consent(self, keep_on, demo_people):
        client, _specialist = demo_people
        consent_withdraw(user=client)
        assert demo_talk_keep() == 0
        assert not Booking.objects.exists()


class DemoScheduleTests:
    def test_schedule_tasks_makes_it_only_when_the_setting_is_on(self, settings):
        func = "demo.tasks.demo_talk_keep"
        settings.KOMAK_DEMO_KEEP_TALK = True
        call_command("schedule_tasks", stdout=io.StringIO())
        call_command("schedule_tasks", stdout=io.StringIO())
        schedule = Schedule.objects.get(func=func)
        assert schedule.schedule_type == Schedule.MINUTES
        assert schedule.minutes == 1
        settings.KOMAK_DEMO_KEEP_TALK = False
        call_command("schedule_tasks", stdout=io.StringIO())
        assert not Schedule.objects.filter(func=func).exists()

"""The demo (demo/duty.py, called by seed_demo): the demo specialist is on duty
now, and running it again adds no second shift."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone

from demo.duty import demo_duty_ensure
from tests.urgent.factories import specialist_off_duty
from urgent import selectors
from urgent.models import DutyShift

pytestmark = pytest.mark.django_db


class DemoDutyTests:
    def test_the_demo_specialist_is_on_duty_now_and_once(self):
        specialist = specialist_off_duty()
        demo_duty_ensure(specialist)
        demo_duty_ensure(specialist)
        assert selectors.is_on_duty(user=specialist)
        assert DutyShift.objects.filter(specialist=specialist).count() == 1

    def test_a_shift_about_to_end_gets_a_fresh_one(self):
        specialist = specialist_off_duty()
        now = timezone.now()
        DutyShift.objects.create(
            specialist=specialist,
            starts_at=now - timedelta(hours=23),
            ends_at=now + timedelta(minutes=10),
        )
        demo_duty_ensure(specialist, now=now)
        assert selectors.duty_ends_at(user=specialist, now=now) > now + timedelta(
            hours=20
        )


class SeedDemoDutyTests:
    def test_seed_demo_puts_the_demo_specialist_on_duty_once(self, settings, tmp_path):
        from django.contrib.auth import get_user_model
        from django.core.management import call_command

        settings.MEDIA_ROOT = tmp_path
        call_command("seed_demo", stdout=io.StringIO())
        call_command("seed_demo", stdout=io.StringIO())
        specialist = get_user_model().objects.get(username="specialist")
        assert list(selectors.specialists_on_duty()) == [specialist]
        assert DutyShift.objects.count() == 1

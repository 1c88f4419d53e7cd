"""Duty routing (urgent/selectors.py): who is on duty now, and who may see urgent
requests."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.accounts.factories import user_create
from tests.urgent.factories import (
    client_create,
    coordinator_create,
    specialist_off_duty,
    specialist_on_duty,
)
from urgent import selectors
from urgent.models import DutyShift

pytestmark = pytest.mark.django_db


def shift(specialist, start, end):
    return DutyShift.objects.create(specialist=specialist, starts_at=start, ends_at=end)


class DutyRoutingTests:
    def test_a_shift_covering_now_puts_the_specialist_on_duty(self):
        on = specialist_on_duty()
        off = specialist_off_duty()
        assert list(selectors.specialists_on_duty()) == [on]
        assert selectors.is_on_duty(user=on)
        assert not selectors.is_on_duty(user=off)

    def test_ended_and_future_shifts_do_not_count(self):
        now = timezone.now()
        specialist = specialist_off_duty()
        shift(specialist, now - timedelta(hours=3), now - timedelta(hours=1))
        shift(specialist, now + timedelta(hours=1), now + timedelta(hours=3))
        assert not selectors.is_on_duty(user=specialist, now=now)
        assert selectors.is_on_duty(user=specialist, now=now + timedelta(hours=2))

    def test_the_end_of_a_shift_is_not_on_duty(self):
        now = timezone.now()
        specialist = specialist_off_duty()
        shift(specialist, now - timedelta(hours=1), now)
        assert not selectors.is_on_duty(user=specialist, now=now)
        assert selectors.is_on_duty(user=specialist, now=now - timedelta(seconds=1))

    def test_overlapping_shifts_give_one_person_and_the_latest_end(self):
        now = timezone.now()
        specialist = specialist_off_duty()
        shift(specialist, now - timedelta(hours=1), now + timedelta(hours=1))
        shift(specialist, now - timedelta(minutes=5), now + timedelta(hours=4))
        assert list(selectors.specialists_on_duty(now=now)) == [specialist]
        assert selectors.duty_ends_at(user=specialist, now=now) == now + timedelta(
            hours=4
        )

    def test_a_deactivated_specialist_is_not_on_duty(self):
        specialist = specialist_on_duty()
        specialist.is_active = False
        specialist.save()
        assert list(selectors.specialists_on_duty()) == []

    def test_a_shift_of_someone_no_longer_a_specialist_does_not_count(self):
        specialist = specialist_on_duty()
        specialist.groups.clear()
        assert not selectors.is_on_duty(user=specialist)

    def test_who_may_see_requests(self):
        assert selectors.may_see_requests(user=specialist_on_duty())
        assert selectors.may_see_requests(user=coordinator_create())
        assert not selectors.may_see_requests(user=specialist_off_duty())
        assert not selectors.may_see_requests(user=client_create())
        assert not selectors.may_see_requests(user=user_create(roles=("Trainer",)))

    def test_who_may_ask_for_help(self):
        assert selectors.may_ask_for_help(user=client_create())
        assert selectors.may_ask_for_help(user=user_create(roles=()))
        assert not selectors.may_ask_for_help(user=specialist_on_duty())
        assert not selectors.may_ask_for_help(user=coordinator_create())
        assert not selectors.may_ask_for_help(user=user_create(is_staff=True))

    def test_a_shift_must_end_after_it_starts(self):
        from django.db import IntegrityError, transaction

        now = timezone.now()
        with pytest.raises(IntegrityError), transaction.atomic():
            shift(specialist_off_duty(), now, now)

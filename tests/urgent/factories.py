"""People with roles and duty shifts for the urgent help tests."""

import itertools
from datetime import datetime, timedelta

from django.contrib.auth.models import Group
from django.utils import timezone

from tests.accounts.factories import user_create
from urgent.models import DutyShift

_phones = itertools.count(1)


def with_role(role: str, **fields):
    # A transactional test flushed the groups the migrations made: make it again.
    Group.objects.get_or_create(name=role)
    return user_create(roles=(role,), **fields)


def specialist_on_duty(*, now: datetime | None = None, **fields):
    now = now or timezone.now()
    specialist = with_role("Specialist", **fields)
    DutyShift.objects.create(
        specialist=specialist,
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=1),
    )
    return specialist


def specialist_off_duty(**fields):
    return with_role("Specialist", **fields)


def coordinator_create(**fields):
    return with_role("Coordinator", **fields)


def client_create(**fields):
    fields.setdefault("phone_number", f"+9989012{next(_phones):05d}")
    return with_role("Learner", **fields)

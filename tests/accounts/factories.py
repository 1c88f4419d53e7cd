"""People for tests: a user with the roles a test needs, and the password they all
share so that a test can sign in through the real form."""

import itertools

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

# One count for every factory (courses too), as when they shared one module: names
# made in a test run never repeat.
_numbers = itertools.count(1)
PASSWORD = "a-long-test-password-2026"  # noqa: S105
SOCIAL_WORKER_ROLES = ("Learner", "Social worker")


def next_number() -> int:
    return next(_numbers)


def user_create(*, roles=("Learner",), **fields):
    """Roles are the groups the migrations made; a name with no group is skipped,
    so a transactional test that flushed them gets a person with no role."""
    number = next_number()
    fields.setdefault("username", f"user{number}")
    fields.setdefault("full_name", f"Test Person {number}")
    user = get_user_model().objects.create_user(password=PASSWORD, **fields)
    user.groups.add(*Group.objects.filter(name__in=roles))
    return user


def trainer_create(**fields):
    return user_create(roles=("Trainer",), **fields)


def coordinator_create(**fields):
    return user_create(roles=("Coordinator",), **fields)


def social_worker_create(**fields):
    return user_create(roles=SOCIAL_WORKER_ROLES, **fields)

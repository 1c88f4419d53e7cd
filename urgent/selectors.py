"""Reads of the urgent app: who is on duty, who may see urgent requests, and the
requests a person may see.

The access rule lives here once ("an on-duty specialist or a coordinator"), used by
the views, the socket and the tasks alike.
"""

from datetime import datetime

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils import timezone

from accounts.roles import COORDINATOR, SPECIALIST, TRAINER

from .models import DutyShift, UrgentRequest

# People who serve others, not clients: they see no "I need help now" button.
STAFF_ROLES = (SPECIALIST, COORDINATOR, TRAINER)


def shifts_now(*, now: datetime | None = None) -> QuerySet[DutyShift]:
    now = now or timezone.now()
    return DutyShift.objects.filter(
        starts_at__lte=now,
        ends_at__gt=now,
        specialist__is_active=True,
        specialist__groups__name=SPECIALIST,
    )


def specialists_on_duty(*, now: datetime | None = None) -> QuerySet:
    """The active specialists with a duty shift covering `now`."""
    return get_user_model().objects.filter(
        pk__in=shifts_now(now=now).values("specialist_id")
    )


def duty_ends_at(*, user, now: datetime | None = None) -> datetime | None:
    """The end of `user`'s duty as it stands now (the latest end of the shifts that
    cover now); None if they are not on duty."""
    shift = shifts_now(now=now).filter(specialist=user).order_by("-ends_at").first()
    return shift.ends_at if shift else None


def is_on_duty(*, user, now: datetime | None = None) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return duty_ends_at(user=user, now=now) is not None


def is_coordinator(*, user) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.groups.filter(name=COORDINATOR).exists()


def coordinators() -> QuerySet:
    return get_user_model().objects.filter(groups__name=COORDINATOR, is_active=True)


def may_see_requests(*, user, now: datetime | None = None) -> bool:
    """The rule: only on-duty specialists and coordinators see urgent requests."""
    return is_coordinator(user=user) or is_on_duty(user=user, now=now)


def may_ask_for_help(*, user) -> bool:
    """Signed-in clients: not staff, not a specialist, trainer or coordinator."""
    if user is None or not user.is_authenticated or user.is_staff:
        return False
    return not user.groups.filter(name__in=STAFF_ROLES).exists()


def open_requests() -> QuerySet[UrgentRequest]:
    """Requests not closed yet, the longest waiting first."""
    return (
        UrgentRequest.objects.filter(closed_at__isnull=True)
        .select_related("client", "taken_by")
        .order_by("created")
    )


def request_for_viewer(*, request_id: int, user) -> UrgentRequest | None:
    """One request, if `user` may see urgent requests now; else None."""
    if not may_see_requests(user=user):
        return None
    return (
        UrgentRequest.objects.select_related("client", "taken_by")
        .filter(pk=request_id)
        .first()
    )


def client_open_request(*, client) -> UrgentRequest | None:
    return (
        UrgentRequest.objects.select_related("taken_by")
        .filter(client=client, closed_at__isnull=True)
        .first()
    )


def client_latest_request(*, client) -> UrgentRequest | None:
    """The client's open request, else their latest one (to say it was closed)."""
    return client_open_request(client=client) or (
        UrgentRequest.objects.select_related("taken_by")
        .filter(client=client)
        .order_by("-created")
        .first()
    )

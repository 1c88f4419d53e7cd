"""Demo data of urgent help: the demo specialist is on duty from now on (for a day),
so that the demo client's "I need help now" reaches someone. Idempotent: a shift that
already covers now is kept."""

from datetime import datetime, timedelta

from django.utils import timezone

from urgent.models import DutyShift

DEMO_SHIFT = timedelta(hours=24)


def demo_duty_ensure(specialist, *, now: datetime | None = None) -> DutyShift:
    now = now or timezone.now()
    shift = DutyShift.objects.filter(
        specialist=specialist, starts_at__lte=now, ends_at__gt=now + timedelta(hours=1)
    ).first()
    if shift is not None:
        return shift
    return DutyShift.objects.create(
        specialist=specialist,
        starts_at=now - timedelta(minutes=5),
        ends_at=now + DEMO_SHIFT,
    )

"""Background work for consultations, run by the django-q2 cluster on a schedule
(`manage.py schedule_tasks`): reminders a day and an hour before, no-shows, and the
anonymisation of old consultations.

Tasks only load what is due and call a service for each: the rules (claiming a
reminder so that it is sent once, when a session counts as not taken place) live in
the services they call (reminders.py, services.py).
"""

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import reminders
from .models import Booking, BookingStatus
from .services import booking_mark_no_show, bookings_retention_anonymise


def reminders_send(*, now: datetime | None = None) -> int:
    """Send the day-before and hour-before reminders that are due; returns how many
    (consultations/reminders.py). The hour ones go first: a booking made less than
    an hour ahead gets only the hour reminder."""
    now = now or timezone.now()
    sent = 0
    for kind in (reminders.HOUR, reminders.DAY):
        for booking_id in reminders.bookings_reminder_due(kind=kind, now=now):
            if not reminders.booking_reminder_claim(
                booking_id=booking_id, kind=kind, now=now
            ):
                continue
            booking = Booking.objects.select_related("client", "specialist__user").get(
                pk=booking_id
            )
            sent += reminders.booking_reminder_send(
                booking=booking, kind=kind, claimed_at=now
            )
    return sent


def no_shows_mark(*, now: datetime | None = None) -> int:
    """Mark confirmed bookings that are over and the client never joined as no-shows."""
    now = now or timezone.now()
    candidates = Booking.objects.filter(
        status=BookingStatus.CONFIRMED,
        ends_at__lt=now,
        client_joined_at__isnull=True,
    )
    marked = 0
    for booking_id in list(candidates.values_list("pk", flat=True)):
        with transaction.atomic():
            # Look again under a lock: the call may have ended it meanwhile.
            booking = candidates.select_for_update().filter(pk=booking_id).first()
            if booking is not None:
                booking_mark_no_show(booking=booking, now=now)
                marked += 1
    return marked


def consultations_retention_anonymise(*, now: datetime | None = None) -> int:
    """Anonymise bookings that ended more than CONSULTATION_RETENTION_DAYS ago
    (daily; docs/privacy.md). Returns how many were anonymised."""
    return bookings_retention_anonymise(
        days=settings.CONSULTATION_RETENTION_DAYS, now=now
    )


def socket_refusals_summarise(address: str, minute: int) -> int:
    """One audit record for one address's refused call sockets in one minute,
    scheduled by its first refusal (consultations/socket_refusals.py)."""
    from .socket_refusals import socket_refusals_record

    return socket_refusals_record(address=address, minute=minute)

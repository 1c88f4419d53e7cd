"""Background work for consultations, run by the django-q2 cluster on a schedule
(`manage.py schedule_tasks`): reminders a day and an hour before, no-shows, and the
anonymisation of old consultations.

Each reminder is sent once even when two clusters run at the same time or a worker
dies half-way: a row is *claimed* with a conditional UPDATE before anything is sent,
and only the worker whose UPDATE changed the row sends. A crash between the claim and
the send loses that one reminder rather than sending it twice; a send that fails with
an error gives the claim back so that the next run tries again.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from cms import dates

from . import demo
from .models import Booking, BookingStatus, ConsentRecord
from .notifications import Message, notify
from .services import booking_mark_no_show, bookings_retention_anonymise

logger = logging.getLogger(__name__)

DAY_BEFORE = timedelta(hours=24)
HOUR_BEFORE = timedelta(hours=1)


def _site_url(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def _reminder_message(booking: Booking, *, kind: str) -> Message:
    """The reminder in the client's own language, with times in Tashkent time."""
    client = booking.client
    with translation.override(getattr(client, "preferred_language", "") or "uz"):
        local = timezone.localtime(booking.starts_at)
        params = {
            "name": client.get_short_name(),
            "specialist": booking.specialist.user.get_full_name(),
            "date": dates.day_month(local),
            "time": formats.time_format(local, "H:i"),
            "appointments": _site_url(reverse("consultations_appointments")),
            "check": _site_url(reverse("consultations_precall", args=[booking.pk])),
        }
        # SMS texts say "Komak" in plain Latin letters: the modifier letter in
        # "Koʻmak" would switch the SMS to UCS-2 and halve its length.
        if kind == "day":
            subject = _("Reminder: your talk with a specialist")
            text = _(
                "Hello, %(name)s!\n\n"
                "Your talk with %(specialist)s is on %(date)s at %(time)s "
                "(Tashkent time).\n\n"
                "Before the talk you can check your camera and internet: "
                "%(check)s\n"
                "To see, move or cancel the talk, open: %(appointments)s"
            )
            sms_text = _(
                "Komak: your talk with %(specialist)s is on %(date)s at %(time)s."
            )
        else:
            subject = _("Your talk with a specialist starts soon")
            text = _(
                "Hello, %(name)s!\n\n"
                "Your talk with %(specialist)s starts today at %(time)s "
                "(Tashkent time).\n\n"
                "You can join 15 minutes before the start from this page: "
                "%(appointments)s"
            )
            sms_text = _(
                "Komak: your talk with %(specialist)s starts at %(time)s. "
                "Join from %(appointments)s"
            )
        return Message(subject=subject, text=text % params, sms_text=sms_text % params)


def _send_claimed(booking_id: int, *, field: str, kind: str, claimed_at) -> bool:
    """Send one claimed reminder; on an error give the claim back for the next run."""
    booking = Booking.objects.select_related("client", "specialist__user").get(
        pk=booking_id
    )
    try:
        notify(user=booking.client, message=_reminder_message(booking, kind=kind))
    except Exception:
        logger.exception("Reminder for booking %s failed; will try again", booking_id)
        Booking.objects.filter(pk=booking_id, **{field: claimed_at}).update(
            **{field: None}
        )
        return False
    return True


def _claim(booking_id: int, *, field: str, now: datetime) -> bool:
    claimed = Booking.objects.filter(
        pk=booking_id,
        status=BookingStatus.CONFIRMED,
        **{f"{field}__isnull": True},
    ).update(**{field: now})
    return claimed == 1


def reminders_send(*, now: datetime | None = None) -> int:
    """Send the day-before and hour-before reminders that are due; returns how many.

    A booking made less than an hour ahead gets only the hour reminder: the day one is
    claimed without sending, so a person never gets two messages at once.
    """
    now = now or timezone.now()
    # A client who withdrew consent is not processed further: no reminders either.
    consent_active = ConsentRecord.objects.filter(
        user=OuterRef("client"), withdrawn_at__isnull=True
    )
    upcoming = Booking.objects.filter(
        Exists(consent_active), status=BookingStatus.CONFIRMED, starts_at__gt=now
    )
    sent = 0
    hour_due = upcoming.filter(
        starts_at__lte=now + HOUR_BEFORE, reminder_hour_sent_at__isnull=True
    ).values_list("pk", flat=True)
    for booking_id in list(hour_due):
        if _claim(booking_id, field="reminder_hour_sent_at", now=now):
            _claim(booking_id, field="reminder_day_sent_at", now=now)
            sent += _send_claimed(
                booking_id, field="reminder_hour_sent_at", kind="hour", claimed_at=now
            )
    day_due = upcoming.filter(
        starts_at__lte=now + DAY_BEFORE, reminder_day_sent_at__isnull=True
    ).values_list("pk", flat=True)
    for booking_id in list(day_due):
        if _claim(booking_id, field="reminder_day_sent_at", now=now):
            sent += _send_claimed(
                booking_id, field="reminder_day_sent_at", kind="day", claimed_at=now
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
                booking_mark_no_show(booking=booking)
                marked += 1
    return marked


def consultations_retention_anonymise(*, now: datetime | None = None) -> int:
    """Anonymise bookings that ended more than CONSULTATION_RETENTION_DAYS ago
    (daily; docs/privacy.md). Returns how many were anonymised."""
    return bookings_retention_anonymise(
        days=settings.CONSULTATION_RETENTION_DAYS, now=now
    )


def demo_talk_keep(*, now: datetime | None = None) -> int:
    """Book the demo's next joinable talk when the last one is over (only with
    KOMAK_DEMO_KEEP_TALK, which `make run` sets; consultations/demo.py). Returns
    how many talks were booked: 0 or 1."""
    return int(demo.demo_talk_keep(now=now) is not None)


def socket_refusals_summarise(address: str, minute: int) -> int:
    """One audit record for one address's refused call sockets in one minute,
    scheduled by its first refusal (consultations/socket_refusals.py)."""
    from .socket_refusals import socket_refusals_record

    return socket_refusals_record(address=address, minute=minute)

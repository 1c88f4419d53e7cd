"""Reminders of a talk, a day and an hour before: which are due, claiming one so that
it is sent once, and sending it in the client's own language.

A reminder is *claimed* with a conditional UPDATE of its `*_sent_at` column before
anything is sent, and only the worker whose UPDATE changed the row sends: two
clusters running at once, or a worker that dies half-way, never send it twice. A
crash between the claim and the send loses that one reminder rather than sending it
twice; a send that fails gives the claim back so that the next run tries again.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from core import dates
from core.notifications import Message, notify
from core.transliteration import in_reader_script

from .models import Booking, BookingStatus, ConsentRecord

logger = logging.getLogger(__name__)

DAY = "day"
HOUR = "hour"
# How long before the start each reminder falls due, and the column that claims it.
DUE_BEFORE = {DAY: timedelta(hours=24), HOUR: timedelta(hours=1)}
CLAIM_FIELDS = {DAY: "reminder_day_sent_at", HOUR: "reminder_hour_sent_at"}


def _site_url(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def reminder_message(*, booking: Booking, kind: str) -> Message:
    """The reminder in the client's own language and script, with times in Tashkent
    time. The names in it are written as on the site: for a reader of Uzbek
    Cyrillic, a Latin name is written in Cyrillic too."""
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
        if kind == DAY:
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
        return Message(
            subject=in_reader_script(subject),
            text=in_reader_script(text % params),
            sms_text=in_reader_script(sms_text % params),
        )


def bookings_reminder_due(*, kind: str, now: datetime) -> list[int]:
    """Ids of confirmed, upcoming bookings whose `kind` reminder is due and not yet
    claimed. A client who withdrew consent is not processed further: no reminders."""
    consent_active = ConsentRecord.objects.filter(
        user=OuterRef("client"), withdrawn_at__isnull=True
    )
    return list(
        Booking.objects.filter(
            Exists(consent_active),
            status=BookingStatus.CONFIRMED,
            starts_at__gt=now,
            starts_at__lte=now + DUE_BEFORE[kind],
            **{f"{CLAIM_FIELDS[kind]}__isnull": True},
        ).values_list("pk", flat=True)
    )


def _claim(*, booking_id: int, field: str, now: datetime) -> bool:
    claimed = Booking.objects.filter(
        pk=booking_id,
        status=BookingStatus.CONFIRMED,
        **{f"{field}__isnull": True},
    ).update(**{field: now})
    return claimed == 1


def booking_reminder_claim(*, booking_id: int, kind: str, now: datetime) -> bool:
    """Claim the booking's `kind` reminder for this worker; False if another has it
    (or the talk is no longer confirmed). Claiming the hour reminder also settles
    the day one, sent or not, so a person never gets two messages at once."""
    if not _claim(booking_id=booking_id, field=CLAIM_FIELDS[kind], now=now):
        return False
    if kind == HOUR:
        _claim(booking_id=booking_id, field=CLAIM_FIELDS[DAY], now=now)
    return True


def booking_reminder_send(*, booking: Booking, kind: str, claimed_at: datetime) -> bool:
    """Send one claimed reminder; on an error give the claim back for the next run."""
    try:
        notify(
            user=booking.client, message=reminder_message(booking=booking, kind=kind)
        )
    except Exception:
        logger.exception("Reminder for booking %s failed; will try again", booking.pk)
        field = CLAIM_FIELDS[kind]
        Booking.objects.filter(pk=booking.pk, **{field: claimed_at}).update(
            **{field: None}
        )
        return False
    return True

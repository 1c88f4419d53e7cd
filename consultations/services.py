"""Writes of the consultations app: booking, changes, consent, call milestones."""

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import (
    ACTIVE_STATUSES,
    Booking,
    BookingStatus,
    ConsentRecord,
    SpecialistProfile,
)
from .selectors import consent_current_terms, slot_is_offered


class BookingError(Exception):
    """A booking that cannot be made or changed; `message` says why in plain words."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def booking_create(
    *,
    client,
    specialist: SpecialistProfile,
    topic: str,
    starts_at: datetime,
) -> Booking:
    """Book a slot. Of two clients taking the same slot at once, exactly one wins."""
    if client.pk == specialist.user_id:
        raise BookingError(_("You cannot book a session with yourself."))
    try:
        with transaction.atomic():
            # Serialise bookings per specialist (a row lock on PostgreSQL; SQLite
            # transactions are already serial), then check again inside the lock.
            SpecialistProfile.objects.select_for_update().get(pk=specialist.pk)
            if not slot_is_offered(specialist=specialist, starts_at=starts_at):
                raise BookingError(
                    _("This time has just been taken. Please choose another.")
                )
            ends_at = starts_at + timedelta(minutes=specialist.session_minutes)
            clash = Booking.objects.filter(
                client=client,
                status__in=ACTIVE_STATUSES,
                starts_at__lt=ends_at,
                ends_at__gt=starts_at,
            ).exists()
            if clash:
                raise BookingError(_("You already have a session at this time."))
            return Booking.objects.create(
                client=client,
                specialist=specialist,
                topic=topic,
                starts_at=starts_at,
                ends_at=ends_at,
            )
    except IntegrityError as error:
        raise BookingError(
            _("This time has just been taken. Please choose another.")
        ) from error


def booking_cancel(
    *, booking: Booking, by_user, now: datetime | None = None
) -> Booking:
    now = now or timezone.now()
    is_specialist = by_user.pk == booking.specialist.user_id
    if booking.status != BookingStatus.CONFIRMED:
        raise BookingError(_("This session is not active any more."))
    if not is_specialist and not booking.can_change(now):
        raise BookingError(
            _("Less than 2 hours are left: please call the specialist to cancel.")
        )
    booking.status = BookingStatus.CANCELLED
    booking.cancelled_at = now
    booking.save(update_fields=["status", "cancelled_at"])
    return booking


def booking_reschedule(
    *, booking: Booking, by_user, starts_at: datetime, now: datetime | None = None
) -> Booking:
    """Move a booking: the new one is made first, then the old one is cancelled."""
    now = now or timezone.now()
    if not booking.can_change(now):
        raise BookingError(
            _("Less than 2 hours are left: this session cannot be moved.")
        )
    with transaction.atomic():
        booking_cancel(booking=booking, by_user=by_user, now=now)
        return booking_create(
            client=booking.client,
            specialist=booking.specialist,
            topic=booking.topic,
            starts_at=starts_at,
        )


def consent_accept(*, user) -> ConsentRecord:
    terms = consent_current_terms()
    if terms is None:
        raise BookingError(_("The terms are not published yet."))
    record, _created = ConsentRecord.objects.get_or_create(
        user=user, terms=terms, withdrawn_at=None
    )
    return record


def consent_withdraw(*, user) -> int:
    return ConsentRecord.objects.filter(user=user, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now()
    )


PRECALL_VERDICTS = ("video", "audio", "phone")


def precall_verdict(*, rtt_ms: int, loss_percent: float, connected: bool) -> str:
    """What will work, from the measured round trip and loss.

    Thresholds follow common VoIP guidance: video wants under ~300 ms and under 3%
    loss; audio copes up to ~800 ms and 10%; beyond that a phone call is better.
    """
    if not connected:
        return "phone"
    if rtt_ms <= 300 and loss_percent <= 3:
        return "video"
    if rtt_ms <= 800 and loss_percent <= 10:
        return "audio"
    return "phone"


def booking_precall_record(
    *, booking: Booking, rtt_ms: int, loss_percent: float, relay: bool, connected: bool
) -> Booking:
    booking.precall_checked_at = timezone.now()
    booking.precall_rtt_ms = rtt_ms
    booking.precall_loss_percent = loss_percent
    booking.precall_relay = relay
    booking.precall_verdict = precall_verdict(
        rtt_ms=rtt_ms, loss_percent=loss_percent, connected=connected
    )
    booking.save(
        update_fields=[
            "precall_checked_at",
            "precall_rtt_ms",
            "precall_loss_percent",
            "precall_relay",
            "precall_verdict",
        ]
    )
    return booking


def booking_joined(*, booking_id: int, role: str) -> None:
    """Remember the first time each side joined (used for no-show marking)."""
    field = "client_joined_at" if role == "client" else "specialist_joined_at"
    Booking.objects.filter(pk=booking_id, **{f"{field}__isnull": True}).update(
        **{field: timezone.now()}
    )


def booking_admit(*, booking_id: int) -> None:
    Booking.objects.filter(pk=booking_id, admitted_at__isnull=True).update(
        admitted_at=timezone.now()
    )


def booking_end(*, booking_id: int) -> None:
    Booking.objects.filter(pk=booking_id, status=BookingStatus.CONFIRMED).update(
        status=BookingStatus.COMPLETED, ended_at=timezone.now()
    )


def booking_mark_no_show(*, booking: Booking) -> Booking:
    booking.status = BookingStatus.NO_SHOW
    booking.save(update_fields=["status"])
    return booking

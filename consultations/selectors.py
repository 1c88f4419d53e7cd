"""Reads of the consultations app: specialists, free slots, bookings and access."""

from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from .models import (
    ACTIVE_STATUSES,
    Booking,
    BookingStatus,
    ConsentRecord,
    ConsentTerms,
    SpecialistProfile,
)

# A client books at least this far ahead, so the specialist can prepare.
MIN_NOTICE = timedelta(hours=1)


def local_zone():
    from zoneinfo import ZoneInfo

    return ZoneInfo(settings.TIME_ZONE)


def booking_horizon_days() -> int:
    """How many days, today (Tashkent) included, the booking pages offer times for."""
    return settings.BOOKING_HORIZON_DAYS


def booking_horizon_end(*, now: datetime | None = None) -> datetime:
    """The first moment a client may no longer book: midnight in Tashkent after the
    last day of the horizon, so the service refuses exactly what the pages do not
    show."""
    today = timezone.localdate(now or timezone.now())
    last_day = today + timedelta(days=booking_horizon_days())
    return datetime.combine(last_day, datetime.min.time(), tzinfo=local_zone())


def slot_within_horizon(*, starts_at: datetime, now: datetime | None = None) -> bool:
    return starts_at < booking_horizon_end(now=now)


def client_active_booking_count(*, client, now: datetime | None = None) -> int:
    """The client's talks that still count against BOOKING_ACTIVE_CAP: confirmed
    and not yet over (a cancelled, finished or missed talk frees its place)."""
    return Booking.objects.filter(
        client=client,
        status=BookingStatus.CONFIRMED,
        ends_at__gt=now or timezone.now(),
    ).count()


def specialist_list(*, topic: str = "", language: str = "") -> list[SpecialistProfile]:
    """Active specialists, filtered in Python: the lists are short and JSON lookups
    differ between SQLite and PostgreSQL."""
    profiles = SpecialistProfile.objects.filter(is_active=True).select_related(
        "user", "photo"
    )
    return [
        profile
        for profile in profiles.order_by("user__full_name")
        if (not topic or topic in profile.topics)
        and (not language or language in profile.languages)
    ]


def specialist_free_slots(
    *,
    specialist: SpecialistProfile,
    start_day: date,
    days: int = 7,
    now: datetime | None = None,
) -> list[datetime]:
    """Start times (aware, UTC) the specialist can still take, in order.

    Slots follow the weekly hours on a grid of session length plus buffer, minus time
    off, minus active bookings that overlap, and not earlier than now + MIN_NOTICE.
    """
    now = now or timezone.now()
    zone = local_zone()
    session = timedelta(minutes=specialist.session_minutes)
    step = timedelta(minutes=specialist.slot_minutes)
    first = datetime.combine(start_day, datetime.min.time(), tzinfo=zone)
    last = first + timedelta(days=days)
    busy = list(
        Booking.objects.filter(
            specialist=specialist,
            status__in=ACTIVE_STATUSES,
            starts_at__lt=last,
            ends_at__gt=first,
        ).values_list("starts_at", "ends_at")
    )
    busy += list(
        specialist.time_off.filter(starts_at__lt=last, ends_at__gt=first).values_list(
            "starts_at", "ends_at"
        )
    )
    hours = list(specialist.weekly_hours.all())
    slots = []
    for offset in range(days):
        day = start_day + timedelta(days=offset)
        for period in hours:
            if period.weekday != day.weekday():
                continue
            start = datetime.combine(day, period.start_time, tzinfo=zone)
            end = datetime.combine(day, period.end_time, tzinfo=zone)
            while start + session <= end:
                finish = start + session
                free = all(
                    not (start < b_end and finish > b_start) for b_start, b_end in busy
                )
                if free and start >= now + MIN_NOTICE:
                    slots.append(start.astimezone(UTC))
                start += step
    return sorted(slots)


def slot_is_offered(*, specialist: SpecialistProfile, starts_at: datetime) -> bool:
    """Whether the specialist still offers this exact start (the day's free slots)."""
    day = timezone.localdate(starts_at)
    return starts_at in specialist_free_slots(
        specialist=specialist, start_day=day, days=1
    )


def first_available_specialist(
    *, topic: str, language: str = "", now: datetime | None = None
) -> tuple[SpecialistProfile, datetime] | None:
    """The specialist with the earliest free slot for a topic, and that slot."""
    now = now or timezone.now()
    best = None
    today = timezone.localdate(now)
    for profile in specialist_list(topic=topic, language=language):
        slots = specialist_free_slots(
            specialist=profile,
            start_day=today,
            days=booking_horizon_days(),
            now=now,
        )
        if slots and (best is None or slots[0] < best[1]):
            best = (profile, slots[0])
    return best


def bookings_for_client(*, user) -> list[Booking]:
    return list(
        Booking.objects.filter(client=user)
        .select_related("specialist__user")
        .order_by("-starts_at")
    )


def bookings_for_specialist(*, user) -> list[Booking]:
    """The specialist's sessions; anonymised ones name nobody and are left out."""
    return list(
        Booking.objects.filter(specialist__user=user, anonymised_at__isnull=True)
        .select_related("client", "specialist__user")
        .order_by("starts_at")
    )


def specialist_today(*, user, now: datetime | None = None) -> list[Booking]:
    now = now or timezone.now()
    today = timezone.localdate(now)
    zone = local_zone()
    start = datetime.combine(today, datetime.min.time(), tzinfo=zone)
    return list(
        Booking.objects.filter(
            specialist__user=user,
            anonymised_at__isnull=True,
            starts_at__gte=start,
            starts_at__lt=start + timedelta(days=1),
        )
        .exclude(status=BookingStatus.CANCELLED)
        .select_related("client")
        .order_by("starts_at")
    )


def booking_for_participant(*, booking_id: int, user) -> Booking | None:
    """The booking if `user` is its client or its specialist; None for anyone else."""
    if not user.is_authenticated:
        return None
    return (
        Booking.objects.select_related("specialist__user", "client")
        .filter(pk=booking_id, anonymised_at__isnull=True)
        .filter(Q(client=user) | Q(specialist__user=user))
        .first()
    )


def consent_current_terms() -> ConsentTerms | None:
    """The latest version: the one clients are asked to accept."""
    return ConsentTerms.objects.order_by("-published_at").first()


def consent_given(*, user) -> bool:
    """Whether the user has accepted the current terms and not withdrawn them."""
    terms = consent_current_terms()
    if terms is None:
        return False
    return ConsentRecord.objects.filter(
        user=user, terms=terms, withdrawn_at__isnull=True
    ).exists()

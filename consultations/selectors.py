"""Reads of the consultations app: specialists, free slots, bookings and who may
see or do what with them.

Access is decided here once, for views, consumers and tasks alike: who is a
participant of a booking (`booking_for_participant`), who may be in its call now
(`call_access_get`), what each person may do with a booking (`booking_row_get`) and
when a session may be marked as not taken place (`booking_no_show_allowed`). A read
that shows consultation data, or a refusal of one, is audited here by the selector
that does it (given the `request`), never by each view.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.http import HttpRequest
from django.utils import timezone

from accounts.roles import SPECIALIST
from audit.models import AuditAction
from audit.services import audit_record

from . import call_rights
from .models import (
    ACTIVE_STATUSES,
    Booking,
    BookingStatus,
    ConsentRecord,
    ConsentTerms,
    SessionNote,
    SpecialistProfile,
)
from .signaling import CLIENT
from .signaling import SPECIALIST as SPECIALIST_ROLE

# A week of free times, as the booking and reschedule pages page through them.
WEEK_DAYS = 7

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


def specialist_active_get(*, specialist_id: int) -> SpecialistProfile | None:
    """An active specialist by id; None for an unknown or inactive one."""
    return (
        SpecialistProfile.objects.filter(pk=specialist_id, is_active=True)
        .select_related("user")
        .first()
    )


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


def booking_last_week() -> int:
    """The last week the pages offer (0 is this week), from BOOKING_HORIZON_DAYS."""
    return max(-(-booking_horizon_days() // WEEK_DAYS) - 1, 0)


@dataclass(frozen=True)
class SlotsWeek:
    """One week of a specialist's free times, as the booking and reschedule pages
    page through them (week 0 starts today, in Tashkent)."""

    week: int
    start_day: date
    slots: list[datetime]

    @property
    def end_day(self) -> date:
        return self.start_day + timedelta(days=WEEK_DAYS - 1)

    @property
    def has_earlier(self) -> bool:
        return self.week > 0

    @property
    def has_later(self) -> bool:
        return self.week < booking_last_week()


def _week_start(week: int, *, now: datetime) -> date:
    return timezone.localdate(now) + timedelta(days=week * WEEK_DAYS)


def free_slots_week_get(
    *, specialist: SpecialistProfile, week: int, now: datetime | None = None
) -> SlotsWeek:
    """A week's free times, without those past the booking horizon (a horizon that
    is not whole weeks ends inside the last week)."""
    now = now or timezone.now()
    start_day = _week_start(week, now=now)
    slots = [
        slot
        for slot in specialist_free_slots(
            specialist=specialist, start_day=start_day, days=WEEK_DAYS, now=now
        )
        if slot_within_horizon(starts_at=slot, now=now)
    ]
    return SlotsWeek(week=week, start_day=start_day, slots=slots)


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


# Traces of a home role (accounts/homes.py), registered in ConsultationsConfig.ready:
# conditions on a user row, one column each of the one query that decides the role.


def specialist_profile_trace() -> Exists:
    """A specialist profile gives its holder a specialist's home."""
    return Exists(SpecialistProfile.objects.filter(user_id=OuterRef("pk")))


def client_booked_trace() -> Exists:
    """Someone who has booked a talk (whatever became of it) is a client."""
    return Exists(Booking.objects.filter(client_id=OuterRef("pk")))


def client_consented_trace() -> Exists:
    """So is someone who accepted the terms, any version, and has not withdrawn."""
    return Exists(
        ConsentRecord.objects.filter(user_id=OuterRef("pk"), withdrawn_at__isnull=True)
    )


# Access: who is a participant, who may be in the call -------------------------------


def _refusal_record(*, user, booking_id: int, request: HttpRequest) -> None:
    """Someone asked for a booking that is not theirs (or does not exist)."""
    audit_record(
        actor=user,
        action=AuditAction.ACCESS_DENIED,
        target=("consultations.booking", booking_id),
        request=request,
        detail={"path": request.path},
    )


def booking_for_participant(
    *, booking_id: int, user, request: HttpRequest | None = None
) -> Booking | None:
    """The booking if `user` is its client or its specialist; None for anyone else,
    exactly as for a booking that does not exist or was anonymised, so that a
    stranger learns nothing. With `request`, a refusal leaves an audit record."""
    booking = None
    if user is not None and user.is_authenticated:
        booking = (
            Booking.objects.select_related("specialist__user", "client")
            .filter(pk=booking_id, anonymised_at__isnull=True)
            .filter(Q(client=user) | Q(specialist__user=user))
            .first()
        )
    if booking is None and request is not None:
        _refusal_record(user=user, booking_id=booking_id, request=request)
    return booking


def booking_for_specialist(
    *, booking_id: int, user, request: HttpRequest | None = None
) -> Booking | None:
    """The booking if `user` is its specialist. Its client gets None too, as a
    stranger does: notes and the no-show mark are the specialist's alone."""
    booking = booking_for_participant(booking_id=booking_id, user=user)
    if booking is not None and booking.specialist.user_id != user.pk:
        booking = None
    if booking is None and request is not None:
        _refusal_record(user=user, booking_id=booking_id, request=request)
    return booking


def booking_role(*, booking: Booking, user) -> str:
    """The participant's side of the booking: `specialist` or `client`."""
    return SPECIALIST_ROLE if booking.specialist.user_id == user.pk else CLIENT


def user_is_specialist(*, user) -> bool:
    """Whether the person has a specialist's pages: a profile, or the role."""
    return SpecialistProfile.objects.filter(user=user).exists() or user.has_role(
        SPECIALIST
    )


# Why a call was refused, for the audit record (never told to a stranger).
REFUSED_SIGNED_OUT = "signed_out"  # also a staff session without its second factor
REFUSED_NOT_PARTICIPANT = "not_participant"  # no such booking, or not theirs
REFUSED_NOT_OPEN = "not_open"  # too early, too late, cancelled or over
REFUSED_NO_CONSENT = "no_consent"


@dataclass(frozen=True)
class CallAccess:
    """Whether a person may be in a booking's call now, and if not, why.

    `booking` and `role` are set for every participant, allowed or not, so that the
    page and the socket can say why (too early, over, no consent); for anyone else
    they stay empty and the refusal is `not_participant` or `signed_out`."""

    booking: Booking | None = None
    role: str = ""
    refusal: str = ""

    @property
    def allowed(self) -> bool:
        return not self.refusal


def call_access_get(
    *,
    booking_id: int,
    user,
    now: datetime | None = None,
    request: HttpRequest | None = None,
) -> CallAccess:
    """The one rule of a call, for the call page and the signaling socket: a
    participant, inside the call's window (call_rights.call_is_open), and a client
    who has accepted the current terms. With `request`, a person who is not a
    participant leaves an audit record."""
    if user is None or not user.is_authenticated:
        return CallAccess(refusal=REFUSED_SIGNED_OUT)
    booking = booking_for_participant(booking_id=booking_id, user=user, request=request)
    if booking is None:
        return CallAccess(refusal=REFUSED_NOT_PARTICIPANT)
    role = booking_role(booking=booking, user=user)
    if not call_rights.call_is_open(booking, now):
        return CallAccess(booking=booking, role=role, refusal=REFUSED_NOT_OPEN)
    if role == CLIENT and not consent_given(user=user):
        return CallAccess(booking=booking, role=role, refusal=REFUSED_NO_CONSENT)
    return CallAccess(booking=booking, role=role)


def call_page_open(
    *, booking_id: int, user, request: HttpRequest, now: datetime | None = None
) -> CallAccess:
    """`call_access_get` for the call page, which records its opening."""
    access = call_access_get(booking_id=booking_id, user=user, now=now, request=request)
    if access.allowed:
        audit_record(
            actor=user,
            action=AuditAction.CALL_OPEN,
            target=access.booking,
            request=request,
            detail={"role": access.role},
        )
    return access


def precall_access_get(
    *, booking_id: int, user, request: HttpRequest | None = None
) -> tuple[Booking | None, str]:
    """(booking, why not) for the pre-call check: None for anyone but a
    participant; "" when the check may run, else `precall_refusal`'s reason. With
    `request`, a person who is not a participant leaves an audit record."""
    booking = booking_for_participant(booking_id=booking_id, user=user, request=request)
    if booking is None:
        return None, ""
    return booking, precall_refusal(booking=booking, user=user)


def precall_refusal(*, booking: Booking, user, now: datetime | None = None) -> str:
    """ "" if this participant may run the pre-call check now; else why not:
    `call_rights.CANCELLED`, `call_rights.TIME_OVER`, or `call_rights.NEEDS_CONSENT`
    (a client who has not accepted the current terms, or withdrew). A read, so here
    rather than in call_rights, which `consent_given` here builds on."""
    now = now or timezone.now()
    if booking.status == BookingStatus.CANCELLED or booking.anonymised_at is not None:
        return call_rights.CANCELLED
    if booking.status != BookingStatus.CONFIRMED or now > call_rights.call_closes_at(
        booking
    ):
        return call_rights.TIME_OVER
    if user.pk == booking.client_id and not consent_given(user=user):
        return call_rights.NEEDS_CONSENT
    return ""


def precall_page_open(
    *, booking_id: int, user, request: HttpRequest
) -> tuple[Booking | None, str]:
    """`precall_access_get` for the check's page, which records that it was shown."""
    booking, refusal = precall_access_get(
        booking_id=booking_id, user=user, request=request
    )
    if booking is not None and not refusal:
        audit_record(
            actor=user,
            action=AuditAction.PRECALL_VIEW,
            target=booking,
            request=request,
        )
    return booking, refusal


# What each person may do with a booking ----------------------------------------------


def booking_no_show_allowed(*, booking: Booking, now: datetime | None = None) -> bool:
    """A session may be marked as not taken place only after its start, and only
    while it is confirmed (services.booking_mark_no_show refuses anything else)."""
    now = now or timezone.now()
    return booking.status == BookingStatus.CONFIRMED and now >= booking.starts_at


@dataclass
class AppointmentRow:
    """A booking as one person sees it, with what they may do with it now."""

    booking: Booking
    as_specialist: bool
    other_name: str
    upcoming: bool
    can_cancel: bool
    can_reschedule: bool
    too_late_to_change: bool
    joinable: bool
    can_check: bool
    can_mark_no_show: bool
    error: str = ""  # why the person's last change to it was refused


def booking_row_get(
    *, booking: Booking, as_specialist: bool, now: datetime | None = None
) -> AppointmentRow:
    """What the client (or, `as_specialist`, the specialist) may do with the
    booking at `now`; the services check the same rules again when asked."""
    now = now or timezone.now()
    confirmed = booking.status == BookingStatus.CONFIRMED
    upcoming = confirmed and booking.ends_at >= now
    before_start = confirmed and now < booking.starts_at
    can_change = booking.can_change(now)
    other = booking.client if as_specialist else booking.specialist.user
    return AppointmentRow(
        booking=booking,
        as_specialist=as_specialist,
        other_name=other.get_full_name(),
        upcoming=upcoming,
        # The specialist may cancel until the start; the service allows it.
        can_cancel=can_change or (as_specialist and before_start),
        can_reschedule=can_change,
        too_late_to_change=before_start and not can_change,
        joinable=booking.is_joinable(now),
        can_check=upcoming and not as_specialist,
        can_mark_no_show=as_specialist
        and booking_no_show_allowed(booking=booking, now=now),
    )


def _rows_split(
    bookings, *, as_specialist: bool, now: datetime
) -> tuple[list[AppointmentRow], list[AppointmentRow]]:
    """Upcoming bookings soonest first, then the rest latest first."""
    rows = [
        booking_row_get(booking=booking, as_specialist=as_specialist, now=now)
        for booking in bookings
    ]
    upcoming = sorted(
        (row for row in rows if row.upcoming), key=lambda row: row.booking.starts_at
    )
    earlier = sorted(
        (row for row in rows if not row.upcoming),
        key=lambda row: row.booking.starts_at,
        reverse=True,
    )
    return upcoming, earlier


def _list_read_record(*, user, booking_ids: list[int], request) -> None:
    if booking_ids:
        audit_record(
            actor=user,
            action=AuditAction.BOOKING_LIST_VIEW,
            request=request,
            detail={"bookings": sorted(booking_ids)},
        )


@dataclass
class Appointments:
    """A person's talks (as a client) and sessions (as a specialist)."""

    client_upcoming: list[AppointmentRow]
    client_earlier: list[AppointmentRow]
    sessions_upcoming: list[AppointmentRow]
    sessions_earlier: list[AppointmentRow]
    is_specialist: bool

    def rows(self) -> list[AppointmentRow]:
        return (
            self.client_upcoming
            + self.client_earlier
            + self.sessions_upcoming
            + self.sessions_earlier
        )


def appointments_get(
    *, user, request: HttpRequest | None, now: datetime | None = None
) -> Appointments:
    """ "My appointments", with what the person may do with each; the bookings shown
    are recorded as read."""
    now = now or timezone.now()
    client_upcoming, client_earlier = _rows_split(
        bookings_for_client(user=user), as_specialist=False, now=now
    )
    is_specialist = user_is_specialist(user=user)
    sessions_upcoming, sessions_earlier = _rows_split(
        bookings_for_specialist(user=user) if is_specialist else [],
        as_specialist=True,
        now=now,
    )
    appointments = Appointments(
        client_upcoming=client_upcoming,
        client_earlier=client_earlier,
        sessions_upcoming=sessions_upcoming,
        sessions_earlier=sessions_earlier,
        is_specialist=is_specialist,
    )
    _list_read_record(
        user=user,
        booking_ids=[row.booking.pk for row in appointments.rows()],
        request=request,
    )
    return appointments


def client_next_talk_get(
    *, user, request: HttpRequest | None, now: datetime | None = None
) -> tuple[AppointmentRow | None, int]:
    """The client's next talk (recorded as read) and how many more are booked."""
    now = now or timezone.now()
    upcoming, _earlier = _rows_split(
        bookings_for_client(user=user), as_specialist=False, now=now
    )
    if not upcoming:
        return None, 0
    _list_read_record(user=user, booking_ids=[upcoming[0].booking.pk], request=request)
    return upcoming[0], len(upcoming) - 1


def specialist_day_get(
    *, user, request: HttpRequest | None, now: datetime | None = None
) -> list[tuple[Booking, SessionNote | None]]:
    """The specialist's sessions today, each with their own latest note on it; the
    sessions and the notes are recorded as read."""
    bookings = specialist_today(user=user, now=now)
    notes = {
        note.booking_id: note
        for note in SessionNote.objects.filter(
            author=user, booking__in=bookings
        ).order_by("updated_at")
    }
    _list_read_record(
        user=user, booking_ids=[booking.pk for booking in bookings], request=request
    )
    if notes:
        audit_record(
            actor=user,
            action=AuditAction.NOTE_VIEW,
            request=request,
            detail={"notes": sorted(note.pk for note in notes.values())},
        )
    return [(booking, notes.get(booking.pk)) for booking in bookings]


def session_note_get(
    *, booking: Booking, author, request: HttpRequest | None
) -> SessionNote | None:
    """The author's latest note on the session, recorded as read when there is one."""
    note = (
        SessionNote.objects.filter(booking=booking, author=author)
        .order_by("-updated_at")
        .first()
    )
    if note is not None:
        audit_record(
            actor=author,
            action=AuditAction.NOTE_VIEW,
            target=note,
            request=request,
            detail={"booking": booking.pk},
        )
    return note


def _booking_read_record(*, booking: Booking, user, request, page: str) -> None:
    audit_record(
        actor=user,
        action=AuditAction.BOOKING_VIEW,
        target=booking,
        request=request,
        detail={"page": page},
    )


def booking_calendar_get(
    *, booking_id: int, user, request: HttpRequest
) -> Booking | None:
    """The booking for its calendar file: a participant's read is recorded, and so
    is anyone else's refusal."""
    booking = booking_for_participant(booking_id=booking_id, user=user, request=request)
    if booking is not None:
        _booking_read_record(
            booking=booking, user=user, request=request, page="calendar"
        )
    return booking


def reschedule_week_get(
    *,
    booking: Booking,
    user,
    week: int,
    request: HttpRequest | None,
    now: datetime | None = None,
) -> SlotsWeek:
    """The week of free times the booking may move to (none once it may no longer
    change); the booking is recorded as read on the reschedule page."""
    now = now or timezone.now()
    if booking.can_change(now):
        offered = free_slots_week_get(specialist=booking.specialist, week=week, now=now)
    else:
        offered = SlotsWeek(week=week, start_day=_week_start(week, now=now), slots=[])
    _booking_read_record(booking=booking, user=user, request=request, page="reschedule")
    return offered

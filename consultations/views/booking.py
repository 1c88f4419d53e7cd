"""Booking views: the specialist directory, the booking steps, consent, "My
appointments", calendar files, the specialist's day and private session notes.

Views only parse input (consultations.forms) and call selectors and services. Every
step works with JavaScript off: what was chosen travels in the address or in hidden
fields, so a mistake or a taken slot never loses the earlier choices. A booking's pages
exist only for its client and its specialist; everyone else gets 404. Every page that
shows a booking or a note leaves an audit record of who saw which ids.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, translate_url
from django.utils import formats, timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from accounts.roles import SPECIALIST
from audit.models import AuditAction
from audit.services import audit_record
from cms import dates

from .. import selectors, services
from ..forms import (
    LANGUAGE_NAMES,
    TOPIC_NAMES,
    BookingRequestForm,
    ConsentForm,
    DirectoryFilterForm,
    RescheduleForm,
    SessionNoteForm,
    TopicForm,
    slot_value,
)
from ..ics import booking_calendar
from ..models import Booking, BookingStatus, SessionNote, SpecialistProfile, Topic

WEEK_DAYS = 7


# Shared helpers ----------------------------------------------------------------------


@dataclass
class SpecialistCard:
    """A specialist as the directory shows them, with codes turned into words."""

    profile: SpecialistProfile
    languages: list[str]
    topics: list[str]
    choose_url: str = ""  # set in the booking steps: "choose this person"


def _card(profile: SpecialistProfile, *, choose_url: str = "") -> SpecialistCard:
    return SpecialistCard(
        profile=profile,
        languages=[str(LANGUAGE_NAMES.get(code, code)) for code in profile.languages],
        topics=[str(TOPIC_NAMES.get(code, code)) for code in profile.topics],
        choose_url=choose_url,
    )


def _query(**params) -> str:
    kept = {key: value for key, value in params.items() if value not in (None, "")}
    return "?" + urlencode(kept) if kept else ""


def _safe_next(request, value: str) -> str:
    # Only a path on this site: `redirect()` takes any other text ("0", "x") for the
    # name of a view and fails with a 500 when there is none.
    if (
        value
        and value.startswith("/")
        and url_has_allowed_host_and_scheme(
            value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return value
    return ""


def _active_specialist(value) -> SpecialistProfile | None:
    try:
        pk = int(value)
    except (TypeError, ValueError):
        return None
    return (
        SpecialistProfile.objects.filter(pk=pk, is_active=True)
        .select_related("user")
        .first()
    )


def _last_week() -> int:
    """The last week the pages offer (0 is this week), from BOOKING_HORIZON_DAYS."""
    return max(-(-selectors.booking_horizon_days() // WEEK_DAYS) - 1, 0)


def _week(value) -> int:
    try:
        return min(max(int(value), 0), _last_week())
    except (TypeError, ValueError):
        return 0


def _week_slots(specialist: SpecialistProfile, start_day: date) -> list[datetime]:
    """A week's free times, without those past the booking horizon (a horizon that
    is not whole weeks ends inside the last week)."""
    return [
        slot
        for slot in selectors.specialist_free_slots(
            specialist=specialist, start_day=start_day, days=WEEK_DAYS
        )
        if selectors.slot_within_horizon(starts_at=slot)
    ]


def _refusal_status(error: services.BookingError) -> int:
    """A time beyond the horizon was never offered (a forged or stale form): 400;
    anything else conflicts with what is booked now: 409."""
    return 400 if error.code == "horizon" else 409


def _days_with_slots(slots: list[datetime]) -> list[tuple[date, list[tuple]]]:
    """Slots grouped by their day in Tashkent, each with its form value."""
    days: dict[date, list[tuple]] = {}
    for slot in slots:
        days.setdefault(timezone.localdate(slot), []).append((slot, slot_value(slot)))
    return list(days.items())


def _when(moment: datetime) -> dict:
    local = timezone.localtime(moment)
    return {
        "date": dates.day_month(local),
        "time": formats.time_format(local, "H:i"),
    }


def _problem(request, message: str, *, back_url: str, back_label: str, status: int):
    return render(
        request,
        "consultations/book_problem.html",
        {"message": message, "back_url": back_url, "back_label": back_label},
        status=status,
    )


def _participant_booking(request, booking_id: int) -> Booking:
    booking = selectors.booking_for_participant(
        booking_id=booking_id, user=request.user
    )
    if booking is None:
        _audit_refused(request, booking_id)
        raise Http404
    return booking


def _audit_refused(request, booking_id: int) -> None:
    """Someone asked for a booking that is not theirs (or does not exist)."""
    audit_record(
        actor=request.user,
        action=AuditAction.ACCESS_DENIED,
        target=("consultations.booking", booking_id),
        request=request,
        detail={"path": request.path},
    )


def _specialist_booking(request, booking_id: int) -> Booking:
    """The booking if the signed-in person is its specialist; 404 for its client too."""
    booking = _participant_booking(request, booking_id)
    if booking.specialist.user_id != request.user.pk:
        _audit_refused(request, booking_id)
        raise Http404
    return booking


def _is_specialist(user) -> bool:
    return SpecialistProfile.objects.filter(user=user).exists() or user.has_role(
        SPECIALIST
    )


def _own_note(booking: Booking, user) -> SessionNote | None:
    return (
        SessionNote.objects.filter(booking=booking, author=user)
        .order_by("-updated_at")
        .first()
    )


def _audit_seen(request, booking_ids: list[int]) -> None:
    if booking_ids:
        audit_record(
            actor=request.user,
            action=AuditAction.BOOKING_LIST_VIEW,
            request=request,
            detail={"bookings": sorted(booking_ids)},
        )


def _audit_view(request, booking: Booking, **detail) -> None:
    audit_record(
        actor=request.user,
        action=AuditAction.BOOKING_VIEW,
        target=booking,
        request=request,
        detail=detail,
    )


# The directory -----------------------------------------------------------------------


def index(request):
    """The "Talk to a specialist" directory, filtered by topic and language."""
    form = DirectoryFilterForm(request.GET or None)
    topic = language = ""
    if form.is_bound and form.is_valid():
        topic = form.cleaned_data["topic"]
        language = form.cleaned_data["language"]
    profiles = selectors.specialist_list(topic=topic, language=language)
    return render(
        request,
        "consultations/index.html",
        {
            "form": form,
            "cards": [_card(profile) for profile in profiles],
            "filtered": bool(topic or language),
            "topic": topic,
        },
    )


# Booking, one step per screen --------------------------------------------------------


def _topic_page(request, form: TopicForm, *, specialist=None, status=200):
    if specialist is not None:
        form.fields["topic"].choices = [
            (value, label)
            for value, label in Topic.choices
            if value in specialist.topics
        ]
    action = (
        "consultations_book_time" if specialist else "consultations_book_specialist"
    )
    return render(
        request,
        "consultations/book_topic.html",
        {"form": form, "specialist": specialist, "action": reverse(action)},
        status=status,
    )


@login_required
def book_topic(request):
    """Step 1: what the talk is about (with a specialist already chosen, or not)."""
    specialist = _active_specialist(request.GET.get("specialist"))
    form = TopicForm(initial={"topic": request.GET.get("topic")})
    return _topic_page(request, form, specialist=specialist)


@login_required
def book_specialist(request):
    """Step 2: a specialist for the topic, or whoever is free first."""
    form = TopicForm(request.GET)
    if not form.is_valid():
        return _topic_page(request, form, status=400)
    topic = form.cleaned_data["topic"]
    profiles = selectors.specialist_list(topic=topic)
    return render(
        request,
        "consultations/book_specialist.html",
        {
            "topic": topic,
            "topic_name": TOPIC_NAMES[topic],
            "cards": [
                _card(
                    profile,
                    choose_url=reverse("consultations_book_time")
                    + _query(topic=topic, specialist=profile.pk),
                )
                for profile in profiles
            ],
        },
    )


@login_required
def book_time(request):
    """Step 3: a free time in the next 7 days (and later weeks), as big buttons."""
    form = TopicForm(request.GET)
    specialist = _active_specialist(request.GET.get("specialist"))
    if not form.is_valid():
        return _topic_page(request, form, specialist=specialist, status=400)
    topic = form.cleaned_data["topic"]
    choose_again = reverse("consultations_book_specialist") + _query(topic=topic)
    if request.GET.get("specialist") == "first":
        found = selectors.first_available_specialist(topic=topic)
        if found is None:
            return _problem(
                request,
                ngettext(
                    "No specialist has free time for this topic in the next "
                    "%(days)s day. Please try again in a few days, or choose "
                    "another topic.",
                    "No specialist has free time for this topic in the next "
                    "%(days)s days. Please try again in a few days, or choose "
                    "another topic.",
                    settings.BOOKING_HORIZON_DAYS,
                )
                % {"days": settings.BOOKING_HORIZON_DAYS},
                back_url=reverse("consultations_book"),
                back_label=_("Choose another topic"),
                status=200,
            )
        profile, first_slot = found
        days_ahead = (timezone.localdate(first_slot) - timezone.localdate()).days
        return redirect(
            reverse("consultations_book_time")
            + _query(
                topic=topic,
                specialist=profile.pk,
                week=_week(days_ahead // WEEK_DAYS),
                first=1,
            )
        )
    if specialist is None or topic not in specialist.topics:
        return _problem(
            request,
            _("We could not find this specialist. Please choose another."),
            back_url=choose_again,
            back_label=_("Choose a specialist"),
            status=404,
        )
    week = _week(request.GET.get("week"))
    start_day = timezone.localdate() + timedelta(days=week * WEEK_DAYS)
    slots = _week_slots(specialist, start_day)
    here = reverse("consultations_book_time")
    return render(
        request,
        "consultations/book_time.html",
        {
            "topic": topic,
            "topic_name": TOPIC_NAMES[topic],
            "specialist": specialist,
            "first": request.GET.get("first") == "1",
            "days": _days_with_slots(slots),
            "start_day": start_day,
            "end_day": start_day + timedelta(days=WEEK_DAYS - 1),
            "earlier_url": here
            + _query(topic=topic, specialist=specialist.pk, week=week - 1)
            if week > 0
            else "",
            "later_url": here
            + _query(topic=topic, specialist=specialist.pk, week=week + 1)
            if week < _last_week()
            else "",
            "choose_again_url": choose_again,
        },
    )


def _confirm_page(request, form: BookingRequestForm, *, status=200):
    data = getattr(form, "cleaned_data", {})
    topic, specialist = data.get("topic"), data.get("specialist")
    if topic and specialist:
        back_url = reverse("consultations_book_time") + _query(
            topic=topic, specialist=specialist.pk
        )
        back_label = _("Choose another time")
    elif topic:
        back_url = reverse("consultations_book_specialist") + _query(topic=topic)
        back_label = _("Choose a specialist")
    else:
        back_url = reverse("consultations_book")
        back_label = _("Start again")
    return render(
        request,
        "consultations/book_confirm.html",
        {
            "form": form,
            "topic_name": TOPIC_NAMES.get(topic, ""),
            "specialist": specialist,
            "starts_at": data.get("start"),
            "back_url": back_url,
            "back_label": back_label,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def book_confirm(request):
    """Step 4 (after consent, if needed): check the choices and book."""
    form = BookingRequestForm(request.POST if request.method == "POST" else request.GET)
    if not form.is_valid():
        return _confirm_page(request, form, status=400)
    data = form.cleaned_data
    if not selectors.consent_given(user=request.user):
        if selectors.consent_current_terms() is None:
            return _problem(
                request,
                _("Booking is not open yet. Please come back in a few days."),
                back_url=reverse("consultations_index"),
                back_label=_("Back to the specialists"),
                status=503,
            )
        here = reverse("consultations_book_confirm") + _query(
            topic=data["topic"],
            specialist=data["specialist"].pk,
            start=slot_value(data["start"]),
        )
        return redirect(reverse("consultations_consent") + _query(next=here))
    if request.method == "GET":
        try:
            services.booking_cap_check(client=request.user)
        except services.BookingError as error:
            # Said before the button, not after it; booking_create decides.
            form.add_error(None, error.message)
        return _confirm_page(request, form)
    try:
        booking = services.booking_create(
            client=request.user,
            specialist=data["specialist"],
            topic=data["topic"],
            starts_at=data["start"],
            request=request,
        )
    except services.BookingError as error:
        # The cap, the horizon, an overlap or a slot just taken: said on the page,
        # with the choices kept; nothing was written.
        form.add_error(None, error.message)
        return _confirm_page(request, form, status=_refusal_status(error))
    messages.success(
        request,
        _("Your talk is booked: %(date)s at %(time)s with %(name)s.")
        % {**_when(booking.starts_at), "name": booking.specialist.user.get_full_name()},
    )
    return redirect("consultations_appointments")


# Consent -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def consent(request):
    """The terms for online talks: read, agree (once per version), or withdraw."""
    terms = selectors.consent_current_terms()
    language = translation.get_language()
    text = terms.text_in(language) if terms is not None else None
    next_url = _safe_next(
        request, request.POST.get("next") or request.GET.get("next", "")
    )
    form = ConsentForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and terms is not None:
        if request.POST.get("version") != terms.version:
            form.add_error(
                None, _("The terms have just changed. Please read them again.")
            )
            status = 409
        elif text is None:
            # Not written in the reader's language: nobody agrees to what they
            # were not given to read. Nothing is saved; the page offers the
            # languages the version is written in.
            status = 400
        elif form.is_valid():
            try:
                services.consent_accept(
                    user=request.user, language=language, request=request
                )
            except services.BookingError as error:  # the terms changed meanwhile
                form.add_error(None, error.message)
                status = 409
            else:
                messages.success(request, _("Thank you. You have agreed to the terms."))
                return redirect(next_url or reverse("consultations_appointments"))
        else:
            status = 400
    return render(
        request,
        "consultations/consent.html",
        {
            "terms": terms,
            "text": text,
            "missing_message": services.consent_language_missing_message(),
            "other_languages": _terms_languages(request, terms) if text is None else [],
            "given": terms is not None and selectors.consent_given(user=request.user),
            "form": form,
            "next": next_url,
        },
        status=status,
    )


def _terms_languages(request, terms) -> list[dict]:
    """The languages a version is written in, each with the consent page's address
    in that language (the same `next`), named in its own language."""
    if terms is None:
        return []
    path = request.get_full_path()
    return [
        {
            "code": code,
            "name": translation.get_language_info(code)["name_local"],
            "url": translate_url(path, code),
        }
        for code in terms.languages()
    ]


@login_required
@require_POST
def consent_withdraw(request):
    services.consent_withdraw(user=request.user, request=request)
    messages.success(
        request,
        _(
            "You have withdrawn your agreement. We will ask you again before your "
            "next talk."
        ),
    )
    return redirect("consultations_consent")


# My appointments ---------------------------------------------------------------------


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
    error: str = ""


def _row(booking: Booking, *, as_specialist: bool, now: datetime, errors: dict):
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
        can_mark_no_show=as_specialist and confirmed and now >= booking.starts_at,
        error=errors.get(booking.pk, ""),
    )


def _sections(bookings, *, as_specialist, now, errors) -> tuple[list, list]:
    """Upcoming bookings soonest first, then the rest latest first."""
    rows = [
        _row(booking, as_specialist=as_specialist, now=now, errors=errors)
        for booking in bookings
    ]
    upcoming = sorted(
        (r for r in rows if r.upcoming), key=lambda r: r.booking.starts_at
    )
    earlier = sorted(
        (r for r in rows if not r.upcoming),
        key=lambda r: r.booking.starts_at,
        reverse=True,
    )
    return upcoming, earlier


def _appointments_page(request, *, errors: dict | None = None, status: int = 200):
    errors = errors or {}
    now = timezone.now()
    user = request.user
    client_upcoming, client_earlier = _sections(
        selectors.bookings_for_client(user=user),
        as_specialist=False,
        now=now,
        errors=errors,
    )
    is_specialist = _is_specialist(user)
    sessions_upcoming, sessions_earlier = _sections(
        selectors.bookings_for_specialist(user=user) if is_specialist else [],
        as_specialist=True,
        now=now,
        errors=errors,
    )
    shown = client_upcoming + client_earlier + sessions_upcoming + sessions_earlier
    _audit_seen(request, [row.booking.pk for row in shown])
    return render(
        request,
        "consultations/appointments.html",
        {
            "client_upcoming": client_upcoming,
            "client_earlier": client_earlier,
            "sessions_upcoming": sessions_upcoming,
            "sessions_earlier": sessions_earlier,
            "is_specialist": is_specialist,
            "needs_consent": bool(client_upcoming)
            and not selectors.consent_given(user=user),
        },
        status=status,
    )


@login_required
def home(request):
    """A client's home after signing in: the next talk (with "Join" once it is
    open and "Check my connection"), "Book a talk" and "I need help now"."""
    now = timezone.now()
    upcoming, _earlier = _sections(
        selectors.bookings_for_client(user=request.user),
        as_specialist=False,
        now=now,
        errors={},
    )
    next_row = upcoming[0] if upcoming else None
    _audit_seen(request, [next_row.booking.pk] if next_row else [])
    return render(
        request,
        "consultations/home.html",
        {
            "row": next_row,
            "more_upcoming": len(upcoming) - 1 if upcoming else 0,
            "needs_consent": next_row is not None
            and not selectors.consent_given(user=request.user),
        },
    )


@login_required
def appointments(request):
    """The person's talks (as a client) and sessions (as a specialist)."""
    return _appointments_page(request)


@login_required
@require_POST
def cancel(request, booking_id: int):
    booking = _participant_booking(request, booking_id)
    try:
        services.booking_cancel(booking=booking, by_user=request.user, request=request)
    except services.BookingError as error:
        return _appointments_page(
            request, errors={booking.pk: error.message}, status=409
        )
    messages.success(
        request,
        _("The talk on %(date)s at %(time)s is cancelled.") % _when(booking.starts_at),
    )
    return redirect("consultations_appointments")


@login_required
@require_http_methods(["GET", "POST"])
def reschedule(request, booking_id: int):
    """Choose a new time with the same specialist; the old time is freed."""
    booking = _participant_booking(request, booking_id)
    if booking.client_id == request.user.pk and not selectors.consent_given(
        user=request.user
    ):
        # Withdrawn consent stops processing: no new time until agreed again.
        here = reverse("consultations_reschedule", args=[booking.pk])
        return redirect(reverse("consultations_consent") + _query(next=here))
    form = RescheduleForm(
        request.POST if request.method == "POST" else None,
        specialist=booking.specialist,
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                moved = services.booking_reschedule(
                    booking=booking,
                    by_user=request.user,
                    starts_at=form.cleaned_data["start"],
                    request=request,
                )
            except services.BookingError as error:
                form.add_error(None, error.message)
                status = _refusal_status(error)
                # Show the booking as it is now (a second tap finds it moved).
                booking.refresh_from_db()
            else:
                messages.success(
                    request,
                    _("Your talk is moved to %(date)s at %(time)s.")
                    % _when(moved.starts_at),
                )
                return redirect("consultations_appointments")
        else:
            status = 400
            booking.refresh_from_db()
            if booking.status != BookingStatus.CONFIRMED:
                # A second tap whose time the first tap has just taken: what
                # matters is that the talk was moved, not that the time is gone.
                form.errors.clear()
                form.add_error(None, services.BookingError.already_changed().message)
                status = 409
    now = timezone.now()
    week = _week(request.GET.get("week"))
    start_day = timezone.localdate(now) + timedelta(days=week * WEEK_DAYS)
    can_change = booking.can_change(now)
    slots = _week_slots(booking.specialist, start_day) if can_change else []
    here = reverse("consultations_reschedule", args=[booking.pk])
    as_specialist = booking.specialist.user_id == request.user.pk
    _audit_view(request, booking, page="reschedule")
    other = booking.client if as_specialist else booking.specialist.user
    return render(
        request,
        "consultations/reschedule.html",
        {
            "booking": booking,
            "other_name": other.get_full_name(),
            "form": form,
            "can_change": can_change,
            "days": _days_with_slots(slots),
            "start_day": start_day,
            "end_day": start_day + timedelta(days=WEEK_DAYS - 1),
            "earlier_url": here + _query(week=week - 1) if week > 0 else "",
            "later_url": here + _query(week=week + 1) if week < _last_week() else "",
        },
        status=status,
    )


@login_required
@require_POST
def no_show(request, booking_id: int):
    """The specialist records that the client did not come (only after the start)."""
    booking = _specialist_booking(request, booking_id)
    if booking.status != BookingStatus.CONFIRMED or timezone.now() < booking.starts_at:
        message = _(
            "You can mark a session as not taken place only after its start, "
            "and only while it is confirmed."
        )
        return _appointments_page(request, errors={booking.pk: message}, status=409)
    services.booking_mark_no_show(
        booking=booking, by_user=request.user, request=request
    )
    messages.success(request, _("The session is marked as not taken place."))
    return redirect(
        _safe_next(request, request.POST.get("next", ""))
        or reverse("consultations_appointments")
    )


@login_required
def calendar(request, booking_id: int):
    """The booking as a calendar file (.ics) for the person's phone or computer."""
    booking = _participant_booking(request, booking_id)
    as_specialist = booking.specialist.user_id == request.user.pk
    other = booking.client if as_specialist else booking.specialist.user
    _audit_view(request, booking, page="calendar")
    call_url = request.build_absolute_uri(
        reverse("consultations_call", args=[booking.pk])
    )
    description = "\n".join(
        [
            str(TOPIC_NAMES.get(booking.topic, booking.topic)),
            _("Join the call from this page, 15 minutes before the start: %(url)s")
            % {"url": call_url},
        ]
    )
    body = booking_calendar(
        booking=booking,
        summary=_("Koʻmak: talk with %(name)s") % {"name": other.get_full_name()},
        description=description,
        url=call_url,
        host=urlsplit(settings.WAGTAILADMIN_BASE_URL).hostname or "komak",
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="komak-{booking.pk}.ics"'
    return response


# The specialist's day and notes ------------------------------------------------------


@dataclass
class TodayRow:
    booking: Booking
    note_form: SessionNoteForm
    has_note: bool
    joinable: bool
    can_mark_no_show: bool


@login_required
def today(request):
    """The specialist's sessions today, each with the client's check and a note."""
    if not _is_specialist(request.user):
        raise PermissionDenied
    now = timezone.now()
    bookings = selectors.specialist_today(user=request.user, now=now)
    notes = {
        note.booking_id: note
        for note in SessionNote.objects.filter(
            author=request.user, booking__in=bookings
        ).order_by("updated_at")
    }
    _audit_seen(request, [booking.pk for booking in bookings])
    if notes:
        audit_record(
            actor=request.user,
            action=AuditAction.NOTE_VIEW,
            request=request,
            detail={"notes": sorted(note.pk for note in notes.values())},
        )
    rows = []
    for booking in bookings:
        note = notes.get(booking.pk)
        rows.append(
            TodayRow(
                booking=booking,
                note_form=SessionNoteForm(
                    initial={"text": note.text if note else ""},
                    auto_id=f"id_note_{booking.pk}_%s",
                ),
                has_note=note is not None,
                joinable=booking.is_joinable(now),
                can_mark_no_show=booking.status == BookingStatus.CONFIRMED
                and now >= booking.starts_at,
            )
        )
    return render(
        request,
        "consultations/today.html",
        {"rows": rows, "today": timezone.localdate(now)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def notes(request, booking_id: int):
    """The specialist's private note on one session; nobody else can read it."""
    booking = _specialist_booking(request, booking_id)
    note = _own_note(booking, request.user)
    next_url = _safe_next(
        request, request.POST.get("next") or request.GET.get("next", "")
    )
    status = 200
    if request.method == "POST":
        form = SessionNoteForm(request.POST)
        if form.is_valid():
            services.session_note_save(
                booking=booking,
                author=request.user,
                text=form.cleaned_data["text"],
                request=request,
            )
            messages.success(request, _("Your note is saved."))
            return redirect(
                next_url or reverse("consultations_notes", args=[booking.pk])
            )
        status = 400
    else:
        form = SessionNoteForm(initial={"text": note.text if note else ""})
    if note is not None:
        audit_record(
            actor=request.user,
            action=AuditAction.NOTE_VIEW,
            target=note,
            request=request,
            detail={"booking": booking.pk},
        )
    return render(
        request,
        "consultations/notes.html",
        {"booking": booking, "form": form, "note": note, "next": next_url},
        status=status,
    )

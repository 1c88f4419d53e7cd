""" "My appointments": a client's home with the next talk, the list of talks (and of
sessions, for a specialist), cancelling, moving, and the calendar file.

A booking's pages exist only for its client and its specialist; everyone else gets
404 (selectors.booking_for_participant). What each person may do with a booking,
and the audit records of what they saw, come from the selectors.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.transliteration import in_reader_script

from .. import selectors, services
from ..forms import TOPIC_NAMES, RescheduleForm
from ..ics import booking_calendar
from ..models import Booking, BookingStatus
from ..signaling import SPECIALIST
from .shared import query, refusal_status, week_context, week_number, when


def _participant_booking(request, booking_id: int) -> Booking:
    booking = selectors.booking_for_participant(
        booking_id=booking_id, user=request.user, request=request
    )
    if booking is None:
        raise Http404
    return booking


def appointments_page(request, *, errors: dict | None = None, status: int = 200):
    """The appointments page, with `errors` (booking id → why) next to the
    bookings whose change was just refused."""
    errors = errors or {}
    user = request.user
    shown = selectors.appointments_get(user=user, request=request)
    for row in shown.rows():
        row.error = errors.get(row.booking.pk, "")
    return render(
        request,
        "consultations/appointments.html",
        {
            "client_upcoming": shown.client_upcoming,
            "client_earlier": shown.client_earlier,
            "sessions_upcoming": shown.sessions_upcoming,
            "sessions_earlier": shown.sessions_earlier,
            "is_specialist": shown.is_specialist,
            "needs_consent": bool(shown.client_upcoming)
            and not selectors.consent_given(user=user),
        },
        status=status,
    )


@login_required
def home(request):
    """A client's home after signing in: the next talk (with "Join" once it is
    open and "Check my connection"), "Book a talk" and "I need help now"."""
    next_row, more_upcoming = selectors.client_next_talk_get(
        user=request.user, request=request
    )
    return render(
        request,
        "consultations/home.html",
        {
            "row": next_row,
            "more_upcoming": more_upcoming,
            "needs_consent": next_row is not None
            and not selectors.consent_given(user=request.user),
        },
    )


@login_required
def appointments(request):
    """The person's talks (as a client) and sessions (as a specialist)."""
    return appointments_page(request)


@login_required
@require_POST
def cancel(request, booking_id: int):
    booking = _participant_booking(request, booking_id)
    try:
        services.booking_cancel(booking=booking, by_user=request.user, request=request)
    except services.BookingError as error:
        return appointments_page(
            request, errors={booking.pk: error.message}, status=409
        )
    messages.success(
        request,
        _("The talk on %(date)s at %(time)s is cancelled.") % when(booking.starts_at),
    )
    return redirect("consultations_appointments")


@login_required
@require_http_methods(["GET", "POST"])
def reschedule(request, booking_id: int):
    """Choose a new time with the same specialist; the old time is freed."""
    booking = _participant_booking(request, booking_id)
    here = reverse("consultations_reschedule", args=[booking.pk])
    if booking.client_id == request.user.pk and not selectors.consent_given(
        user=request.user
    ):
        # Withdrawn consent stops processing: no new time until agreed again.
        return redirect(reverse("consultations_consent") + query(next=here))
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
                status = refusal_status(error)
                # Show the booking as it is now (a second tap finds it moved).
                booking.refresh_from_db()
            else:
                messages.success(
                    request,
                    _("Your talk is moved to %(date)s at %(time)s.")
                    % when(moved.starts_at),
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
    offered = selectors.reschedule_week_get(
        booking=booking,
        user=request.user,
        week=week_number(request.GET.get("week")),
        request=request,
        now=now,
    )
    other = (
        booking.client
        if selectors.booking_role(booking=booking, user=request.user) == SPECIALIST
        else booking.specialist.user
    )
    return render(
        request,
        "consultations/reschedule.html",
        {
            "booking": booking,
            "other_name": other.get_full_name(),
            "form": form,
            "can_change": booking.can_change(now),
            **week_context(offered, week_url=lambda week: here + query(week=week)),
        },
        status=status,
    )


@login_required
def calendar(request, booking_id: int):
    """The booking as a calendar file (.ics) for the person's phone or computer."""
    booking = selectors.booking_calendar_get(
        booking_id=booking_id, user=request.user, request=request
    )
    if booking is None:
        raise Http404
    other = (
        booking.client
        if selectors.booking_role(booking=booking, user=request.user) == SPECIALIST
        else booking.specialist.user
    )
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
    # A calendar file is no page: its words are put in the reader's script here.
    body = booking_calendar(
        booking=booking,
        summary=in_reader_script(
            _("Koʻmak: talk with %(name)s") % {"name": other.get_full_name()}
        ),
        description=in_reader_script(description),
        url=call_url,
        host=urlsplit(settings.WAGTAILADMIN_BASE_URL).hostname or "komak",
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="komak-{booking.pk}.ics"'
    return response

"""The specialist's day: today's sessions, each with the client's connection check
and a private note, and marking a session as not taken place."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import selectors, services
from ..forms import SessionNoteForm
from ..models import Booking
from .appointments import appointments_page
from .shared import safe_next


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
    if not selectors.user_is_specialist(user=request.user):
        raise PermissionDenied
    now = timezone.now()
    rows = [
        TodayRow(
            booking=booking,
            note_form=SessionNoteForm(
                initial={"text": note.text if note else ""},
                auto_id=f"id_note_{booking.pk}_%s",
            ),
            has_note=note is not None,
            joinable=booking.is_joinable(now),
            can_mark_no_show=selectors.booking_no_show_allowed(
                booking=booking, now=now
            ),
        )
        for booking, note in selectors.specialist_day_get(
            user=request.user, request=request, now=now
        )
    ]
    return render(
        request,
        "consultations/today.html",
        {"rows": rows, "today": timezone.localdate(now)},
    )


@login_required
@require_POST
def no_show(request, booking_id: int):
    """The specialist records that the client did not come (only after the start)."""
    booking = selectors.booking_for_specialist(
        booking_id=booking_id, user=request.user, request=request
    )
    if booking is None:
        raise Http404
    try:
        services.booking_mark_no_show(
            booking=booking, by_user=request.user, request=request
        )
    except services.BookingError as error:
        return appointments_page(
            request, errors={booking.pk: error.message}, status=409
        )
    messages.success(request, _("The session is marked as not taken place."))
    return redirect(
        safe_next(request, request.POST.get("next", ""))
        or reverse("consultations_appointments")
    )

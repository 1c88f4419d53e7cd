"""The specialist's private note on one session: only its author reads it, and
every reading is recorded (selectors.session_note_get)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .. import selectors, services
from ..forms import SessionNoteForm
from .shared import safe_next


@login_required
@require_http_methods(["GET", "POST"])
def notes(request, booking_id: int):
    """The specialist's private note on one session; nobody else can read it."""
    booking = selectors.booking_for_specialist(
        booking_id=booking_id, user=request.user, request=request
    )
    if booking is None:
        raise Http404
    next_url = safe_next(
        request, request.POST.get("next") or request.GET.get("next", "")
    )
    status = 200
    form = None
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
    # Read (and recorded as read) only when the page shows it.
    note = selectors.session_note_get(
        booking=booking, author=request.user, request=request
    )
    if form is None:
        form = SessionNoteForm(initial={"text": note.text if note else ""})
    return render(
        request,
        "consultations/notes.html",
        {"booking": booking, "form": form, "note": note, "next": next_url},
        status=status,
    )

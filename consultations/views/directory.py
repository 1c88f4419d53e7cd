"""The specialist directory and booking, one step per screen: topic, specialist,
time, confirm (after consent, if needed).

Every step works with JavaScript off: what was chosen travels in the address or in
hidden fields, so a mistake or a taken slot never loses the earlier choices.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from .. import selectors, services
from ..forms import (
    LANGUAGE_NAMES,
    TOPIC_NAMES,
    BookingRequestForm,
    DirectoryFilterForm,
    TopicForm,
    slot_value,
)
from ..models import SpecialistProfile, Topic
from .shared import problem, query, refusal_status, week_context, week_number, when


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


def _active_specialist(value) -> SpecialistProfile | None:
    try:
        pk = int(value)
    except (TypeError, ValueError):
        return None
    return selectors.specialist_active_get(specialist_id=pk)


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
                    + query(topic=topic, specialist=profile.pk),
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
    choose_again = reverse("consultations_book_specialist") + query(topic=topic)
    if request.GET.get("specialist") == "first":
        found = selectors.first_available_specialist(topic=topic)
        if found is None:
            return problem(
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
            + query(
                topic=topic,
                specialist=profile.pk,
                week=week_number(days_ahead // selectors.WEEK_DAYS),
                first=1,
            )
        )
    if specialist is None or topic not in specialist.topics:
        return problem(
            request,
            _("We could not find this specialist. Please choose another."),
            back_url=choose_again,
            back_label=_("Choose a specialist"),
            status=404,
        )
    offered = selectors.free_slots_week_get(
        specialist=specialist, week=week_number(request.GET.get("week"))
    )
    here = reverse("consultations_book_time")
    return render(
        request,
        "consultations/book_time.html",
        {
            "topic": topic,
            "topic_name": TOPIC_NAMES[topic],
            "specialist": specialist,
            "first": request.GET.get("first") == "1",
            **week_context(
                offered,
                week_url=lambda week: (
                    here + query(topic=topic, specialist=specialist.pk, week=week)
                ),
            ),
            "choose_again_url": choose_again,
        },
    )


def _confirm_page(request, form: BookingRequestForm, *, status=200):
    data = getattr(form, "cleaned_data", {})
    topic, specialist = data.get("topic"), data.get("specialist")
    if topic and specialist:
        back_url = reverse("consultations_book_time") + query(
            topic=topic, specialist=specialist.pk
        )
        back_label = _("Choose another time")
    elif topic:
        back_url = reverse("consultations_book_specialist") + query(topic=topic)
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
            return problem(
                request,
                _("Booking is not open yet. Please come back in a few days."),
                back_url=reverse("consultations_index"),
                back_label=_("Back to the specialists"),
                status=503,
            )
        here = reverse("consultations_book_confirm") + query(
            topic=data["topic"],
            specialist=data["specialist"].pk,
            start=slot_value(data["start"]),
        )
        return redirect(reverse("consultations_consent") + query(next=here))
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
        return _confirm_page(request, form, status=refusal_status(error))
    messages.success(
        request,
        _("Your talk is booked: %(date)s at %(time)s with %(name)s.")
        % {**when(booking.starts_at), "name": booking.specialist.user.get_full_name()},
    )
    return redirect("consultations_appointments")

"""Pages of check-ins: the client's one-screen questionnaire (opened by the link
in the message), the specialist's check-ins of one client (plan, chart, table) and
the specialist's list of answers that need attention.

Views parse input and call selectors and services. A check-in, or a booking, that is
not the asker's answers 404 exactly like one that does not exist, and the refusal is
audited.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from audit.models import AuditAction
from audit.services import audit_record
from consultations.models import BookingStatus, SpecialistProfile
from core import dates

from . import selectors, services, who5
from .charts import alert_notes, score_chart
from .forms import CheckinPlanForm, Who5Form

# How each closed state answers; the words come from services.closed_message.
CLOSED_STATUS = {
    "answered": 409,
    "stopped": 410,
    "expired": 410,
    "not_yet": 409,
    "no_consent": 403,
}


def _refused(request, *, target) -> None:
    audit_record(
        actor=request.user,
        action=AuditAction.ACCESS_DENIED,
        target=target,
        request=request,
        detail={"path": request.path},
    )


def _answer_page(request, *, checkin, form=None, closed=None, status=200):
    return render(
        request,
        "wellbeing/answer.html",
        {
            "checkin": checkin,
            "form": form,
            "closed": closed,
            "introduction": who5.INTRODUCTION,
            "crisis_contacts": selectors.crisis_contacts(),
        },
        status=status,
    )


def _closed_page(request, *, checkin, state: str):
    """An answered, stopped, expired or not yet open check-in, in words. Opening an
    answered one's link again (the redirect after sending) is the thanks, 200; a
    second post of it is 409 and says it was already answered."""
    if state == "answered" and request.method == "GET":
        return _answer_page(request, checkin=checkin, closed="", status=200)
    return _answer_page(
        request,
        checkin=checkin,
        closed=services.closed_message(state),
        status=CLOSED_STATUS[state],
    )


@never_cache
@require_http_methods(["GET", "POST"])
def answer(request, token: str):
    """The client's WHO-5 questionnaire. The link is the key (sent only to the
    client), so it opens without signing in; a signed-in person who is not the
    client is told it does not exist."""
    checkin = selectors.checkin_by_token(token=token, user=request.user)
    if checkin is None:
        if request.user.is_authenticated:
            _refused(request, target=None)
        return render(
            request,
            "wellbeing/answer_missing.html",
            {"crisis_contacts": selectors.crisis_contacts()},
            status=404,
        )
    state = selectors.checkin_answer_state(checkin=checkin)
    if state != "open":
        return _closed_page(request, checkin=checkin, state=state)
    if request.method == "GET":
        return _answer_page(request, checkin=checkin, form=Who5Form())
    form = Who5Form(request.POST)
    if not form.is_valid():
        return _answer_page(request, checkin=checkin, form=form, status=400)
    try:
        services.checkin_answer(checkin=checkin, items=form.items(), request=request)
    except services.CheckinError as error:
        if error.code == "closed":
            # The other tap of a double tap got there first.
            return _closed_page(request, checkin=checkin, state=error.state)
        form.add_error(None, error.message)
        return _answer_page(request, checkin=checkin, form=form, status=400)
    # Post/redirect/get: a reload shows the thanks, it does not send again.
    return redirect(reverse("wellbeing_answer", args=[token]))


def _own_booking(request, booking_id: int):
    booking = selectors.specialist_booking(booking_id=booking_id, user=request.user)
    if booking is None:
        _refused(request, target=("consultations.booking", booking_id))
        raise Http404
    return booking


def _can_plan(booking) -> bool:
    return booking.starts_at <= timezone.now() and booking.status in (
        BookingStatus.CONFIRMED,
        BookingStatus.COMPLETED,
    )


def _client_page(request, booking, *, form=None, status=200):
    checkins = selectors.checkins_for_pair(
        client_id=booking.client_id, specialist=booking.specialist
    )
    answered = selectors.checkins_answered(checkins)
    now = timezone.now()
    waiting = [
        checkin
        for checkin in checkins
        if selectors.checkin_state(checkin=checkin, now=now) in ("open", "not_yet")
    ]
    rows = [
        {"checkin": checkin, "notes": alert_notes(checkin.alerts)}
        for checkin in answered
    ]
    services.checkins_view_record(
        viewer=request.user, booking=booking, checkins=answered, request=request
    )
    return render(
        request,
        "wellbeing/client_checkins.html",
        {
            "booking": booking,
            "client": booking.client,
            "chart": score_chart(answered),
            "rows": rows,
            "waiting": waiting,
            "unanswered": [
                checkin
                for checkin in checkins
                if selectors.checkin_state(checkin=checkin, now=now)
                in ("expired", "stopped")
            ],
            "form": form or CheckinPlanForm(),
            "can_plan": _can_plan(booking),
            "threshold": who5.THRESHOLD_PERCENT,
        },
        status=status,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def client_checkins(request, booking_id: int):
    """The specialist's check-ins of the booking's client: plan more, stop the
    waiting ones, and read the scores as a chart and a table (audited)."""
    booking = _own_booking(request, booking_id)
    if request.method == "GET":
        return _client_page(request, booking)
    form = CheckinPlanForm(request.POST)
    if not form.is_valid():
        return _client_page(request, booking, form=form, status=400)
    try:
        planned = services.checkins_schedule(
            booking=booking,
            count=form.cleaned_data["count"],
            interval_days=form.cleaned_data["interval_days"],
            request=request,
        )
    except services.CheckinError as error:
        form.add_error(None, error.message)
        return _client_page(request, booking, form=form, status=409)
    messages.success(
        request,
        ngettext(
            "%(count)s check-in is planned. It is sent on %(date)s.",
            "%(count)s check-ins are planned. The first is sent on %(date)s.",
            len(planned),
        )
        % {
            "count": len(planned),
            "date": dates.full_date(planned[0].due_at),
        },
    )
    return redirect(reverse("wellbeing_client", args=[booking.pk]))


@login_required
@require_POST
def stop(request, booking_id: int):
    booking = _own_booking(request, booking_id)
    stopped = services.checkins_stop(booking=booking, request=request)
    if stopped:
        messages.success(request, _("The waiting check-ins are stopped."))
    else:
        messages.info(request, _("No check-ins were waiting."))
    return redirect(reverse("wellbeing_client", args=[booking.pk]))


@login_required
def index(request):
    """The specialist's answers that need attention, each linking to its client."""
    if not SpecialistProfile.objects.filter(user=request.user).exists():
        _refused(request, target=None)
        raise Http404
    alerts = selectors.checkin_alerts_open(user=request.user)
    services.checkin_alerts_view_record(
        viewer=request.user,
        checkin_ids=[alert.checkin_id for alert in alerts],
        request=request,
    )
    return render(
        request,
        "wellbeing/index.html",
        {
            "alerts": [
                {"alert": alert, "notes": alert_notes(alert.alerts)} for alert in alerts
            ]
        },
    )

"""Pages of urgent help.

Clients: a confirmation page ("Yes, I need help now"), then a status page that says in
words whether someone has it, and who. On-duty specialists and coordinators: the list
of open requests (also shown live on their home page), taking and closing one. Anyone
else gets 404, so that a request's existence is not told to them. All of it works
without JavaScript; static/js/urgent.js only refreshes the lists when the socket says
something changed.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.phone import phone_display
from audit.models import AuditAction
from audit.services import audit_record

from . import selectors, services


def _client_only(request) -> None:
    if not selectors.may_ask_for_help(user=request.user):
        raise Http404


def _duty_only(request) -> None:
    if not selectors.may_see_requests(user=request.user):
        raise Http404


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def crisis_contacts() -> list[dict]:
    """The emergency numbers (CRISIS_CONTACTS), shown to a client asking for help:
    a specialist calls back, but a life in danger should not wait for that."""
    return list(getattr(settings, "CRISIS_CONTACTS", []))


def duty_context(request) -> dict:
    """The open requests for an on-duty specialist or a coordinator, recorded as
    shown (who saw which requests, never what they held)."""
    requests = list(selectors.open_requests())
    if requests:
        audit_record(
            actor=request.user,
            action=AuditAction.URGENT_SHOWN,
            request=request,
            detail={"requests": [urgent.pk for urgent in requests]},
        )
    # Where "I take it" returns to: this page, or for a list loaded by the script,
    # the page that loaded it (a path on this site only).
    page = request.get_full_path()
    if request.GET.get("fragment"):
        page = request.GET.get("page", "")
        if not (page.startswith("/") and url_has_allowed_host_and_scheme(page, None)):
            page = reverse("urgent_dashboard")
    return {
        "urgent_page": page,
        "urgent_requests": requests,
        "urgent_now": timezone.now(),
        "is_coordinator": selectors.is_coordinator(user=request.user),
    }


@login_required
@require_http_methods(["GET", "POST"])
def help_ask(request):
    """One tap led here; this page asks once more, then makes the request."""
    _client_only(request)
    if request.method == "POST":
        try:
            services.urgent_request_create(client=request.user, request=request)
        except services.UrgentError as error:  # pragma: no cover - checked above
            raise Http404 from error
        return redirect("urgent_status")
    if selectors.client_open_request(client=request.user) is not None:
        return redirect("urgent_status")
    return render(request, "urgent/ask.html", {"crisis_contacts": crisis_contacts()})


@login_required
def help_status(request):
    _client_only(request)
    context = {
        "urgent": selectors.client_latest_request(client=request.user),
        "crisis_contacts": crisis_contacts(),
    }
    if request.GET.get("fragment"):
        return render(request, "urgent/status_words.html", context)
    return render(request, "urgent/status.html", context)


@login_required
@require_POST
def help_cancel(request):
    _client_only(request)
    urgent = selectors.client_open_request(client=request.user)
    if urgent is not None:
        services.urgent_request_close(
            request_id=urgent.pk, by_user=request.user, request=request
        )
        messages.success(
            request, _("Your request is closed. We are glad you are well.")
        )
    return redirect("urgent_status")


@login_required
def dashboard(request):
    _duty_only(request)
    context = duty_context(request)
    if request.GET.get("fragment"):
        return render(request, "urgent/requests.html", context)
    return render(request, "urgent/dashboard.html", context)


@login_required
@require_POST
def take(request, request_id: int):
    _duty_only(request)
    try:
        urgent = services.urgent_request_take(
            request_id=request_id, by_user=request.user, request=request
        )
    except services.UrgentError as error:
        return render(
            request,
            "urgent/dashboard.html",
            {**duty_context(request), "error": error.message},
            status=404 if error.code == "missing" else 409,
        )
    messages.success(
        request,
        _("You have taken it. Please call %(name)s now: %(phone)s.")
        % {
            "name": urgent.client.get_full_name(),
            "phone": phone_display(urgent.client.phone_number) or _("no phone number"),
        },
    )
    return redirect(_safe_next(request, reverse("urgent_dashboard")))


@login_required
@require_POST
def close(request, request_id: int):
    _duty_only(request)
    try:
        services.urgent_request_close(
            request_id=request_id, by_user=request.user, request=request
        )
    except services.UrgentError as error:
        return render(
            request,
            "urgent/dashboard.html",
            {**duty_context(request), "error": error.message},
            status=404 if error.code == "missing" else 403,
        )
    messages.success(request, _("The request is closed."))
    return redirect(_safe_next(request, reverse("urgent_dashboard")))

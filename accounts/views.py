"""The profile page (a person sees and corrects what Ko'mak holds about them,
downloads all of it, or deletes their account) and the reading-comfort page."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from .comfort import comfort_cookie_set, comfort_for_request
from .forms import AccountDeleteForm, ComfortForm, ProfileForm
from .services import (
    AccountDeletionError,
    user_account_delete,
    user_can_delete_self,
    user_comfort_save,
    user_data_export,
)


@login_required
def profile(request):
    if request.method == "POST":
        form = ProfileForm(request.POST, instance=request.user)
        if form.is_valid():
            form.save()
            messages.success(request, _("Your details are saved."))
            return redirect("accounts_profile")
    else:
        form = ProfileForm(instance=request.user)
    return render(
        request,
        "accounts/profile.html",
        {"form": form, "can_delete": user_can_delete_self(user=request.user)},
    )


@login_required
@require_POST
def data_export(request):
    """Everything held about the person, as JSON in a ZIP (a POST: it is recorded)."""
    body = user_data_export(user=request.user, request=request)
    response = HttpResponse(body, content_type="application/zip")
    filename = f"komak-my-data-{timezone.localdate():%Y-%m-%d}.zip"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request):
    """Delete my account, after the password and a tick on a page of its own."""
    if not user_can_delete_self(user=request.user):
        return render(
            request, "accounts/account_delete.html", {"allowed": False}, status=403
        )
    form = AccountDeleteForm(
        request.POST if request.method == "POST" else None, user=request.user
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                user_account_delete(user=request.user, request=request)
            except AccountDeletionError as error:
                form.add_error(None, error.message)
                status = 409
            else:
                logout(request)
                messages.success(
                    request, _("Your account is deleted. Thank you for using Koʻmak.")
                )
                return redirect("/")
        else:
            status = 400
    return render(
        request,
        "accounts/account_delete.html",
        {"form": form, "allowed": True},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def comfort(request):
    """Larger text and high contrast, for anyone, before or after signing in."""
    current = comfort_for_request(request)
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    if request.method == "POST":
        form = ComfortForm.for_comfort(current, data=request.POST)
        if form.is_valid():
            chosen = form.comfort()
            if request.user.is_authenticated:
                user_comfort_save(user=request.user, comfort=chosen)
            messages.success(request, _("Your reading settings are saved."))
            response = redirect(next_url or "accounts_comfort")
            comfort_cookie_set(response, chosen)
            return response
        status = 400
    else:
        form = ComfortForm.for_comfort(current)
        status = 200
    return render(
        request,
        "accounts/comfort.html",
        {"form": form, "next": next_url},
        status=status,
    )

"""The profile page (a person sees and corrects what Ko'mak holds about them,
downloads all of it, or deletes their account), changing the phone number with a
code sent to the new one (accounts/phone_change.py), and the reading-comfort page."""

from allauth.core.exceptions import RateLimited
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from .comfort import comfort_cookie_set, comfort_for_request
from .forms import (
    AccountDeleteForm,
    ComfortForm,
    PhoneChangeConfirmForm,
    PhoneChangeForm,
    ProfileForm,
)
from .otp import code_lifetime_minutes
from .phone_change import PhoneChangeProcess, PhoneTakenError, user_phone_change
from .services import (
    PROFILE_DETAILS,
    AccountDeletionError,
    user_account_delete,
    user_can_delete_self,
    user_comfort_save,
    user_data_export,
    user_details_update,
)


@login_required
def profile(request):
    if request.method == "POST":
        form = ProfileForm(request.POST, instance=request.user)
        if form.is_valid():
            user_details_update(
                user=request.user,
                details={name: form.cleaned_data[name] for name in PROFILE_DETAILS},
                request=request,
            )
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
@never_cache
@require_http_methods(["GET", "POST"])
def phone_change(request):
    """Step 1 of a new phone number: type it; a code goes to it by SMS."""
    form = PhoneChangeForm(
        request.POST if request.method == "POST" else None, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        try:
            PhoneChangeProcess.initiate(request, form.cleaned_data["phone"])
        except RateLimited:
            form.add_error(
                "phone",
                _(
                    "Too many codes were asked for this number or by you. Please "
                    "wait 15 minutes and try again; after 10 codes in one day, wait "
                    "a day."
                ),
            )
        else:
            return redirect("accounts_phone_change_confirm")
    return render(
        request,
        "accounts/phone_change.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def phone_change_confirm(request):
    """Step 2: the code from the SMS; only then does the number change."""
    process = PhoneChangeProcess.pending(request)
    if process is None:
        # Nothing asked for, or already done (a second tap on "Confirm").
        return redirect("accounts_phone_change")
    if not process.is_valid():
        process.abort()
        messages.error(request, code_expired_message())
        return redirect("accounts_phone_change")
    form = PhoneChangeConfirmForm(
        request.POST if request.method == "POST" else None,
        expected_code=process.code,
    )
    if request.method == "POST":
        if form.is_valid():
            process.abort()  # a code is used once
            try:
                user_phone_change(
                    user=request.user, phone=process.phone, request=request
                )
            except PhoneTakenError:
                messages.error(
                    request, _("This phone number is already used by another account.")
                )
                return redirect("accounts_phone_change")
            messages.success(
                request,
                _("Your new phone number is saved. From now on, sign in with it."),
            )
            return redirect("accounts_profile")
        if not form.has_error("code", "required"):
            # An empty box is a slip of the finger, not a guess: no try is used.
            if not process.record_invalid_attempt():
                messages.error(
                    request,
                    _(
                        "The code was typed wrongly %(count)d times, so it no "
                        "longer works. This keeps your account safe. Please ask "
                        "for a new code."
                    )
                    % {"count": process.max_attempts},
                )
                return redirect("accounts_phone_change")
            form.errors["code"] = form.error_class(
                [
                    ngettext(
                        "This code is not right. Check the 6 digits in the SMS and "
                        "type them again. You can try %(count)d more time.",
                        "This code is not right. Check the 6 digits in the SMS and "
                        "type them again. You can try %(count)d more times.",
                        process.tries_left,
                    )
                    % {"count": process.tries_left}
                ]
            )
    return render(
        request,
        "accounts/phone_change_confirm.html",
        {
            "form": form,
            "phone": process.phone,
            "minutes": code_lifetime_minutes(),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def phone_remove(request):
    """Take the phone number off the account (nothing to prove: no new number
    signs in); the old number is told by SMS."""
    if request.user.phone_number:
        user_phone_change(user=request.user, phone=None, request=request)
        messages.success(request, _("Your phone number is taken off your account."))
    return redirect("accounts_profile")


def code_expired_message() -> str:
    return _(
        "This code has expired: a code works for %(minutes)d minutes only. "
        "Please ask for a new code."
    ) % {"minutes": code_lifetime_minutes()}


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
    # Only a path on this site: `redirect()` takes any other text ("0", "x") for the
    # name of a view and fails with a 500 when there is none.
    if not next_url.startswith("/") or not url_has_allowed_host_and_scheme(
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

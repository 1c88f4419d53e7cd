"""The two pages of sign-in by phone code, as thin subclasses of allauth's views.

They add what allauth leaves unsaid, so that every failure is explained in plain
words: an expired code, how many tries are left, what happens after the last one;
and they audit what allauth sends no signal for (an expired code, a wrong code for a
number without an account).
allauth's own `account_request_login_code` and `account_confirm_login_code` URLs
stay and use the same forms and templates; these are the ones Ko'mak links to.
"""

from allauth.account.internal.flows.login_by_code import (
    LoginCodeVerificationProcess,
)
from allauth.account.internal.stagekit import clear_login
from allauth.account.stages import LoginByCodeStage, LoginStageController
from allauth.account.views import ConfirmLoginCodeView, RequestLoginCodeView
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.generic.edit import FormView

from audit.models import AuditAction

from .otp import code_lifetime_minutes, remembered_phone_apply
from .services import phone_code_event_record


class PhoneCodeRequestView(RequestLoginCodeView):
    """Step 1: the phone number. The same page follows for every number, known or
    not; only a known one gets an SMS."""

    def get_success_url(self):
        if self.request.user.is_authenticated:
            return None  # allauth then sends a signed-in person on, as it does
        return self.passthrough_next_url(reverse("accounts_phone_code_confirm"))


@method_decorator(never_cache, name="dispatch")
class PhoneCodeConfirmView(ConfirmLoginCodeView):
    """Step 2: the code from the SMS, and "Remember this phone"."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            stage = LoginStageController.enter(request, LoginByCodeStage.key)
            pending = stage is not None and "at" in stage.state
            if not pending:
                # Nothing asked for in this browser, or so long ago that allauth
                # has forgotten it: a typed code cannot be right any more.
                if request.method == "POST":
                    self.say_expired(request)
                return self.back_to_phone_page()
            if not LoginCodeVerificationProcess(stage=stage).is_valid():
                if request.method == "POST":
                    phone_code_event_record(
                        action=AuditAction.PHONE_CODE_EXPIRED,
                        phone=stage.state.get("phone"),
                        request=request,
                    )
                clear_login(request)
                self.say_expired(request)
                return self.back_to_phone_page()
        return super().dispatch(request, *args, **kwargs)

    def say_expired(self, request) -> None:
        messages.error(
            request,
            _(
                "This code has expired: a code works for %(minutes)d minutes only. "
                "Please ask for a new code."
            )
            % {"minutes": code_lifetime_minutes()},
        )

    def back_to_phone_page(self) -> HttpResponseRedirect:
        return HttpResponseRedirect(
            self.passthrough_next_url(reverse("accounts_phone_code_request"))
        )

    def _verify_form_valid(self, form):
        response = super()._verify_form_valid(form)
        if self.request.user.is_authenticated:
            remembered_phone_apply(
                request=self.request, remember=form.cleaned_data.get("remember")
            )
        return response

    def form_invalid(self, form):
        if form.has_error("code", "required"):
            # An empty box is a slip of the finger, not a guess: no try is used.
            return FormView.form_invalid(self, form)
        tries_remain = self._process.record_invalid_attempt()
        if self._process.user is None:
            # allauth's `login_code_rejected` (accounts/signals.py) speaks only for
            # known numbers; an unknown one is recorded here, in the same words.
            phone_code_event_record(
                action=AuditAction.PHONE_CODE_WRONG
                if tries_remain
                else AuditAction.PHONE_CODE_TOO_MANY_TRIES,
                phone=self._process.state.get("phone"),
                request=self.request,
            )
        if tries_remain:
            tries_left = self._process.max_attempts - self._process.state.get(
                "failed_attempts", 0
            )
            form.errors["code"] = form.error_class(
                [
                    ngettext(
                        "This code is not right. Check the 6 digits in the SMS and "
                        "type them again. You can try %(count)d more time.",
                        "This code is not right. Check the 6 digits in the SMS and "
                        "type them again. You can try %(count)d more times.",
                        tries_left,
                    )
                    % {"count": tries_left}
                ]
            )
            return FormView.form_invalid(self, form)
        messages.error(
            self.request,
            _(
                "The code was typed wrongly %(count)d times, so it no longer works. "
                "This keeps your account safe. Please ask for a new code."
            )
            % {"count": self._process.max_attempts},
        )
        return self.back_to_phone_page()


phone_code_request = PhoneCodeRequestView.as_view()
phone_code_confirm = PhoneCodeConfirmView.as_view()

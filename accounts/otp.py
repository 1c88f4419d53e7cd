"""Sign-in with a phone number and a one-time code: the parts around allauth's own
"login by code" (docs/sign-in.md).

allauth makes, keeps and checks the code (6 digits, 5 minutes, 5 tries: the
`ACCOUNT_LOGIN_BY_CODE_*` settings), counts the requests per number and per address
(`ACCOUNT_RATE_LIMITS["request_login_code"]`) and runs the later sign-in stages, so a
staff member still gives the authenticator code after the SMS code. This module adds:

- the SMS, through one pluggable backend (`KOMAK_SMS_BACKEND`) with the same
  interface as consultation notifications; by default the logging backend, so in
  development the code appears in the server log;
- a phone field that takes an Uzbek number however it is written, and a code field
  for older people (big, numeric keypad, filled in from the SMS where the phone can);
- "Remember this phone": a long session on a device the person trusts;
- audit records of every step, naming the number only by a keyed pseudonym
  (`accounts.services.phone_code_event_record`; the receivers in accounts/signals.py).
"""

import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from allauth.account.adapter import get_adapter
from allauth.account.forms import ConfirmLoginCodeForm, RequestLoginCodeForm
from allauth.account.stages import LoginByCodeStage
from allauth.core import context
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.notifications import Message, NotificationBackend
from core.transliteration import in_reader_script

from .phone import normalize_phone
from .services import phone_code_refusal_record

logger = logging.getLogger(__name__)

DEFAULT_SMS_BACKEND = "core.notifications.LoggingSmsBackend"
SECONDS_PER_DAY = 24 * 60 * 60
# Sends to a gateway on the network without holding up the page. Two threads: a
# slow gateway delays codes, never pages.
background_sender = ThreadPoolExecutor(max_workers=2, thread_name_prefix="komak-sms")


def code_lifetime_minutes() -> int:
    return settings.ACCOUNT_LOGIN_BY_CODE_TIMEOUT // 60


def remembered_phone_seconds() -> int:
    return settings.KOMAK_REMEMBERED_PHONE_DAYS * SECONDS_PER_DAY


def sms_backend() -> NotificationBackend:
    return import_string(getattr(settings, "KOMAK_SMS_BACKEND", DEFAULT_SMS_BACKEND))()


@dataclass(frozen=True)
class SmsRecipient:
    """A phone number to text that is not (yet) a person's own: the backends read
    only `phone_number`, so a new number is confirmed before it is stored."""

    phone_number: str


def sms_deliver(*, recipient, message: Message, what: str) -> bool:
    """Hand `message` to the SMS backend for `recipient` (a user, or an
    `SmsRecipient`); returns whether it went out (or, for a gateway on the network,
    was handed to the background sender).

    A failing gateway is logged (as "`what` could not be sent"), not raised and not
    shown: for a sign-in code, a message about the SMS would tell exactly the
    numbers with an account apart. A backend with `network = True`
    (accounts/sms.py) sends from a background thread, so that the page does not
    wait for the gateway (docs/sign-in.md, "Timing").
    """
    backend = sms_backend()
    if getattr(backend, "network", False):
        background_sender.submit(
            sms_send_logged,
            backend=backend,
            user=recipient,
            message=message,
            what=what,
        )
        return True
    return sms_send_logged(backend=backend, user=recipient, message=message, what=what)


def code_language(user) -> str:
    """The language of a code sent while the person waits at a page: the page's,
    which they are reading now, and for Uzbek the script kept on their account
    (Uzbek Cyrillic readers who opened a Latin page still get Cyrillic)."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    if language == "uz" and getattr(user, "preferred_language", "") == "uz-cyrl":
        return "uz-cyrl"
    return language


def login_code_sms_send(*, user, code: str) -> bool:
    """Send the sign-in `code` to the person's phone (`sms_deliver`)."""
    with translation.override(code_language(user)):
        text = in_reader_script(
            gettext(
                "Koʻmak sign-in code: %(code)s. It works for %(minutes)d minutes. "
                "Never tell it to anyone, even to someone who says they are from "
                "Koʻmak."
            )
            % {"code": code, "minutes": code_lifetime_minutes()}
        )
        subject = in_reader_script(gettext("Your Koʻmak sign-in code"))
    message = Message(subject=subject, text=text, sms_text=text)
    return sms_deliver(recipient=user, message=message, what="The sign-in code SMS")


def sms_send_logged(
    *, backend: NotificationBackend, user, message: Message, what: str = "The SMS"
) -> bool:
    """`backend.send`, with any failure logged in full (never the text: it may hold
    a code) instead of raised."""
    try:
        return backend.send(user=user, message=message)
    except Exception:  # a gateway may fail in any way
        logger.exception("%s could not be sent", what)
        return False


class PhoneNumberField(forms.CharField):
    """A phone number in any usual spelling ("90 123 45 67", "+998-90-…"), cleaned
    to the one form the user model stores."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Your phone number"))
        kwargs.setdefault("help_text", _("For example: +998 90 123 45 67"))
        kwargs.setdefault("max_length", 32)
        kwargs.setdefault(
            "error_messages", {"required": _("Please type your phone number.")}
        )
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}
            ),
        )
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        return normalize_phone(value) if value else value


class PhoneCodeRequestForm(RequestLoginCodeForm):
    """allauth's "send me a code" form with only a phone field (ACCOUNT_FORMS).

    allauth adds its phone field only when "phone" is a password sign-in method;
    Ko'mak's password form already takes a phone number in its first field, so the
    field is added here instead. allauth's `clean_phone` finds the person and counts
    the request against the limits, for known and unknown numbers alike.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.pop("email", None)
        self.fields["phone"] = get_adapter().phone_form_field(required=True)

    def clean_phone(self) -> str:
        try:
            return super().clean_phone()
        except ValidationError as error:
            if error.code != "too_many_login_attempts":
                raise
            phone_code_refusal_record(
                phone=self.cleaned_data.get("phone"), request=context.request
            )
            raise ValidationError(
                _(
                    "Too many codes were asked for this number or from this "
                    "network. Please wait 15 minutes and try again; after 10 codes "
                    "in one day, wait a day. You can also sign in with your "
                    "password."
                ),
                code="phone_code_rate_limited",
            ) from error


class PhoneCodeConfirmForm(ConfirmLoginCodeForm):
    """The code from the SMS, and whether to keep this phone signed in."""

    code = forms.CharField(
        label=_("The 6-digit code from the SMS"),
        max_length=20,
        error_messages={"required": _("Please type the 6-digit code from the SMS.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}
        ),
    )
    remember = forms.BooleanField(
        label=_("Remember this phone: stay signed in on it"),
        required=False,
    )

    @property
    def code_minutes(self) -> int:
        return code_lifetime_minutes()

    @property
    def remember_days(self) -> int:
        return settings.KOMAK_REMEMBERED_PHONE_DAYS

    def clean_code(self) -> str:
        try:
            return super().clean_code()
        except ValidationError as error:
            raise ValidationError(
                _("This code is not right."), code="incorrect_code"
            ) from error


class PhoneCodeStage(LoginByCodeStage):
    """allauth's code stage, put in its place by `AccountAdapter.get_login_stages`.

    Not resumable: while a code is pending, allauth would send every visit to the
    sign-in pages back to the code page, so a person could neither ask for a new
    code nor choose the password instead. Each new request replaces the pending one.
    """

    urlname = "accounts_phone_code_confirm"

    def is_resumable(self, request) -> bool:
        return False


def remembered_phone_apply(*, request, remember: bool) -> None:
    """After a completed sign-in by code: a remembered phone keeps the session for
    `KOMAK_REMEMBERED_PHONE_DAYS`, otherwise it ends when the browser closes (as the
    password form does without "Remember me"). Staff are never remembered: their
    sessions end after `STAFF_SESSION_IDLE_SECONDS` (accounts/middleware.py)."""
    from .middleware import staff_needs_two_factors

    if remember and not staff_needs_two_factors(request.user):
        request.session.set_expiry(remembered_phone_seconds())
    else:
        request.session.set_expiry(0)

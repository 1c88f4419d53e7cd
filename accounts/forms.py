"""Forms for sign-up, sign-in (and its second step), the profile page and a new phone
number, with plain labels and errors."""

import logging

from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.core.internal.cryptokit import compare_user_code
from allauth.mfa.base.forms import AuthenticateForm, ReauthenticateForm
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import password_validators_help_texts
from django.core.exceptions import ValidationError
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from core.encryption import DecryptionError

from .otp import PhoneNumberField
from .phone import normalize_phone
from .regions import Region

logger = logging.getLogger(__name__)


def clean_unique_phone(raw: str, *, exclude_user_id: int | None = None) -> str | None:
    """Normalise an optional phone number and refuse one that another person uses."""
    if not raw:
        return None
    phone = normalize_phone(raw)
    others = get_user_model().objects.filter(phone_number=phone)
    if exclude_user_id is not None:
        others = others.exclude(pk=exclude_user_id)
    if others.exists():
        raise ValidationError(
            _("This phone number is already used by another account."),
            code="phone_taken",
        )
    return phone


class LoginForm(AllauthLoginForm):
    """Password sign-in where the first field takes a username or a phone number."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        login = self.fields["login"]
        login.label = _("Username or phone number")
        login.widget.attrs.update({"placeholder": "", "autocomplete": "username"})
        self.fields["password"].widget.attrs["placeholder"] = ""


def password_rules_html():
    """The password rules as a list: the one help text that needs markup. Built here
    with format_html, escaping each rule, because templates print every help text
    escaped (allauth's own is a plain string that would show its tags)."""
    rules = password_validators_help_texts()
    if not rules:
        return ""
    items = format_html_join("", "<li>{}</li>", ((rule,) for rule in rules))
    return format_html("<ul>{}</ul>", items)


class SignupForm(AllauthSignupForm):
    """Sign-up asking only what a learner needs; everything but the name is optional."""

    full_name = forms.CharField(
        label=_("Your full name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    phone_number = forms.CharField(
        label=_("Phone number (optional)"),
        required=False,
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    region = forms.ChoiceField(
        label=_("Region (optional)"),
        required=False,
        choices=[("", "—")] + list(Region.choices),
    )
    district = forms.CharField(
        label=_("District or village (optional)"),
        required=False,
        max_length=100,
    )
    birth_year = forms.IntegerField(
        label=_("Year of birth (optional)"),
        required=False,
        min_value=1900,
        max_value=2030,
    )

    field_order = [
        "full_name",
        "username",
        "phone_number",
        "email",
        "password1",
        "password2",
        "region",
        "district",
        "birth_year",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("username", "email", "password1", "password2"):
            if name in self.fields:
                self.fields[name].widget.attrs["placeholder"] = ""
        if "email" in self.fields:
            self.fields["email"].label = _("E-mail (optional)")
        if "password1" in self.fields:
            self.fields["password1"].help_text = password_rules_html()
        self.order_fields(self.field_order)

    def clean_phone_number(self):
        return clean_unique_phone(self.cleaned_data.get("phone_number", ""))

    def custom_signup(self, request, user):
        from .services import user_profile_update, user_role_grant

        data = self.cleaned_data
        user_profile_update(
            user=user,
            full_name=data["full_name"],
            phone_number=data.get("phone_number"),
            region=data.get("region") or "",
            district=data.get("district") or "",
            birth_year=data.get("birth_year"),
            preferred_language=getattr(request, "LANGUAGE_CODE", "uz"),
        )
        user_role_grant(user=user, role="Learner")


class ProfileForm(forms.ModelForm):
    """What a person may change about themselves in one go. Not the phone number:
    it signs in, so a new one is proven by a code first (`PhoneChangeForm`)."""

    class Meta:
        model = get_user_model()
        fields = [
            "full_name",
            "email",
            "preferred_language",
            "region",
            "district",
            "birth_year",
        ]

    def __init__(self, *args, **kwargs):
        from django.conf import settings

        super().__init__(*args, **kwargs)
        self.fields["preferred_language"] = forms.ChoiceField(
            label=_("Language"),
            choices=settings.LANGUAGES,
        )
        self.fields["region"].choices = [("", "—")] + list(Region.choices)


class PhoneChangeForm(forms.Form):
    """The new phone number, in any usual spelling; a code is sent to it.

    Whether another account has the number is not said here but only after the
    right code (accounts/phone_change.py), so this form tells nobody which numbers
    have accounts."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["phone"] = PhoneNumberField(label=_("Your new phone number"))

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"]
        if phone == self.user.phone_number:
            raise ValidationError(
                _("This is already your phone number."), code="same_as_current"
            )
        return phone


class PhoneChangeConfirmForm(forms.Form):
    """The code from the SMS sent to the new number."""

    code = forms.CharField(
        label=_("The 6-digit code from the SMS"),
        max_length=20,
        error_messages={"required": _("Please type the 6-digit code from the SMS.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}
        ),
    )

    def __init__(self, *args, expected_code: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.expected_code = expected_code

    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        if not compare_user_code(actual=code, expected=self.expected_code):
            raise ValidationError(_("This code is not right."), code="incorrect_code")
        return code


class AccountDeleteForm(forms.Form):
    """The confirmation step of "delete my account": the password, so that nobody
    at an unlocked phone can do it, and a tick that says the person understands."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    understood = forms.BooleanField(
        label=_("I understand that my account and my data will be deleted for good."),
        error_messages={"required": _("Please tick the box to confirm.")},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError(_("This password is not right. Please try again."))
        return password


class ComfortForm(forms.Form):
    """Larger text and high contrast, as two plain either-or questions."""

    text_size = forms.ChoiceField(
        label=_("Text size"),
        choices=[("normal", _("Normal text")), ("large", _("Larger text"))],
        widget=forms.RadioSelect,
    )
    contrast = forms.ChoiceField(
        label=_("Colours"),
        choices=[("normal", _("Normal colours")), ("high", _("High contrast"))],
        widget=forms.RadioSelect,
    )

    @classmethod
    def for_comfort(cls, comfort, data=None):
        initial = {
            "text_size": "large" if comfort.large_text else "normal",
            "contrast": "high" if comfort.high_contrast else "normal",
        }
        return cls(data=data, initial=initial)

    def comfort(self):
        from .comfort import Comfort

        return Comfort(
            large_text=self.cleaned_data["text_size"] == "large",
            high_contrast=self.cleaned_data["contrast"] == "high",
        )


class UnreadableSecretMixin:
    """In allauth's second-step forms, a secret that cannot be read (stored in
    clear, or under a key no longer configured) is a plain message instead of an
    error page: the person can do nothing about it but ask for help."""

    def clean_code(self) -> str:
        try:
            return super().clean_code()
        except DecryptionError:
            logger.error(
                "The second-factor secret of user %s cannot be read", self.user.pk
            )
            raise ValidationError(
                _(
                    "Your authenticator app cannot be checked. Please ask an "
                    "administrator to set it up again for you."
                ),
                code="secret_unreadable",
            ) from None


class SecondFactorForm(UnreadableSecretMixin, AuthenticateForm):
    """The authenticator code at sign-in (MFA_FORMS["authenticate"])."""


class SecondFactorAgainForm(UnreadableSecretMixin, ReauthenticateForm):
    """The authenticator code asked again (MFA_FORMS["reauthenticate"])."""

"""Forms for sign-up, sign-in and the profile page, with plain labels and errors."""

from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .phone import normalize_phone
from .regions import Region


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
    """What a person may change about themselves."""

    phone_number = forms.CharField(
        label=_("Phone number"),
        required=False,
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )

    class Meta:
        model = get_user_model()
        fields = [
            "full_name",
            "phone_number",
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

    def clean_phone_number(self):
        return clean_unique_phone(
            self.cleaned_data.get("phone_number", ""),
            exclude_user_id=self.instance.pk,
        )

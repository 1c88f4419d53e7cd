"""Forms of the learning pages that people fill in (the training admin's are in
admin_forms.py)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .program_selectors import certificate_code_normalise

NO_SUCH_CERTIFICATE = _("No certificate with this number")


class CertificateCheckForm(forms.Form):
    """The number on a certificate, typed from paper: an employer or an inspector
    checks that it is real. Spaces, dashes and small letters are forgiven."""

    code = forms.CharField(
        label=_("Certificate number"),
        help_text=_(
            "It is printed at the bottom of the certificate. Spaces, dashes and "
            "small letters do not matter."
        ),
        max_length=40,
        error_messages={
            "required": _("Type the number printed on the certificate."),
            "max_length": NO_SUCH_CERTIFICATE,
        },
        widget=forms.TextInput(
            attrs={
                "class": "input-large",
                "autocomplete": "off",
                "autocapitalize": "characters",
                "autocorrect": "off",
                "spellcheck": "false",
            }
        ),
    )

    def clean_code(self) -> str:
        code = certificate_code_normalise(self.cleaned_data["code"])
        if code is None:
            raise forms.ValidationError(NO_SUCH_CERTIFICATE, code="unknown")
        return code

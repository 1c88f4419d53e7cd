"""The reason an administrator types before seeing who is behind a pseudonym."""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .services import REVEAL_REASON_MAX_LENGTH, REVEAL_REASON_MIN_LENGTH

REVEAL_REASON_MIN_WORDS = 3


class AuditRevealForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you need to know who this is?"),
        max_length=REVEAL_REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].help_text = gettext(
            "At least %(count)d characters. The reason is kept in the audit trail, "
            "where coordinators read it: name the request or the case, not the "
            "person or their health."
        ) % {"count": REVEAL_REASON_MIN_LENGTH}

    def clean_reason(self) -> str:
        reason = " ".join(self.cleaned_data["reason"].split())
        words = [word for word in reason.split() if any(c.isalpha() for c in word)]
        if (
            len(reason) < REVEAL_REASON_MIN_LENGTH
            or len(set(words)) < REVEAL_REASON_MIN_WORDS
        ):
            raise forms.ValidationError(
                _(
                    "Write the reason in a few words and at least %(count)d "
                    "characters, for example the request or case it is for."
                ),
                code="reason_too_short",
                params={"count": REVEAL_REASON_MIN_LENGTH},
            )
        return reason

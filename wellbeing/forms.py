"""Forms of the check-in pages: the specialist's plan and the client's WHO-5
answers. Both are plain POST forms that work without JavaScript; a forged or
missing value is a form error in words, never a stored answer."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from . import who5

INTERVAL_CHOICES = [
    (7, _("Every week")),
    (14, _("Every two weeks")),
    (28, _("Every four weeks")),
    (3, _("Every three days")),
]


class CheckinPlanForm(forms.Form):
    count = forms.TypedChoiceField(
        label=_("How many check-ins?"),
        coerce=int,
        initial=4,
        choices=[],
    )
    interval_days = forms.TypedChoiceField(
        label=_("How often?"),
        coerce=int,
        initial=7,
        choices=INTERVAL_CHOICES,
        help_text=_("Each check-in is sent at 10:00 Tashkent time."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["count"].choices = [
            (number, str(number))
            for number in range(1, settings.WELLBEING_CHECKIN_MAX_COUNT + 1)
        ]


class Who5Form(forms.Form):
    """The five statements, each a group of six large radio buttons. The field
    names are item_1 ... item_5; values are the official 0-5."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for number, statement in enumerate(who5.ITEMS, start=1):
            self.fields[f"item_{number}"] = forms.TypedChoiceField(
                label=statement,
                coerce=int,
                choices=[(str(value), label) for value, label in who5.ANSWERS],
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Please choose one answer."),
                    "invalid_choice": _("Please choose one of the answers shown."),
                },
            )

    def items(self) -> list[int]:
        return [
            self.cleaned_data[f"item_{number}"]
            for number in range(1, who5.ITEM_COUNT + 1)
        ]

"""Forms of the booking pages: they parse and check what a person sent, in plain words.

Every booking step passes its choices on in the address or in hidden fields, so the
flow works without JavaScript and a mistake never loses what was already chosen.
"""

from datetime import UTC, datetime

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from accounts.roles import SPECIALIST

from .models import (
    TERMS_PARTS,
    TERMS_TRANSLATED_LANGUAGES,
    ConsentTerms,
    SpecialistProfile,
    Topic,
)
from .selectors import slot_is_offered
from .services import BookingError, booking_horizon_check

# Languages a specialist may speak, as codes in SpecialistProfile.languages.
LANGUAGE_CHOICES = [
    ("uz", _("Uzbek")),
    ("ru", _("Russian")),
    ("kaa", _("Karakalpak")),
    ("tg", _("Tajik")),
    ("kk", _("Kazakh")),
    ("en", _("English")),
]
LANGUAGE_NAMES = dict(LANGUAGE_CHOICES)
TOPIC_NAMES = dict(Topic.choices)

# A slot travels in forms and addresses as UTC to the minute: 2026-03-02T05:00Z.
SLOT_FORMAT = "%Y-%m-%dT%H:%MZ"


def slot_value(starts_at: datetime) -> str:
    return starts_at.astimezone(UTC).strftime(SLOT_FORMAT)


def slot_parse(text: str) -> datetime | None:
    try:
        return datetime.strptime(text.strip(), SLOT_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        return None


class DirectoryFilterForm(forms.Form):
    """The directory's filter: a plain GET form, both fields optional."""

    topic = forms.ChoiceField(
        label=_("What would you like to talk about?"),
        required=False,
        choices=[("", _("Any topic"))] + list(Topic.choices),
    )
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("Any language"))] + LANGUAGE_CHOICES,
    )


class TopicForm(forms.Form):
    topic = forms.ChoiceField(
        label=_("What would you like to talk about?"),
        choices=Topic.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Please choose a topic."),
            "invalid_choice": _("We do not know this topic. Please choose one below."),
        },
    )


class ActiveSpecialistField(forms.ModelChoiceField):
    def __init__(self, **kwargs):
        super().__init__(
            queryset=SpecialistProfile.objects.filter(is_active=True).select_related(
                "user"
            ),
            widget=forms.HiddenInput,
            error_messages={
                "required": _("Please choose a specialist."),
                "invalid_choice": _(
                    "We could not find this specialist. Please choose another."
                ),
            },
            **kwargs,
        )


class SlotField(forms.CharField):
    """A start time in SLOT_FORMAT; the form checks that it is still offered."""

    widget = forms.HiddenInput
    default_error_messages = {
        "required": _("Please choose a time."),
        "invalid": _("We did not understand this time. Please choose one below."),
    }

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        starts_at = slot_parse(value)
        if starts_at is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return starts_at


def _check_slot(specialist: SpecialistProfile, starts_at: datetime) -> None:
    if starts_at <= timezone.now():
        raise forms.ValidationError(
            _("This time has already passed. Please choose another."), code="past"
        )
    # The service refuses it too (services.booking_create); asked here first so the
    # page says why before the consent step, in the same words.
    try:
        booking_horizon_check(starts_at=starts_at)
    except BookingError as error:
        raise forms.ValidationError(error.message, code=error.code) from error
    if not slot_is_offered(specialist=specialist, starts_at=starts_at):
        raise forms.ValidationError(
            _("This time is not free. Please choose another."), code="not_offered"
        )


class BookingRequestForm(forms.Form):
    """Topic, specialist and time together: what the confirm step books."""

    topic = forms.ChoiceField(
        choices=Topic.choices,
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Please choose a topic."),
            "invalid_choice": _("We do not know this topic. Please start again."),
        },
    )
    specialist = ActiveSpecialistField()
    start = SlotField()

    def clean(self):
        data = super().clean()
        specialist, topic, starts_at = (
            data.get("specialist"),
            data.get("topic"),
            data.get("start"),
        )
        if specialist and topic and topic not in specialist.topics:
            self.add_error(
                "specialist",
                _(
                    "This specialist does not help with this topic. "
                    "Please choose another."
                ),
            )
        elif specialist and starts_at:
            try:
                _check_slot(specialist, starts_at)
            except forms.ValidationError as error:
                self.add_error("start", error)
        return data


class RescheduleForm(forms.Form):
    """A new time for an existing booking, with the same specialist."""

    start = SlotField()

    def __init__(self, *args, specialist: SpecialistProfile, **kwargs):
        super().__init__(*args, **kwargs)
        self.specialist = specialist

    def clean_start(self):
        starts_at = self.cleaned_data["start"]
        _check_slot(self.specialist, starts_at)
        return starts_at


class ConsentForm(forms.Form):
    agree = forms.BooleanField(
        label=_("I have read these terms and I agree to them."),
        error_messages={
            "required": _("To book a talk, please tick the box to agree to the terms.")
        },
    )


class SessionNoteForm(forms.Form):
    """The specialist's private note: one per specialist and session, kept up to
    date in place rather than added to (services.session_note_save)."""

    text = forms.CharField(
        label=_("Private notes about this session"),
        help_text=_("Only you can see these notes. The client cannot."),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=10_000,
        error_messages={"required": _("Please write the note before saving.")},
    )


class SpecialistProfileAdminForm(WagtailAdminModelForm):
    """The coordinators' form: topics and languages as tick boxes, not raw JSON."""

    topics = forms.MultipleChoiceField(
        label=_("topics"),
        choices=Topic.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    languages = forms.MultipleChoiceField(
        label=_("languages"),
        choices=LANGUAGE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = SpecialistProfile
        fields = [
            "user",
            "kind",
            "languages",
            "topics",
            "bio",
            "photo",
            "photo_alt",
            "session_minutes",
            "buffer_minutes",
            "is_active",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "user" in self.fields:
            # People in the Specialist group, and whoever the profile already has.
            people = Q(groups__name=SPECIALIST)
            if self.instance.user_id:
                people |= Q(pk=self.instance.user_id)
            self.fields["user"].queryset = (
                get_user_model().objects.filter(people).distinct()
            )


def _terms_field_name(language: str, part: str) -> str:
    return f"{language}_{part}"


class ConsentTermsAdminForm(WagtailAdminModelForm):
    """The coordinators' form for a version of the terms: the Uzbek text in the
    model's fields, then each other language's parts as plain text boxes (stored
    together in `translations`, not typed as raw JSON).

    A language is either written out in full or left empty: a consent page must
    never show half its parts in one language. The model refuses any change,
    translations included, once someone has accepted the version."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        stored = self.instance.translations or {}
        for language in TERMS_TRANSLATED_LANGUAGES:
            for part in TERMS_PARTS:
                name = _terms_field_name(language, part)
                self.fields[name] = forms.CharField(
                    label=format_lazy(
                        "{} ({})",
                        ConsentTerms._meta.get_field(part).verbose_name,
                        TERMS_LANGUAGE_NAMES[language],
                    ),
                    required=False,
                    widget=forms.Textarea(attrs={"rows": 8 if part == "text" else 2}),
                    initial=(stored.get(language) or {}).get(part, ""),
                )

    def clean(self):
        cleaned = super().clean()
        translations = {}
        for language in TERMS_TRANSLATED_LANGUAGES:
            parts = {
                part: (cleaned.get(_terms_field_name(language, part)) or "").strip()
                for part in TERMS_PARTS
            }
            if not any(parts.values()):
                continue
            for part, value in parts.items():
                if not value:
                    self.add_error(
                        _terms_field_name(language, part),
                        format_lazy(
                            _(
                                "{}: write every part of the terms, or leave them "
                                "all empty."
                            ),
                            TERMS_LANGUAGE_NAMES[language],
                        ),
                    )
            translations[language] = parts
        self.instance.translations = translations
        return cleaned

    class Meta:
        model = ConsentTerms
        fields = ["version", *TERMS_PARTS, "published_at"]


TERMS_LANGUAGE_NAMES = {
    "ru": _("Russian"),
    "kaa": _("Karakalpak"),
    "en": _("English"),
}

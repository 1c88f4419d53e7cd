"""Specialists, their hours, bookings, consent and session notes.

All times are stored in UTC and shown in Asia/Tashkent (settings.TIME_ZONE). A booking
is the unit of access: only its client and its specialist may see its pages or join
its call, and only inside its window. What a booking says about health (its topic,
the pre-call check, the notes) is encrypted at rest (core.encryption).

Bookings, consent records and notes are kept out of Wagtail's reference index
(`wagtail_reference_index_ignore`), so that no admin "usage" page of a specialist or
of the consent terms ever lists the consultations or the clients behind them.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.encryption import EncryptedJSONField, EncryptedTextField

# How long before the start the call may be joined, and when a booking can no longer be
# cancelled or moved by the client.
JOIN_EARLY = timedelta(minutes=15)
CHANGE_DEADLINE = timedelta(hours=2)


class Topic(models.TextChoices):
    LONELINESS = "loneliness", _("Loneliness")
    FAMILY_CONFLICT = "family_conflict", _("Family conflict")
    GRIEF = "grief", _("Grief and loss")
    ANXIETY = "anxiety", _("Worry and anxiety")
    PENSIONS = "pensions", _("Pensions and benefits")
    DISABILITY = "disability", _("Disability support")
    DIGITAL = "digital", _("Help with digital services")


class SpecialistKind(models.TextChoices):
    PSYCHOLOGIST = "psychologist", _("Psychologist")
    SOCIAL_WORKER = "social_worker", _("Social worker")


class SpecialistProfile(models.Model):
    """What a client sees before choosing a specialist, and how long sessions are."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="specialist_profile",
    )
    kind = models.CharField(
        verbose_name=_("kind"),
        max_length=20,
        choices=SpecialistKind.choices,
    )
    languages = models.JSONField(
        verbose_name=_("languages"),
        default=list,
        help_text=_("Language codes the specialist speaks, for example uz, ru, kaa."),
    )
    topics = models.JSONField(
        verbose_name=_("topics"),
        default=list,
        help_text=_("Topic codes the specialist helps with."),
    )
    bio = models.TextField(verbose_name=_("short introduction"), max_length=600)
    photo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("photo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    photo_alt = models.CharField(
        verbose_name=_("photo description"),
        max_length=250,
        blank=True,
    )
    session_minutes = models.PositiveSmallIntegerField(
        verbose_name=_("session length in minutes"),
        default=45,
    )
    buffer_minutes = models.PositiveSmallIntegerField(
        verbose_name=_("break between sessions in minutes"),
        default=15,
    )
    is_active = models.BooleanField(verbose_name=_("takes bookings"), default=True)

    class Meta:
        verbose_name = _("specialist")
        verbose_name_plural = _("specialists")
        constraints = [
            models.CheckConstraint(
                condition=Q(session_minutes__gte=15, session_minutes__lte=180),
                name="consultations_specialist_session_length_sane",
            ),
        ]

    def __str__(self) -> str:
        return str(self.user)

    @property
    def slot_minutes(self) -> int:
        return self.session_minutes + self.buffer_minutes


class WeeklyHours(models.Model):
    """A recurring weekly period when the specialist takes sessions (Tashkent time)."""

    specialist = models.ForeignKey(
        SpecialistProfile,
        on_delete=models.CASCADE,
        related_name="weekly_hours",
    )
    weekday = models.PositiveSmallIntegerField(
        verbose_name=_("weekday"),
        help_text=_("0 is Monday, 6 is Sunday."),
    )
    start_time = models.TimeField(verbose_name=_("from"))
    end_time = models.TimeField(verbose_name=_("until"))

    class Meta:
        ordering = ["weekday", "start_time"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weekday__gte=0, weekday__lte=6),
                name="consultations_weeklyhours_weekday_range",
            ),
            models.CheckConstraint(
                condition=Q(start_time__lt=models.F("end_time")),
                name="consultations_weeklyhours_start_before_end",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.weekday} {self.start_time}-{self.end_time}"


class TimeOff(models.Model):
    """An exception to the weekly hours: leave, a holiday, a training day."""

    specialist = models.ForeignKey(
        SpecialistProfile,
        on_delete=models.CASCADE,
        related_name="time_off",
    )
    starts_at = models.DateTimeField(verbose_name=_("from"))
    ends_at = models.DateTimeField(verbose_name=_("until"))
    reason = models.CharField(verbose_name=_("reason"), max_length=200, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_at__lt=models.F("ends_at")),
                name="consultations_timeoff_start_before_end",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.specialist} {self.starts_at:%Y-%m-%d}"


class BookingStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    CANCELLED = "cancelled", _("Cancelled")
    COMPLETED = "completed", _("Completed")
    NO_SHOW = "no_show", _("Did not take place")


ACTIVE_STATUSES = [BookingStatus.CONFIRMED, BookingStatus.COMPLETED]


class Booking(models.Model):
    """One consultation between a client and a specialist at a set time.

    Double booking is impossible: an active booking's (specialist, start) is unique in
    the database, and `booking_create` takes a lock on the client and on the
    specialist and checks overlaps (and the client's cap) inside the same
    transaction; a move or a cancellation locks the booking's row and reads it again.
    """

    client = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="bookings",
        # Empty once the booking is anonymised (retention, or the client's account
        # deleted): the session still counts in statistics but names nobody.
        null=True,
        blank=True,
    )
    specialist = models.ForeignKey(
        SpecialistProfile,
        on_delete=models.PROTECT,
        related_name="bookings",
    )
    # Encrypted: which topic someone chose says what they struggle with. It cannot be
    # filtered or counted in SQL; an empty topic (anonymised) stays "" in clear.
    topic = EncryptedTextField(
        verbose_name=_("topic"),
        choices=Topic.choices,
        blank=True,
        help_text=_("Emptied when the booking is anonymised."),
    )
    starts_at = models.DateTimeField(verbose_name=_("starts at"))
    ends_at = models.DateTimeField(verbose_name=_("ends at"))
    status = models.CharField(
        max_length=20,
        choices=BookingStatus.choices,
        default=BookingStatus.CONFIRMED,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # The call.
    client_joined_at = models.DateTimeField(null=True, blank=True)
    specialist_joined_at = models.DateTimeField(null=True, blank=True)
    admitted_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    # The client's pre-call check, shown to the specialist. The measurements are
    # one encrypted JSON object: {"rtt_ms": int, "loss_percent": float,
    # "relay": bool, "verdict": "video" | "audio" | "phone"}; read them through the
    # precall_* properties below.
    precall_checked_at = models.DateTimeField(null=True, blank=True)
    precall_result = EncryptedJSONField(null=True, blank=True)
    # Reminders, each sent once.
    reminder_day_sent_at = models.DateTimeField(null=True, blank=True)
    reminder_hour_sent_at = models.DateTimeField(null=True, blank=True)
    # Set when the client, the topic, the pre-call results and the notes were removed.
    anonymised_at = models.DateTimeField(
        verbose_name=_("anonymised at"),
        null=True,
        blank=True,
    )

    wagtail_reference_index_ignore = True

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["specialist", "starts_at"],
                condition=Q(status__in=ACTIVE_STATUSES),
                name="consultations_booking_one_active_per_slot",
            ),
            models.CheckConstraint(
                condition=Q(starts_at__lt=models.F("ends_at")),
                name="consultations_booking_start_before_end",
            ),
        ]
        indexes = [models.Index(fields=["status", "starts_at"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.starts_at:%Y-%m-%d %H:%M}"

    def _precall(self, key: str):
        return (self.precall_result or {}).get(key)

    @property
    def precall_rtt_ms(self) -> int | None:
        return self._precall("rtt_ms")

    @property
    def precall_loss_percent(self) -> float | None:
        return self._precall("loss_percent")

    @property
    def precall_relay(self) -> bool | None:
        return self._precall("relay")

    @property
    def precall_verdict(self) -> str:
        return self._precall("verdict") or ""

    @property
    def join_opens_at(self):
        return self.starts_at - JOIN_EARLY

    def is_joinable(self, now=None) -> bool:
        now = now or timezone.now()
        return (
            self.status == BookingStatus.CONFIRMED
            and self.join_opens_at <= now <= self.ends_at
        )

    def can_change(self, now=None) -> bool:
        now = now or timezone.now()
        return (
            self.status == BookingStatus.CONFIRMED
            and now <= self.starts_at - CHANGE_DEADLINE
        )

    def is_participant(self, user) -> bool:
        return user.is_authenticated and (
            user.pk == self.client_id or user.pk == self.specialist.user_id
        )


class ConsentTermsLocked(Exception):
    """A change to, or the deletion of, a version of the terms that someone has
    accepted: what a person agreed to must stay exactly as it was."""

    def __init__(self):
        self.message = gettext(
            "People have accepted this version of the terms, so it cannot be "
            "changed or deleted. To change the terms, publish a new version."
        )
        super().__init__(self.message)


# The parts of a version that are written out, each in every language it is read in.
TERMS_PARTS = (
    "operator",
    "purposes",
    "data_categories",
    "term",
    "third_parties",
    "text",
)
# Languages whose text is written in `ConsentTerms.translations`. Uzbek is the
# model's own fields; Uzbek Cyrillic is that same text, written in Cyrillic as the
# page is sent (core.transliteration.CyrillicPageMiddleware), so it needs no text of
# its own: a transliteration changes the letters, never what was agreed.
TERMS_TRANSLATED_LANGUAGES = ("ru", "kaa", "en")
TERMS_UZBEK_LANGUAGES = ("uz", "uz-cyrl")


@dataclass(frozen=True)
class TermsText:
    """A version's text in one language, as the consent page shows it."""

    language: str
    operator: str
    purposes: str
    data_categories: str
    term: str
    third_parties: str
    text: str


class ConsentTermsQuerySet(models.QuerySet):
    """Bulk writes refuse accepted versions too, as `ConsentTerms.save()` and
    `delete()` do (on PostgreSQL a trigger also refuses raw SQL)."""

    def accepted(self):
        return self.filter(Exists(ConsentRecord.objects.filter(terms=OuterRef("pk"))))

    def with_acceptance(self):
        """Each version annotated with `is_accepted_by_anyone`, for listings."""
        return self.annotate(
            is_accepted_by_anyone=Exists(
                ConsentRecord.objects.filter(terms=OuterRef("pk"))
            )
        )

    def update(self, **kwargs):
        if self.accepted().exists():
            raise ConsentTermsLocked()
        return super().update(**kwargs)

    update.alters_data = True

    def delete(self):
        if self.accepted().exists():
            raise ConsentTermsLocked()
        return super().delete()

    delete.alters_data = True
    delete.queryset_only = True


class ConsentTerms(models.Model):
    """A version of the terms for online consultations that clients accept.

    Uzbekistan's law "On personal data" (No. ZRU-547 of 2019) asks that a
    consent name the operator, the purposes, the data processed, how long the consent
    lasts and any transfer to third parties; each is a field so that no version can
    leave one out. A version is never edited or deleted once anyone has accepted it
    (even if they withdrew later): publish a new one, and everyone is asked again.
    `save()`, `delete()` and the queryset's `update()` and `delete()` raise
    `ConsentTermsLocked`; on PostgreSQL a trigger refuses the same in SQL
    (migration 0003).

    A person may agree only to a text they can read: the fields are the Uzbek text
    (also shown in Uzbek Cyrillic), and `translations` holds the Russian, Karakalpak
    and English ones (`text_in`). Translations are part of the version, so they are
    written before it is published: adding one to an accepted version is an edit,
    refused like any other (by `save()` and by the trigger, which compares whole
    rows), and needs a new version.
    """

    version = models.CharField(
        verbose_name=_("version"),
        max_length=20,
        unique=True,
    )
    operator = models.TextField(
        verbose_name=_("operator"),
        default="",
        help_text=_(
            "Who processes the data: the organisation's name, address and "
            "how to contact it."
        ),
    )
    purposes = models.TextField(
        verbose_name=_("purposes"),
        default="",
        help_text=_("What the data is used for."),
    )
    data_categories = models.TextField(
        verbose_name=_("data processed"),
        default="",
        help_text=_("Which data is processed, including health data."),
    )
    term = models.TextField(
        verbose_name=_("term"),
        default="",
        help_text=_("How long the consent lasts and how long data is kept."),
    )
    third_parties = models.TextField(
        verbose_name=_("transfer to third parties"),
        default="",
        help_text=_(
            "Who else receives the data, and whether it leaves Uzbekistan; "
            "write that there is none if so."
        ),
    )
    text = models.TextField(
        verbose_name=_("full text"),
    )
    translations = models.JSONField(
        verbose_name=_("translations"),
        default=dict,
        blank=True,
        help_text=_(
            "The same terms in Russian, Karakalpak and English. A person can agree "
            "only in a language the terms are written in."
        ),
    )
    published_at = models.DateTimeField(
        verbose_name=_("published at"),
        default=timezone.now,
        help_text=_("The latest version is the one clients are asked to accept."),
    )

    objects = ConsentTermsQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at"]
        verbose_name = _("consent terms")
        verbose_name_plural = _("consent terms")

    def __str__(self) -> str:
        return self.version

    def text_in(self, language: str) -> TermsText | None:
        """The version as written in `language` (an interface language), or None.

        The fields of the model are the Uzbek text, also shown in Uzbek Cyrillic;
        `translations` holds the others, {"ru": {"operator": ..., "text": ...}}. A
        language counts only when its full text is there."""
        if language in TERMS_UZBEK_LANGUAGES:
            parts = {part: getattr(self, part) for part in TERMS_PARTS}
        elif language in TERMS_TRANSLATED_LANGUAGES:
            parts = (self.translations or {}).get(language) or {}
            parts = {part: str(parts.get(part) or "") for part in TERMS_PARTS}
        else:
            return None
        if not parts["text"].strip():
            return None
        return TermsText(language=language, **parts)

    def languages(self) -> list[str]:
        """The interface languages this version can be read and accepted in, in the
        order of settings.LANGUAGES."""
        return [
            code for code, _name in settings.LANGUAGES if self.text_in(code) is not None
        ]

    def is_accepted(self) -> bool:
        """Whether anyone has ever accepted this version (withdrawn consents count)."""
        return (
            self.pk is not None
            and ConsentRecord.objects.filter(terms_id=self.pk).exists()
        )

    def save(self, *args, **kwargs):
        # A save that changes nothing (a demo loader run twice) is harmless.
        if self.pk is not None:
            stored = type(self)._base_manager.filter(pk=self.pk).first()
            if stored is not None and stored.is_accepted() and self._differs(stored):
                raise ConsentTermsLocked()
        super().save(*args, **kwargs)

    save.alters_data = True

    def delete(self, *args, **kwargs):
        if self.is_accepted():
            raise ConsentTermsLocked()
        return super().delete(*args, **kwargs)

    delete.alters_data = True

    def _differs(self, stored: "ConsentTerms") -> bool:
        return any(
            field.value_from_object(self) != field.value_from_object(stored)
            for field in self._meta.concrete_fields
        )


class ConsentRecord(models.Model):
    """A client's acceptance of one version of the terms, kept with its time."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="consent_records",
    )
    terms = models.ForeignKey(ConsentTerms, on_delete=models.PROTECT, related_name="+")
    # The interface language in which the person read and accepted the terms: what
    # they agreed to is `terms.text_in(language)`. Records made before the terms had
    # other languages were of the Uzbek text.
    language = models.CharField(
        max_length=10,
        choices=settings.LANGUAGES,
        default="uz",
    )
    accepted_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    wagtail_reference_index_ignore = True

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "terms"],
                condition=Q(withdrawn_at__isnull=True),
                name="consultations_consent_one_active_per_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.terms_id}"


class SessionNote(models.Model):
    """A specialist's private note about a session: health data, so its text is
    encrypted in the database (core.encryption)."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
    )
    text = EncryptedTextField(verbose_name=_("note"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    wagtail_reference_index_ignore = True

    def __str__(self) -> str:
        return f"note {self.pk} on {self.booking_id}"

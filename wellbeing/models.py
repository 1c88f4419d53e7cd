"""Check-ins: one WHO-5 questionnaire a specialist has scheduled for a client.

A check-in is due at a set time; the client gets a link to it (an unguessable token,
kept only as its SHA-256 for look-up and encrypted for the one reminder) and may
answer once until it expires. The answers, the score and any alert they raised are
health data: one encrypted JSON value (core.encryption), so a database dump
shows only that a check-in was answered and when, never how the person feels.

Check-ins are kept out of Wagtail's reference index, like bookings, so that no admin
"usage" page lists them.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.encryption import EncryptedJSONField, EncryptedTextField

from .who5 import percentage


class CheckIn(models.Model):
    """One questionnaire for one client from the specialist who scheduled it.

    `answers` holds {"items": [five answers 0-5], "raw_score": 0-25,
    "alerts": ["low", "fall"]}; read it through the properties below. It is empty
    exactly while the check-in is unanswered (a database constraint), and
    `answered_at` is set once, by a conditional UPDATE, so a double tap on "send"
    keeps the first answer.
    """

    client = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("client"),
        on_delete=models.CASCADE,
        related_name="checkins",
    )
    specialist = models.ForeignKey(
        "consultations.SpecialistProfile",
        verbose_name=_("specialist"),
        on_delete=models.PROTECT,
        related_name="checkins",
    )
    # The session after which the check-ins were planned; kept empty once that
    # booking is gone, the check-ins still belong to the client and the specialist.
    booking = models.ForeignKey(
        "consultations.Booking",
        verbose_name=_("session"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    due_at = models.DateTimeField(verbose_name=_("due at"), db_index=True)
    expires_at = models.DateTimeField(verbose_name=_("open until"))
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    # The link's token itself, for the reminder; encrypted like the answers.
    token = EncryptedTextField(editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # Claimed (set) before the message goes out, so it is sent once.
    sent_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(
        verbose_name=_("stopped at"),
        null=True,
        blank=True,
    )
    answered_at = models.DateTimeField(
        verbose_name=_("answered at"),
        null=True,
        blank=True,
    )
    answers = EncryptedJSONField(null=True, blank=True)
    # When the specialist first saw the answer (clears the notice on their page).
    reviewed_at = models.DateTimeField(null=True, blank=True)

    wagtail_reference_index_ignore = True

    class Meta:
        ordering = ["due_at"]
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        constraints = [
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True, answers__isnull=True)
                | Q(answered_at__isnull=False, answers__isnull=False),
                name="wellbeing_checkin_answered_with_answers",
            ),
            models.CheckConstraint(
                condition=Q(due_at__lt=models.F("expires_at")),
                name="wellbeing_checkin_due_before_expiry",
            ),
        ]
        indexes = [models.Index(fields=["specialist", "client", "due_at"])]

    def __str__(self) -> str:
        return f"check-in {self.pk} due {self.due_at:%Y-%m-%d}"

    @property
    def items(self) -> list[int]:
        return list((self.answers or {}).get("items") or [])

    @property
    def raw_score(self) -> int | None:
        return (self.answers or {}).get("raw_score")

    @property
    def percentage(self) -> int | None:
        raw = self.raw_score
        return None if raw is None else percentage(raw)

    @property
    def alerts(self) -> list[str]:
        return list((self.answers or {}).get("alerts") or [])

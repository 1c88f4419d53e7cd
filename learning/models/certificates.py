"""Certificates of completed programs and the reminders sent before a deadline.

A certificate keeps a copy of what it states (name, program, hours, date), so that it
reads the same even if the program is renamed later. Certificates are never deleted,
only revoked, and their codes are unique in the database: a code is never reused.

When the holder deletes her account the certificate stays, still verifiable by its
code, but forgets her: no name, no link to her account or enrolment
(`program_services.certificates_holder_forget`).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Certificate(models.Model):
    """Proof that a social worker completed a program, verifiable by its code."""

    code = models.CharField(
        verbose_name=_("code"),
        max_length=16,
        unique=True,
        editable=False,
    )
    # Empty once the holder's account is deleted (the enrolment goes with it).
    enrolment = models.ForeignKey(
        "learning.Enrolment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="certificates",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="certificates",
    )
    program = models.ForeignKey(
        "learning.Program",
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    holder_name = models.CharField(
        verbose_name=_("name"),
        max_length=150,
        blank=True,
        help_text=_("Empty once the holder has deleted her account."),
    )
    program_title = models.CharField(
        verbose_name=_("training program"),
        max_length=200,
    )
    cpd_hours = models.DecimalField(
        verbose_name=_("CPD hours"),
        max_digits=5,
        decimal_places=1,
    )
    issued_on = models.DateField(
        verbose_name=_("date"),
    )
    revoked_at = models.DateTimeField(
        verbose_name=_("revoked"),
        null=True,
        blank=True,
    )
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revocation_reason = models.CharField(
        verbose_name=_("reason for revoking"),
        max_length=300,
        blank=True,
    )

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_on", "-pk"]
        permissions = [
            ("revoke_certificate", "Can revoke certificates"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment"],
                condition=models.Q(revoked_at__isnull=True),
                name="learning_certificate_one_valid_per_enrolment",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def valid(self) -> bool:
        return self.revoked_at is None


class DeadlineReminder(models.Model):
    """That one reminder of a kind went to one enrolment; the unique row is the claim
    that keeps two clusters from sending it twice."""

    class Kind(models.TextChoices):
        WEEK = "week", _("A week before the deadline")
        DAY = "day", _("A day before the deadline")
        OVERDUE = "overdue", _("The deadline has passed")

    enrolment = models.ForeignKey(
        "learning.Enrolment",
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "kind"],
                name="learning_deadlinereminder_once_per_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id} {self.kind}"

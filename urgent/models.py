"""Models of the urgent app: who is on duty when (`DutyShift`, kept by coordinators)
and a client's "I need help now" (`UrgentRequest`).

A request's whole story is on its row (created, taken, escalated, closed), so that
every Daphne worker and the task cluster read the same truth, and the needs analytics
can count requests and how long they waited without reading the audit trail.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.roles import SPECIALIST


class DutyShift(models.Model):
    """One specialist on duty from `starts_at` to `ends_at`: urgent requests made
    then reach them. Coordinators keep the rota in the admin."""

    specialist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("specialist"),
        on_delete=models.CASCADE,
        related_name="duty_shifts",
        limit_choices_to={"groups__name": SPECIALIST},
    )
    starts_at = models.DateTimeField(
        verbose_name=_("starts"),
        help_text=_("Date and time the duty begins."),
    )
    ends_at = models.DateTimeField(
        verbose_name=_("ends"),
        help_text=_("Date and time the duty ends."),
    )

    class Meta:
        verbose_name = _("duty shift")
        verbose_name_plural = _("duty rota")
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["starts_at", "ends_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="urgent_dutyshift_ends_after_start",
                violation_error_message=_("The duty must end after it starts."),
            )
        ]

    def __str__(self) -> str:
        start = timezone.localtime(self.starts_at)
        end = timezone.localtime(self.ends_at)
        return f"{self.specialist}: {start:%Y-%m-%d %H:%M} – {end:%Y-%m-%d %H:%M}"


class UrgentRequest(models.Model):
    """A client's "I need help now". Open until closed; one open request per client
    (a database constraint, so a double tap on two workers still makes one)."""

    client = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("client"),
        on_delete=models.CASCADE,
        related_name="urgent_requests",
    )
    created = models.DateTimeField(
        verbose_name=_("asked at"),
        default=timezone.now,
        db_index=True,
    )
    taken_at = models.DateTimeField(
        verbose_name=_("taken at"),
        null=True,
        blank=True,
    )
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("taken by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="urgent_requests_taken",
    )
    escalated_at = models.DateTimeField(
        verbose_name=_("escalated at"),
        null=True,
        blank=True,
        help_text=_("When nobody had taken it in time and coordinators were told."),
    )
    closed_at = models.DateTimeField(
        verbose_name=_("closed at"),
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("urgent request")
        verbose_name_plural = _("urgent requests")
        ordering = ["created"]
        constraints = [
            models.UniqueConstraint(
                fields=["client"],
                condition=Q(closed_at__isnull=True),
                name="urgent_one_open_request_per_client",
            ),
            models.CheckConstraint(
                condition=Q(taken_at__isnull=True) | Q(taken_at__gte=F("created")),
                name="urgent_taken_after_created",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.client}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def is_taken(self) -> bool:
        return self.taken_at is not None

    def waited_seconds(self, now=None) -> int:
        """How long the client waited: until taken, or until now."""
        end = self.taken_at or now or timezone.now()
        return max(int((end - self.created).total_seconds()), 0)

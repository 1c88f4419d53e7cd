"""Attempts at a course's final assessment within an enrolment.

The questions asked and the order of their options are drawn when the attempt starts
and stored with it, so a reload shows the same test and the score is computed from
what the person actually saw. Right answers stay on the server until submission.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AssessmentAttempt(models.Model):
    """One try at a final assessment: open until submitted, then scored.

    Attempts belong to an enrolment (not just to a person and a course) because the
    pass mark is set per program; the attempt keeps the pass mark it was judged by.
    """

    enrolment = models.ForeignKey(
        "learning.Enrolment",
        on_delete=models.CASCADE,
        related_name="attempts",
    )
    course = models.ForeignKey(
        "learning.CoursePage",
        on_delete=models.PROTECT,
        related_name="+",
    )
    number = models.PositiveSmallIntegerField(
        verbose_name=_("attempt number"),
    )
    started_at = models.DateTimeField(
        verbose_name=_("started"),
    )
    ends_at = models.DateTimeField(
        verbose_name=_("time is up at"),
        null=True,
        blank=True,
        help_text="Only when the course sets a time limit.",
    )
    # [{"id": "<block id>", "options": [original option numbers in shown order]}]
    layout = models.JSONField()
    submitted_at = models.DateTimeField(
        verbose_name=_("submitted"),
        null=True,
        blank=True,
    )
    # {"<block id>": [chosen original option numbers]}
    answers = models.JSONField(null=True, blank=True)
    question_count = models.PositiveSmallIntegerField(default=0)
    correct_count = models.PositiveSmallIntegerField(default=0)
    score_percent = models.PositiveSmallIntegerField(
        verbose_name=_("score (%)"),
        null=True,
        blank=True,
    )
    pass_mark_percent = models.PositiveSmallIntegerField(
        verbose_name=_("pass mark (%)"),
    )
    passed = models.BooleanField(
        verbose_name=_("passed"),
        null=True,
        blank=True,
    )
    late = models.BooleanField(
        default=False,
        help_text="Sent after the time limit: the answers were not counted.",
    )

    class Meta:
        verbose_name = _("assessment attempt")
        ordering = ["enrolment", "course", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "course", "number"],
                name="learning_assessmentattempt_numbered_once",
            ),
            models.UniqueConstraint(
                fields=["enrolment", "course"],
                condition=models.Q(submitted_at__isnull=True),
                name="learning_assessmentattempt_one_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id} {self.course_id} #{self.number}"

    @property
    def submitted(self) -> bool:
        return self.submitted_at is not None

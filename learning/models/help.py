"""Help given by a social worker: she records, from her own account, that she helped
a named learner with a lesson, in person or by phone (issue 15).

The record is the helper's confirmation; the learner's own "done with help" mark on
her `LessonProgress` stays as she left it and is counted apart, so reports can show
lessons done alone, done with a social worker's confirmed help, and by whom.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .pages import CoursePage, LessonPage


class HelpMode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("By phone")


class LessonHelp(models.Model):
    """One lesson a social worker helped one learner with; once per learner and
    lesson (the first helper to record it is the one counted)."""

    helper = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("social worker"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="lesson_help_given",
    )
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("learner"),
        on_delete=models.CASCADE,
        related_name="lesson_help_received",
    )
    lesson = models.ForeignKey(LessonPage, on_delete=models.CASCADE, related_name="+")
    course = models.ForeignKey(CoursePage, on_delete=models.CASCADE, related_name="+")
    mode = models.CharField(
        verbose_name=_("how"),
        max_length=10,
        choices=HelpMode.choices,
    )
    helped_at = models.DateTimeField(
        verbose_name=_("recorded at"),
        default=timezone.now,
    )

    class Meta:
        verbose_name = _("help with a lesson")
        verbose_name_plural = _("help with lessons")
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "lesson"],
                name="learning_lessonhelp_once_per_learner_lesson",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.helper_id} -> {self.learner_id} {self.lesson_id}"

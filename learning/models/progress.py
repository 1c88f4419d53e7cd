"""The records of a learner's progress in lessons: the events her device reported,
her visits, and the summaries recomputed from those events.

The lessons and courses are named by label ("learning.LessonPage"), not imported:
the pages read these records to show a learner where she stands, so the imports go
one way, from the pages down to the records.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ProgressEvent(models.Model):
    """One thing a learner did, as the learner's device reported it.

    The device makes the id, so an event sent twice (a retry on a weak network) is
    stored once; `occurred_at` is the device's time, so late events still land in
    their place. Summaries are recomputed from these rows.
    """

    class Kind(models.TextChoices):
        OPEN = "open", _("Opened")
        TIME = "time", _("Time spent")
        VIDEO = "video", _("Video position")
        ANSWER = "answer", _("Answered")
        COMPLETE = "complete", _("Completed")
        # Recorded by the server when a simulation reaches a safe ending; the
        # progress API does not accept it from devices (learning/events.py).
        SIMULATION = "simulation", _("Practice done safely")

    event_id = models.UUIDField(unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="progress_events",
    )
    lesson = models.ForeignKey(
        "learning.LessonPage",
        on_delete=models.CASCADE,
        related_name="progress_events",
    )
    visit_id = models.UUIDField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    occurred_at = models.DateTimeField()
    received_at = models.DateTimeField(auto_now_add=True)
    seconds = models.PositiveIntegerField(null=True, blank=True)
    position = models.FloatField(null=True, blank=True)
    question_id = models.CharField(max_length=64, blank=True)
    choices = models.JSONField(null=True, blank=True)
    assisted = models.BooleanField(
        default=False,
        help_text="A lesson marked done with the help of a social worker.",
    )

    class Meta:
        indexes = [models.Index(fields=["user", "lesson"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.event_id}"


class LessonVisit(models.Model):
    """One sitting with a lesson: from opening it until leaving, on one device."""

    visit_id = models.UUIDField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="lesson_visits",
    )
    lesson = models.ForeignKey(
        "learning.LessonPage",
        on_delete=models.CASCADE,
        related_name="+",
    )
    started_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()
    seconds_spent = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "lesson", "visit_id"],
                name="learning_lessonvisit_one_per_visit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.lesson_id} {self.started_at:%Y-%m-%d %H:%M}"


class LessonProgress(models.Model):
    """Where a learner stands in a lesson, summed up from all their events."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="lesson_progress",
    )
    lesson = models.ForeignKey(
        "learning.LessonPage",
        on_delete=models.CASCADE,
        related_name="+",
    )
    course = models.ForeignKey(
        "learning.CoursePage",
        on_delete=models.CASCADE,
        related_name="+",
        help_text="Kept here so that 'My learning' needs no tree walk per lesson.",
    )
    opened_at = models.DateTimeField()
    last_activity_at = models.DateTimeField()
    seconds_spent = models.PositiveIntegerField(default=0)
    furthest_video_position = models.FloatField(default=0)
    completed_at = models.DateTimeField(null=True, blank=True)
    # Done with help until the learner also marks it done alone: lessons done alone
    # and with help are counted apart (assisted digital).
    completed_with_help = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "lesson"],
                name="learning_lessonprogress_one_per_user_lesson",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.lesson_id}"

    @property
    def completed(self) -> bool:
        return self.completed_at is not None


class PracticeAnswer(models.Model):
    """A learner's latest answer to one practice question, with the server's verdict."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="practice_answers",
    )
    lesson = models.ForeignKey(
        "learning.LessonPage",
        on_delete=models.CASCADE,
        related_name="+",
    )
    question_id = models.CharField(max_length=64)
    choices = models.JSONField()
    correct = models.BooleanField()
    answered_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "lesson", "question_id"],
                name="learning_practiceanswer_one_per_question",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.lesson_id} {self.question_id}"

"""Course pages in Wagtail and the records of a learner's progress.

A course also carries the question bank of its final assessment, edited in its own tab,
so that a trainer keeps a course and its test together under one approval workflow.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import (
    FieldPanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from cms.blocks import LessonStreamBlock

from ..blocks import AssessmentQuestionBankBlock


class Audience(models.TextChoices):
    OLDER_LEARNERS = "older", _("Older and rural learners")
    SOCIAL_WORKERS = "social_workers", _("Social workers")


class Level(models.TextChoices):
    BEGINNER = "beginner", _("First steps")
    INTERMEDIATE = "intermediate", _("Going further")


class DirectChildRouteMixin:
    """Route to a child page with one query instead of two.

    Wagtail's default routing loads the generic child page, then its specific page.
    Where a page allows one child type only, that type is queried directly; this keeps
    a lesson page within its query budget on slow database links.
    """

    def route(self, request, path_components):
        if not path_components:
            return super().route(request, path_components)
        child_slug, *remaining = path_components
        child_model = self.child_page_model()
        try:
            child = child_model.objects.child_of(self).get(slug=child_slug)
        except child_model.DoesNotExist:
            raise Http404 from None
        # The lesson page shows its course: spare it the query for it.
        child.routed_parent = self
        return child.route(request, remaining)


class CourseIndexPage(DirectChildRouteMixin, Page):
    """The list of all courses, grouped by audience."""

    intro = models.TextField(verbose_name=_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["learning.CoursePage"]
    # The admin lists the courses in their tree order, as learners see them, not
    # the latest edited first.
    admin_default_ordering = "ord"

    class Meta:
        verbose_name = _("course list")

    @staticmethod
    def child_page_model():
        return CoursePage

    def get_context(self, request, *args, **kwargs):
        from ..selectors import course_list_by_audience

        context = super().get_context(request, *args, **kwargs)
        context["groups"] = course_list_by_audience(parent=self)
        return context


class CoursePage(DirectChildRouteMixin, Page):
    """A course: a short ordered series of lessons about one everyday task."""

    audience = models.CharField(
        verbose_name=_("audience"),
        max_length=20,
        choices=Audience.choices,
        default=Audience.OLDER_LEARNERS,
    )
    summary = models.TextField(
        verbose_name=_("summary"),
        help_text=_("One or two plain sentences: what this course helps with."),
    )
    outcomes = models.TextField(
        verbose_name=_("what you will learn"),
        blank=True,
        help_text=_("One item per line."),
    )
    estimated_minutes = models.PositiveSmallIntegerField(
        verbose_name=_("estimated minutes"),
        default=30,
    )
    level = models.CharField(
        verbose_name=_("level"),
        max_length=20,
        choices=Level.choices,
        default=Level.BEGINNER,
    )
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("cover image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cover_alt = models.CharField(
        verbose_name=_("cover image description"),
        max_length=250,
        blank=True,
        help_text=_("What the picture shows, for people who cannot see it."),
    )
    assessment_questions = StreamField(
        AssessmentQuestionBankBlock(),
        verbose_name=_("question bank"),
        blank=True,
        help_text=_(
            "Questions of the final assessment. Each attempt asks them in a random "
            "order, with the answers shuffled."
        ),
    )
    assessment_question_count = models.PositiveSmallIntegerField(
        verbose_name=_("questions per attempt"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Leave empty to ask every question in the bank."),
    )
    assessment_max_attempts = models.PositiveSmallIntegerField(
        verbose_name=_("attempts allowed"),
        default=3,
        validators=[MinValueValidator(1)],
    )
    assessment_time_limit_minutes = models.PositiveSmallIntegerField(
        verbose_name=_("time limit in minutes"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Leave empty for no time limit."),
    )

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("outcomes"),
        MultiFieldPanel(
            [
                FieldPanel("audience"),
                FieldPanel("level"),
                FieldPanel("estimated_minutes"),
            ],
            heading=_("About the course"),
        ),
        MultiFieldPanel(
            [FieldPanel("cover_image"), FieldPanel("cover_alt")],
            heading=_("Cover"),
        ),
    ]
    assessment_panels = [
        FieldPanel("assessment_questions"),
        FieldPanel("assessment_question_count"),
        FieldPanel("assessment_max_attempts"),
        FieldPanel("assessment_time_limit_minutes"),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading=_("Content")),
            ObjectList(assessment_panels, heading=_("Final assessment")),
            ObjectList(Page.promote_panels, heading=_("Promote")),
            ObjectList(Page.settings_panels, heading=_("Settings")),
        ]
    )
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("outcomes"),
        index.FilterField("audience"),
    ]
    parent_page_types = ["learning.CourseIndexPage"]
    subpage_types = ["learning.LessonPage"]
    # The admin lists the lessons in course order (tree order), not the latest
    # edited first.
    admin_default_ordering = "ord"

    class Meta:
        verbose_name = _("course")

    @staticmethod
    def child_page_model():
        return LessonPage

    def clean(self):
        from django.core.exceptions import ValidationError

        super().clean()
        if self.cover_image_id and not self.cover_alt:
            raise ValidationError(
                {
                    "cover_alt": _(
                        "Describe the cover picture for people who cannot see it."
                    )
                }
            )

    def assessment_bank(self) -> dict:
        """The final assessment's questions by block id (with the right answers)."""
        return {
            block.id: block.value
            for block in self.assessment_questions
            if block.block_type == "question"
        }

    @property
    def has_assessment(self) -> bool:
        return bool(self.assessment_bank())

    @property
    def outcome_list(self) -> list[str]:
        return [line.strip() for line in self.outcomes.splitlines() if line.strip()]

    def get_context(self, request, *args, **kwargs):
        from ..selectors import course_progress_get

        context = super().get_context(request, *args, **kwargs)
        context["progress"] = course_progress_get(course=self, user=request.user)
        return context


class LessonPage(Page):
    """A lesson: a few minutes of steps, tips, a video and practice questions."""

    summary = models.CharField(
        verbose_name=_("summary"),
        max_length=300,
        blank=True,
    )
    estimated_minutes = models.PositiveSmallIntegerField(
        verbose_name=_("estimated minutes"),
        default=10,
    )
    body = StreamField(
        LessonStreamBlock(),
        verbose_name=_("lesson content"),
    )

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("estimated_minutes"),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
    ]
    parent_page_types = ["learning.CoursePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("lesson")

    def questions(self) -> dict:
        """The practice questions of this lesson by block id."""
        return {
            block.id: block.value
            for block in self.body
            if block.block_type == "question"
        }

    def serve(self, request, *args, **kwargs):
        if request.method == "POST":
            from ..views import lesson_form_post

            return lesson_form_post(request, lesson=self)
        return super().serve(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        from ..selectors import lesson_page_context

        context = super().get_context(request, *args, **kwargs)
        context.update(lesson_page_context(lesson=self, user=request.user))
        extra = kwargs.get("extra_context") or {}
        visitor_answers = extra.get("visitor_answers", {})
        form_errors = extra.get("form_errors", {})
        for item in context["items"]:
            block_id = item["block"].id
            if block_id in visitor_answers:
                item["answer"] = visitor_answers[block_id]
            item["error"] = form_errors.get(block_id)
        return context


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
        LessonPage,
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
    lesson = models.ForeignKey(LessonPage, on_delete=models.CASCADE, related_name="+")
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
    lesson = models.ForeignKey(LessonPage, on_delete=models.CASCADE, related_name="+")
    course = models.ForeignKey(
        CoursePage,
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
    lesson = models.ForeignKey(LessonPage, on_delete=models.CASCADE, related_name="+")
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

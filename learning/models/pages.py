"""The course pages in Wagtail: the course list, courses and their lessons.

A course also carries the question bank of its final assessment, edited in its own tab,
so that a trainer keeps a course and its test together under one approval workflow.

What a page shows is read by the page itself (`CoursePage.progress_of`,
`LessonPage.learner_context`), as bakerydemo's `BlogIndexPage.get_posts` does: a page
imports the models it reads and nothing above them, never a selector or a view, so
that no module imports one that imports it back (tests/cms/test_architecture_graph.py).
The progress records name these pages by label ("learning.LessonPage") for the same
reason.
"""

from dataclasses import dataclass
from datetime import datetime
from http import HTTPMethod

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Prefetch
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import (
    FieldPanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.fields import StreamField
from wagtail.images import get_image_model
from wagtail.models import Page
from wagtail.search import index

from core.languages import locale_id_of

from ..answers import answer_check
from ..blocks import AssessmentQuestionBankBlock, LessonStreamBlock
from .progress import LessonProgress, PracticeAnswer
from .simulations import SimulationRun


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


class SourcePageMixin:
    """The Uzbek page a translated page (or its alias) was made from.

    Progress, answers and program completion belong to the Uzbek page, so a learner
    who changes language mid-course keeps every step: the lessons of the Russian
    version count what was done in the Uzbek one, and the other way round.
    """

    def source_page(self):
        source_language = settings.LANGUAGE_CODE
        if self.locale_id == locale_id_of(source_language):
            return self
        source = (
            type(self)
            .objects.filter(
                translation_key=self.translation_key,
                locale__language_code=source_language,
            )
            .first()
        )
        return source or self


@dataclass
class CourseProgress:
    """A course in the reader's language and what the learner finished of it.

    `completed_keys` holds Wagtail translation keys, which a lesson shares with its
    translations: progress is kept on the Uzbek lessons and shown on any version.
    """

    course: "CoursePage"
    lessons: list["LessonPage"]
    completed_keys: set
    last_activity_at: datetime | None = None

    @property
    def total(self) -> int:
        return len(self.lessons)

    @property
    def done(self) -> int:
        return sum(
            1
            for lesson in self.lessons
            if lesson.translation_key in self.completed_keys
        )

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def completed(self) -> bool:
        return bool(self.total) and self.done == self.total

    @property
    def started(self) -> bool:
        return self.last_activity_at is not None

    @property
    def next_lesson(self) -> "LessonPage | None":
        for lesson in self.lessons:
            if lesson.translation_key not in self.completed_keys:
                return lesson
        return None

    def lesson_rows(self) -> list[tuple["LessonPage", bool]]:
        return [
            (lesson, lesson.translation_key in self.completed_keys)
            for lesson in self.lessons
        ]


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

    def courses_by_audience(self) -> list[tuple[str, list["CoursePage"]]]:
        """The published courses under this list, grouped by audience, in tree order."""
        # Each card shows its course's picture: pictures and renditions at once.
        pictures = get_image_model().objects.prefetch_renditions()
        courses = list(
            CoursePage.objects.child_of(self)
            .live()
            .public()
            .order_by("path")
            .prefetch_related(Prefetch("cover_image", queryset=pictures))
        )
        groups = []
        for value, label in Audience.choices:
            members = [course for course in courses if course.audience == value]
            if members:
                groups.append((label, members))
        return groups

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["groups"] = self.courses_by_audience()
        return context


class CoursePage(DirectChildRouteMixin, SourcePageMixin, Page):
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

    def live_lessons(self) -> list["LessonPage"]:
        """The published lessons of this course in their order.

        View restrictions are set on courses (or higher), and Wagtail checks them
        before a course or lesson page is served, so they are not checked again per
        lesson here.
        """
        return list(LessonPage.objects.child_of(self).live().order_by("path"))

    def progress_of(self, user) -> CourseProgress:
        """What `user` finished of this course, counted on its Uzbek lessons."""
        lessons = self.live_lessons()
        if not user.is_authenticated:
            return CourseProgress(course=self, lessons=lessons, completed_keys=set())
        rows = list(
            LessonProgress.objects.filter(user=user, course=self.source_page()).values(
                "lesson__translation_key", "completed_at", "last_activity_at"
            )
        )
        completed = {
            row["lesson__translation_key"] for row in rows if row["completed_at"]
        }
        last = max((row["last_activity_at"] for row in rows), default=None)
        return CourseProgress(
            course=self,
            lessons=lessons,
            completed_keys=completed,
            last_activity_at=last,
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["progress"] = self.progress_of(request.user)
        return context


class LessonPage(SourcePageMixin, Page):
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
    # The lesson's forms post to their own address (learning/urls.py,
    # "learning_lesson_form"): a post here is refused, not shown as if it was taken.
    allowed_http_methods = [HTTPMethod.GET, HTTPMethod.HEAD, HTTPMethod.OPTIONS]

    class Meta:
        verbose_name = _("lesson")

    def questions(self) -> dict:
        """The practice questions of this lesson by block id."""
        return {
            block.id: block.value
            for block in self.body
            if block.block_type == "question"
        }

    def get_course(self) -> CoursePage:
        # Routing through the course leaves it here (DirectChildRouteMixin).
        return getattr(self, "routed_parent", None) or CoursePage.objects.get(
            path=self.path[: -self.steplen]
        )

    def simulations_done_by(self, user) -> set[str]:
        """Ids of this lesson's simulation blocks the learner has ended safely
        (`self` is the Uzbek lesson, whose block ids its translations share)."""
        if not user.is_authenticated:
            return set()
        return set(
            SimulationRun.objects.filter(user=user, lesson=self, safe=True)
            .values_list("block_id", flat=True)
            .distinct()
        )

    def learner_context(self, user) -> dict:
        """Everything the lesson template needs, in a fixed, small number of queries."""
        course = self.get_course()
        lessons = course.live_lessons()
        position = next(
            (number for number, item in enumerate(lessons) if item.pk == self.pk), 0
        )
        source = self.source_page()
        progress = None
        answers: dict[str, PracticeAnswer] = {}
        if user.is_authenticated:
            progress = LessonProgress.objects.filter(user=user, lesson=source).first()
            answers = {
                answer.question_id: answer
                for answer in PracticeAnswer.objects.filter(user=user, lesson=source)
            }
        simulations_done: set[str] = set()
        if any(block.block_type == "simulation" for block in self.body):
            simulations_done = source.simulations_done_by(user)
        # A transcript block gives the words of the lesson's video: a lesson without
        # a video block must not offer "the words of the video" (issue 18).
        has_video = any(block.block_type == "video" for block in self.body)
        items = []
        step_number = 0
        for block in self.body:
            if block.block_type == "transcript" and not has_video:
                continue
            item = {"block": block, "step_number": None, "answer": None}
            if block.block_type == "simulation":
                item["done"] = block.id in simulations_done
            elif block.block_type == "step":
                step_number += 1
                item["step_number"] = step_number
            elif block.block_type == "question" and block.id in answers:
                item["answer"] = answer_check(
                    question_id=block.id,
                    question=block.value,
                    choices=answers[block.id].choices,
                )
            items.append(item)
        return {
            "course": course,
            "progress_lesson": source,
            "lessons": lessons,
            "lesson_number": position + 1,
            "previous_lesson": lessons[position - 1] if position > 0 else None,
            "next_lesson": (
                lessons[position + 1] if position + 1 < len(lessons) else None
            ),
            "progress": progress,
            "items": items,
        }

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(self.learner_context(request.user))
        extra = kwargs.get("extra_context") or {}
        visitor_answers = extra.get("visitor_answers", {})
        form_errors = extra.get("form_errors", {})
        for item in context["items"]:
            block_id = item["block"].id
            if block_id in visitor_answers:
                item["answer"] = visitor_answers[block_id]
            item["error"] = form_errors.get(block_id)
        return context

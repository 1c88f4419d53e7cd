"""Reads of the learning app: what pages need to show courses, lessons, progress."""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Max, Prefetch, Q
from django.utils.translation import get_language
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.images import get_image_model
from wagtail.models import Locale, Page

from cms.languages import locale_id_of

from .answers import answer_check
from .models import (
    CourseIndexPage,
    CoursePage,
    LessonPage,
    LessonProgress,
    PracticeAnswer,
)


def page_source_get(page: Page) -> Page:
    """The Uzbek page that a translated page (or its alias) was made from.

    Progress, answers and program completion belong to the Uzbek page, so a learner
    who changes language mid-course keeps every step: the lessons of the Russian
    version count what was done in the Uzbek one, and the other way round.
    """
    source_language = settings.LANGUAGE_CODE
    if page.locale_id == locale_id_of(source_language):
        return page
    source = (
        type(page)
        .objects.filter(
            translation_key=page.translation_key,
            locale__language_code=source_language,
        )
        .first()
    )
    return source or page


@dataclass
class CourseProgress:
    """A course in the reader's language and what the learner finished of it.

    `completed_keys` holds Wagtail translation keys, which a lesson shares with its
    translations: progress is kept on the Uzbek lessons and shown on any version.
    """

    course: CoursePage
    lessons: list[LessonPage]
    completed_keys: set
    last_activity_at: object = None

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
    def next_lesson(self) -> LessonPage | None:
        for lesson in self.lessons:
            if lesson.translation_key not in self.completed_keys:
                return lesson
        return None

    def lesson_rows(self) -> list[tuple[LessonPage, bool]]:
        return [
            (lesson, lesson.translation_key in self.completed_keys)
            for lesson in self.lessons
        ]


def course_index_get() -> CourseIndexPage | None:
    """The course list in the reader's language (Uzbek where there is none)."""
    indexes = CourseIndexPage.objects.live().public()
    return (
        indexes.filter(locale=Locale.get_active()).first()
        or indexes.filter(locale__language_code=settings.LANGUAGE_CODE).first()
        or indexes.first()
    )


def lesson_visible_get(*, lesson_id: int) -> LessonPage | None:
    """A lesson anyone may read: published and not behind a view restriction.

    Any language version's id gives the Uzbek lesson, which progress is kept on.
    """
    lesson = LessonPage.objects.live().public().filter(pk=lesson_id).first()
    return page_source_get(lesson) if lesson else None


def course_lessons(course: CoursePage) -> list[LessonPage]:
    """The published lessons of a course in their order.

    View restrictions are set on courses (or higher), and Wagtail checks them before a
    course or lesson page is served, so they are not checked again per lesson here.
    """
    return list(LessonPage.objects.child_of(course).live().order_by("path"))


def course_list_by_audience(
    *, parent: CourseIndexPage
) -> list[tuple[str, list[CoursePage]]]:
    from .models import Audience

    # Each card shows its course's picture: the pictures and their renditions at once.
    pictures = get_image_model().objects.prefetch_renditions()
    courses = list(
        CoursePage.objects.child_of(parent)
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


def course_progress_get(*, course: CoursePage, user) -> CourseProgress:
    lessons = course_lessons(course)
    if not user.is_authenticated:
        return CourseProgress(course=course, lessons=lessons, completed_keys=set())
    rows = list(
        LessonProgress.objects.filter(user=user, course=page_source_get(course)).values(
            "lesson__translation_key", "completed_at", "last_activity_at"
        )
    )
    completed = {row["lesson__translation_key"] for row in rows if row["completed_at"]}
    last = max((row["last_activity_at"] for row in rows), default=None)
    return CourseProgress(
        course=course, lessons=lessons, completed_keys=completed, last_activity_at=last
    )


def learner_courses_in_progress(*, user) -> list[CourseProgress]:
    """Courses the learner has opened, most recently active first."""
    activity = (
        LessonProgress.objects.filter(user=user)
        .values("course_id")
        .annotate(last=Max("last_activity_at"))
        .order_by("-last")
    )
    last_by_course = {row["course_id"]: row["last"] for row in activity}
    if not last_by_course:
        return []
    courses = CoursePage.objects.live().public().filter(pk__in=last_by_course)
    completed = set(
        LessonProgress.objects.filter(
            user=user, completed_at__isnull=False
        ).values_list("lesson__translation_key", flat=True)
    )
    # Each course shown in the reader's language where it is there, in one query.
    shown_by_key = {
        page.translation_key: page
        for page in CoursePage.objects.live().filter(
            locale_id=locale_id_of(
                get_supported_content_language_variant(get_language())
            ),
            translation_key__in=[course.translation_key for course in courses],
        )
    }
    result = []
    for course in courses:
        shown = shown_by_key.get(course.translation_key, course)
        result.append(
            CourseProgress(
                course=shown,
                lessons=course_lessons(shown),
                completed_keys=completed,
                last_activity_at=last_by_course[course.pk],
            )
        )
    result.sort(key=lambda item: item.last_activity_at, reverse=True)
    return result


def learner_continue_get(*, user) -> CourseProgress | None:
    """The course to offer on the home page: the latest one that is not finished."""
    for item in learner_courses_in_progress(user=user):
        if not item.completed and item.next_lesson is not None:
            return item
    return None


def lesson_page_context(*, lesson: LessonPage, user) -> dict:
    """Everything the lesson template needs, in a fixed, small number of queries."""
    course = getattr(lesson, "routed_parent", None) or CoursePage.objects.get(
        path=lesson.path[: -LessonPage.steplen]
    )
    lessons = course_lessons(course)
    position = next((i for i, item in enumerate(lessons) if item.pk == lesson.pk), 0)
    source = page_source_get(lesson)
    progress = None
    answers: dict[str, PracticeAnswer] = {}
    if user.is_authenticated:
        progress = LessonProgress.objects.filter(user=user, lesson=source).first()
        answers = {
            answer.question_id: answer
            for answer in PracticeAnswer.objects.filter(user=user, lesson=source)
        }
    simulations_done: set[str] = set()
    if user.is_authenticated and any(
        block.block_type == "simulation" for block in lesson.body
    ):
        from .simulation_selectors import simulation_blocks_done

        simulations_done = simulation_blocks_done(user=user, lesson=source)
    # A transcript block gives the words of the lesson's video: a lesson without a
    # video block must not offer "the words of the video" (issue 18).
    has_video = any(block.block_type == "video" for block in lesson.body)
    items = []
    step_number = 0
    for block in lesson.body:
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
        "next_lesson": lessons[position + 1] if position + 1 < len(lessons) else None,
        "progress": progress,
        "items": items,
    }


@dataclass(frozen=True)
class LessonsDone:
    alone: int
    with_help: int


def learner_lessons_done_count(*, user) -> LessonsDone:
    """Lessons a learner finished alone and with a social worker's help, apart."""
    totals = LessonProgress.objects.filter(
        user=user, completed_at__isnull=False
    ).aggregate(
        alone=Count("pk", filter=Q(completed_with_help=False)),
        with_help=Count("pk", filter=Q(completed_with_help=True)),
    )
    return LessonsDone(alone=totals["alone"], with_help=totals["with_help"])

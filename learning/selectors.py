"""Reads of the learning app that reach beyond one page: the course list in the
reader's language, a lesson anyone may read, a learner's courses and lessons done.

What one course or lesson page shows, the page reads itself (learning/models/pages.py).
"""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Max, Q
from django.utils.translation import get_language
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale

from core.languages import locale_id_of

from .models import CourseIndexPage, CoursePage, LessonPage, LessonProgress
from .models.pages import CourseProgress


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
    return lesson.source_page() if lesson else None


def lesson_live_get(*, lesson_id: int) -> LessonPage | None:
    """A published lesson in the language its id names, restricted or not (see
    `lesson_closed_to`)."""
    return LessonPage.objects.live().filter(pk=lesson_id).first()


def lesson_closed_to(lesson: LessonPage, request) -> bool:
    """Whether one of the lesson's view restrictions (sign-in, group, password)
    turns this request away, as Wagtail decides when it serves the page."""
    return not all(
        restriction.accept_request(request)
        for restriction in lesson.get_view_restrictions()
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
                lessons=shown.live_lessons(),
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

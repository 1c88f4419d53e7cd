"""Reads for training programs: where a social worker stands, the CPD ledger, report
figures and certificate look-ups.

Completion rules live here so that the pages, the reports and the completion service
agree: a course is done when all its published lessons are marked done and, if it has
a question bank, an attempt at its final assessment reached the program's pass mark;
a program is complete when it has courses and every one of them is done.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from .models import (
    AssessmentAttempt,
    Certificate,
    Enrolment,
    LessonProgress,
    Program,
    ProgramCourse,
)
from .selectors import course_lessons


def today_local() -> date:
    """Today in Tashkent, the day deadlines and enrolment windows are counted in."""
    return timezone.localdate()


@dataclass
class CourseStanding:
    program_course: ProgramCourse
    lessons_total: int
    lessons_done: int
    has_assessment: bool
    attempts_allowed: int
    attempts: list[AssessmentAttempt] = field(default_factory=list)

    @property
    def course(self):
        return self.program_course.course

    @property
    def pass_mark(self) -> int:
        return self.program_course.pass_mark_percent

    @property
    def lessons_finished(self) -> bool:
        return self.lessons_done >= self.lessons_total

    @property
    def submitted_attempts(self) -> list[AssessmentAttempt]:
        return [attempt for attempt in self.attempts if attempt.submitted]

    @property
    def open_attempt(self) -> AssessmentAttempt | None:
        return next((a for a in self.attempts if not a.submitted), None)

    @property
    def attempts_used(self) -> int:
        return len(self.attempts)

    @property
    def attempts_left(self) -> int:
        return max(0, self.attempts_allowed - self.attempts_used)

    @property
    def passed(self) -> bool:
        return any(attempt.passed for attempt in self.submitted_attempts)

    @property
    def best_score(self) -> int | None:
        scores = [a.score_percent for a in self.submitted_attempts]
        return max(scores) if scores else None

    @property
    def assessment_done(self) -> bool:
        return self.passed or not self.has_assessment

    @property
    def done(self) -> bool:
        return self.lessons_finished and self.assessment_done

    @property
    def can_attempt(self) -> bool:
        return (
            self.has_assessment
            and not self.passed
            and (self.open_attempt is not None or self.attempts_left > 0)
        )


@dataclass
class EnrolmentStanding:
    enrolment: Enrolment
    courses: list[CourseStanding]
    certificate: Certificate | None = None

    @property
    def program(self) -> Program:
        return self.enrolment.program

    @property
    def courses_total(self) -> int:
        return len(self.courses)

    @property
    def courses_done(self) -> int:
        return sum(1 for course in self.courses if course.done)

    @property
    def percent(self) -> int:
        if not self.courses_total:
            return 0
        return 100 * self.courses_done // self.courses_total

    @property
    def complete(self) -> bool:
        return bool(self.courses) and all(course.done for course in self.courses)

    def overdue_on(self, day: date) -> bool:
        return self.enrolment.overdue_on(day)


def program_courses(*, program: Program) -> list[ProgramCourse]:
    return list(
        ProgramCourse.objects.filter(program=program)
        .select_related("course")
        .order_by("sort_order", "pk")
    )


def program_live_get(*, slug: str) -> Program | None:
    return Program.objects.filter(slug=slug, live=True).first()


def enrolment_get(*, user, program: Program) -> Enrolment | None:
    if not user.is_authenticated:
        return None
    return (
        Enrolment.objects.filter(user=user, program=program)
        .select_related("program", "cohort", "user")
        .first()
    )


def enrolment_standing_get(*, enrolment: Enrolment) -> EnrolmentStanding:
    """Where one enrolment stands, course by course, from lessons and attempts."""
    items = program_courses(program=enrolment.program)
    course_ids = [item.course_id for item in items]
    done_lessons = set(
        LessonProgress.objects.filter(
            user_id=enrolment.user_id,
            course_id__in=course_ids,
            completed_at__isnull=False,
        ).values_list("lesson_id", flat=True)
    )
    attempts_by_course: dict[int, list[AssessmentAttempt]] = {}
    for attempt in AssessmentAttempt.objects.filter(enrolment=enrolment).order_by(
        "number"
    ):
        attempts_by_course.setdefault(attempt.course_id, []).append(attempt)
    courses = []
    for item in items:
        lessons = course_lessons(item.course)
        courses.append(
            CourseStanding(
                program_course=item,
                lessons_total=len(lessons),
                lessons_done=sum(1 for lesson in lessons if lesson.pk in done_lessons),
                has_assessment=item.course.has_assessment,
                attempts_allowed=item.course.assessment_max_attempts,
                attempts=attempts_by_course.get(item.course_id, []),
            )
        )
    certificate = (
        Certificate.objects.filter(enrolment=enrolment, revoked_at__isnull=True)
        .order_by("-pk")
        .first()
    )
    return EnrolmentStanding(
        enrolment=enrolment, courses=courses, certificate=certificate
    )


def learner_enrolments(*, user) -> list[EnrolmentStanding]:
    """The programs a social worker is enrolled in, unfinished ones first."""
    enrolments = (
        Enrolment.objects.filter(user=user)
        .select_related("program", "cohort", "user")
        .order_by("completed_at", "program__deadline")
    )
    return [enrolment_standing_get(enrolment=item) for item in enrolments]


@dataclass
class CpdYear:
    year: int
    hours: Decimal
    certificates: list[Certificate]


def cpd_ledger_get(*, user) -> list[CpdYear]:
    """CPD hours earned per calendar year, from certificates that are still valid."""
    years: dict[int, CpdYear] = {}
    for certificate in Certificate.objects.filter(
        user=user, revoked_at__isnull=True
    ).order_by("-issued_on", "-pk"):
        year = certificate.issued_on.year
        entry = years.setdefault(
            year, CpdYear(year=year, hours=Decimal("0"), certificates=[])
        )
        entry.hours += certificate.cpd_hours
        entry.certificates.append(certificate)
    return sorted(years.values(), key=lambda entry: entry.year, reverse=True)


def certificate_get(*, code: str) -> Certificate | None:
    return Certificate.objects.filter(code=code.strip().upper()).first()


def completion_rows(*, enrolments: QuerySet, today: date) -> QuerySet:
    """Completion figures grouped by program, cohort and region.

    `enrolments` may already be filtered; the grouping happens in the database. Each
    row has enrolled, completed and overdue counts; the percent is added by
    `completion_percent`.
    """
    return (
        enrolments.values(
            "program__title", "cohort__name", "user__region", "program__deadline"
        )
        .annotate(
            enrolled=Count("pk"),
            completed=Count("pk", filter=Q(completed_at__isnull=False)),
            overdue=Count(
                "pk",
                filter=Q(completed_at__isnull=True, program__deadline__lt=today),
            ),
        )
        .order_by("program__title", "cohort__name", "user__region")
    )


def completion_percent(*, completed: int, enrolled: int) -> int:
    """Whole percent, rounded down, so 100 means everyone finished."""
    return 100 * completed // enrolled if enrolled else 0


def overdue_enrolments(*, today: date) -> QuerySet:
    return Enrolment.objects.filter(
        completed_at__isnull=True, program__deadline__lt=today
    )

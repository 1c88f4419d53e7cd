"""Reads for training programs: where a social worker stands, the CPD ledger, report
figures and certificate look-ups.

Completion rules live here so that the pages, the reports and the completion service
agree: a course is done when all its published lessons are marked done and, if it has
a question bank, an attempt at its final assessment reached the program's pass mark;
a program is complete when it has courses and every one of them is done.

So does the rule of who sees whom in the training admin ("Who sees whom" below, and
docs/privacy.md): every admin view, report and export starts from its querysets, and
the reads it allows are recorded in the audit trail here.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from accounts.phone import normalize_phone
from accounts.roles import COORDINATOR, SOCIAL_WORKER, SPECIALIST, TRAINER
from audit.models import AuditAction
from audit.services import audit_record

from .models import (
    AssessmentAttempt,
    Certificate,
    Cohort,
    Enrolment,
    LessonProgress,
    Program,
    ProgramCourse,
)


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
        lessons = item.course.live_lessons()
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


# What people type from paper: spaces, dashes (any kind) and small letters.
_CERTIFICATE_CODE_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015]+")
_CERTIFICATE_CODE = re.compile(r"[A-Z0-9]{1,16}")


def certificate_code_normalise(code: str) -> str | None:
    """A typed code as codes are issued (capitals and digits, nothing between them),
    or None if no certificate could have it: then no query is made."""
    code = _CERTIFICATE_CODE_SEPARATORS.sub("", code).upper()
    return code if _CERTIFICATE_CODE.fullmatch(code) else None


def certificate_get(*, code: str) -> Certificate | None:
    code = certificate_code_normalise(code)
    if code is None:
        return None
    return Certificate.objects.filter(code=code).first()


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


# Who sees whom -------------------------------------------------------------------
#
# The training admin names only these people (docs/privacy.md, "Who sees whom"):
# - a trainer, the people in the cohorts of the programs she runs (`programs_run_by`);
# - a coordinator (`view_all_training_records`), every social worker's training
#   records;
# - nobody else: a course's anonymous or public learners have no enrolment and are
#   never named; a consultation client is seen only if she sits in the reader's
#   cohort. Anyone outside these querysets is answered as if she did not exist.
# - a social worker recording help with a lesson finds only the people she serves
#   (`learners_helped_by_social_workers`), never staff.

ALL_RECORDS_PERMISSION = "learning.view_all_training_records"


def _sees_all_social_workers(reader) -> bool:
    return reader.is_authenticated and reader.has_perm(ALL_RECORDS_PERMISSION)


def _social_worker_ids() -> QuerySet:
    return get_user_model().objects.filter(groups__name=SOCIAL_WORKER).values("pk")


def programs_run_by(*, user) -> QuerySet:
    """The programs `user` runs: those naming her a trainer and those she created."""
    if not user.is_authenticated:
        return Program.objects.none()
    return Program.objects.filter(Q(trainers=user) | Q(owner=user)).distinct()


def programs_visible(*, reader) -> QuerySet:
    """The programs whose figures `reader` sees (also the reports' filter choices)."""
    if _sees_all_social_workers(reader):
        return Program.objects.all()
    return programs_run_by(user=reader)


def cohorts_visible(*, reader) -> QuerySet:
    if _sees_all_social_workers(reader):
        return Cohort.objects.all()
    return Cohort.objects.filter(program__in=programs_run_by(user=reader).values("pk"))


def enrolments_visible(*, reader) -> QuerySet:
    """The enrolments `reader` may see: the single source of every report and export.

    Built from subqueries, not joins, so that it has one row per enrolment and the
    reports may group it."""
    if not reader.is_authenticated:
        return Enrolment.objects.none()
    allowed = Q(cohort__program__in=programs_run_by(user=reader).values("pk"))
    if _sees_all_social_workers(reader):
        allowed |= Q(user__in=_social_worker_ids())
    return Enrolment.objects.filter(allowed)


def learners_visible(*, reader) -> QuerySet:
    """The people `reader` may see in the training admin."""
    if not reader.is_authenticated:
        return get_user_model().objects.none()
    allowed = Q(pk__in=enrolments_visible(reader=reader).values("user_id"))
    if _sees_all_social_workers(reader):
        allowed |= Q(pk__in=_social_worker_ids())
    return get_user_model().objects.filter(allowed)


def certificates_visible(*, reader) -> QuerySet:
    """Certificates of the people `reader` sees; coordinators also see those whose
    holder deleted her account (they name nobody)."""
    if not reader.is_authenticated:
        return Certificate.objects.none()
    allowed = Q(enrolment__in=enrolments_visible(reader=reader).values("pk"))
    if _sees_all_social_workers(reader):
        allowed |= Q(user__isnull=True)
    return Certificate.objects.filter(allowed)


def login_query(login: str) -> Q:
    """Who a typed login names: the username in any case, or the phone number in any
    spelling that `normalize_phone` accepts."""
    query = Q(username__iexact=login)
    try:
        query |= Q(phone_number=normalize_phone(login))
    except ValidationError:
        pass
    return query


def social_worker_find(*, login: str):
    """The active social worker with this username (any case) or phone number.

    One query, the same whether nobody has the login or someone who is not a social
    worker does: a cohort lookup cannot tell those two apart, by its answer or by
    its time."""
    return (
        get_user_model()
        .objects.filter(login_query(login), is_active=True, pk__in=_social_worker_ids())
        .first()
    )


def learners_helped_by_social_workers() -> QuerySet:
    """The people a social worker may record help with a lesson for: active accounts
    that hold no staff role (learners and clients). Staff, trainers, specialists,
    coordinators and other social workers are not people she serves."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            is_staff=False,
            is_superuser=False,
        )
        .exclude(groups__name__in=[TRAINER, SPECIALIST, COORDINATOR, SOCIAL_WORKER])
    )


def learner_helped_find(*, login: str):
    """The person a social worker typed on the "record help" page, or None.

    One query, the same for nobody and for someone she does not serve (a colleague,
    a specialist, an administrator), so the page cannot tell her whether a number
    or username has an account outside the people she serves."""
    return learners_helped_by_social_workers().filter(login_query(login)).first()


def _access_denied_record(*, reader, target, request) -> None:
    audit_record(
        actor=reader,
        action=AuditAction.ACCESS_DENIED,
        target=target,
        request=request,
        detail={"path": request.path} if request is not None else {},
    )


@dataclass
class LearnerRecord:
    person: object
    standings: list[EnrolmentStanding]
    certificates: list[Certificate]


def learner_record_get(*, reader, user_id: int, request=None) -> LearnerRecord | None:
    """One person's training record as `reader` may see it, or None as if she did
    not exist. Only the reader's share is in it: a trainer sees the programs she
    runs, not the person's other programs. The read is recorded (`learner_view`),
    a refusal too (`access_denied`)."""
    person = learners_visible(reader=reader).filter(pk=user_id).first()
    if person is None:
        _access_denied_record(
            reader=reader, target=("accounts.user", user_id), request=request
        )
        return None
    enrolments = (
        enrolments_visible(reader=reader)
        .filter(user=person)
        .select_related("program", "cohort", "user")
        .order_by("program__title", "pk")
    )
    record = LearnerRecord(
        person=person,
        standings=[enrolment_standing_get(enrolment=item) for item in enrolments],
        certificates=list(certificates_visible(reader=reader).filter(user=person)),
    )
    audit_record(
        actor=reader,
        action=AuditAction.LEARNER_VIEW,
        target=person,
        request=request,
        detail={"programs": len(record.standings)},
    )
    return record


def cohort_visible_get(*, reader, cohort_id: int, request=None) -> Cohort | None:
    """The cohort if `reader` runs its program (or sees everyone), else None."""
    cohort = (
        cohorts_visible(reader=reader)
        .select_related("program")
        .filter(pk=cohort_id)
        .first()
    )
    if cohort is None:
        _access_denied_record(
            reader=reader, target=("learning.cohort", cohort_id), request=request
        )
    return cohort


def cohort_members_list(*, reader, cohort: Cohort, request=None) -> list[Enrolment]:
    """The cohort's members that `reader` sees; the listing is recorded."""
    members = list(
        enrolments_visible(reader=reader)
        .filter(cohort=cohort)
        .select_related("user", "program")
        .order_by("user__full_name", "pk")
    )
    audit_record(
        actor=reader,
        action=AuditAction.COHORT_MEMBERS_VIEW,
        target=cohort,
        request=request,
        detail={"members": len(members)},
    )
    return members


def certificate_visible_get(*, reader, code: str, request=None) -> Certificate | None:
    """A certificate for the training admin, if `reader` sees its holder."""
    certificate = (
        certificates_visible(reader=reader).filter(code=code.strip().upper()).first()
    )
    if certificate is None:
        _access_denied_record(
            reader=reader, target=("learning.certificate", code[:64]), request=request
        )
    return certificate


def certificate_staff_read_record(
    *, reader, certificate: Certificate, action: str, request=None
) -> None:
    """Record that someone other than the holder read a certificate that names her
    (its admin page, `learner_view`, or its PDF, `certificate_download`). The holder
    reading her own certificate is not recorded, as her other own pages are not;
    nor is a certificate that names nobody any more."""
    if certificate.user_id is None or certificate.user_id == reader.pk:
        return
    if action == AuditAction.CERTIFICATE_DOWNLOAD:
        target = certificate
    else:
        target = ("accounts.user", certificate.user_id)
    audit_record(
        actor=reader,
        action=action,
        target=target,
        request=request,
        detail={"certificate": certificate.pk, "user": certificate.user_id},
    )


def training_report_read_record(
    *,
    reader,
    report: str,
    export_format: str | None,
    filters: list[str],
    rows: int,
    request=None,
) -> None:
    """Record one read of a training report: its page (`report_view`) or an export
    (`report_export`, with the format), the filter used and how many rows it had."""
    detail = {"report": report, "filter": filters, "rows": rows}
    if export_format:
        detail["format"] = export_format
    audit_record(
        actor=reader,
        action=AuditAction.REPORT_EXPORT if export_format else AuditAction.REPORT_VIEW,
        target=None,
        request=request,
        detail=detail,
    )

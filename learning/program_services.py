"""Writes for training programs: enrolling, assessment attempts, completion and
certificates.

Every rule is checked here, on the server: which questions an attempt asks and in
what order, how it is scored, how many attempts are left, when a program is complete.
Views only parse input and call these functions.
"""

import secrets
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditAction
from audit.services import audit_record
from core import dates

from .answers import AnswerResult, answer_check, answer_choices_valid
from .models import (
    AssessmentAttempt,
    Certificate,
    Cohort,
    CoursePage,
    Enrolment,
    Program,
    ProgramCourse,
)
from .program_selectors import (
    enrolment_standing_get,
    social_worker_find,
    today_local,
)

# A person who submits a second or two after the limit (slow network) is not punished.
TIME_LIMIT_GRACE = timedelta(seconds=60)
# No 0/O or 1/I/L: codes are read aloud and typed from paper.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10
_system_random = secrets.SystemRandom()


class ProgramError(Exception):
    """A rule of programs was not met; the message is shown to the person."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class AnswersIncomplete(Exception):
    """Some questions of an attempt were not answered or not answered sensibly.

    `errors` maps a question's block id to a message; nothing was saved.
    """

    def __init__(self, errors: dict[str, str], answers: dict[str, list[int]]):
        super().__init__(errors)
        self.errors = errors
        self.answers = answers


# Enrolment ----------------------------------------------------------------------


def enrolment_check(*, program: Program, user, today: date) -> str | None:
    """Why `user` cannot be enrolled in `program` today, or None if they can."""
    problem = program_enrolment_check(program=program, today=today)
    if problem:
        return problem
    # Messages name nobody: the trainer knows whom she typed (docs/privacy.md).
    if not user.is_active or not user.is_social_worker:
        return no_social_worker_message()
    if Enrolment.objects.filter(user=user, program=program).exists():
        return already_enrolled_message()
    return None


def program_enrolment_check(*, program: Program, today: date) -> str | None:
    """Why nobody can be enrolled in `program` today, or None. Checked before any
    person is looked up, so that a closed program tells nothing about anyone."""
    if not program.live:
        return _("The program is not published yet.")
    if not program.enrolment_open_on(today):
        return _("Enrolment is closed: it is open %(period)s.") % {
            "period": dates.date_range(
                program.enrolment_opens, program.enrolment_closes
            ),
        }
    return None


def no_social_worker_message() -> str:
    """The one answer for "nobody has this login" and "someone who is not a social
    worker has it", so that a lookup cannot tell them apart."""
    return _("No social worker with this number or login.")


def already_enrolled_message() -> str:
    return _("Already enrolled in this program.")


def enrolment_create(
    *,
    cohort: Cohort,
    user,
    today: date | None = None,
    by=None,
    request=None,
) -> Enrolment:
    """Enrol one social worker in the cohort's program; recorded (`enrolment_create`)
    with `by` as the actor."""
    today = today or today_local()
    problem = enrolment_check(program=cohort.program, user=user, today=today)
    if problem:
        raise ProgramError(problem)
    try:
        with transaction.atomic():
            enrolment = Enrolment.objects.create(
                user=user, program=cohort.program, cohort=cohort
            )
            audit_record(
                actor=by,
                action=AuditAction.ENROLMENT_CREATE,
                target=enrolment,
                request=request,
                detail={
                    "cohort": cohort.pk,
                    "program": cohort.program_id,
                    "user": user.pk,
                },
            )
            return enrolment
    except IntegrityError:  # enrolled by a parallel request a moment ago
        raise ProgramError(already_enrolled_message()) from None


def cohort_member_add(
    *, cohort: Cohort, login: str, by, request=None, today: date | None = None
) -> Enrolment:
    """Enrol the social worker whose username or phone number the trainer typed.

    Whatever the outcome, the answer names nobody and the lookup is recorded with
    counts only (`cohort_member_lookup`: one login tried, matched or not), never
    the login itself."""
    today = today or today_local()
    problem = program_enrolment_check(program=cohort.program, today=today)
    if problem:
        raise ProgramError(problem)
    login = login.strip()
    user = social_worker_find(login=login) if login else None
    audit_record(
        actor=by,
        action=AuditAction.COHORT_MEMBER_LOOKUP,
        target=cohort,
        request=request,
        detail={"tried": 1 if login else 0, "matched": int(user is not None)},
    )
    if user is None:
        raise ProgramError(no_social_worker_message())
    return enrolment_create(
        cohort=cohort, user=user, today=today, by=by, request=request
    )


# Assessments --------------------------------------------------------------------


def _program_course(*, enrolment: Enrolment, course: CoursePage) -> ProgramCourse:
    item = ProgramCourse.objects.filter(
        program_id=enrolment.program_id, course=course
    ).first()
    if item is None:
        raise ProgramError(_("This course is not part of your program."))
    return item


def assessment_question_count(*, course: CoursePage) -> int:
    """How many questions an attempt asks: the course's number, or the whole bank
    when it sets none or the bank is smaller."""
    bank_size = len(course.assessment_bank())
    if not course.assessment_question_count:
        return bank_size
    return min(course.assessment_question_count, bank_size)


def _layout_draw(*, course: CoursePage) -> list[dict]:
    """Pick the questions of a new attempt and shuffle them and their options."""
    bank = course.assessment_bank()
    question_ids = list(bank)
    _system_random.shuffle(question_ids)
    question_ids = question_ids[: assessment_question_count(course=course)]
    layout = []
    for question_id in question_ids:
        options = list(range(len(bank[question_id]["options"])))
        _system_random.shuffle(options)
        layout.append({"id": question_id, "options": options})
    return layout


def assessment_attempt_start(
    *, enrolment: Enrolment, course: CoursePage, now=None
) -> AssessmentAttempt:
    """Open a new attempt, or return the one already open (a reload, a second tab)."""
    now = now or timezone.now()
    with transaction.atomic():
        # Lock the enrolment so that two clicks cannot both take the last attempt.
        enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        program_course = _program_course(enrolment=enrolment, course=course)
        if not course.has_assessment:
            raise ProgramError(_("This course has no final assessment."))
        attempts = list(
            AssessmentAttempt.objects.filter(enrolment=enrolment, course=course)
        )
        open_attempt = next((a for a in attempts if not a.submitted), None)
        if open_attempt is not None:
            return open_attempt
        if any(attempt.passed for attempt in attempts):
            raise ProgramError(_("You have already passed this assessment."))
        if len(attempts) >= course.assessment_max_attempts:
            raise ProgramError(
                _("You have used all %(count)s attempts at this assessment.")
                % {"count": course.assessment_max_attempts}
            )
        limit = course.assessment_time_limit_minutes
        return AssessmentAttempt.objects.create(
            enrolment=enrolment,
            course=course,
            number=len(attempts) + 1,
            started_at=now,
            ends_at=now + timedelta(minutes=limit) if limit else None,
            layout=_layout_draw(course=course),
            pass_mark_percent=program_course.pass_mark_percent,
        )


def attempt_answers_parse(
    *, attempt: AssessmentAttempt, posted: dict[str, list[str]]
) -> dict[str, list[int]]:
    """Read the posted choices (`q-<block id>` → option numbers) of an attempt.

    Raises `AnswersIncomplete` naming every unanswered or malformed question, with the
    answers that were fine, so that the form is shown again without losing them.
    """
    bank = attempt.course.assessment_bank()
    answers: dict[str, list[int]] = {}
    errors: dict[str, str] = {}
    for item in attempt.layout:
        question_id = item["id"]
        question = bank.get(question_id)
        if question is None:
            continue  # removed from the bank since the attempt began; not counted
        raw = posted.get(f"q-{question_id}", [])
        try:
            choices = sorted({int(value) for value in raw})
        except ValueError:
            choices = []
        if not choices:
            errors[question_id] = _("Choose an answer to this question.")
        elif not answer_choices_valid(question, choices):
            errors[question_id] = (
                _("Choose only one answer.")
                if len(choices) > 1 and not question["multiple"]
                else _("This answer is not one of the options.")
            )
        else:
            answers[question_id] = choices
    if errors:
        raise AnswersIncomplete(errors, answers)
    return answers


def assessment_attempt_submit(
    *, attempt: AssessmentAttempt, answers: dict[str, list[int]], now=None
) -> AssessmentAttempt:
    """Score an open attempt on the server and record whether it passed.

    `answers` comes from `attempt_answers_parse`. After the time limit (plus a
    minute's grace) the answers are not counted and the attempt scores 0.
    """
    now = now or timezone.now()
    with transaction.atomic():
        attempt = AssessmentAttempt.objects.select_for_update().get(pk=attempt.pk)
        if attempt.submitted:
            raise ProgramError(_("This attempt has already been sent."))
        bank = attempt.course.assessment_bank()
        late = attempt.ends_at is not None and now > attempt.ends_at + TIME_LIMIT_GRACE
        counted = {} if late else answers
        questions = [item["id"] for item in attempt.layout if item["id"] in bank]
        correct = sum(
            1
            for question_id in questions
            if question_id in counted
            and answer_check(
                question_id=question_id,
                question=bank[question_id],
                choices=counted[question_id],
            ).correct
        )
        total = len(questions)
        attempt.answers = counted
        attempt.late = late
        attempt.submitted_at = now
        attempt.question_count = total
        attempt.correct_count = correct
        attempt.score_percent = 100 * correct // total if total else 0
        # Compared in whole numbers: 7 of 10 right passes a 70% mark exactly.
        attempt.passed = (
            total > 0 and correct * 100 >= attempt.pass_mark_percent * total
        )
        attempt.save()
        enrolment_completion_check(enrolment=attempt.enrolment, now=now)
    return attempt


def attempt_feedback(*, attempt: AssessmentAttempt) -> list[tuple[dict, AnswerResult]]:
    """Each question of a *submitted* attempt with the verdict and feedback."""
    if not attempt.submitted:
        raise ProgramError(_("Feedback is shown after the attempt is sent."))
    bank = attempt.course.assessment_bank()
    result = []
    for item in attempt.layout:
        question = bank.get(item["id"])
        if question is None:
            continue
        choices = (attempt.answers or {}).get(item["id"], [])
        result.append(
            (
                question,
                answer_check(
                    question_id=item["id"], question=question, choices=choices
                ),
            )
        )
    return result


# Completion and certificates ----------------------------------------------------


def certificate_code_new() -> str:
    """A fresh random code; the unique column guarantees it was never used before."""
    while True:
        code = "".join(_system_random.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if not Certificate.objects.filter(code=code).exists():
            return code


def certificate_issue(*, enrolment: Enrolment, now=None) -> Certificate:
    """Issue the certificate of a completed enrolment (or return its valid one)."""
    now = now or timezone.now()
    existing = Certificate.objects.filter(
        enrolment=enrolment, revoked_at__isnull=True
    ).first()
    if existing:
        return existing
    user = enrolment.user
    certificate = Certificate.objects.create(
        code=certificate_code_new(),
        enrolment=enrolment,
        user=user,
        program=enrolment.program,
        holder_name=user.get_full_name(),
        program_title=enrolment.program.title,
        cpd_hours=enrolment.program.cpd_hours,
        issued_on=timezone.localdate(now),
    )
    audit_record(
        actor=None,  # issued by the system when the program is complete
        action=AuditAction.CERTIFICATE_ISSUE,
        target=certificate,
        detail={"enrolment": enrolment.pk, "user": user.pk},
    )
    return certificate


def enrolment_completion_check(*, enrolment: Enrolment, now=None) -> Certificate | None:
    """Mark the enrolment complete and issue its certificate once every rule is met.

    Safe to call after any step (a lesson done, an assessment passed): it does nothing
    until the program is complete, and nothing twice.
    """
    now = now or timezone.now()
    with transaction.atomic():
        enrolment = (
            Enrolment.objects.select_for_update()
            .select_related("program", "user")
            .get(pk=enrolment.pk)
        )
        if enrolment.completed_at is not None:
            return Certificate.objects.filter(
                enrolment=enrolment, revoked_at__isnull=True
            ).first()
        if not enrolment_standing_get(enrolment=enrolment).complete:
            return None
        enrolment.completed_at = now
        enrolment.save(update_fields=["completed_at"])
        return certificate_issue(enrolment=enrolment, now=now)


def enrolments_completion_check(*, user, course_ids: set[int]) -> None:
    """After lessons were marked done: check the programs that contain those courses."""
    enrolments = Enrolment.objects.filter(
        user=user,
        completed_at__isnull=True,
        program__program_courses__course_id__in=course_ids,
    ).distinct()
    for enrolment in enrolments:
        enrolment_completion_check(enrolment=enrolment)


def certificates_holder_forget(*, user) -> int:
    """Before `user`'s account is deleted: her certificates stay, verifiable by
    code (program, date, hours, valid or revoked), but no longer name her or point
    at her account or enrolment. Returns how many certificates she held."""
    return Certificate.objects.filter(user=user).update(
        holder_name="", user=None, enrolment=None
    )


def certificate_revoke(
    *, certificate: Certificate, by, reason: str, now=None, request=None
) -> None:
    """Revoke a certificate; its code stays taken for ever."""
    reason = reason.strip()
    if not reason:
        raise ProgramError(_("Write why the certificate is revoked."))
    if certificate.revoked_at is not None:
        raise ProgramError(_("This certificate is already revoked."))
    certificate.revoked_at = now or timezone.now()
    certificate.revoked_by = by
    certificate.revocation_reason = reason[:300]
    certificate.save(update_fields=["revoked_at", "revoked_by", "revocation_reason"])
    # The reason is free text and may name people: it stays on the certificate only.
    audit_record(
        actor=by,
        action=AuditAction.CERTIFICATE_REVOKE,
        target=certificate,
        request=request,
        detail={"user": certificate.user_id},
    )

"""Builders for training-program tests: a course with a question bank, a published
program, a cohort, an enrolled social worker, and helpers to finish lessons and
answer an attempt right or wrong."""

import uuid
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from consultations.models import SpecialistProfile
from learning.events import EventIn
from learning.models import Cohort, Enrolment, Program, ProgramCourse
from learning.services import progress_events_record
from tests.factories import (
    booking_create,
    course_create,
    question_block,
    user_create,
)

SOCIAL_WORKER_ROLES = ("Learner", "Social worker")


def bank_course_create(*, questions=4, lessons=2, max_attempts=3, **fields):
    """A social workers' course whose bank has `questions` questions; the first
    option is right, except in the last question (several answers: 0 and 2)."""
    course, lesson_pages = course_create(lessons=lessons, audience="social_workers")
    bank = [
        question_block(f"Savol {number}?", count=3) for number in range(questions - 1)
    ]
    bank.append(
        question_block("Qaysilari toʻgʻri?", multiple=True, correct=(0, 2), count=4)
    )
    course.assessment_questions = bank
    course.assessment_max_attempts = max_attempts
    for name, value in fields.items():
        setattr(course, name, value)
    course.save_revision().publish()
    course.refresh_from_db()
    return course, lesson_pages


def program_create(
    *, courses, pass_mark=75, hours="8", slug=None, live=True, trainers=(), **dates
):
    """A program; `trainers` run it (they see the people in its cohorts)."""
    today = timezone.localdate()
    program = Program.objects.create(
        title=f"Dastur {uuid.uuid4().hex[:6]}",
        slug=slug or f"dastur-{uuid.uuid4().hex[:8]}",
        summary="Qisqa.",
        cpd_hours=Decimal(hours),
        enrolment_opens=dates.get("opens", today - timedelta(days=10)),
        enrolment_closes=dates.get("closes", today + timedelta(days=10)),
        deadline=dates.get("deadline", today + timedelta(days=30)),
        live=live,
    )
    for order, course in enumerate(courses):
        ProgramCourse.objects.create(
            program=program,
            course=course,
            pass_mark_percent=pass_mark,
            sort_order=order,
        )
    if trainers:
        program.trainers.add(*trainers)
        program.save()
    return program


def trainer_create(**fields):
    return user_create(roles=("Trainer",), **fields)


def coordinator_create(**fields):
    return user_create(roles=("Coordinator",), **fields)


def consultation_client_create(**fields):
    """Someone who booked a consultation with a psychologist: the person the training
    admin must never name unless she sits in the reader's cohort."""
    client = user_create(roles=("Learner",), **fields)
    specialist = SpecialistProfile.objects.create(
        user=user_create(roles=("Specialist",)), kind="psychologist", bio="Tinglaydi."
    )
    booking_create(client=client, specialist=specialist)
    return client


def cohort_create(*, program, name="Guruh", region=""):
    return Cohort.objects.create(name=name, program=program, region=region)


def social_worker_create(**fields):
    return user_create(roles=SOCIAL_WORKER_ROLES, **fields)


def enrolment_create(*, program, user=None, cohort=None):
    user = user or social_worker_create()
    return Enrolment.objects.create(user=user, program=program, cohort=cohort)


def lessons_complete(user, lessons):
    for lesson in lessons:
        event = EventIn(
            event_id=uuid.uuid4(),
            lesson_id=lesson.pk,
            visit_id=uuid.uuid4(),
            kind="complete",
            occurred_at=timezone.now(),
        )
        progress_events_record(user=user, events=[event], lessons={lesson.pk: lesson})


def right_answers(attempt) -> dict[str, list[int]]:
    bank = attempt.course.assessment_bank()
    return {
        item["id"]: [
            index
            for index, option in enumerate(bank[item["id"]]["options"])
            if option["correct"]
        ]
        for item in attempt.layout
    }


def answers_with_wrong(attempt, wrong: int) -> dict[str, list[int]]:
    """Right answers except for the first `wrong` questions of the attempt."""
    answers = right_answers(attempt)
    bank = attempt.course.assessment_bank()
    for item in attempt.layout[:wrong]:
        options = bank[item["id"]]["options"]
        answers[item["id"]] = [
            next(i for i, option in enumerate(options) if not option["correct"])
        ]
    return answers


def posted(answers: dict[str, list[int]]) -> dict[str, list[str]]:
    """Answers as the attempt form posts them."""
    return {
        f"q-{key}": [str(value) for value in values] for key, values in answers.items()
    }

"""Courses, lessons, question blocks, programs, cohorts and enrolments for tests,
built through Wagtail's page tree and published as an editor would."""

import uuid
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from learning.models import (
    Cohort,
    CourseIndexPage,
    CoursePage,
    Enrolment,
    LessonPage,
    Program,
    ProgramCourse,
)
from tests.accounts.factories import next_number, social_worker_create


def step_block(instruction: str) -> dict:
    """A step as the admin saves it: every field there, the empty ones blank."""
    return {
        "type": "step",
        "value": {"instruction": instruction, "image": None, "image_alt": ""},
    }


def question_block(question="Qaysi tugma?", *, multiple=False, correct=(0,), count=3):
    """A question of an assessment bank (lessons: `lesson_question_block`)."""
    return {
        "type": "question",
        "id": str(uuid.uuid4()),
        "value": {
            "question": question,
            "multiple": multiple,
            "options": [
                {
                    "text": f"Javob {index}",
                    "correct": index in correct,
                    "feedback": f"Izoh {index}",
                }
                for index in range(count)
            ],
        },
    }


def lesson_question_block(*args, check_on_phone=False, **fields):
    """A lesson's practice question. Secret unless asked (the block's default is
    the other way), so tests of the server's check see feedback only once the
    server has given it."""
    block = question_block(*args, **fields)
    block["value"]["check_on_phone"] = check_on_phone
    return block


def course_create(
    *,
    title="Sinov kursi",
    lessons=2,
    live=True,
    audience="older",
    check_on_phone=False,
):
    index = CourseIndexPage.objects.filter(locale__language_code="uz").first()
    slug = f"course-{next_number()}"
    course = index.add_child(
        instance=CoursePage(title=title, slug=slug, summary="Qisqa.", audience=audience)
    )
    course.save_revision().publish()
    created = []
    for number in range(lessons):
        lesson = course.add_child(
            instance=LessonPage(
                title=f"Dars {number + 1}",
                slug=f"dars-{number + 1}",
                live=live,
                body=[
                    {"type": "text", "value": "<p>Kirish matni.</p>"},
                    step_block("Tugmani bosing."),
                    step_block("Kuting."),
                    {"type": "callout", "value": {"kind": "tip", "text": "Maslahat."}},
                    lesson_question_block(check_on_phone=check_on_phone),
                    lesson_question_block(
                        "Qaysilari?",
                        multiple=True,
                        correct=(0, 2),
                        count=4,
                        check_on_phone=check_on_phone,
                    ),
                ],
            )
        )
        if live:
            lesson.save_revision().publish()
        created.append(lesson)
    return course, created


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


def cohort_create(*, program, name="Guruh", region=""):
    return Cohort.objects.create(name=name, program=program, region=region)


def enrolment_create(*, program, user=None, cohort=None):
    user = user or social_worker_create()
    return Enrolment.objects.create(user=user, program=program, cohort=cohort)

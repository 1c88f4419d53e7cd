"""Builders for users, bookings and a small course tree, so tests need no big
fixtures."""

import itertools
import uuid
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from consultations.models import Booking
from learning.models import CourseIndexPage, CoursePage, LessonPage

_counter = itertools.count(1)
PASSWORD = "a-long-test-password-2026"  # noqa: S105


def user_create(*, roles=("Learner",), **fields):
    number = next(_counter)
    fields.setdefault("username", f"user{number}")
    fields.setdefault("full_name", f"Test Person {number}")
    user = get_user_model().objects.create_user(password=PASSWORD, **fields)
    user.groups.add(*Group.objects.filter(name__in=roles))
    return user


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
    slug = f"course-{next(_counter)}"
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


def booking_create(
    *,
    client,
    specialist,
    starts_in=timedelta(minutes=5),
    length=timedelta(minutes=45),
    **fields,
):
    """A booking of `client` with `specialist` (a SpecialistProfile) starting
    `starts_in` from now."""
    starts_at = timezone.now() + starts_in
    return Booking.objects.create(
        client=client,
        specialist=specialist,
        topic="loneliness",
        starts_at=starts_at,
        ends_at=starts_at + length,
        **fields,
    )

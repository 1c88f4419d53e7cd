"""Steps of training-program tests that are not builders (those are in
tests/learning/factories.py): finishing lessons and answering an attempt right or
wrong."""

import uuid

from django.utils import timezone

from learning.events import EventIn
from learning.services import progress_events_record


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

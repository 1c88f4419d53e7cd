"""Writes of the learning app: recording progress events and recomputing summaries.

Summaries are *recomputed* from the stored events rather than incremented, so the
result does not depend on the order events arrive in, and a retried event (same id)
changes nothing.
"""

from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Max, Min, Q, Sum
from django.utils.translation import gettext as _

from .answers import AnswerResult, answer_check
from .events import EventError, EventIn
from .models import (
    LessonPage,
    LessonProgress,
    LessonVisit,
    PracticeAnswer,
    ProgressEvent,
)
from .program_services import enrolments_completion_check


@dataclass
class RecordResult:
    accepted: int = 0
    duplicates: int = 0
    answers: list[AnswerResult] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "accepted": self.accepted,
            "duplicates": self.duplicates,
            "answers": [answer.as_dict() for answer in self.answers],
        }


def progress_events_record(
    *,
    user,
    events: list[EventIn],
    lessons: dict[int, LessonPage],
) -> RecordResult:
    """Store new events, skip ones already stored, and refresh the touched summaries.

    `lessons` maps every lesson id in `events` to its visible LessonPage; the caller
    has checked visibility and answer validity, so this only writes.
    """
    result = RecordResult()
    touched_lessons: set[int] = set()
    touched_visits: set[tuple[int, object]] = set()
    touched_questions: set[tuple[int, str]] = set()
    with transaction.atomic():
        for event in events:
            try:
                with transaction.atomic():
                    stored, created = ProgressEvent.objects.get_or_create(
                        event_id=event.event_id,
                        defaults={
                            "user": user,
                            "lesson_id": event.lesson_id,
                            "visit_id": event.visit_id,
                            "kind": event.kind,
                            "occurred_at": event.occurred_at,
                            "seconds": event.seconds,
                            "position": event.position,
                            "question_id": event.question_id,
                            "choices": list(event.choices) if event.choices else None,
                            "assisted": event.assisted,
                        },
                    )
            except IntegrityError:  # the same id stored by a parallel request
                stored, created = (
                    ProgressEvent.objects.get(event_id=event.event_id),
                    False,
                )
            if stored.user_id != user.pk:
                raise EventError(_("This event id is already used."))
            if event.kind == "answer":
                question = lessons[event.lesson_id].questions()[event.question_id]
                result.answers.append(
                    answer_check(
                        question_id=event.question_id,
                        question=question,
                        choices=event.choices,
                    )
                )
            if not created:
                result.duplicates += 1
                continue
            result.accepted += 1
            touched_lessons.add(event.lesson_id)
            touched_visits.add((event.lesson_id, event.visit_id))
            if event.kind == "answer":
                touched_questions.add((event.lesson_id, event.question_id))
        finished_courses: set[int] = set()
        for lesson_id in touched_lessons:
            progress = lesson_progress_recompute(user=user, lesson=lessons[lesson_id])
            if progress.completed_at is not None:
                finished_courses.add(progress.course_id)
        for lesson_id, visit_id in touched_visits:
            lesson_visit_recompute(user=user, lesson_id=lesson_id, visit_id=visit_id)
        for lesson_id, question_id in touched_questions:
            practice_answer_recompute(
                user=user, lesson=lessons[lesson_id], question_id=question_id
            )
        if finished_courses:
            # A lesson done may be the last step of a training program.
            enrolments_completion_check(user=user, course_ids=finished_courses)
    return result


def lesson_progress_recompute(*, user, lesson: LessonPage) -> LessonProgress:
    totals = ProgressEvent.objects.filter(user=user, lesson=lesson).aggregate(
        opened=Min("occurred_at"),
        last=Max("occurred_at"),
        seconds=Sum("seconds"),
        furthest=Max("position"),
        completed=Min("occurred_at", filter=Q(kind=ProgressEvent.Kind.COMPLETE)),
        completed_alone=Min(
            "occurred_at", filter=Q(kind=ProgressEvent.Kind.COMPLETE, assisted=False)
        ),
    )
    progress, _created = LessonProgress.objects.update_or_create(
        user=user,
        lesson=lesson,
        defaults={
            "course_id": lesson.get_parent().pk,
            "opened_at": totals["opened"],
            "last_activity_at": totals["last"],
            "seconds_spent": totals["seconds"] or 0,
            "furthest_video_position": totals["furthest"] or 0,
            "completed_at": totals["completed"],
            "completed_with_help": (
                totals["completed"] is not None and totals["completed_alone"] is None
            ),
        },
    )
    return progress


def lesson_visit_recompute(*, user, lesson_id: int, visit_id) -> None:
    totals = ProgressEvent.objects.filter(
        user=user, lesson_id=lesson_id, visit_id=visit_id
    ).aggregate(
        started=Min("occurred_at"), last=Max("occurred_at"), seconds=Sum("seconds")
    )
    LessonVisit.objects.update_or_create(
        user=user,
        lesson_id=lesson_id,
        visit_id=visit_id,
        defaults={
            "started_at": totals["started"],
            "last_seen_at": totals["last"],
            "seconds_spent": totals["seconds"] or 0,
        },
    )


def practice_answer_recompute(*, user, lesson: LessonPage, question_id: str) -> None:
    """Keep the answer the learner gave *last* by their device's clock."""
    latest = (
        ProgressEvent.objects.filter(
            user=user,
            lesson=lesson,
            kind=ProgressEvent.Kind.ANSWER,
            question_id=question_id,
        )
        .order_by("-occurred_at", "-pk")
        .first()
    )
    question = lesson.questions()[question_id]
    checked = answer_check(
        question_id=question_id, question=question, choices=latest.choices
    )
    PracticeAnswer.objects.update_or_create(
        user=user,
        lesson=lesson,
        question_id=question_id,
        defaults={
            "choices": list(checked.choices),
            "correct": checked.correct,
            "answered_at": latest.occurred_at,
        },
    )

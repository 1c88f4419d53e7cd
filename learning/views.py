"""Views of the learning app: the progress endpoint, the lesson's plain forms and
"My learning".

Views only parse input and call services and selectors.
"""

import json
import uuid

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from .answers import answer_check, answer_choices_valid
from .events import EventError, EventIn, events_parse
from .models import LessonPage, LessonProgress, PracticeAnswer
from .selectors import (
    learner_courses_in_progress,
    learner_lessons_done_count,
    lesson_closed_to,
    lesson_live_get,
    lesson_visible_get,
)
from .services import progress_events_record
from .simulation_selectors import learner_simulations

MAX_BODY_BYTES = 64 * 1024


def _error(message: str, *, status: int = 400, **extra) -> JsonResponse:
    return JsonResponse({"error": message, **extra}, status=status)


@require_POST
def progress_record(request):
    """Record progress events sent as JSON by the lesson page's script."""
    if not request.user.is_authenticated:
        return _error(_("Sign in to save your progress."), status=401)
    # The queue names whose steps it sends (progress-queue.js): on a shared phone a
    # service worker must not send one learner's steps under another's session.
    owner = request.headers.get("X-Komak-Learner")
    if owner is not None and owner != str(request.user.pk):
        return _error(_("Sign in to save your progress."), status=403)
    if request.content_type != "application/json":
        return _error(_("Send the events as JSON."), status=415)
    if len(request.body) > MAX_BODY_BYTES:
        return _error(_("The request is too large."), status=413)
    try:
        payload = json.loads(request.body)
    except (ValueError, RecursionError):
        # ValueError: not JSON, not UTF-8, or a number longer than Python turns into
        # an int (4,300 digits); RecursionError: nested deeper than the parser goes.
        return _error(_("The request is not valid JSON."))
    try:
        events = events_parse(payload)
    except EventError as error:
        return JsonResponse(error.as_dict(), status=400)
    lessons: dict[int, LessonPage] = {}
    for index, event in enumerate(events):
        if event.lesson_id not in lessons:
            lesson = lesson_visible_get(lesson_id=event.lesson_id)
            if lesson is None:
                return _error(_("There is no such lesson."), status=404, event=index)
            lessons[event.lesson_id] = lesson
        if event.kind == "answer":
            question = lessons[event.lesson_id].questions().get(event.question_id)
            if question is None:
                return _error(_("Unknown question."), event=index, field="question")
            if not answer_choices_valid(question, event.choices):
                return _error(
                    _("These answers do not fit the question."),
                    event=index,
                    field="choices",
                )
    try:
        result = progress_events_record(
            user=request.user, events=events, lessons=lessons
        )
    except EventError as error:
        return JsonResponse(error.as_dict(), status=400)
    return JsonResponse(result.as_dict())


@require_GET
def progress_detail(request, lesson_id: int):
    """The signed-in learner's own summary for one lesson."""
    if not request.user.is_authenticated:
        return _error(_("Sign in to see your progress."), status=401)
    lesson = lesson_visible_get(lesson_id=lesson_id)
    if lesson is None:
        return _error(_("There is no such lesson."), status=404)
    progress = LessonProgress.objects.filter(user=request.user, lesson=lesson).first()
    answers = PracticeAnswer.objects.filter(user=request.user, lesson=lesson)
    return JsonResponse(
        {
            "lesson": lesson.pk,
            "opened_at": progress.opened_at.isoformat() if progress else None,
            "seconds_spent": progress.seconds_spent if progress else 0,
            "furthest_video_position": progress.furthest_video_position
            if progress
            else 0,
            "completed": bool(progress and progress.completed_at),
            "answers": {
                answer.question_id: {
                    "choices": answer.choices,
                    "correct": answer.correct,
                }
                for answer in answers
            },
        }
    )


def _posted_event_id(request) -> uuid.UUID:
    """The id the page put in the form, so a form sent twice counts once."""
    try:
        return uuid.UUID(request.POST.get("event_id", ""))
    except ValueError:
        return uuid.uuid4()


@require_POST
def lesson_form_post(request, lesson_id: int):
    """Handle "Mark as done" and answers sent as plain forms: with JavaScript off,
    and a visitor's answers (the page's script sends a signed-in learner's only).

    `lesson_id` is the lesson as the reader saw it, in her language: the answer is
    shown on that version, and recorded on its Uzbek lesson (`_record_one`).
    """
    lesson = lesson_live_get(lesson_id=lesson_id)
    if lesson is None:
        raise Http404
    if lesson_closed_to(lesson, request):
        # Nothing is recorded for a reader the lesson is closed to; Wagtail asks
        # for the sign-in or the password on the lesson page itself.
        return HttpResponseRedirect(lesson.url)
    action = request.POST.get("action")
    if action not in {"complete", "answer"}:
        return render(
            request,
            "learning/form_error.html",
            {
                "page": lesson,
                "message": _("This form was not understood. Please try again."),
            },
            status=400,
        )
    if action == "complete":
        if not request.user.is_authenticated:
            signup = reverse("account_signup") + "?next=" + lesson.url
            return HttpResponseRedirect(signup)
        assisted = request.POST.get("assisted") == "1"
        _record_one(request, lesson, kind="complete", assisted=assisted)
        return HttpResponseRedirect(lesson.url + "#lesson-done")

    question_id = request.POST.get("question", "")
    question = lesson.questions().get(question_id)
    if question is None:
        return render(
            request,
            "learning/form_error.html",
            {"page": lesson, "message": _("Unknown question.")},
            status=400,
        )
    try:
        choices = sorted({int(value) for value in request.POST.getlist("choice")})
    except ValueError:
        choices = []
    if not answer_choices_valid(question, choices):
        response = TemplateResponse(
            request,
            lesson.get_template(request),
            lesson.get_context(
                request,
                extra_context={
                    "form_errors": {
                        question_id: _("Choose an answer, then press Check.")
                    }
                },
            ),
            status=400,
        )
        return response
    if request.user.is_authenticated:
        _record_one(
            request, lesson, kind="answer", question_id=question_id, choices=choices
        )
        return HttpResponseRedirect(lesson.url + "#q-" + question_id)
    # A visitor without an account gets the feedback, but nothing is stored.
    checked = answer_check(question_id=question_id, question=question, choices=choices)
    return TemplateResponse(
        request,
        lesson.get_template(request),
        lesson.get_context(
            request, extra_context={"visitor_answers": {question_id: checked}}
        ),
    )


def _record_one(request, lesson: LessonPage, *, kind: str, **fields) -> None:
    lesson = lesson.source_page()
    event = EventIn(
        event_id=_posted_event_id(request),
        lesson_id=lesson.pk,
        visit_id=uuid.uuid5(uuid.NAMESPACE_URL, f"form:{request.session.session_key}"),
        kind=kind,
        occurred_at=timezone.now(),
        question_id=fields.get("question_id", ""),
        choices=tuple(fields["choices"]) if "choices" in fields else None,
        assisted=fields.get("assisted", False),
    )
    try:
        progress_events_record(
            user=request.user, events=[event], lessons={lesson.pk: lesson}
        )
    except EventError:
        # The id from the form was reused by someone else: record under a fresh id.
        event = EventIn(**{**event.__dict__, "event_id": uuid.uuid4()})
        progress_events_record(
            user=request.user, events=[event], lessons={lesson.pk: lesson}
        )


@login_required
def my_learning(request):
    return render(
        request,
        "learning/my_learning.html",
        {
            "courses": learner_courses_in_progress(user=request.user),
            "lessons_done": learner_lessons_done_count(user=request.user),
            "simulations": learner_simulations(user=request.user),
        },
    )

"""The progress endpoint: idempotent, order-independent, strict about bad input."""

import json
import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from learning.models import LessonProgress, LessonVisit, PracticeAnswer, ProgressEvent
from tests.accounts.factories import user_create
from tests.learning.factories import course_create
from tests.support.i18n import uz

pytestmark = pytest.mark.django_db
URL = "/uz/learning/progress/"


def event(lesson, kind="open", *, at=None, visit=None, **fields):
    return {
        "id": str(uuid.uuid4()),
        "lesson": lesson.pk,
        "visit": str(visit or uuid.uuid4()),
        "type": kind,
        "at": (at or timezone.now()).isoformat(),
        **fields,
    }


def post(client, payload, *, raw=None, content_type="application/json"):
    body = raw if raw is not None else json.dumps(payload)
    return client.post(URL, data=body, content_type=content_type)


@pytest.fixture
def setup(client):
    course, lessons = course_create()
    user = user_create()
    client.force_login(user)
    return client, user, course, lessons


def saved_counts():
    return (
        ProgressEvent.objects.count(),
        LessonProgress.objects.count(),
        LessonVisit.objects.count(),
        PracticeAnswer.objects.count(),
    )


class ProgressRecordTests:
    def test_url_is_named(self):
        assert reverse("learning_progress_record") == URL

    def test_open_creates_summary_and_visit(self, setup):
        client, user, course, lessons = setup
        response = post(client, {"events": [event(lessons[0])]})
        assert response.status_code == 200
        assert response.json()["accepted"] == 1
        progress = LessonProgress.objects.get(user=user, lesson=lessons[0])
        assert progress.course_id == course.pk
        assert progress.completed_at is None
        assert LessonVisit.objects.filter(user=user, lesson=lessons[0]).count() == 1

    def test_same_event_twice_counts_once(self, setup):
        client, user, _, lessons = setup
        time_event = event(lessons[0], "time", seconds=30)
        first = post(client, {"events": [time_event]})
        second = post(client, {"events": [time_event]})
        assert first.json() == {"accepted": 1, "duplicates": 0, "answers": []}
        assert second.json() == {"accepted": 0, "duplicates": 1, "answers": []}
        assert LessonProgress.objects.get(user=user).seconds_spent == 30
        assert ProgressEvent.objects.count() == 1

    def test_same_event_twice_in_one_request_counts_once(self, setup):
        client, user, _, lessons = setup
        time_event = event(lessons[0], "time", seconds=20)
        response = post(client, {"events": [time_event, time_event]})
        assert response.json()["accepted"] == 1
        assert response.json()["duplicates"] == 1
        assert LessonProgress.objects.get(user=user).seconds_spent == 20

    def test_out_of_order_events_give_the_same_summary(self, setup):
        client, user, _, lessons = setup
        start = timezone.now() - timedelta(hours=2)
        visit = uuid.uuid4()
        events = [
            event(lessons[0], "open", at=start, visit=visit),
            event(
                lessons[0],
                "time",
                at=start + timedelta(minutes=1),
                visit=visit,
                seconds=60,
            ),
            event(
                lessons[0],
                "video",
                at=start + timedelta(minutes=2),
                visit=visit,
                position=95.5,
            ),
            event(
                lessons[0],
                "video",
                at=start + timedelta(minutes=3),
                visit=visit,
                position=40,
            ),
            event(lessons[0], "complete", at=start + timedelta(minutes=4), visit=visit),
            event(
                lessons[0],
                "time",
                at=start + timedelta(minutes=5),
                visit=visit,
                seconds=45,
            ),
        ]
        # Newest first, one by one, as a device flushing a queue after a reconnect
        # might.
        for item in reversed(events):
            assert post(client, {"events": [item]}).status_code == 200
        progress = LessonProgress.objects.get(user=user, lesson=lessons[0])
        assert progress.opened_at == start
        assert progress.seconds_spent == 105
        assert progress.furthest_video_position == 95.5
        assert progress.completed_at == start + timedelta(minutes=4)
        assert progress.last_activity_at == start + timedelta(minutes=5)
        visit_row = LessonVisit.objects.get(visit_id=visit)
        assert visit_row.started_at == start
        assert visit_row.seconds_spent == 105

    def test_late_older_answer_does_not_replace_newer_one(self, setup):
        client, user, _, lessons = setup
        question_id = lessons[0].questions().__iter__().__next__()
        now = timezone.now()
        newer = event(lessons[0], "answer", at=now, question=question_id, choices=[0])
        older = event(
            lessons[0],
            "answer",
            at=now - timedelta(minutes=5),
            question=question_id,
            choices=[1],
        )
        post(client, {"events": [newer]})
        response = post(client, {"events": [older]})
        assert response.status_code == 200
        answer = PracticeAnswer.objects.get(user=user, question_id=question_id)
        assert answer.choices == [0]
        assert answer.correct is True

    def test_answer_is_checked_on_the_server(self, setup):
        client, _, _, lessons = setup
        ids = list(lessons[0].questions())
        right = post(
            client,
            {"events": [event(lessons[0], "answer", question=ids[1], choices=[0, 2])]},
        )
        partly = post(
            client,
            {"events": [event(lessons[0], "answer", question=ids[1], choices=[0])]},
        )
        wrong = post(
            client,
            {"events": [event(lessons[0], "answer", question=ids[0], choices=[2])]},
        )
        assert right.json()["answers"][0]["correct"] is True
        assert partly.json()["answers"][0]["correct"] is False
        assert wrong.json()["answers"][0]["correct"] is False
        assert wrong.json()["answers"][0]["options"] == [
            {"index": 2, "correct": False, "feedback": "Izoh 2"}
        ]

    def test_complete_marks_the_lesson_done(self, setup):
        client, user, _, lessons = setup
        post(client, {"events": [event(lessons[1], "complete")]})
        assert LessonProgress.objects.get(user=user, lesson=lessons[1]).completed


class ProgressRejectionTests:
    """Each kind of invalid payload: 400 (or the right status), a message, nothing
    saved.
    """

    @pytest.mark.parametrize(
        ("mutate", "field"),
        [
            (lambda e: e.pop("id"), "id"),
            (lambda e: e.update(id="not-a-uuid"), "id"),
            (lambda e: e.update(id=123), "id"),
            (lambda e: e.pop("lesson"), "lesson"),
            (lambda e: e.update(lesson="7"), "lesson"),
            (lambda e: e.update(lesson=True), "lesson"),
            (lambda e: e.update(lesson=0), "lesson"),
            (lambda e: e.pop("visit"), "visit"),
            (lambda e: e.update(type="teleport"), "type"),
            (lambda e: e.pop("type"), "type"),
            (lambda e: e.update(at="yesterday"), "at"),
            (lambda e: e.update(at="2026-05-01T10:00:00"), "at"),
            (
                lambda e: e.update(at=(timezone.now() + timedelta(days=2)).isoformat()),
                "at",
            ),
            (lambda e: e.update(at="1999-01-01T00:00:00Z"), "at"),
            (lambda e: e.update(user=1), "user"),
            (lambda e: e.update(type="time", seconds=0), "seconds"),
            (lambda e: e.update(type="time", seconds=601), "seconds"),
            (lambda e: e.update(type="time", seconds=1.5), "seconds"),
            (lambda e: e.update(type="time"), "seconds"),
            (lambda e: e.update(type="video", position=-1), "position"),
            (lambda e: e.update(type="video", position="12"), "position"),
            (lambda e: e.update(type="answer", question="q", choices=[]), "choices"),
            (
                lambda e: e.update(type="answer", question="q", choices=[1, 1]),
                "choices",
            ),
            (lambda e: e.update(type="answer", question="q", choices="0"), "choices"),
            (lambda e: e.update(type="answer", question="", choices=[0]), "question"),
        ],
    )
    def test_invalid_event(self, setup, mutate, field):
        client, _, _, lessons = setup
        good = event(lessons[0], "open", at=timezone.now())
        bad = event(lessons[0], "open")
        mutate(bad)
        response = post(client, {"events": [good, bad]})
        assert response.status_code == 400
        body = response.json()
        assert body["error"]
        assert body["field"] == field
        assert body["event"] == 1
        assert saved_counts() == (0, 0, 0, 0)

    @pytest.mark.parametrize(
        "payload",
        [
            [],
            {},
            {"events": []},
            {"events": "x"},
            {"events": [1]},
            {"events": [], "more": 1},
        ],
    )
    def test_invalid_envelope(self, setup, payload):
        client, *_ = setup
        response = post(client, payload)
        assert response.status_code == 400
        assert response.json()["error"]
        assert saved_counts() == (0, 0, 0, 0)

    def test_too_many_events(self, setup):
        client, _, _, lessons = setup
        response = post(client, {"events": [event(lessons[0]) for _ in range(51)]})
        assert response.status_code == 400
        assert saved_counts() == (0, 0, 0, 0)

    def test_malformed_json(self, setup):
        client, *_ = setup
        response = post(client, None, raw="{events: [")
        assert response.status_code == 400
        assert response.json()["error"] == uz("The request is not valid JSON.")

    def test_wrong_content_type(self, setup):
        client, _, _, lessons = setup
        response = post(
            client,
            None,
            raw=json.dumps({"events": [event(lessons[0])]}),
            content_type="text/plain",
        )
        assert response.status_code == 415
        assert saved_counts() == (0, 0, 0, 0)

    def test_oversized_body(self, setup):
        client, _, _, lessons = setup
        response = post(
            client,
            None,
            raw=json.dumps({"events": [event(lessons[0])], "x": "a" * 70000}),
        )
        assert response.status_code == 413
        assert saved_counts() == (0, 0, 0, 0)

    def test_unknown_question(self, setup):
        client, _, _, lessons = setup
        response = post(
            client,
            {"events": [event(lessons[0], "answer", question="nope", choices=[0])]},
        )
        assert response.status_code == 400
        assert response.json()["field"] == "question"
        assert saved_counts() == (0, 0, 0, 0)

    @pytest.mark.parametrize("choices", [[5], [0, 1]])
    def test_answer_that_does_not_fit_the_question(self, setup, choices):
        client, _, _, lessons = setup
        single = next(iter(lessons[0].questions()))
        response = post(
            client,
            {"events": [event(lessons[0], "answer", question=single, choices=choices)]},
        )
        assert response.status_code == 400
        assert response.json()["field"] == "choices"
        assert saved_counts() == (0, 0, 0, 0)

    def test_unpublished_lesson_is_404_and_saves_nothing(self, setup):
        client, _, _, lessons = setup
        _, hidden = course_create(lessons=1, live=False)
        response = post(client, {"events": [event(lessons[0]), event(hidden[0])]})
        assert response.status_code == 404
        assert response.json()["error"]
        assert saved_counts() == (0, 0, 0, 0)

    def test_a_page_that_is_not_a_lesson_is_404(self, setup):
        client, _, course, _ = setup
        payload = {"events": [event(course)]}
        assert post(client, payload).status_code == 404

    def test_anonymous_gets_401(self, client):
        _, lessons = course_create()
        response = post(client, {"events": [event(lessons[0])]})
        assert response.status_code == 401
        assert saved_counts() == (0, 0, 0, 0)

    def test_get_is_not_allowed(self, setup):
        client, *_ = setup
        assert client.get(URL).status_code == 405


class ProgressPrivacyTests:
    def test_another_users_event_id_cannot_be_overwritten(self, setup, client):
        client_a, user_a, _, lessons = setup
        shared = event(lessons[0], "time", seconds=50)
        post(client_a, {"events": [shared]})
        from django.test import Client

        client_b = Client()
        user_b = user_create()
        client_b.force_login(user_b)
        response = post(client_b, {"events": [{**shared, "seconds": 600}]})
        assert response.status_code == 400
        assert not LessonProgress.objects.filter(user=user_b).exists()
        assert LessonProgress.objects.get(user=user_a).seconds_spent == 50

    def test_reading_shows_only_ones_own_progress(self, setup):
        client_a, user_a, _, lessons = setup
        post(client_a, {"events": [event(lessons[0], "complete")]})
        from django.test import Client

        client_b = Client()
        client_b.force_login(user_create())
        url = reverse("learning_progress_detail", args=[lessons[0].pk])
        assert client_a.get(url).json()["completed"] is True
        other = client_b.get(url).json()
        assert other["completed"] is False
        assert other["opened_at"] is None

    def test_reading_needs_an_account_and_a_visible_lesson(self, setup, client):
        client_a, _, _, lessons = setup
        _, hidden = course_create(lessons=1, live=False)
        assert (
            client_a.get(
                reverse("learning_progress_detail", args=[hidden[0].pk])
            ).status_code
            == 404
        )
        client_a.logout()
        assert (
            client_a.get(
                reverse("learning_progress_detail", args=[lessons[0].pk])
            ).status_code
            == 401
        )

"""Assisted learning: a lesson done with a social worker's help is counted apart from
one done alone, through the progress endpoint and through the plain form."""

import json
import re
import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from learning.models import LessonProgress, ProgressEvent
from learning.selectors import learner_lessons_done_count
from tests.accounts.factories import user_create
from tests.learning.factories import course_create
from tests.support.i18n import uz, uz_n

pytestmark = pytest.mark.django_db
URL = "/uz/learning/progress/"


def complete(lesson, *, at=None, **fields):
    return {
        "id": str(uuid.uuid4()),
        "lesson": lesson.pk,
        "visit": str(uuid.uuid4()),
        "type": "complete",
        "at": (at or timezone.now()).isoformat(),
        **fields,
    }


def post(client, *events):
    return client.post(
        URL, data=json.dumps({"events": list(events)}), content_type="application/json"
    )


@pytest.fixture
def learner(client):
    course, lessons = course_create(lessons=3)
    user = user_create()
    client.force_login(user)
    return client, user, lessons


class AssistedCompletionTests:
    def test_done_with_help_and_alone_are_counted_apart(self, learner):
        client, user, lessons = learner
        response = post(
            client,
            complete(lessons[0], assisted=True),
            complete(lessons[1], assisted=False),
            complete(lessons[2]),
        )
        assert response.status_code == 200
        helped = LessonProgress.objects.get(user=user, lesson=lessons[0])
        assert helped.completed and helped.completed_with_help
        done = learner_lessons_done_count(user=user)
        assert (done.alone, done.with_help) == (2, 1)

    def test_done_alone_later_counts_as_alone(self, learner):
        client, user, lessons = learner
        earlier = timezone.now() - timedelta(days=2)
        post(client, complete(lessons[0], assisted=True, at=earlier))
        post(client, complete(lessons[0]))
        progress = LessonProgress.objects.get(user=user, lesson=lessons[0])
        assert not progress.completed_with_help
        assert abs(progress.completed_at - earlier) < timedelta(seconds=1)

    @pytest.mark.parametrize("bad", ["yes", 1, None, [True]])
    def test_assisted_must_be_true_or_false(self, learner, bad):
        client, user, lessons = learner
        response = post(client, complete(lessons[0], assisted=bad))
        assert response.status_code == 400
        assert response.json()["field"] == "assisted"
        assert response.json()["error"] == uz("This must be true or false.")
        assert ProgressEvent.objects.count() == 0

    def test_only_a_completion_can_be_assisted(self, learner):
        client, user, lessons = learner
        event = complete(lessons[0], assisted=True)
        event["type"] = "open"
        response = post(client, event)
        assert response.status_code == 400
        assert response.json()["field"] == "assisted"


class AssistedFormTests:
    def test_the_plain_form_records_help(self, learner):
        client, user, lessons = learner
        page = client.get(lessons[0].url).content.decode()
        assert uz("Done with help from a social worker") in page
        event_id = re.search(r'name="event_id" value="([^"]+)"', page).group(1)
        response = client.post(
            reverse("learning_lesson_form", args=[lessons[0].pk]),
            {"action": "complete", "event_id": event_id, "assisted": "1"},
        )
        assert response.status_code == 302
        progress = LessonProgress.objects.get(user=user, lesson=lessons[0])
        assert progress.completed_with_help
        page = client.get(lessons[0].url).content.decode()
        assert (
            uz("Someone helped you, and that is fine. Next time, try it on your own.")
            in page
        )

    def test_my_learning_says_how_many_alone_and_with_help(self, learner):
        client, user, lessons = learner
        post(client, complete(lessons[0], assisted=True), complete(lessons[1]))
        page = client.get(reverse("learning_my_learning")).content.decode()
        alone = uz_n(
            "You have finished %(counter)s lesson on your own",
            "You have finished %(counter)s lessons on your own",
            1,
            counter=1,
        )
        helped = uz_n(
            "and %(counter)s lesson with help",
            "and %(counter)s lessons with help",
            1,
            counter=1,
        )
        assert f"{alone} {helped}." in page

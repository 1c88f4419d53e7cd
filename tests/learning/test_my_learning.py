"""'My learning', the course page's progress and the home page's continue card."""

import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from cms.models import HomePage
from learning.events import EventIn
from learning.selectors import learner_continue_get, learner_courses_in_progress
from learning.services import progress_events_record
from tests.accounts.factories import user_create
from tests.learning.factories import course_create
from tests.support.i18n import uz
from tests.support.sign_in_here import assert_sign_in_here

pytestmark = pytest.mark.django_db


def record(user, lesson, kind, minutes_ago=0):
    event = EventIn(
        event_id=uuid.uuid4(),
        lesson_id=lesson.pk,
        visit_id=uuid.uuid4(),
        kind=kind,
        occurred_at=timezone.now() - timezone.timedelta(minutes=minutes_ago),
    )
    progress_events_record(user=user, events=[event], lessons={lesson.pk: lesson})


class MyLearningTests:
    def test_needs_sign_in(self, client):
        url = reverse("learning_my_learning")
        assert_sign_in_here(client.get(url), url)

    def test_empty_state(self, client):
        client.force_login(user_create())
        response = client.get(reverse("learning_my_learning"))
        assert uz("You have not started a course yet.") in response.content.decode()

    def test_percent_and_continue_opens_next_unfinished_lesson(self, client):
        course, lessons = course_create(lessons=4)
        user = user_create()
        record(user, lessons[0], "complete")
        record(user, lessons[2], "complete")
        record(user, lessons[1], "open")
        items = learner_courses_in_progress(user=user)
        assert len(items) == 1
        assert items[0].percent == 50
        assert items[0].next_lesson.pk == lessons[1].pk
        client.force_login(user)
        html = client.get(reverse("learning_my_learning")).content.decode()
        expected = uz(
            "%(done)s of %(total)s lessons done (%(percent)s%%)",
            done=2,
            total=4,
            percent=50,
        )
        assert expected in html
        assert f'href="{lessons[1].url}"' in html

    def test_course_complete_when_all_lessons_are(self):
        _, lessons = course_create(lessons=2)
        user = user_create()
        for lesson in lessons:
            record(user, lesson, "complete")
        item = learner_courses_in_progress(user=user)[0]
        assert item.completed and item.percent == 100 and item.next_lesson is None
        assert learner_continue_get(user=user) is None

    def test_other_peoples_progress_is_not_shown(self, client):
        _, lessons = course_create()
        record(user_create(), lessons[0], "complete")
        client.force_login(user_create())
        html = client.get(reverse("learning_my_learning")).content.decode()
        assert uz("You have not started a course yet.") in html

    def test_continue_card_on_home_shows_latest_unfinished_course(self, client):
        older_course, older = course_create(title="Eski kurs", lessons=2)
        newer_course, newer = course_create(title="Yangi kurs", lessons=2)
        user = user_create()
        record(user, older[0], "open", minutes_ago=60)
        record(user, newer[0], "complete", minutes_ago=5)
        client.force_login(user)
        html = client.get(
            HomePage.objects.get(locale__language_code="uz").url
        ).content.decode()
        assert uz("Continue where you stopped") in html
        assert "Yangi kurs" in html
        assert f'href="{newer[1].url}"' in html

    def test_no_continue_card_for_visitors(self, client):
        html = client.get(
            HomePage.objects.get(locale__language_code="uz").url
        ).content.decode()
        assert uz("Continue where you stopped") not in html
        assert uz("Talk to a specialist") in html

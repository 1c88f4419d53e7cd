"""Trainers write courses; only a coordinator's approval publishes them."""

import pytest
from django.urls import reverse
from wagtail.models import WorkflowState

from cms.setup import TASK_NAME
from learning.models import CourseIndexPage, CoursePage
from tests.accounts.factories import user_create

pytestmark = pytest.mark.django_db


def course_form(title, action):
    return {
        "title": title,
        "slug": "yangi-kurs",
        "summary": "Qisqa tavsif.",
        "outcomes": "",
        "audience": "older",
        "level": "beginner",
        "estimated_minutes": "20",
        "cover_alt": "",
        # The "Final assessment" tab: an empty question bank, the default attempts.
        "assessment_questions-count": "0",
        "assessment_max_attempts": "3",
        action: "1",
    }


def add_url():
    index = CourseIndexPage.objects.get(locale__language_code="uz")
    return reverse("wagtailadmin_pages:add", args=("learning", "coursepage", index.pk))


class TrainerWorkflowTests:
    def test_trainer_reaches_the_admin(self, client):
        client.force_login(user_create(roles=("Trainer",)))
        assert client.get(reverse("wagtailadmin_home")).status_code == 200

    def test_learner_does_not_reach_the_admin(self, client):
        client.force_login(user_create(roles=("Learner",)))
        response = client.get(reverse("wagtailadmin_home"))
        assert response.status_code == 302

    def test_trainer_cannot_publish_directly(self, client):
        client.force_login(user_create(roles=("Trainer",)))
        client.post(add_url(), course_form("Yangi kurs", "action-publish"))
        course = CoursePage.objects.get(slug="yangi-kurs", locale__language_code="uz")
        assert course.live is False
        assert course.first_published_at is None

    def test_trainer_submits_and_coordinator_approves(self, client):
        trainer = user_create(roles=("Trainer",))
        client.force_login(trainer)
        response = client.post(add_url(), course_form("Yangi kurs", "action-submit"))
        assert response.status_code == 302
        course = CoursePage.objects.get(slug="yangi-kurs", locale__language_code="uz")
        assert course.live is False
        state = WorkflowState.objects.get(
            base_content_type__model="page", object_id=str(course.pk)
        )
        assert state.status == WorkflowState.STATUS_IN_PROGRESS
        assert (
            state.current_task_state.task.name == TASK_NAME == "Koordinator tasdiqlaydi"
        )

        # The trainer cannot approve their own submission.
        task_state = state.current_task_state
        approve = reverse(
            "wagtailadmin_pages:workflow_action",
            args=(course.pk, "approve", task_state.pk),
        )
        client.post(approve, {"comment": ""})
        course.refresh_from_db()
        assert course.live is False

        client.force_login(user_create(roles=("Coordinator",)))
        response = client.post(approve, {"comment": ""})
        assert response.status_code in (200, 302)
        course.refresh_from_db()
        assert course.live is True
        state.refresh_from_db()
        assert state.status == WorkflowState.STATUS_APPROVED

    def test_trainer_cannot_add_pages_outside_the_course_list(self, client):
        from cms.models import HomePage

        client.force_login(user_create(roles=("Trainer",)))
        home = HomePage.objects.get(locale__language_code="uz")
        url = reverse("wagtailadmin_pages:add", args=("cms", "standardpage", home.pk))
        assert client.get(url).status_code in (302, 403)

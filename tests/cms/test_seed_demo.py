"""`seed_demo`: the demo people and courses, the same after a second run, refused in
production.
"""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from wagtail.images.models import Image

from cms.demo_content import COURSES
from cms.demo_users import DEMO_PASSWORD
from learning.models import CoursePage, LessonPage, LessonProgress, ProgressEvent

pytestmark = pytest.mark.django_db


def counts():
    return {
        "users": get_user_model().objects.count(),
        "courses": CoursePage.objects.live().count(),
        "lessons": LessonPage.objects.live().count(),
        "images": Image.objects.count(),
        "events": ProgressEvent.objects.count(),
        "progress": LessonProgress.objects.count(),
    }


class SeedDemoTests:
    def test_twice_leaves_the_same_counts(self, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path
        call_command("seed_demo")
        first = counts()
        call_command("seed_demo")
        assert counts() == first
        assert first["courses"] == len(COURSES) == 6
        assert first["lessons"] >= 18

    def test_demo_people_and_roles(self, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path
        call_command("seed_demo")
        users = get_user_model().objects
        expected = {
            "learner": ("Saodat Rahimova", {"Learner"}),
            "trainer": ("Malika Xolmatova", {"Trainer"}),
            "specialist": ("Aziz Tursunov", {"Specialist"}),
            "client": ("Dilnoza Karimova", {"Learner"}),
            "coordinator": ("Jasur Abdullayev", {"Coordinator"}),
            "socialworker": ("Nodira Qodirova", {"Learner", "Social worker"}),
        }
        for username, (name, roles) in expected.items():
            user = users.get(username=username)
            assert user.full_name == name
            assert set(user.groups.values_list("name", flat=True)) == roles
            assert user.check_password(DEMO_PASSWORD)
        learner = users.get(username="learner")
        assert learner.birth_year == 1958
        assert learner.region == "samarkand"

    def test_every_lesson_has_steps_and_a_question(self, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path
        call_command("seed_demo")
        for lesson in LessonPage.objects.live():
            kinds = [block.block_type for block in lesson.body]
            assert kinds.count("step") >= 3, lesson.title
            assert "question" in kinds, lesson.title
        for course in CoursePage.objects.live():
            assert course.cover_image and course.cover_alt

    def test_refused_by_production_settings(self, settings):
        settings.KOMAK_DEMO_DATA_ALLOWED = False
        with pytest.raises(CommandError):
            call_command("seed_demo")
        assert CoursePage.objects.count() == 0

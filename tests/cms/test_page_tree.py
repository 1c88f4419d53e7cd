"""Which page may live where, and that each page type renders."""

from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from cms.models import HomePage, StandardPage
from learning.models import CourseIndexPage, CoursePage, LessonPage
from tests.learning.factories import course_create


class PageTreeTests(WagtailPageTestCase):
    def test_allowed_parents(self):
        self.assertAllowedParentPageTypes(HomePage, {Page})
        self.assertAllowedParentPageTypes(CourseIndexPage, {HomePage})
        self.assertAllowedParentPageTypes(CoursePage, {CourseIndexPage})
        self.assertAllowedParentPageTypes(LessonPage, {CoursePage})
        self.assertAllowedParentPageTypes(StandardPage, {HomePage, StandardPage})

    def test_allowed_children(self):
        self.assertAllowedSubpageTypes(HomePage, {CourseIndexPage, StandardPage})
        self.assertAllowedSubpageTypes(CourseIndexPage, {CoursePage})
        self.assertAllowedSubpageTypes(CoursePage, {LessonPage})
        self.assertAllowedSubpageTypes(LessonPage, set())

    def test_wrong_places_are_refused(self):
        self.assertCanNotCreateAt(HomePage, LessonPage)
        self.assertCanNotCreateAt(CourseIndexPage, LessonPage)
        self.assertCanNotCreateAt(LessonPage, CoursePage)
        self.assertCanCreateAt(CoursePage, LessonPage)
        self.assertCanCreateAt(CourseIndexPage, CoursePage)

    def test_only_one_home_page(self):
        self.assertTrue(HomePage.objects.exists())
        self.assertFalse(HomePage.can_create_at(Page.get_first_root_node()))

    def test_every_page_type_renders(self):
        course, lessons = course_create()
        for page in (
            HomePage.objects.get(locale__language_code="uz"),
            CourseIndexPage.objects.get(locale__language_code="uz"),
            course,
            lessons[0],
        ):
            self.assertPageIsRenderable(page)

    def test_lesson_body_validation_refuses_a_question_without_right_answer(self):
        from django.core.exceptions import ValidationError

        from learning.blocks import PracticeQuestionBlock

        block = PracticeQuestionBlock()
        value = block.to_python(
            {
                "question": "?",
                "multiple": False,
                "options": [
                    {"text": "a", "correct": False, "feedback": ""},
                    {"text": "b", "correct": False, "feedback": ""},
                ],
            }
        )
        with self.assertRaises(ValidationError):
            block.clean(value)

    def test_single_choice_question_with_two_right_answers_is_refused(self):
        from django.core.exceptions import ValidationError

        from learning.blocks import PracticeQuestionBlock

        block = PracticeQuestionBlock()
        value = block.to_python(
            {
                "question": "?",
                "multiple": False,
                "options": [
                    {"text": "a", "correct": True, "feedback": ""},
                    {"text": "b", "correct": True, "feedback": ""},
                ],
            }
        )
        with self.assertRaises(ValidationError):
            block.clean(value)

"""Completion rules of training programs, and enrolling one social worker."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Locale

from learning.models import Certificate, Enrolment
from learning.program_selectors import enrolment_standing_get
from learning.program_services import (
    ProgramError,
    assessment_attempt_start,
    assessment_attempt_submit,
    enrolment_completion_check,
    enrolment_create,
)
from tests.accounts.factories import social_worker_create, user_create
from tests.learning.factories import (
    bank_course_create,
    cohort_create,
    course_create,
    program_create,
)
from tests.learning.factories import enrolment_create as enrol
from tests.learning.training import answers_with_wrong, lessons_complete, right_answers
from tests.support.i18n import uz

pytestmark = pytest.mark.django_db


def pass_assessment(enrolment, course):
    attempt = assessment_attempt_start(enrolment=enrolment, course=course)
    return assessment_attempt_submit(attempt=attempt, answers=right_answers(attempt))


class CompletionTests:
    def setup_method(self):
        self.first, self.first_lessons = bank_course_create(lessons=2)
        self.second, self.second_lessons = bank_course_create(lessons=3)
        self.program = program_create(courses=[self.first, self.second])
        self.enrolment = enrol(program=self.program)
        self.user = self.enrolment.user

    def standing(self):
        self.enrolment.refresh_from_db()
        return enrolment_standing_get(enrolment=self.enrolment)

    def test_nothing_done(self):
        standing = self.standing()
        assert (standing.courses_done, standing.courses_total) == (0, 2)
        assert not standing.complete

    def test_lessons_without_the_assessment_do_not_finish_a_course(self):
        lessons_complete(self.user, self.first_lessons)
        course = self.standing().courses[0]
        assert course.lessons_finished and not course.done

    def test_a_passed_assessment_without_all_lessons_does_not_finish_a_course(self):
        lessons_complete(self.user, self.first_lessons[:1])
        pass_assessment(self.enrolment, self.first)
        course = self.standing().courses[0]
        assert course.passed and not course.done

    def test_a_failed_assessment_does_not_finish_a_course(self):
        lessons_complete(self.user, self.first_lessons)
        attempt = assessment_attempt_start(enrolment=self.enrolment, course=self.first)
        assessment_attempt_submit(
            attempt=attempt, answers=answers_with_wrong(attempt, 4)
        )
        assert not self.standing().courses[0].done

    def test_every_course_done_completes_and_issues_one_certificate(self):
        lessons_complete(self.user, self.first_lessons)
        pass_assessment(self.enrolment, self.first)
        lessons_complete(self.user, self.second_lessons)
        assert self.standing().courses_done == 1
        assert Certificate.objects.count() == 0
        pass_assessment(self.enrolment, self.second)
        standing = self.standing()
        assert standing.complete and self.enrolment.completed_at is not None
        certificate = Certificate.objects.get()
        assert certificate.cpd_hours == self.program.cpd_hours
        assert certificate.holder_name == self.user.get_full_name()
        enrolment_completion_check(enrolment=self.enrolment)
        assert Certificate.objects.count() == 1

    def test_the_last_lesson_can_be_the_last_step(self):
        lessons_complete(self.user, self.first_lessons)
        pass_assessment(self.enrolment, self.first)
        pass_assessment(self.enrolment, self.second)
        lessons_complete(self.user, self.second_lessons[:2])
        assert not Certificate.objects.exists()
        # Marking the last lesson done (the progress endpoint) completes the program.
        lessons_complete(self.user, self.second_lessons[2:])
        assert Certificate.objects.filter(enrolment=self.enrolment).exists()

    def test_a_course_without_a_question_bank_needs_only_its_lessons(self):
        plain, lessons = course_create(lessons=1, audience="social_workers")
        program = program_create(courses=[plain])
        enrolment = enrol(program=program, user=self.user)
        lessons_complete(self.user, lessons)
        enrolment.refresh_from_db()
        assert enrolment.completed_at is not None

    def test_a_program_without_courses_never_completes(self):
        program = program_create(courses=[])
        enrolment = enrol(program=program, user=self.user)
        assert enrolment_completion_check(enrolment=enrolment) is None
        assert not enrolment_standing_get(enrolment=enrolment).complete

    def test_program_page_shows_progress_and_the_certificate(self, client):
        client.force_login(self.user)
        url = reverse("learning_program_detail", args=[self.program.slug])
        html = client.get(url).content.decode()
        assert uz("%(done)s of %(total)s courses done", done=0, total=2) in html
        lessons_complete(self.user, self.first_lessons + self.second_lessons)
        pass_assessment(self.enrolment, self.first)
        pass_assessment(self.enrolment, self.second)
        html = client.get(url).content.decode()
        code = Certificate.objects.get().code
        assert reverse("certificate_download", args=[code]) in html

    def test_a_person_not_enrolled_gets_404(self, client):
        client.force_login(social_worker_create())
        url = reverse("learning_program_detail", args=[self.program.slug])
        assert client.get(url).status_code == 404


class EnrolmentTests:
    def setup_method(self):
        course, _ = bank_course_create()
        self.program = program_create(courses=[course])
        self.cohort = cohort_create(program=self.program)

    def test_enrols_a_social_worker(self):
        user = social_worker_create()
        enrolment = enrolment_create(cohort=self.cohort, user=user)
        assert enrolment.program == self.program and enrolment.cohort == self.cohort

    def test_refuses_someone_who_is_not_a_social_worker(self):
        with pytest.raises(ProgramError):
            enrolment_create(cohort=self.cohort, user=user_create())
        assert not Enrolment.objects.exists()

    def test_refuses_twice(self):
        user = social_worker_create()
        enrolment_create(cohort=self.cohort, user=user)
        with pytest.raises(ProgramError):
            enrolment_create(cohort=self.cohort, user=user)
        assert Enrolment.objects.count() == 1

    def test_refuses_outside_the_window_and_unpublished(self):
        today = timezone.localdate()
        user = social_worker_create()
        with pytest.raises(ProgramError):
            enrolment_create(
                cohort=self.cohort, user=user, today=today + timedelta(days=11)
            )
        draft = program_create(courses=[], live=False)
        with pytest.raises(ProgramError):
            enrolment_create(cohort=cohort_create(program=draft), user=user)
        assert not Enrolment.objects.exists()


class ProgramCourseLanguageTests:
    def test_a_program_takes_the_uzbek_course_not_a_language_version(self):
        from django.core.exceptions import ValidationError
        from django.core.management import call_command

        from learning.models import ProgramCourse

        course, _ = course_create()
        call_command("sync_locale_trees")
        program = program_create(courses=[course])
        russian = course.get_translation(Locale.objects.get(language_code="ru"))
        item = ProgramCourse(program=program, course=russian, pass_mark_percent=70)
        with pytest.raises(ValidationError) as refused:
            item.full_clean()
        assert (
            uz(
                "Choose the course in Uzbek. A learner takes it in any language, "
                "and the progress counts the same."
            )
            in refused.value.message_dict["course"]
        )
        ProgramCourse(program=program, course=course, pass_mark_percent=70).clean()

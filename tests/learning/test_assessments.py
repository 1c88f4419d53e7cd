"""Final assessments: drawing, scoring on the server, attempt limits, time limits,
and that no right answer or feedback reaches the browser before submission."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from learning.blocks import AssessmentQuestionBankBlock
from learning.models import AssessmentAttempt
from learning.program_services import (
    AnswersIncomplete,
    ProgramError,
    assessment_attempt_start,
    assessment_attempt_submit,
    assessment_question_count,
    attempt_answers_parse,
)
from tests.learning.factories import (
    bank_course_create,
    enrolment_create,
    lesson_question_block,
    program_create,
)
from tests.learning.training import answers_with_wrong, posted, right_answers
from tests.support.i18n import uz

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    course, lessons = bank_course_create(questions=4, max_attempts=2)
    program = program_create(courses=[course], pass_mark=75)
    enrolment = enrolment_create(program=program)
    return course, lessons, program, enrolment


class ScoringTests:
    def test_all_right_scores_100_and_passes(self, setup):
        course, _lessons, _program, enrolment = setup
        attempt = assessment_attempt_start(enrolment=enrolment, course=course)
        result = assessment_attempt_submit(
            attempt=attempt, answers=right_answers(attempt)
        )
        assert (result.correct_count, result.question_count) == (4, 4)
        assert result.score_percent == 100
        assert result.passed is True

    def test_exactly_the_pass_mark_passes(self, setup):
        course, _lessons, _program, enrolment = setup
        attempt = assessment_attempt_start(enrolment=enrolment, course=course)
        result = assessment_attempt_submit(
            attempt=attempt, answers=answers_with_wrong(attempt, 1)
        )
        assert (result.correct_count, result.score_percent) == (3, 75)
        assert result.passed is True

    def test_below_the_pass_mark_fails(self, setup):
        course, _lessons, _program, enrolment = setup
        attempt = assessment_attempt_start(enrolment=enrolment, course=course)
        result = assessment_attempt_submit(
            attempt=attempt, answers=answers_with_wrong(attempt, 2)
        )
        assert (result.correct_count, result.score_percent) == (2, 50)
        assert result.passed is False

    def test_partly_right_multiple_choice_counts_as_wrong(self, setup):
        course, _lessons, _program, enrolment = setup
        attempt = assessment_attempt_start(enrolment=enrolment, course=course)
        answers = right_answers(attempt)
        multiple = next(key for key, value in answers.items() if len(value) == 2)
        answers[multiple] = answers[multiple][:1]
        result = assessment_attempt_submit(attempt=attempt, answers=answers)
        assert result.correct_count == 3

    def test_pass_mark_comes_from_the_program(self):
        course, _lessons = bank_course_create(questions=4)
        strict = program_create(courses=[course], pass_mark=100)
        enrolment = enrolment_create(program=strict)
        attempt = assessment_attempt_start(enrolment=enrolment, course=course)
        result = assessment_attempt_submit(
            attempt=attempt, answers=answers_with_wrong(attempt, 1)
        )
        assert result.pass_mark_percent == 100
        assert result.passed is False

    def test_a_submitted_attempt_cannot_be_sent_again(self, setup):
        course, _lessons, _program, enrolment = setup
        attempt = assessment_attempt_start(enrolment=enrolment, course=course)
        assessment_attempt_submit(
            attempt=attempt, answers=answers_with_wrong(attempt, 4)
        )
        with pytest.raises(ProgramError):
            assessment_attempt_submit(attempt=attempt, answers=right_answers(attempt))
        attempt.refresh_from_db()
        assert attempt.correct_count == 0


class AttemptLimitTests:
    def test_reload_returns_the_open_attempt(self, setup):
        course, _lessons, _program, enrolment = setup
        first = assessment_attempt_start(enrolment=enrolment, course=course)
        again = assessment_attempt_start(enrolment=enrolment, course=course)
        assert first.pk == again.pk
        assert AssessmentAttempt.objects.count() == 1

    def test_no_attempt_after_the_limit(self, setup):
        course, _lessons, _program, enrolment = setup
        for _ in range(2):
            attempt = assessment_attempt_start(enrolment=enrolment, course=course)
            assessment_attempt_submit(
                attempt=attempt, answers=answers_with_wrong(attempt, 4)
            )
        with pytest.raises(ProgramError) as raised:
            assessment_attempt_start(enrolment=enrolment, course=course)
        assert "2" in raised.value.message
        assert AssessmentAttempt.objects.count() == 2

    def test_no_attempt_after_passing(self, setup):
        course, _lessons, _program, enrolment = setup
        attempt = assessment_attempt_start(enrolment=enrolment, course=course)
        assessment_attempt_submit(attempt=attempt, answers=right_answers(attempt))
        with pytest.raises(ProgramError):
            assessment_attempt_start(enrolment=enrolment, course=course)

    def test_the_limit_is_shown_and_enforced_over_http(self, setup, client):
        course, _lessons, program, enrolment = setup
        client.force_login(enrolment.user)
        start_url = reverse("learning_assessment_start", args=[program.slug, course.pk])
        for _ in range(2):
            response = client.post(start_url)
            attempt = AssessmentAttempt.objects.latest("pk")
            assert response["Location"] == reverse(
                "learning_attempt_take", args=[attempt.pk]
            )
            client.post(response["Location"], posted(answers_with_wrong(attempt, 4)))
        response = client.post(start_url, follow=True)
        html = response.content.decode()
        assert (
            uz("You have used all %(count)s attempts at this assessment.", count=2)
            in html
        )
        assert AssessmentAttempt.objects.count() == 2

    def test_a_course_outside_the_program_is_refused(self, setup):
        _course, _lessons, _program, enrolment = setup
        other, _ = bank_course_create()
        with pytest.raises(ProgramError):
            assessment_attempt_start(enrolment=enrolment, course=other)


class DrawTests:
    def test_questions_and_options_are_shuffled_permutations(self, setup):
        course, _lessons, _program, enrolment = setup
        bank = course.assessment_bank()
        orders = set()
        for _ in range(12):
            attempt = assessment_attempt_start(enrolment=enrolment, course=course)
            assert sorted(item["id"] for item in attempt.layout) == sorted(bank)
            for item in attempt.layout:
                count = len(bank[item["id"]]["options"])
                assert sorted(item["options"]) == list(range(count))
            orders.add(
                tuple((item["id"], tuple(item["options"])) for item in attempt.layout)
            )
            attempt.delete()  # only to draw again; not a path the site offers
        assert len(orders) > 1

    def test_question_count_draws_a_subset(self):
        course, _ = bank_course_create(questions=5, assessment_question_count=3)
        program = program_create(courses=[course])
        attempt = assessment_attempt_start(
            enrolment=enrolment_create(program=program), course=course
        )
        assert len(attempt.layout) == 3
        assert len({item["id"] for item in attempt.layout}) == 3

    @pytest.mark.parametrize(
        ("bank", "asked", "expected"), [(5, 3, 3), (4, None, 4), (4, 9, 4)]
    )
    def test_questions_per_attempt_one_rule_for_the_draw_and_the_page(
        self, client, bank, asked, expected
    ):
        """The start page says how many questions the attempt will ask: the
        course's number, or the whole bank when it sets none or has fewer."""
        course, _ = bank_course_create(questions=bank, assessment_question_count=asked)
        program = program_create(courses=[course])
        enrolment = enrolment_create(program=program)
        assert assessment_question_count(course=course) == expected
        client.force_login(enrolment.user)
        page = client.get(
            reverse(
                "learning_assessment_start",
                kwargs={"slug": program.slug, "course_id": course.pk},
            )
        )
        assert page.context["question_count"] == expected
        attempt = assessment_attempt_start(enrolment=enrolment, course=course)
        assert len(attempt.layout) == expected


class TimeLimitTests:
    def test_no_time_limit_unless_set(self, setup):
        course, _lessons, _program, enrolment = setup
        attempt = assessment_attempt_start(enrolment=enrolment, course=course)
        assert attempt.ends_at is None
        later = timezone.now() + timedelta(days=3)
        result = assessment_attempt_submit(
            attempt=attempt, answers=right_answers(attempt), now=later
        )
        assert result.passed is True

    def test_answers_after_the_limit_are_not_counted(self):
        course, _ = bank_course_create(assessment_time_limit_minutes=10)
        program = program_create(courses=[course])
        enrolment = enrolment_create(program=program)
        start = timezone.now()
        attempt = assessment_attempt_start(
            enrolment=enrolment, course=course, now=start
        )
        assert attempt.ends_at == start + timedelta(minutes=10)
        in_grace = assessment_attempt_submit(
            attempt=attempt,
            answers=right_answers(attempt),
            now=start + timedelta(minutes=10, seconds=30),
        )
        assert in_grace.passed is True

        second_enrolment = enrolment_create(program=program)
        late_attempt = assessment_attempt_start(
            enrolment=second_enrolment, course=course, now=start
        )
        late = assessment_attempt_submit(
            attempt=late_attempt,
            answers=right_answers(late_attempt),
            now=start + timedelta(minutes=12),
        )
        assert late.late is True
        assert (late.correct_count, late.passed) == (0, False)


class BadAnswerTests:
    def test_unanswered_and_impossible_answers_are_named(self, setup):
        course, _lessons, _program, enrolment = setup
        attempt = assessment_attempt_start(enrolment=enrolment, course=course)
        answers = posted(right_answers(attempt))
        first, second, third = (item["id"] for item in attempt.layout[:3])
        del answers[f"q-{first}"]
        answers[f"q-{second}"] = ["99"]
        answers[f"q-{third}"] = ["x"]
        with pytest.raises(AnswersIncomplete) as raised:
            attempt_answers_parse(attempt=attempt, posted=answers)
        assert set(raised.value.errors) == {first, second, third}
        assert len(raised.value.answers) == 1

    def test_the_form_keeps_good_answers_and_saves_nothing(self, setup, client):
        course, _lessons, _program, enrolment = setup
        client.force_login(enrolment.user)
        attempt = assessment_attempt_start(enrolment=enrolment, course=course)
        answers = right_answers(attempt)
        missing = attempt.layout[0]["id"]
        kept_id = attempt.layout[1]["id"]
        data = posted(answers)
        del data[f"q-{missing}"]
        response = client.post(
            reverse("learning_attempt_take", args=[attempt.pk]), data
        )
        assert response.status_code == 400
        html = response.content.decode()
        assert uz("Choose an answer to this question.") in html
        kept_value = answers[kept_id][0]
        assert f'name="q-{kept_id}" value="{kept_value}" checked' in html
        attempt.refresh_from_db()
        assert attempt.submitted_at is None and attempt.answers is None

    def test_someone_elses_attempt_is_404(self, setup, client):
        course, _lessons, _program, enrolment = setup
        attempt = assessment_attempt_start(enrolment=enrolment, course=course)
        other = enrolment_create(program=enrolment.program).user
        client.force_login(other)
        for name in ("learning_attempt_take", "learning_attempt_result"):
            assert client.get(reverse(name, args=[attempt.pk])).status_code == 404


class NoAnswerBeforeSubmissionTests:
    """Right answers and feedback must not be in any page or response before the
    attempt is sent; after it, the feedback is shown."""

    def secrets(self, course) -> list[str]:
        # Every option's feedback text, and the markers a template might leak.
        texts = [
            option["feedback"]
            for question in course.assessment_bank().values()
            for option in question["options"]
        ]
        return texts + ['"correct"', "data-correct", "feedback-right"]

    def test_pages_before_submission_carry_no_answer(self, setup, client):
        course, lessons, program, enrolment = setup
        client.force_login(enrolment.user)
        start_url = reverse("learning_assessment_start", args=[program.slug, course.pk])
        pages = [
            reverse("learning_my_training"),
            reverse("learning_program_detail", args=[program.slug]),
            start_url,
            course.url,
        ]
        response = client.post(start_url, follow=True)
        assert response.status_code == 200
        bodies = [response.content.decode()]
        bodies += [client.get(url).content.decode() for url in pages]
        attempt = AssessmentAttempt.objects.get()
        # The attempt page shows the questions, in the drawn order...
        first_question = course.assessment_bank()[attempt.layout[0]["id"]]["question"]
        assert first_question in bodies[0]
        for body in bodies:
            for secret in self.secrets(course):
                assert secret not in body

        # ...and the feedback only once the attempt is sent.
        response = client.post(
            reverse("learning_attempt_take", args=[attempt.pk]),
            posted(answers_with_wrong(attempt, 1)),
            follow=True,
        )
        result = response.content.decode()
        assert uz("right answer") in result
        wrong_question = course.assessment_bank()[attempt.layout[0]["id"]]
        chosen = answers_with_wrong(attempt, 1)[attempt.layout[0]["id"]][0]
        assert wrong_question["options"][chosen]["feedback"] in result

    def test_a_bank_question_is_never_checked_on_the_phone(self, client):
        # The bank's block has no such mark (learning.blocks.PracticeQuestionBlock): a
        # lesson's practice question pasted into the bank with the mark on still
        # keeps its answer on the server.
        bank_block = AssessmentQuestionBankBlock().child_blocks["question"]
        assert "check_on_phone" not in bank_block.child_blocks
        course, _lessons = bank_course_create(questions=2)
        course.assessment_questions = [
            lesson_question_block(f"Savol {number}?", check_on_phone=True)
            for number in range(2)
        ]
        course.save_revision().publish()
        course.refresh_from_db()
        program = program_create(courses=[course], pass_mark=75)
        enrolment = enrolment_create(program=program)
        client.force_login(enrolment.user)
        start_url = reverse("learning_assessment_start", args=[program.slug, course.pk])
        body = client.post(start_url, follow=True).content.decode()
        assert "Savol 0?" in body
        for secret in self.secrets(course):
            assert secret not in body
        assert "-check" not in body

    def test_the_result_page_waits_for_submission(self, setup, client):
        course, _lessons, _program, enrolment = setup
        client.force_login(enrolment.user)
        attempt = assessment_attempt_start(enrolment=enrolment, course=course)
        response = client.get(reverse("learning_attempt_result", args=[attempt.pk]))
        assert response.status_code == 302
        assert response["Location"] == reverse(
            "learning_attempt_take", args=[attempt.pk]
        )

"""Fuzzing the learning endpoints: progress events (JSON), the lesson page's form
posts, assessment answers, the cohort CSV import and one-by-one enrolment, and
revoking a certificate, as learners, social workers, trainers (of this program and
of another), a coordinator and nobody."""

import uuid
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override
from hypothesis import given
from hypothesis import strategies as st

from learning.models import (
    AssessmentAttempt,
    Certificate,
    Cohort,
    Enrolment,
    LessonProgress,
    LessonVisit,
    PracticeAnswer,
    Program,
    ProgressEvent,
)

from .harness import Fuzzer, fuzz_settings, signed_in
from .strategies import (
    any_text,
    broken_json_bodies,
    csv_files,
    form_data,
    json_body,
    json_values,
    wrong_for,
)
from .worlds import User, learning_world

pytestmark = pytest.mark.django_db

LEARNING_MODELS = [
    ProgressEvent,
    LessonVisit,
    LessonProgress,
    PracticeAnswer,
    AssessmentAttempt,
    Certificate,
    Enrolment,
    Cohort,
    Program,
    User,
]
ROLES = [
    "anonymous",
    "learner",
    "social_worker",
    "trainer",
    "other_trainer",
    "coordinator",
]


def learning_fuzzer(name: str):
    world = learning_world()
    people = {
        "anonymous": None,
        "learner": world.learner,
        "social_worker": world.social_worker,
        "trainer": world.trainer,
        "other_trainer": world.other_trainer,
        "coordinator": world.coordinator,
    }
    clients = {role: signed_in(user) for role, user in people.items()}
    return world, Fuzzer(clients=clients, models=LEARNING_MODELS, name=name)


# Progress events ----------------------------------------------------------------------

KINDS = ["open", "time", "video", "answer", "complete"]


@st.composite
def progress_event(draw, lesson_ids, question_ids, *, exact=False):
    """An event of the lesson script's protocol, valid or with some of it wrong."""
    kind = draw(st.sampled_from(KINDS))
    valid = {
        "id": st.uuids().map(str),
        "lesson": st.sampled_from(lesson_ids),
        "visit": st.uuids().map(str),
        "type": st.just(kind),
        "at": st.integers(-3600, 500).map(
            lambda seconds: (timezone.now() + timedelta(seconds=seconds)).isoformat()
        ),
        "seconds": st.integers(1, 600),
        "position": st.one_of(st.floats(0, 6 * 3600), st.integers(0, 6 * 3600)),
        "question": st.sampled_from(question_ids),
        "choices": st.lists(st.integers(0, 3), min_size=1, max_size=2, unique=True),
        "assisted": st.booleans(),
    }
    # Near misses, beside the wrong JSON types of `wrong_for`.
    odd = {
        "id": st.sampled_from(["", "not-a-uuid", str(uuid.UUID(int=0))[:-1]]),
        "lesson": st.sampled_from([0, -1, 999_999, 2**31, 2**63, 1.5, True]),
        "visit": st.sampled_from(["", "{}", "x" * 100]),
        "type": st.sampled_from(["hack", "OPEN", ""]),
        "at": st.sampled_from(
            [
                "2026-05-01T10:30:00",
                "2023-12-31T23:59:59Z",
                "9999-12-31T23:59:59Z",
                "2026-13-01T00:00:00Z",
                "2026-05-01T10:30:00+99:00",
                "0001-01-01T00:00:00+14:00",
                "2026-05-01T10:30:00.9999999999Z",
            ]
        ),
        "seconds": st.sampled_from([0, -5, 601, 10**30, 1.0, True]),
        "position": st.sampled_from([-1, 6 * 3600 + 1, 1e308, 10**400 // 10**399]),
        "question": st.sampled_from(["", "x" * 65, "nope"]),
        "choices": st.sampled_from([[], [0, 0], [-1], [99], [True], list(range(9))]),
        "assisted": st.sampled_from([1, "true", None]),
    }
    names = ["id", "lesson", "visit", "type", "at"]
    names += {
        "time": ["seconds"],
        "video": ["position"],
        "answer": ["question", "choices"],
        "complete": ["assisted"],
    }.get(kind, [])
    if exact or draw(st.integers(0, 2)) == 0:  # some events are exactly right
        return {name: draw(valid[name]) for name in names}
    event = {}
    for name in names:
        how = draw(st.sampled_from(["valid"] * 5 + ["odd", "wrong", "missing"]))
        if how == "valid":
            event[name] = draw(valid[name])
        elif how == "odd":
            event[name] = draw(odd[name])
        elif how == "wrong":
            event[name] = draw(wrong_for(draw(valid[name])))
    if draw(st.integers(0, 7)) == 0:
        event[draw(st.sampled_from(list(valid) + ["extra"]))] = draw(json_values)
    return event


def progress_bodies(world):
    lesson = world.lessons[0]
    events = progress_event([lesson.pk], sorted(lesson.questions()))
    exact = progress_event([lesson.pk], sorted(lesson.questions()), exact=True)
    batch = st.fixed_dictionaries({"events": st.lists(events, min_size=0, max_size=4)})
    good = st.fixed_dictionaries({"events": st.lists(exact, min_size=1, max_size=4)})
    return st.one_of(
        good.map(json_body),
        batch.map(json_body),
        batch.map(json_body),
        st.lists(events, min_size=51, max_size=52).map(
            lambda e: json_body({"events": e})
        ),
        json_values.map(json_body),
        broken_json_bodies,
    )


class LearningFuzzTests:
    def test_progress_events(self):
        world, fuzzer = learning_fuzzer("progress_events")
        url = "/uz/learning/progress/"

        @fuzz_settings("progress_events")
        @given(
            st.sampled_from(ROLES),
            progress_bodies(world),
            st.sampled_from(["application/json"] * 5 + ["text/plain"]),
            st.booleans(),
        )
        def run(role, body, content_type, twice):
            def requests():
                fuzzer.request(role, "POST", url, data=body, content_type=content_type)
                if twice:  # a retry after a lost answer counts once
                    fuzzer.request(
                        role, "POST", url, data=body, content_type=content_type
                    )

            fuzzer.example(requests)

        run()
        fuzzer.check_spread(accepted_at_least=1)

    def test_lesson_form(self):
        world, fuzzer = learning_fuzzer("lesson_form")
        lesson = world.lessons[0]
        questions = sorted(lesson.questions())
        # The lesson's no-JavaScript form posts beside the page, not to it.
        with override("uz"):
            form_url = reverse("learning_lesson_form", args=[lesson.pk])
        form = form_data(
            {
                "action": st.sampled_from(["complete", "answer", "delete"]),
                "question": st.sampled_from([*questions, "nope"]),
                "choice": st.sampled_from(["0", "1", "2", "3", "-1", "99", "x"]),
                "assisted": st.sampled_from(["1", "0", "yes"]),
                "event_id": st.one_of(st.uuids().map(str), any_text),
            }
        )

        @fuzz_settings("lesson_form")
        @given(st.sampled_from(ROLES), form)
        def run(role, data):
            fuzzer.example(lambda: fuzzer.request(role, "POST", form_url, data=data))

        run()
        fuzzer.check_spread(accepted_at_least=1)

    def test_assessment(self):
        world, fuzzer = learning_fuzzer("assessment")
        bank_ids = sorted(world.course.assessment_bank())
        start = f"/uz/learning/programs/{world.program.slug}/courses/{{}}/assessment/"
        answer_fields = {
            f"q-{question_id}": st.sampled_from(["0", "1", "2", "3", "9", "-1", "x"])
            for question_id in bank_ids
        }
        answers = form_data(answer_fields)
        attempts = st.sampled_from(
            [world.attempt.pk, world.others_attempt.pk, 999_999, 2**63]
        )

        @fuzz_settings("assessment")
        @given(
            st.sampled_from(ROLES),
            st.sampled_from(["take", "take", "take", "start"]),
            attempts,
            answers,
            st.sampled_from([world.course.pk, 999_999, 2**40]),
            st.booleans(),
        )
        def run(role, page, attempt_id, data, course_id, twice):
            if page == "start":
                path = start.format(course_id)
            else:
                path = f"/uz/learning/attempts/{attempt_id}/"

            def requests():
                fuzzer.request(role, "POST", path, data=data)
                if twice:  # a second tap on "Send": the attempt is scored once
                    fuzzer.request(role, "POST", path, data=data)

            fuzzer.example(requests)

        run()
        fuzzer.check_spread(accepted_at_least=1)

    def test_cohort_import(self):
        world, fuzzer = learning_fuzzer("cohort_import")
        cohorts = st.sampled_from(
            [world.cohort.pk, world.cohort.pk, world.other_cohort.pk, 999_999]
        )
        add_form = form_data(
            {
                "action": st.sampled_from(["add", "import", "delete"]),
                "login": st.sampled_from(world.logins),
            }
        )

        @fuzz_settings("cohort_import")
        @given(
            # Mostly the people who may import, so that files reach the parser.
            st.sampled_from([*ROLES, "trainer", "trainer", "coordinator"]),
            cohorts,
            add_form,
            st.one_of(st.none(), csv_files(world.logins), csv_files(world.logins)),
        )
        def run(role, cohort_id, data, upload):
            if upload is not None:
                data = {
                    **data,
                    "action": "import",
                    "file": SimpleUploadedFile("cohort.csv", upload),
                }
            path = f"/admin/training/cohorts/{cohort_id}/members/"
            fuzzer.example(lambda: fuzzer.request(role, "POST", path, data=data))

        run()
        fuzzer.check_spread(accepted_at_least=1)

    def test_certificate_revoke(self):
        world, fuzzer = learning_fuzzer("certificate_revoke")
        codes = st.sampled_from([world.certificate.code, "NOPE-0000", "x" * 300])

        @fuzz_settings("certificate_revoke")
        @given(st.sampled_from(ROLES), codes, form_data({"reason": any_text}))
        def run(role, code, data):
            path = f"/admin/training/certificates/{code}/"
            fuzzer.example(lambda: fuzzer.request(role, "POST", path, data=data))

        run()
        fuzzer.check_spread(accepted_at_least=1)

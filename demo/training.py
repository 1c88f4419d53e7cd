"""Demo training programs for `seed_demo`, from `demo/training.yaml`: question banks
for the social workers' courses, two programs, two cohorts of synthetic social
workers in several regions, and the demo social worker's own progress. Idempotent.

The demo trainer (`trainer`) runs both programs, so her reports and cohorts are
filled. The demo social worker (`socialworker`) has completed "Raqamli xizmat
asoslari" and holds its certificate, and is halfway through "Maʼlumotlar himoyasi
va onlayn xizmat": its first course is done, the second course's lessons are done
but its final assessment is still to take (the browser test takes it).
"""

import uuid
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import yaml
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.roles import LEARNER, SOCIAL_WORKER
from learning.events import EventIn
from learning.models import (
    AssessmentAttempt,
    Cohort,
    CoursePage,
    Enrolment,
    LessonPage,
    Program,
    ProgramCourse,
)
from learning.program_services import (
    assessment_attempt_start,
    assessment_attempt_submit,
)
from learning.services import progress_events_record

from .courses import stream_check
from .errors import DemoDataError

TRAINING_FILE = Path(__file__).resolve().parent / "training.yaml"
DEMO_NAMESPACE = uuid.UUID("0d7f3c1e-3b7a-4c55-9d0e-5b8e2f6a1c42")
ONLINE_COURSE = "onlayn-konsultatsiya-otkazish"
PRIVACY_COURSE = "mijoz-malumotlarini-himoya"


def training_read(path: Path = TRAINING_FILE) -> dict:
    """The file, each question bank checked against the bank's blocks and given
    stable block ids (from the question's text). Raises DemoDataError."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for key in ("question_banks", "programs", "synthetic_social_workers"):
        if not isinstance(data, dict) or not data.get(key):
            raise DemoDataError(path, key, "This field is required.")
    stream_block = CoursePage._meta.get_field("assessment_questions").stream_block
    for slug, bank in data["question_banks"].items():
        stream_check(
            path=path,
            where=f"question_banks.{slug}",
            stream_block=stream_block,
            data=bank,
        )
        bank[:] = [
            {
                "type": block["type"],
                "id": str(uuid.uuid5(DEMO_NAMESPACE, block["value"]["question"])),
                "value": block["value"],
            }
            for block in bank
        ]
    return data


def question_banks() -> dict[str, list[dict]]:
    """The final assessments' questions by course slug, as stored."""
    return training_read()["question_banks"]


def _bank_ensure(course: CoursePage, bank: list[dict]) -> None:
    if course.assessment_questions:
        return
    course.assessment_questions = bank
    course.assessment_max_attempts = 3
    course.save_revision().publish()


def _program_ensure(*, slug, title, summary, hours, courses, opens, deadline, trainers):
    """The program, published and run by `trainers` (also in an older demo
    database, where it was made before programs had trainers)."""
    program = Program.objects.filter(slug=slug).first()
    if program is None:
        program = Program(
            slug=slug,
            title=title,
            summary=summary,
            cpd_hours=Decimal(hours),
            enrolment_opens=opens,
            enrolment_closes=opens + timedelta(days=120),
            deadline=deadline,
        )
        program.save()
        for order, (course, mark) in enumerate(courses):
            ProgramCourse.objects.create(
                program=program,
                course=course,
                pass_mark_percent=mark,
                sort_order=order,
            )
    running = set(program.trainers.values_list("pk", flat=True))
    if program.live and running.issuperset(trainer.pk for trainer in trainers):
        return program
    program.trainers.add(*trainers)
    # Through a revision, so that the admin's edit form shows the trainers too.
    program.save_revision().publish()
    return program


def _lessons_complete(user, course: CoursePage, *, when) -> None:
    lessons = list(LessonPage.objects.child_of(course).live().order_by("path"))
    for number, lesson in enumerate(lessons):
        visit = uuid.uuid5(DEMO_NAMESPACE, f"{user.username}-{lesson.pk}")
        at = when + timedelta(hours=number)
        events = [
            EventIn(
                event_id=uuid.uuid5(
                    DEMO_NAMESPACE, f"{user.username}-{lesson.pk}-{kind}"
                ),
                lesson_id=lesson.pk,
                visit_id=visit,
                kind=kind,
                occurred_at=at + timedelta(minutes=offset),
                seconds=seconds,
            )
            for kind, offset, seconds in (
                ("open", 0, None),
                ("time", 8, 480),
                ("complete", 9, None),
            )
        ]
        progress_events_record(user=user, events=events, lessons={lesson.pk: lesson})


def _attempt_take(enrolment, course: CoursePage, *, right: bool, when) -> None:
    """Take one attempt: all answers right, or every question answered wrong."""
    attempt = assessment_attempt_start(enrolment=enrolment, course=course, now=when)
    bank = course.assessment_bank()
    answers = {}
    for item in attempt.layout:
        options = bank[item["id"]]["options"]
        right_ones = [i for i, option in enumerate(options) if option["correct"]]
        wrong_ones = [i for i, option in enumerate(options) if not option["correct"]]
        answers[item["id"]] = right_ones if right else wrong_ones[:1]
    assessment_attempt_submit(
        attempt=attempt, answers=answers, now=when + timedelta(minutes=12)
    )


def _synthetic_social_workers(groups, spec: dict) -> list:
    users = get_user_model().objects
    people = []
    first_names, last_names = spec["first_names"], spec["last_names"]
    regions = spec["regions"]
    for number in range(1, spec["count"] + 1):
        first = first_names[(number - 1) % len(first_names)]
        last = last_names[(number * 5) % len(last_names)]
        user, created = users.get_or_create(
            username=f"ijtimoiy{number:02d}",
            defaults={
                "full_name": f"{first} {last}",
                "phone_number": f"+99890333{number:04d}",
                "region": regions[(number - 1) % len(regions)],
                "birth_year": 1975 + number % 20,
            },
        )
        if created:
            user.set_unusable_password()  # synthetic: nobody signs in as them
            user.save()
        user.groups.add(*groups)
        people.append(user)
    return people


def _enrol(program, cohort, user, *, when) -> Enrolment:
    enrolment, _created = Enrolment.objects.get_or_create(
        user=user, program=program, defaults={"cohort": cohort, "enrolled_at": when}
    )
    return enrolment


def seed_training(users: dict, data: dict | None = None) -> None:
    """Programs, cohorts and progress; `users` are the demo people by username,
    `data` what `training_read` read (read now if not given)."""
    data = data or training_read()
    now = timezone.now()
    today = timezone.localdate()
    by_slug = {
        slug: CoursePage.objects.get(
            slug=slug, locale__language_code=settings.LANGUAGE_CODE
        )
        for slug in data["question_banks"]
    }
    for slug, course in by_slug.items():
        _bank_ensure(course, data["question_banks"][slug])
        course.refresh_from_db()
    online, privacy = by_slug[ONLINE_COURSE], by_slug[PRIVACY_COURSE]
    # The demo trainer runs both programs, so her reports are filled.
    trainers = [users["trainer"]] if "trainer" in users else []
    programs = [
        _program_ensure(
            slug=spec["slug"],
            title=spec["title"],
            summary=spec["summary"],
            hours=spec["cpd_hours"],
            courses=[
                (by_slug[item["course"]], item["pass_mark_percent"])
                for item in spec["courses"]
            ],
            opens=today - timedelta(days=spec["opened_days_ago"]),
            deadline=today + timedelta(days=spec["deadline_in_days"]),
            trainers=trainers,
        )
        for spec in data["programs"]
    ]
    cohorts = [
        Cohort.objects.get_or_create(
            name=spec["cohort"]["name"],
            defaults={
                "program": program,
                "organisation": spec["cohort"]["organisation"],
            },
        )[0]
        for spec, program in zip(data["programs"], programs, strict=True)
    ]
    (basics, privacy_program), (cohort_north, cohort_east) = programs, cohorts
    groups = list(Group.objects.filter(name__in=[LEARNER, SOCIAL_WORKER]))
    people = _synthetic_social_workers(groups, data["synthetic_social_workers"])
    started = now - timedelta(days=40)
    for number, person in enumerate(people, start=1):
        program, cohort = (
            (basics, cohort_north) if number % 2 else (privacy_program, cohort_east)
        )
        enrolment = _enrol(program, cohort, person, when=started)
        if enrolment.attempts.exists() or enrolment.completed_at:
            continue
        stage = (number // 2) % 4  # 0 nothing yet, 1 lessons, 2 failed, 3 completed
        courses = [item.course for item in program.program_courses.all()]
        if stage >= 1:
            _lessons_complete(person, courses[0], when=started + timedelta(days=number))
        if stage == 2:
            _attempt_take(
                enrolment,
                courses[0],
                right=False,
                when=started + timedelta(days=number + 1),
            )
        if stage == 3:
            for offset, course in enumerate(courses):
                when = started + timedelta(days=number + offset)
                _lessons_complete(person, course, when=when)
                _attempt_take(
                    enrolment, course, right=True, when=when + timedelta(hours=6)
                )
    worker = users["socialworker"]
    past = now - timedelta(days=20)
    first = _enrol(basics, cohort_north, worker, when=now - timedelta(days=30))
    if not AssessmentAttempt.objects.filter(enrolment=first).exists():
        _lessons_complete(worker, online, when=past - timedelta(days=3))
        _attempt_take(first, online, right=True, when=past)
    second = _enrol(privacy_program, cohort_east, worker, when=now - timedelta(days=10))
    if not AssessmentAttempt.objects.filter(enrolment=second).exists():
        _attempt_take(second, online, right=True, when=now - timedelta(days=8))
        _lessons_complete(worker, privacy, when=now - timedelta(days=3))

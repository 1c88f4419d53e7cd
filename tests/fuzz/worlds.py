"""The people and things each fuzz run needs, made once per test and kept by
rolling back every example (harness.Fuzzer.example)."""

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from consultations.models import (
    Booking,
    ConsentRecord,
    ConsentTerms,
    SessionNote,
    SpecialistProfile,
    TimeOff,
    WeeklyHours,
)
from consultations.services import consent_accept
from tests.accounts.factories import user_create
from tests.consultations.factories import booking_make, slot_at, specialist_create

CONSULTATION_MODELS = [
    Booking,
    ConsentRecord,
    ConsentTerms,
    SessionNote,
    SpecialistProfile,
    WeeklyHours,
    TimeOff,
]
TOPICS = ["loneliness", "family_conflict", "grief", "anxiety"]


@dataclass
class ConsultationWorld:
    client: object
    other_client: object
    no_consent: object
    specialist: SpecialistProfile
    other_specialist: SpecialistProfile
    terms: ConsentTerms
    # Bookings by whose they are: the client's, someone else's, started, cancelled.
    bookings: dict


def consultation_world() -> ConsultationWorld:
    terms = ConsentTerms.objects.create(version="fuzz-1", text="Shartlar.")
    client = user_create()
    other_client = user_create()
    for person in (client, other_client):
        consent_accept(user=person)
    no_consent = user_create()
    specialist = specialist_create()
    other_specialist = specialist_create(topics=["grief"])
    now = timezone.now()
    bookings = {
        "own_later": booking_make(client, specialist, slot_at(days=3, hour=10)),
        "own_soon": booking_make(client, specialist, now + timedelta(hours=1)),
        "own_started": booking_make(client, specialist, now - timedelta(minutes=10)),
        "own_cancelled": booking_make(
            client, specialist, slot_at(days=4, hour=9), status="cancelled"
        ),
        "others": booking_make(other_client, specialist, slot_at(days=3, hour=12)),
        "other_specialists": booking_make(
            other_client, other_specialist, slot_at(days=5, hour=8)
        ),
        "no_consent": booking_make(no_consent, specialist, slot_at(days=6, hour=8)),
    }
    return ConsultationWorld(
        client=client,
        other_client=other_client,
        no_consent=no_consent,
        specialist=specialist,
        other_specialist=other_specialist,
        terms=terms,
        bookings=bookings,
    )


User = get_user_model()


# Learning -----------------------------------------------------------------------------


@dataclass
class LearningWorld:
    learner: object
    social_worker: object
    other_worker: object
    trainer: object
    other_trainer: object
    coordinator: object
    lessons: list
    program: object
    other_program: object
    course: object
    cohort: object
    other_cohort: object
    attempt: object
    others_attempt: object
    certificate: object
    logins: list


def learning_world() -> LearningWorld:
    # Imported here: tests.learning.training builds on the learning app's services.
    from learning.program_services import (
        assessment_attempt_start,
        certificate_issue,
    )
    from tests.accounts.factories import (
        coordinator_create,
        social_worker_create,
        trainer_create,
    )
    from tests.learning.factories import (
        bank_course_create,
        cohort_create,
        course_create,
        enrolment_create,
        program_create,
    )

    _, lessons = course_create(lessons=1)
    trainer = trainer_create()
    other_trainer = trainer_create()
    course, _ = bank_course_create(questions=4, lessons=1)
    program = program_create(courses=[course], trainers=[trainer])
    other_program = program_create(courses=[course], trainers=[other_trainer])
    cohort = cohort_create(program=program)
    other_cohort = cohort_create(program=other_program)
    social_worker = social_worker_create(username="fuzzworker", phone_number=None)
    other_worker = social_worker_create(username="otherworker")
    enrolment = enrolment_create(program=program, user=social_worker, cohort=cohort)
    others = enrolment_create(program=program, user=other_worker, cohort=cohort)
    attempt = assessment_attempt_start(enrolment=enrolment, course=course)
    others_attempt = assessment_attempt_start(enrolment=others, course=course)
    done = enrolment_create(program=other_program, cohort=other_cohort)
    certificate = certificate_issue(enrolment=done)
    free_workers = [social_worker_create(username=f"free{n}") for n in range(3)]
    return LearningWorld(
        learner=user_create(),
        social_worker=social_worker,
        other_worker=other_worker,
        trainer=trainer,
        other_trainer=other_trainer,
        coordinator=coordinator_create(),
        lessons=lessons,
        program=program,
        other_program=other_program,
        course=course,
        cohort=cohort,
        other_cohort=other_cohort,
        attempt=attempt,
        others_attempt=others_attempt,
        certificate=certificate,
        logins=[
            *(worker.username for worker in free_workers),
            "fuzzworker",
            "ghost",
            "+998 90 000 00 00",
        ],
    )

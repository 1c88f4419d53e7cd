"""The synthetic demo population of the needs analytics (`seed_demo --analytics`):
2,000 people across every region, 5,000 bookings over the last six months, some
lessons, program enrolments, urgent requests and wellbeing check-ins, so that the
dashboard shows figures above the small-group threshold.

Every synthetic person has a phone number in the "+998 00" range, which no real
number uses (`sources.SYNTHETIC_PHONE_PREFIX`): the analytics count them apart from
real people, they cannot sign in (inactive, no usable password), and the synthetic
specialists take no bookings. Rows are made with `bulk_create`, from a fixed random
seed; a second run finds the population there and only recomputes the figures.
"""

import hashlib
import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from accounts.regions import Region
from analytics.services import analytics_tables_refresh
from analytics.sources import SYNTHETIC_PHONE_PREFIX, model_with_table
from consultations.models import Booking, BookingStatus, SpecialistProfile, Topic
from learning.models import (
    Enrolment,
    LessonHelp,
    LessonPage,
    LessonProgress,
    Program,
)

PEOPLE = 2000
BOOKINGS = 5000
SPECIALISTS = 12
HELPERS = 8
LEARNERS = 800
ENROLLED = 300
URGENT = 300
CHECKIN_PEOPLE = 400
DAYS = 182  # six months back from now, and a few days ahead
SEED = 15
BATCH = 500

# Rough weights: more people where more people live.
REGION_WEIGHTS = {
    Region.KARAKALPAKSTAN: 6,
    Region.ANDIJAN: 9,
    Region.BUKHARA: 6,
    Region.FERGANA: 11,
    Region.JIZZAKH: 4,
    Region.KASHKADARYA: 10,
    Region.KHOREZM: 5,
    Region.NAMANGAN: 8,
    Region.NAVOIY: 3,
    Region.SAMARKAND: 11,
    Region.SURKHANDARYA: 8,
    Region.SYRDARYA: 2,
    Region.TASHKENT_REGION: 9,
    Region.TASHKENT_CITY: 9,
}
LANGUAGE_WEIGHTS = {"uz": 60, "uz-cyrl": 15, "ru": 18, "kaa": 5, "en": 2}
TOPIC_WEIGHTS = {
    Topic.LONELINESS: 25,
    Topic.FAMILY_CONFLICT: 10,
    Topic.GRIEF: 12,
    Topic.ANXIETY: 14,
    Topic.PENSIONS: 20,
    Topic.DISABILITY: 9,
    Topic.DIGITAL: 10,
}


def _pick(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _synthetic_user(number: int, **fields):
    return get_user_model()(
        username=f"synthetic-{number:05d}",
        phone_number=f"{SYNTHETIC_PHONE_PREFIX}{number:07d}",
        password="!synthetic",  # noqa: S106 - "!" marks an unusable password
        is_active=False,
        **fields,
    )


def synthetic_population_exists() -> bool:
    return (
        get_user_model()
        .objects.filter(phone_number__startswith=SYNTHETIC_PHONE_PREFIX)
        .exists()
    )


def seed_analytics(*, now=None) -> str:
    """Add the synthetic population if it is not there, then compute the figures.
    Returns a line for the command's output."""
    now = now or timezone.now()
    if synthetic_population_exists():
        note = "Synthetic population already there"
    else:
        with transaction.atomic():
            _seed(now=now)
        note = f"Synthetic population added ({PEOPLE} people, {BOOKINGS} bookings)"
    tables = analytics_tables_refresh(now=now)
    return f"{note}; {tables} analytics tables computed."


def _seed(*, now) -> None:
    rng = random.Random(SEED)  # noqa: S311 - demo figures, not secrets
    user_model = get_user_model()
    people = [
        _synthetic_user(
            number,
            full_name=f"Synthetic person {number}",
            region=_pick(rng, REGION_WEIGHTS),
            preferred_language=_pick(rng, LANGUAGE_WEIGHTS),
            birth_year=now.year
            - rng.choice(
                [rng.randint(50, 59), rng.randint(60, 69)]
                + [rng.randint(70, 79)] * 2
                + [rng.randint(80, 95)]
            ),
        )
        for number in range(1, PEOPLE + 1)
    ]
    staff = [
        _synthetic_user(PEOPLE + number, full_name=f"Synthetic specialist {number}")
        for number in range(1, SPECIALISTS + 1)
    ]
    helpers = [
        _synthetic_user(
            PEOPLE + SPECIALISTS + number,
            full_name=f"Synthetic social worker {number}",
            region=_pick(rng, REGION_WEIGHTS),
        )
        for number in range(1, HELPERS + 1)
    ]
    user_model.objects.bulk_create(people + staff + helpers, batch_size=BATCH)
    helpers = list(
        user_model.objects.filter(
            username__in=[person.username for person in helpers]
        ).order_by("pk")
    )
    people = list(
        user_model.objects.filter(
            username__in=[person.username for person in people]
        ).order_by("pk")
    )
    staff = list(
        user_model.objects.filter(
            username__in=[person.username for person in staff]
        ).order_by("pk")
    )
    SpecialistProfile.objects.bulk_create(
        [
            SpecialistProfile(
                user=user,
                kind="psychologist",
                languages=["uz", "ru"],
                topics=list(Topic.values),
                bio="Synthetic demo specialist.",
                is_active=False,
            )
            for user in staff
        ]
    )
    profiles = list(SpecialistProfile.objects.filter(user__in=staff).order_by("pk"))
    _seed_bookings(rng=rng, now=now, people=people, profiles=profiles)
    _seed_learning(rng=rng, now=now, people=people, helpers=helpers)
    _seed_urgent(rng=rng, now=now, people=people)
    _seed_checkins(rng=rng, now=now, people=people, profiles=profiles)


def _seed_bookings(*, rng, now, people, profiles) -> None:
    # Each specialist's sessions are spaced apart, so no two active bookings share
    # a specialist and a start (the database's rule).
    per_specialist = BOOKINGS // len(profiles) + 1
    spacing = timedelta(days=DAYS + 7) / per_specialist
    begin = now - timedelta(days=DAYS)
    bookings, created = [], []
    # Everyone asks at least once; some ask again.
    clients = people + [rng.choice(people) for _extra in range(BOOKINGS - len(people))]
    rng.shuffle(clients)
    for index in range(BOOKINGS):
        slot = index // len(profiles)
        starts_at = begin + slot * spacing + timedelta(minutes=5 * (index % 7))
        if starts_at < now:
            status = rng.choices(
                [
                    BookingStatus.COMPLETED,
                    BookingStatus.NO_SHOW,
                    BookingStatus.CANCELLED,
                ],
                weights=[80, 11, 9],
            )[0]
        else:
            status = BookingStatus.CONFIRMED
        bookings.append(
            Booking(
                client=clients[index],
                specialist=profiles[index % len(profiles)],
                topic=_pick(rng, TOPIC_WEIGHTS),
                starts_at=starts_at,
                ends_at=starts_at + timedelta(minutes=45),
                status=status,
            )
        )
        created.append(min(now, starts_at - timedelta(hours=rng.randint(2, 24 * 21))))
    made = Booking.objects.bulk_create(bookings, batch_size=BATCH)
    # `created_at` is set to "now" on insert; the request times are put in after.
    for booking, created_at in zip(made, created, strict=True):
        booking.created_at = created_at
    Booking.objects.bulk_update(made, ["created_at"], batch_size=BATCH)


def _seed_learning(*, rng, now, people, helpers) -> None:
    lessons = list(LessonPage.objects.live().specific().order_by("path")[:40])
    progress, help_given = [], []
    if lessons:
        courses = {lesson.pk: lesson.get_parent().pk for lesson in lessons}
        for person in rng.sample(people, LEARNERS):
            helped = rng.random() < 0.35
            for lesson in rng.sample(lessons, min(len(lessons), rng.randint(1, 4))):
                opened = now - timedelta(days=rng.randint(1, DAYS))
                done = rng.random() < 0.7
                progress.append(
                    LessonProgress(
                        user=person,
                        lesson=lesson,
                        course_id=courses[lesson.pk],
                        opened_at=opened,
                        last_activity_at=opened,
                        seconds_spent=rng.randint(60, 1200),
                        completed_at=opened if done else None,
                        completed_with_help=done and helped,
                    )
                )
                # Most help is recorded by the social worker who gave it.
                if done and helped and rng.random() < 0.8:
                    help_given.append(
                        LessonHelp(
                            helper=rng.choice(helpers),
                            learner=person,
                            lesson=lesson,
                            course_id=courses[lesson.pk],
                            mode=rng.choice(["in_person", "in_person", "phone"]),
                            helped_at=opened,
                        )
                    )
        LessonProgress.objects.bulk_create(progress, batch_size=BATCH)
        LessonHelp.objects.bulk_create(help_given, batch_size=BATCH)
    program = Program.objects.order_by("pk").first()
    if program is not None:
        Enrolment.objects.bulk_create(
            [
                Enrolment(
                    user=person,
                    program=program,
                    enrolled_at=now - timedelta(days=rng.randint(20, DAYS)),
                    completed_at=(
                        now - timedelta(days=rng.randint(1, 19))
                        if rng.random() < 0.45
                        else None
                    ),
                )
                for person in rng.sample(people, ENROLLED)
            ],
            batch_size=BATCH,
        )


def _seed_urgent(*, rng, now, people) -> None:
    model = model_with_table("urgent.UrgentRequest")
    if model is None:
        return
    requests = []
    for _index in range(URGENT):
        created = now - timedelta(minutes=rng.randint(60, DAYS * 24 * 60))
        waited = timedelta(seconds=rng.randint(20, 15 * 60))
        requests.append(
            model(
                client=rng.choice(people),
                created=created,
                taken_at=created + waited,
                escalated_at=(
                    created + timedelta(minutes=5)
                    if waited > timedelta(minutes=5)
                    else None
                ),
                closed_at=created + waited + timedelta(minutes=20),
            )
        )
    model.objects.bulk_create(requests, batch_size=BATCH)


def _seed_checkins(*, rng, now, people, profiles) -> None:
    model = model_with_table("wellbeing.CheckIn")
    if model is None:
        return
    checkins = []
    for person in rng.sample(people, CHECKIN_PEOPLE):
        raw = rng.randint(6, 22)
        for week in range(rng.randint(1, 4)):
            due = now - timedelta(days=rng.randint(7, DAYS - 30) - 7 * week)
            raw = max(0, min(25, raw + rng.randint(-3, 3)))
            token = f"synthetic-{len(checkins):06d}"
            checkins.append(
                model(
                    client=person,
                    specialist=rng.choice(profiles),
                    due_at=due,
                    expires_at=due + timedelta(days=6),
                    token_hash=hashlib.sha256(token.encode()).hexdigest(),
                    token=token,
                    sent_at=due,
                    answered_at=due + timedelta(hours=rng.randint(1, 48)),
                    answers={"items": _items(raw), "raw_score": raw, "alerts": []},
                )
            )
    model.objects.bulk_create(checkins, batch_size=BATCH)


def _items(raw: int) -> list[int]:
    """Five WHO-5 answers (0-5 each) that add up to `raw`."""
    items = [raw // 5] * 5
    for index in range(raw % 5):
        items[index] += 1
    return items

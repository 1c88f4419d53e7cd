"""Demo training programs for `seed_demo`: question banks for the social workers'
courses, two programs, two cohorts of synthetic social workers in several regions,
and the demo social worker's own progress. Idempotent.

The demo trainer (`trainer`) runs both programs, so her reports and cohorts are
filled. The demo social worker (`socialworker`) has completed "Raqamli xizmat
asoslari" and holds its certificate, and is halfway through "Maʼlumotlar himoyasi
va onlayn xizmat": its first course is done, the second course's lessons are done
but its final assessment is still to take (the browser test takes it).
"""

import uuid
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.regions import Region
from accounts.roles import LEARNER, SOCIAL_WORKER

from .events import EventIn
from .models import (
    AssessmentAttempt,
    Cohort,
    CoursePage,
    Enrolment,
    LessonPage,
    Program,
    ProgramCourse,
)
from .program_services import assessment_attempt_start, assessment_attempt_submit
from .services import progress_events_record

DEMO_NAMESPACE = uuid.UUID("0d7f3c1e-3b7a-4c55-9d0e-5b8e2f6a1c42")
ONLINE_COURSE = "onlayn-konsultatsiya-otkazish"
PRIVACY_COURSE = "mijoz-malumotlarini-himoya"


def _question(text: str, options: list[tuple[str, bool, str]], multiple=False) -> dict:
    return {
        "type": "question",
        "id": str(uuid.uuid5(DEMO_NAMESPACE, text)),
        "value": {
            "question": text,
            "multiple": multiple,
            "options": [
                {"text": option, "correct": right, "feedback": feedback}
                for option, right, feedback in options
            ],
        },
    }


QUESTION_BANKS = {
    ONLINE_COURSE: [
        _question(
            "Onlayn suhbatdan oldin nimani tekshirasiz?",
            [
                (
                    "Kamera, mikrofon va internetni",
                    True,
                    "Toʻgʻri: tekshiruv vaqtni tejaydi.",
                ),
                ("Faqat telefon zaryadini", False, "Zaryad muhim, lekin yetarli emas."),
                ("Hech narsani", False, "Oldindan tekshirish kerak."),
            ],
        ),
        _question(
            "Mijoz sizni eshitmasa, birinchi navbatda nima qilasiz?",
            [
                ("Suhbatni tugatasiz", False, "Avval sababini toping."),
                (
                    "Uning mikrofoni yoqilganini soʻraysiz",
                    True,
                    "Toʻgʻri: koʻpincha sabab shu.",
                ),
                ("Balandroq gapirasiz", False, "Bu muammoni hal qilmaydi."),
            ],
        ),
        _question(
            "Suhbat uchun qanday xona mos?",
            [
                ("Tinch va yolgʻiz xona", True, "Toʻgʻri: maxfiylik saqlanadi."),
                ("Odamlar koʻp xona", False, "Boshqalar suhbatni eshitadi."),
                ("Koʻcha", False, "Shovqin va maxfiylik muammosi."),
            ],
        ),
        _question(
            "Aloqa sekin boʻlsa, nima yordam beradi?",
            [
                ("Videoni oʻchirib, faqat ovozda davom etish", True, "Toʻgʻri."),
                (
                    "Boshqa dasturlarni ochish",
                    False,
                    "Bu aloqani yanada sekinlashtiradi.",
                ),
                (
                    "Suhbatni keyinga qoldirmaslik uchun kutish",
                    False,
                    "Kutish yordam bermaydi.",
                ),
            ],
        ),
        _question(
            "Qaysilari mijozga hurmat belgisi? (bir nechta)",
            [
                ("Suhbatni vaqtida boshlash", True, "Toʻgʻri."),
                ("Oʻzingizni tanishtirish", True, "Toʻgʻri."),
                ("Telefonga qarab oʻtirish", False, "Bu eʼtiborsizlik belgisi."),
            ],
            multiple=True,
        ),
    ],
    PRIVACY_COURSE: [
        _question(
            "Mijozning tibbiy maʼlumotlarini kimga aytish mumkin?",
            [
                ("Faqat qonun ruxsat bergan hollarda", True, "Toʻgʻri."),
                ("Qoʻshnilariga", False, "Bu maxfiylikni buzadi."),
                ("Ijtimoiy tarmoqda", False, "Hech qachon."),
            ],
        ),
        _question(
            "Parol qanday boʻlishi kerak?",
            [
                ("Uzun va boshqa joyda ishlatilmagan", True, "Toʻgʻri."),
                ("Tugʻilgan kuningiz", False, "Buni topish oson."),
                ("123456", False, "Bu eng oson topiladigan parol."),
            ],
        ),
        _question(
            "Kompyuterdan ketayotganda nima qilasiz?",
            [
                ("Ekranni qulflayman", True, "Toʻgʻri."),
                ("Hammasini ochiq qoldiraman", False, "Boshqalar koʻrishi mumkin."),
                ("Monitorni oʻchiraman xolos", False, "Tizim ochiq qoladi."),
            ],
        ),
        _question(
            "Mijoz hujjatining surati kerak boʻlmay qolsa?",
            [
                ("Xavfsiz oʻchiraman", True, "Toʻgʻri: keragidan ortiq saqlamang."),
                (
                    "Telefonda saqlab qoʻyaman",
                    False,
                    "Keraksiz maʼlumot xavf tugʻdiradi.",
                ),
                ("Hamkasbga yuboraman", False, "Kerak boʻlmasa yubormang."),
            ],
        ),
        _question(
            "Qaysilari shaxsiy maʼlumot? (bir nechta)",
            [
                ("Pasport raqami", True, "Toʻgʻri."),
                ("Telefon raqami", True, "Toʻgʻri."),
                ("Ob-havo maʼlumoti", False, "Bu shaxsiy emas."),
            ],
            multiple=True,
        ),
    ],
}

FIRST_NAMES = [
    "Dilfuza", "Otabek", "Gulnora", "Sherzod", "Mohira", "Bekzod", "Zarina", "Javlon",
    "Feruza", "Sardor", "Nilufar", "Rustam", "Shahnoza", "Ulugʻbek", "Kamola", "Anvar",
    "Madina", "Bobur", "Lola", "Jamshid", "Sevara", "Farhod", "Munisa", "Akmal",
]  # fmt: skip
LAST_NAMES = [
    "Yoʻldosheva", "Karimov", "Nazarova", "Rasulov", "Ergasheva", "Tojiyev",
    "Hamidova", "Saidov", "Mirzayeva", "Qodirov", "Usmonova", "Aliyev",
]  # fmt: skip
COHORT_REGIONS = [
    Region.KARAKALPAKSTAN,
    Region.KHOREZM,
    Region.SAMARKAND,
    Region.FERGANA,
    Region.NAMANGAN,
    Region.SURKHANDARYA,
]
SYNTHETIC_COUNT = 24


def _bank_ensure(course: CoursePage) -> None:
    if course.assessment_questions:
        return
    course.assessment_questions = QUESTION_BANKS[course.slug]
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


def _synthetic_social_workers(groups) -> list:
    users = get_user_model().objects
    people = []
    for number in range(1, SYNTHETIC_COUNT + 1):
        first = FIRST_NAMES[(number - 1) % len(FIRST_NAMES)]
        last = LAST_NAMES[(number * 5) % len(LAST_NAMES)]
        user, created = users.get_or_create(
            username=f"ijtimoiy{number:02d}",
            defaults={
                "full_name": f"{first} {last}",
                "phone_number": f"+99890333{number:04d}",
                "region": COHORT_REGIONS[(number - 1) % len(COHORT_REGIONS)],
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


def seed_training(users: dict) -> None:
    """Programs, cohorts and progress; `users` are the demo people by username."""
    now = timezone.now()
    today = timezone.localdate()
    online = CoursePage.objects.get(
        slug=ONLINE_COURSE, locale__language_code=settings.LANGUAGE_CODE
    )
    privacy = CoursePage.objects.get(
        slug=PRIVACY_COURSE, locale__language_code=settings.LANGUAGE_CODE
    )
    for course in (online, privacy):
        _bank_ensure(course)
    online.refresh_from_db()
    privacy.refresh_from_db()
    # The demo trainer runs both programs, so her reports are filled.
    trainers = [users["trainer"]] if "trainer" in users else []
    basics = _program_ensure(
        slug="raqamli-xizmat-asoslari",
        title="Raqamli xizmat asoslari",
        summary="Mijozlar bilan onlayn ishlashning asosiy koʻnikmalari.",
        hours="6",
        courses=[(online, 80)],
        opens=today - timedelta(days=90),
        deadline=today - timedelta(days=5),
        trainers=trainers,
    )
    privacy_program = _program_ensure(
        slug="malumot-himoyasi-va-onlayn-xizmat",
        title="Maʼlumotlar himoyasi va onlayn xizmat",
        summary="Onlayn konsultatsiya va mijoz maʼlumotlarini himoya qilish.",
        hours="12",
        courses=[(online, 70), (privacy, 70)],
        opens=today - timedelta(days=30),
        deadline=today + timedelta(days=45),
        trainers=trainers,
    )
    cohort_north, _ = Cohort.objects.get_or_create(
        name="Shimoli-gʻarb va Samarqand, 2026",
        defaults={
            "program": basics,
            "organisation": "Hududiy ijtimoiy himoya boʻlimlari",
        },
    )
    cohort_east, _ = Cohort.objects.get_or_create(
        name="Vodiy va janub, 2026",
        defaults={"program": privacy_program, "organisation": "Tuman markazlari"},
    )
    groups = list(Group.objects.filter(name__in=[LEARNER, SOCIAL_WORKER]))
    people = _synthetic_social_workers(groups)
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

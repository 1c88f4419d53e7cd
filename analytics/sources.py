"""Where the needs analytics reads its facts: one small function per source
(consultations, lessons, training programs, wellbeing check-ins, urgent requests).

Each returns plain facts about people, with the person's id only to count distinct
people (never stored), or None when its app has no such data yet (its model or table
is missing), so that its tables are left out instead of shown empty. Every source
reads one population only: real people, or the synthetic demo people, who are
recognised by their phone numbers (`SYNTHETIC_PHONE_PREFIX`).
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.apps import apps
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from consultations.models import Booking, BookingStatus
from learning.models import Enrolment, LessonHelp, LessonProgress

from .dimensions import age_group, language_code, region_code, topic_code
from .models import Population

# "+998 00 …": 00 is no operator's code in Uzbekistan, so no real number starts so;
# every synthetic demo person has such a number (demo.analytics).
SYNTHETIC_PHONE_PREFIX = "+99800"


def population_filter(*, population: str, user_path: str = "") -> Q:
    """The people of `population`, as a filter on the user at `user_path`."""
    field = f"{user_path}__phone_number" if user_path else "phone_number"
    synthetic = Q(**{f"{field}__startswith": SYNTHETIC_PHONE_PREFIX})
    return synthetic if population == Population.SYNTHETIC else ~synthetic


@dataclass(frozen=True)
class Person:
    id: int
    region: str
    language: str
    age: str


def _person(row: dict, *, prefix: str, today: date) -> Person:
    return Person(
        id=row[f"{prefix}id"],
        region=region_code(row[f"{prefix}region"]),
        language=language_code(row[f"{prefix}preferred_language"]),
        age=age_group(birth_year=row[f"{prefix}birth_year"], today=today),
    )


def _person_fields(prefix: str) -> list[str]:
    return [
        f"{prefix}{name}"
        for name in ("id", "region", "preferred_language", "birth_year")
    ]


@dataclass(frozen=True)
class BookingFact:
    person: Person
    topic: str
    created_at: datetime
    starts_at: datetime
    status: str

    @property
    def took_place(self) -> bool:
        return self.status == BookingStatus.COMPLETED

    @property
    def missed(self) -> bool:
        return self.status == BookingStatus.NO_SHOW


def booking_facts(*, population: str, today: date) -> list[BookingFact]:
    """Every booking that still names its client (anonymised ones name nobody and
    cannot be counted per person). The topic is encrypted, so it is read here and
    grouped in Python, never in SQL."""
    rows = (
        Booking.objects.filter(
            population_filter(population=population, user_path="client"),
            client__isnull=False,
        )
        .values(
            *_person_fields("client__"), "topic", "created_at", "starts_at", "status"
        )
        .order_by()
    )
    return [
        BookingFact(
            person=_person(row, prefix="client__", today=today),
            topic=topic_code(row["topic"]),
            created_at=row["created_at"],
            starts_at=row["starts_at"],
            status=row["status"],
        )
        for row in rows
    ]


@dataclass(frozen=True)
class LessonFact:
    person: Person
    completed: bool
    with_help: bool


def lesson_facts(*, population: str, today: date) -> list[LessonFact]:
    """Each learner's lesson records: done, and whether with help."""
    rows = (
        LessonProgress.objects.filter(
            population_filter(population=population, user_path="user")
        )
        .values(*_person_fields("user__"), "completed_at", "completed_with_help")
        .order_by()
    )
    return [
        LessonFact(
            person=_person(row, prefix="user__", today=today),
            completed=row["completed_at"] is not None,
            with_help=bool(row["completed_with_help"]),
        )
        for row in rows
    ]


@dataclass(frozen=True)
class HelpFact:
    person: Person  # the learner
    helper_id: int | None
    mode: str


def lesson_help_facts(*, population: str, today: date) -> list[HelpFact]:
    """Lessons a social worker recorded helping a learner with (learning.LessonHelp)."""
    rows = (
        LessonHelp.objects.filter(
            population_filter(population=population, user_path="learner")
        )
        .values(*_person_fields("learner__"), "helper_id", "mode")
        .order_by()
    )
    return [
        HelpFact(
            person=_person(row, prefix="learner__", today=today),
            helper_id=row["helper_id"],
            mode=row["mode"],
        )
        for row in rows
    ]


@dataclass(frozen=True)
class EnrolmentFact:
    person: Person
    completed: bool


def enrolment_facts(*, population: str, today: date) -> list[EnrolmentFact]:
    rows = (
        Enrolment.objects.filter(
            population_filter(population=population, user_path="user")
        )
        .values(*_person_fields("user__"), "completed_at")
        .order_by()
    )
    return [
        EnrolmentFact(
            person=_person(row, prefix="user__", today=today),
            completed=row["completed_at"] is not None,
        )
        for row in rows
    ]


def model_with_table(label: str):
    """The model `label` if its app is installed and its table exists (another
    team's app may not have its migration yet), else None."""
    try:
        model = apps.get_model(label)
    except LookupError:
        return None
    if model._meta.db_table not in connection.introspection.table_names():
        return None
    return model


@dataclass(frozen=True)
class UrgentFact:
    person: Person
    created: datetime
    waited_minutes: float | None  # None while nobody has taken it
    escalated: bool


def urgent_facts(*, population: str, today: date) -> list[UrgentFact] | None:
    model = model_with_table("urgent.UrgentRequest")
    if model is None:
        return None
    rows = (
        model.objects.filter(
            population_filter(population=population, user_path="client")
        )
        .values(*_person_fields("client__"), "created", "taken_at", "escalated_at")
        .order_by()
    )
    return [
        UrgentFact(
            person=_person(row, prefix="client__", today=today),
            created=row["created"],
            waited_minutes=(
                (row["taken_at"] - row["created"]).total_seconds() / 60
                if row["taken_at"]
                else None
            ),
            escalated=row["escalated_at"] is not None,
        )
        for row in rows
    ]


@dataclass(frozen=True)
class CheckinFact:
    person: Person
    answered_at: datetime
    score_percent: int


def checkin_facts(*, population: str, today: date) -> list[CheckinFact] | None:
    """WHO-5 check-ins answered (wellbeing.CheckIn). The answers are encrypted,
    so the score is read here, never in SQL; the WHO-5 percentage is 4 x raw."""
    model = model_with_table("wellbeing.CheckIn")
    if model is None:
        return None
    rows = (
        model.objects.filter(
            population_filter(population=population, user_path="client"),
            answered_at__isnull=False,
        )
        .values(*_person_fields("client__"), "answered_at", "answers")
        .order_by()
    )
    facts = []
    for row in rows:
        raw = (row["answers"] or {}).get("raw_score")
        if isinstance(raw, int):
            facts.append(
                CheckinFact(
                    person=_person(row, prefix="client__", today=today),
                    answered_at=row["answered_at"],
                    score_percent=raw * 4,
                )
            )
    return facts


def local_month(moment: datetime) -> datetime:
    """`moment` in Tashkent time, where months begin for the coordinators."""
    return timezone.localtime(moment)

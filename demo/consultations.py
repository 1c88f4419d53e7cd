"""Demo data for consultations, called by `seed_demo`, from `demo/consultations.yaml`:
the demo psychologist's profile and hours, published terms, and the demo client's
bookings. Safe to run again.

The demo client always has one talk whose call can be joined right after `seed_demo`
runs, so that the call can be shown without waiting; those rows are written directly
because such a time is usually outside the specialist's hours or notice period.
While `make run` runs, `demo.tasks.demo_talk_keep` (scheduled every minute)
books the next one when that talk is over.
"""

from datetime import datetime, time, timedelta
from pathlib import Path

import yaml
from django.utils import timezone

from consultations.models import (
    ACTIVE_STATUSES,
    JOIN_EARLY,
    Booking,
    BookingStatus,
    ConsentTerms,
    SpecialistProfile,
    Topic,
    WeeklyHours,
)
from consultations.models import (
    TERMS_PARTS as CONSENT_TERMS_PARTS,
)
from consultations.selectors import local_zone
from consultations.services import consent_accept

from .errors import DemoDataError
from .talk import OPEN_BOOKING_LEAD

CONSULTATIONS_FILE = Path(__file__).resolve().parent / "consultations.yaml"
# The parts a consent version has, as the model names them.
TERMS_PARTS = set(CONSENT_TERMS_PARTS)


def consultations_read(path: Path = CONSULTATIONS_FILE) -> dict:
    """The demo specialist and terms. Raises DemoDataError."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for key in ("specialist", "terms"):
        if not isinstance(data, dict) or not data.get(key):
            raise DemoDataError(path, key, "This field is required.")
    if not set(data["specialist"]["topics"]) <= set(Topic.values):
        raise DemoDataError(path, "specialist.topics", f"one of {Topic.values}")
    terms = data["terms"]
    for language, parts in {"uz": terms["uz"], **terms["translations"]}.items():
        if set(parts) != TERMS_PARTS:
            where = "terms.uz" if language == "uz" else f"terms.translations.{language}"
            raise DemoDataError(path, where, f"the parts are {sorted(TERMS_PARTS)}")
    return data


_DATA = consultations_read()
SPECIALIST: dict = _DATA["specialist"]
# 2026-1 was written in Uzbek alone; 2026-2 says the same in every language.
DEMO_TERMS_VERSION: str = _DATA["terms"]["version"]
OLD_DEMO_TERMS_VERSION: str = _DATA["terms"]["old_version"]
# The demo's terms, in Uzbek (the model's own fields) and in the other interface
# languages, so that the consent page can be read and agreed to in each of them.
DEMO_TERMS_UZ: dict = _DATA["terms"]["uz"]
DEMO_TERMS_TRANSLATIONS: dict = _DATA["terms"]["translations"]
DEMO_TERMS_TEXT: str = DEMO_TERMS_UZ["text"]

WORKING_DAYS = range(0, 6)  # Monday to Saturday
DAY_START, DAY_END = time(9, 0), time(18, 0)
OPEN_BOOKING_LENGTH = timedelta(minutes=45)


def _specialist_ensure(user) -> SpecialistProfile:
    profile, _created = SpecialistProfile.objects.get_or_create(
        user=user, defaults=SPECIALIST
    )
    if not profile.weekly_hours.exists():
        WeeklyHours.objects.bulk_create(
            WeeklyHours(
                specialist=profile,
                weekday=weekday,
                start_time=DAY_START,
                end_time=DAY_END,
            )
            for weekday in WORKING_DAYS
        )
    return profile


def _terms_ensure() -> ConsentTerms:
    """The latest terms: a site's own are kept as they are; the demo's are published
    if there are none. The demo's first version (2026-1) was in Uzbek alone, and a
    version someone accepted cannot be given translations afterwards, so an older
    demo database gets the demo's new version, and everyone is asked again."""
    terms = ConsentTerms.objects.order_by("-published_at").first()
    if terms is None or (
        terms.version == OLD_DEMO_TERMS_VERSION and terms.text == DEMO_TERMS_TEXT
    ):
        terms, _created = ConsentTerms.objects.get_or_create(
            version=DEMO_TERMS_VERSION,
            defaults={**DEMO_TERMS_UZ, "translations": DEMO_TERMS_TRANSLATIONS},
        )
    return terms


def free_start(profile: SpecialistProfile, starts_at: datetime) -> datetime:
    """The wished start, or an hour later and so on if another client has it."""
    taken = Booking.objects.filter(specialist=profile, status__in=ACTIVE_STATUSES)
    while taken.filter(starts_at=starts_at).exists():
        starts_at += timedelta(hours=1)
    return starts_at


def _open_booking_ensure(client, profile, now: datetime) -> Booking:
    """(a) A confirmed talk whose join window is open now."""
    demo = Booking.objects.filter(
        client=client, specialist=profile, status=BookingStatus.CONFIRMED
    )
    open_now = demo.filter(starts_at__lte=now + JOIN_EARLY, ends_at__gte=now).first()
    if open_now is not None:
        return open_now
    starts_at = now.replace(second=0, microsecond=0) + OPEN_BOOKING_LEAD
    starts_at = free_start(profile, starts_at)
    return Booking.objects.create(
        client=client,
        specialist=profile,
        topic=Topic.LONELINESS,
        starts_at=starts_at,
        ends_at=starts_at + OPEN_BOOKING_LENGTH,
    )


def _future_booking_ensure(client, profile, now: datetime) -> Booking:
    """(b) A talk in three days at 10:00 Tashkent (Monday if that is a Sunday)."""
    later = Booking.objects.filter(
        client=client,
        specialist=profile,
        status=BookingStatus.CONFIRMED,
        starts_at__gt=now + timedelta(days=1),
    ).first()
    if later is not None:
        return later
    day = timezone.localdate(now) + timedelta(days=3)
    if day.weekday() not in WORKING_DAYS:
        day += timedelta(days=1)
    starts_at = free_start(
        profile, datetime.combine(day, time(10, 0), tzinfo=local_zone())
    )
    return Booking.objects.create(
        client=client,
        specialist=profile,
        topic=Topic.FAMILY_CONFLICT,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=profile.session_minutes),
    )


def past_talk_create(
    client,
    profile: SpecialistProfile,
    day,
    *,
    topic: str,
    client_early: timedelta = timedelta(0),
    specialist_early: timedelta = timedelta(0),
    precall_result: dict | None = None,
) -> Booking:
    """A talk that took place on `day` at 11:00 (or the next free hour), for its
    whole length; each person joined the given time before the start, and with
    `precall_result` the client checked her connection ten minutes before."""
    starts_at = free_start(
        profile, datetime.combine(day, time(11, 0), tzinfo=local_zone())
    )
    ends_at = starts_at + timedelta(minutes=profile.session_minutes)
    checked_at = starts_at - timedelta(minutes=10) if precall_result else None
    return Booking.objects.create(
        client=client,
        specialist=profile,
        topic=topic,
        starts_at=starts_at,
        ends_at=ends_at,
        status=BookingStatus.COMPLETED,
        client_joined_at=starts_at - client_early,
        specialist_joined_at=starts_at - specialist_early,
        admitted_at=starts_at,
        ended_at=ends_at,
        precall_checked_at=checked_at,
        precall_result=precall_result,
    )


def _past_booking_ensure(client, profile, now: datetime) -> Booking:
    """(c) A talk that took place a week ago."""
    past = Booking.objects.filter(
        client=client, specialist=profile, status=BookingStatus.COMPLETED
    ).first()
    if past is not None:
        return past
    day = timezone.localdate(now) - timedelta(days=7)
    return past_talk_create(
        client,
        profile,
        day,
        topic=Topic.LONELINESS,
        client_early=timedelta(minutes=3),
        specialist_early=timedelta(minutes=5),
        precall_result={
            "rtt_ms": 140,
            "loss_percent": 0.5,
            "relay": False,
            "verdict": "video",
        },
    )


def seed_consultations(users: dict, *, now: datetime | None = None) -> None:
    """Give the demo `specialist` a profile and hours, publish terms, and give the demo
    `client` consent and three bookings: one open to join now, one in three days and
    one a week ago. `users` maps demo usernames to users."""
    now = now or timezone.now()
    profile = _specialist_ensure(users["specialist"])
    _terms_ensure()
    client = users["client"]
    consent_accept(user=client)
    _open_booking_ensure(client, profile, now)
    _future_booking_ensure(client, profile, now)
    _past_booking_ensure(client, profile, now)

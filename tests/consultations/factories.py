"""Specialists, clients, consent and bookings for tests. Bookings are written
straight to the database, so a test can put one at a time the booking rules would
never offer (started, ended, too soon)."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from consultations.models import (
    Booking,
    ConsentRecord,
    ConsentTerms,
    SpecialistProfile,
    WeeklyHours,
)
from consultations.selectors import local_zone
from consultations.services import consent_accept
from tests.accounts.factories import user_create

ALL_TOPICS = ["loneliness", "family_conflict", "grief", "anxiety"]


def specialist_create(*, topics=ALL_TOPICS, languages=("uz", "ru"), hours=True, **kw):
    """A specialist who works every day from 00:00 to 23:59 Tashkent time, so that
    free hourly slots exist whenever a test runs."""
    user = user_create(roles=("Specialist",), **kw)
    profile = SpecialistProfile.objects.create(
        user=user,
        kind="psychologist",
        languages=list(languages),
        topics=list(topics),
        bio="Men psixologman.",
        session_minutes=45,
        buffer_minutes=15,
    )
    if hours:
        for weekday in range(7):
            WeeklyHours.objects.create(
                specialist=profile,
                weekday=weekday,
                start_time=time(0, 0),
                end_time=time(23, 59),
            )
    return profile


def specialist_profile_create(user=None) -> SpecialistProfile:
    """A bare profile (no hours, topics or languages) for tests of the call, which
    never look for a free slot; without `user`, a new person with the role."""
    return SpecialistProfile.objects.create(
        user=user or user_create(roles=("Specialist",)),
        kind="psychologist",
        bio="Listens first.",
    )


def terms_publish(version="2026-1"):
    return ConsentTerms.objects.create(
        version=version,
        text="Biz ismingiz va suhbat vaqtini saqlaymiz. Suhbat yozib olinmaydi.",
    )


def consent_give(user, *, version="t1") -> ConsentRecord:
    """Consent to the terms `version` (made if missing), written directly."""
    terms, _ = ConsentTerms.objects.get_or_create(
        version=version, defaults={"text": "Online consultations are private."}
    )
    return ConsentRecord.objects.create(user=user, terms=terms)


def client_create(*, consent=True, **fields):
    """A learner who has consented through the service, as the consent page does."""
    user = user_create(roles=("Learner",), **fields)
    if consent:
        if not ConsentTerms.objects.exists():
            terms_publish()
        consent_accept(user=user)
    return user


def consultation_client_create(**fields):
    """Someone who booked a consultation with a psychologist: the person the training
    admin must never name unless she sits in the reader's cohort."""
    client = user_create(roles=("Learner",), **fields)
    specialist = SpecialistProfile.objects.create(
        user=user_create(roles=("Specialist",)), kind="psychologist", bio="Tinglaydi."
    )
    booking_create(client=client, specialist=specialist)
    return client


def slot_at(days=2, hour=10) -> datetime:
    """A start on the grid of `specialist_create`'s hours, in `days` days."""
    day = timezone.localdate() + timedelta(days=days)
    return datetime.combine(day, time(hour, 0), tzinfo=local_zone())


def booking_make(client, specialist, starts_at, **fields) -> Booking:
    """A booking written directly at `starts_at`, for times the booking rules
    would not offer."""
    return Booking.objects.create(
        client=client,
        specialist=specialist,
        topic="loneliness",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=45),
        **fields,
    )


def booking_create(
    *,
    client,
    specialist,
    starts_in=timedelta(minutes=5),
    length=timedelta(minutes=45),
    **fields,
):
    """A booking of `client` with `specialist` (a SpecialistProfile) starting
    `starts_in` from now."""
    starts_at = timezone.now() + starts_in
    return Booking.objects.create(
        client=client,
        specialist=specialist,
        topic="loneliness",
        starts_at=starts_at,
        ends_at=starts_at + length,
        **fields,
    )

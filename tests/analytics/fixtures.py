"""A small population whose figures are worked out by hand in the tests: bookings
in two regions (and one lone person in a third), learners, and one synthetic person
who must never be counted with the real ones."""

from datetime import UTC, date, datetime, timedelta

from consultations.models import Booking, SpecialistProfile
from learning.models import LessonProgress
from tests.accounts.factories import user_create
from tests.learning.factories import course_create

TODAY = date(2026, 11, 15)  # ages: born 1951 -> 75 (70-79), 1941 -> 85 (80+)


def specialist_make():
    return SpecialistProfile.objects.create(
        user=user_create(roles=("Specialist",)),
        kind="psychologist",
        topics=["loneliness"],
        languages=["uz"],
        bio="-",
    )


def booking_make(*, client, specialist, topic, starts_at, waited_days, status):
    booking = Booking.objects.create(
        client=client,
        specialist=specialist,
        topic=topic,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=45),
        status=status,
    )
    # created_at is set on insert; the request time is put in afterwards.
    Booking.objects.filter(pk=booking.pk).update(
        created_at=starts_at - timedelta(days=waited_days)
    )
    return booking


def population_make():
    """Andijan: 6 people (uz, 70-79), loneliness, each came 10 days after asking
    (September). Bukhara: 7 people (ru, 80+): 2 loneliness, 5 pensions; 5 came 4
    days after asking, 2 did not come (October). Fergana: 1 person, grief,
    cancelled. Samarkand: 5 learners done alone, 6 with help; Khorezm: 3 started.
    One synthetic person in Andijan asked too."""
    specialist = specialist_make()
    start_a = datetime(2026, 9, 30, 6, 0, tzinfo=UTC)
    for index in range(6):
        client = user_create(region="andijan", birth_year=1951, preferred_language="uz")
        booking_make(
            client=client,
            specialist=specialist,
            topic="loneliness",
            starts_at=start_a + timedelta(hours=index),
            waited_days=10,
            status="completed",
        )
    start_b = datetime(2026, 10, 10, 6, 0, tzinfo=UTC)
    for index in range(7):
        client = user_create(region="bukhara", birth_year=1941, preferred_language="ru")
        booking_make(
            client=client,
            specialist=specialist,
            topic="loneliness" if index < 2 else "pensions",
            starts_at=start_b + timedelta(hours=index),
            waited_days=4,
            status="completed" if index < 5 else "no_show",
        )
    booking_make(
        client=user_create(region="fergana", birth_year=1951),
        specialist=specialist,
        topic="grief",
        starts_at=datetime(2026, 10, 5, 6, 0, tzinfo=UTC),
        waited_days=4,
        status="cancelled",
    )
    booking_make(
        client=user_create(
            region="andijan", birth_year=1951, phone_number="+998000000001"
        ),
        specialist=specialist,
        topic="grief",
        starts_at=datetime(2026, 9, 1, 6, 0, tzinfo=UTC),
        waited_days=1,
        status="completed",
    )
    course, lessons = course_create(lessons=2)
    opened = datetime(2026, 10, 1, 6, 0, tzinfo=UTC)
    learners = (
        [("samarkand", True, False)] * 5
        + [("samarkand", True, True)] * 6
        + [("khorezm", False, False)] * 3
    )
    for region, done, helped in learners:
        person = user_create(region=region, birth_year=1951)
        for lesson in lessons:
            LessonProgress.objects.create(
                user=person,
                lesson=lesson,
                course=course,
                opened_at=opened,
                last_activity_at=opened,
                completed_at=opened if done else None,
                # One lesson with help is enough to count "with help".
                completed_with_help=helped and lesson == lessons[0],
            )

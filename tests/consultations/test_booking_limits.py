"""Booking limits and double taps (issue 13): the booking horizon and the cap of
upcoming talks per client, enforced by the service and said on the page; a second
"move" or "cancel" tap that finds the talk already changed.

The rules run on SQLite here. The races (two threads moving one talk, one client
booking two specialists at once, a double tap through the pages) run in
`test_booking_races_postgres.py` on the real PostgreSQL.
"""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation

from audit.models import AuditAction, AuditRecord
from consultations.forms import slot_value
from consultations.models import Booking, BookingStatus
from consultations.services import (
    BookingError,
    booking_cancel,
    booking_create,
    booking_reschedule,
)
from tests.consultations.factories import (
    booking_make,
    client_create,
    slot_at,
    specialist_create,
)
from tests.consultations.test_booking import booking_params, html
from tests.support.i18n import uz, uz_n

pytestmark = pytest.mark.django_db

HORIZON_SINGULAR = (
    "You can book a talk at most %(days)s day ahead. Please choose an earlier time."
)
HORIZON_PLURAL = (
    "You can book a talk at most %(days)s days ahead. Please choose an earlier time."
)
CAP_SINGULAR = (
    "You already have %(count)s talk booked. That is the most one person can have "
    "at a time. You can book another one after it, or if you cancel it."
)
CAP_PLURAL = (
    "You already have %(count)s talks booked. That is the most one person can have "
    "at a time. You can book another one after one of them, or if you cancel one."
)
ALREADY_CHANGED = (
    "This talk was already moved or cancelled. Your appointments show the time it "
    "has now."
)


def horizon_message(days=28) -> str:
    return uz_n(HORIZON_SINGULAR, HORIZON_PLURAL, days, days=days)


def cap_message(count=3) -> str:
    return uz_n(CAP_SINGULAR, CAP_PLURAL, count, count=count)


def book(person, specialist, starts_at):
    return booking_create(
        client=person, specialist=specialist, topic="grief", starts_at=starts_at
    )


def bookings_created() -> int:
    return AuditRecord.objects.filter(action=AuditAction.BOOKING_CREATE).count()


class HorizonTests:
    def test_the_service_refuses_a_slot_400_days_ahead(self):
        specialist = specialist_create()
        person = client_create()
        with pytest.raises(BookingError) as refused:
            book(person, specialist, slot_at(days=400))
        assert refused.value.code == "horizon"
        assert refused.value.message == horizon_message()
        assert not Booking.objects.exists()
        assert bookings_created() == 0

    def test_the_last_day_is_bookable_and_the_next_is_not(self):
        specialist = specialist_create()
        person = client_create()
        assert book(person, specialist, slot_at(days=27)).pk
        with pytest.raises(BookingError) as refused:
            book(person, specialist, slot_at(days=28))
        assert refused.value.code == "horizon"
        assert Booking.objects.count() == 1

    def test_a_forged_post_400_days_ahead_is_refused_on_the_page(self, client):
        specialist = specialist_create()
        client.force_login(client_create())
        response = client.post(
            reverse("consultations_book_confirm"),
            booking_params(specialist, slot_at(days=400)),
        )
        assert response.status_code == 400
        assert horizon_message() in html(response)
        assert 'role="alert"' in html(response)
        assert not Booking.objects.exists()
        assert bookings_created() == 0

    def test_the_refusal_is_in_the_readers_language(self, client):
        specialist = specialist_create()
        client.force_login(client_create())
        with translation.override("ru"):
            url = reverse("consultations_book_confirm")
            expected = translation.ngettext(HORIZON_SINGULAR, HORIZON_PLURAL, 28) % {
                "days": 28
            }
        assert url.startswith("/ru/")
        response = client.post(url, booking_params(specialist, slot_at(days=400)))
        assert response.status_code == 400
        assert response.headers["Content-Language"] == "ru"
        assert expected in html(response)

    def test_a_forged_move_400_days_ahead_changes_nothing(self, client):
        specialist = specialist_create()
        person = client_create()
        booking = booking_make(person, specialist, slot_at(days=2))
        client.force_login(person)
        response = client.post(
            reverse("consultations_reschedule", args=[booking.pk]),
            {"start": slot_value(slot_at(days=400))},
        )
        assert response.status_code == 400
        assert horizon_message() in html(response)
        booking.refresh_from_db()
        assert booking.status == BookingStatus.CONFIRMED
        assert Booking.objects.count() == 1

    def test_the_service_refuses_a_move_beyond_the_horizon(self):
        specialist = specialist_create()
        person = client_create()
        booking = book(person, specialist, slot_at(days=2))
        with pytest.raises(BookingError) as refused:
            booking_reschedule(
                booking=booking, by_user=person, starts_at=slot_at(days=60)
            )
        assert refused.value.code == "horizon"
        booking.refresh_from_db()
        assert booking.status == BookingStatus.CONFIRMED
        assert Booking.objects.count() == 1

    @override_settings(BOOKING_HORIZON_DAYS=10)
    def test_the_horizon_is_a_setting_and_the_pages_follow_it(self, client):
        specialist = specialist_create()
        person = client_create()
        with pytest.raises(BookingError):
            book(person, specialist, slot_at(days=10))
        assert book(person, specialist, slot_at(days=9)).pk
        client.force_login(person)
        time_url = reverse("consultations_book_time")
        params = {"topic": "grief", "specialist": specialist.pk}
        # Ten days: this week and the next, the second one cut after its 3rd day.
        second_week = client.get(time_url, {**params, "week": 1})
        assert slot_value(slot_at(days=9, hour=12)) in html(second_week)
        assert slot_value(slot_at(days=10, hour=12)) not in html(second_week)
        assert "week=2" not in html(second_week)
        # A week past the horizon in the address shows the last week instead.
        asked_too_far = html(client.get(time_url, {**params, "week": 5}))
        assert slot_value(slot_at(days=9, hour=12)) in asked_too_far
        assert slot_value(slot_at(days=14, hour=12)) not in asked_too_far


class ActiveCapTests:
    def test_the_fourth_upcoming_talk_is_refused_on_the_page(self, client):
        first, second = specialist_create(), specialist_create()
        person = client_create()
        for hour in (9, 11, 13):
            book(person, first, slot_at(days=2, hour=hour))
        client.force_login(person)
        before = bookings_created()
        response = client.post(
            reverse("consultations_book_confirm"),
            booking_params(second, slot_at(days=3, hour=10)),
        )
        assert response.status_code == 409
        assert cap_message() in html(response)
        # The choices are kept: the way back leads to the same specialist's times.
        assert f"topic=grief&amp;specialist={second.pk}" in html(response)
        assert Booking.objects.filter(client=person).count() == 3
        assert bookings_created() == before

    def test_the_confirm_step_says_so_before_the_button(self, client):
        specialist = specialist_create()
        person = client_create()
        for hour in (9, 11, 13):
            book(person, specialist, slot_at(days=2, hour=hour))
        client.force_login(person)
        page = client.get(
            reverse("consultations_book_confirm"),
            booking_params(specialist, slot_at(days=3, hour=10)),
        )
        assert page.status_code == 200
        assert cap_message() in html(page)
        assert uz("Book this talk") not in html(page)
        # One talk fewer, and the button is back.
        booking_cancel(booking=Booking.objects.filter(client=person)[0], by_user=person)
        page = client.get(
            reverse("consultations_book_confirm"),
            booking_params(specialist, slot_at(days=3, hour=10)),
        )
        assert cap_message() not in html(page)
        assert uz("Book this talk") in html(page)

    def test_the_service_refuses_the_fourth(self):
        specialist = specialist_create()
        person = client_create()
        for hour in (9, 11, 13):
            book(person, specialist, slot_at(days=2, hour=hour))
        with pytest.raises(BookingError) as refused:
            book(person, specialist, slot_at(days=5, hour=10))
        assert refused.value.code == "cap"
        assert refused.value.message == cap_message()
        assert Booking.objects.filter(client=person).count() == 3

    def test_cancelled_and_past_talks_do_not_count(self):
        specialist = specialist_create()
        person = client_create()
        booking_make(
            person,
            specialist,
            timezone.now() - timedelta(days=3),
            status=BookingStatus.COMPLETED,
        )
        booking_make(
            person,
            specialist,
            timezone.now() - timedelta(days=2),
            status=BookingStatus.CONFIRMED,  # over, never marked
        )
        talks = [book(person, specialist, slot_at(days=2, hour=h)) for h in (9, 11)]
        booking_cancel(booking=talks[0], by_user=person)
        book(person, specialist, slot_at(days=2, hour=13))
        assert book(person, specialist, slot_at(days=2, hour=15)).pk
        with pytest.raises(BookingError) as refused:
            book(person, specialist, slot_at(days=2, hour=17))
        assert refused.value.code == "cap"

    def test_other_clients_are_not_counted(self):
        specialist = specialist_create()
        for hour in (9, 11, 13):
            book(client_create(), specialist, slot_at(days=2, hour=hour))
        assert book(client_create(), specialist, slot_at(days=2, hour=15)).pk

    def test_moving_a_talk_at_the_cap_is_allowed(self):
        specialist = specialist_create()
        person = client_create()
        talks = [book(person, specialist, slot_at(days=2, hour=h)) for h in (9, 11, 13)]
        moved = booking_reschedule(
            booking=talks[0], by_user=person, starts_at=slot_at(days=4, hour=10)
        )
        assert moved.status == BookingStatus.CONFIRMED
        assert (
            Booking.objects.filter(
                client=person, status=BookingStatus.CONFIRMED
            ).count()
            == 3
        )

    @override_settings(BOOKING_ACTIVE_CAP=1)
    def test_the_cap_is_a_setting(self):
        specialist = specialist_create()
        person = client_create()
        book(person, specialist, slot_at(days=2, hour=9))
        with pytest.raises(BookingError) as refused:
            book(person, specialist, slot_at(days=2, hour=11))
        assert refused.value.message == cap_message(1)


class SecondTapTests:
    """The second of two taps, after the first has finished (the races, with both
    at once, are on PostgreSQL)."""

    def test_moving_a_talk_already_moved_is_refused_in_words(self, client):
        specialist = specialist_create()
        person = client_create()
        booking = book(person, specialist, slot_at(days=2, hour=9))
        client.force_login(person)
        url = reverse("consultations_reschedule", args=[booking.pk])
        first = client.post(url, {"start": slot_value(slot_at(days=3, hour=10))})
        assert first.status_code == 302
        second = client.post(url, {"start": slot_value(slot_at(days=4, hour=10))})
        assert second.status_code == 409
        assert uz(ALREADY_CHANGED) in html(second)
        confirmed = Booking.objects.filter(
            client=person, status=BookingStatus.CONFIRMED
        )
        assert [b.starts_at for b in confirmed] == [slot_at(days=3, hour=10)]

    def test_the_same_time_twice_says_moved_not_taken(self, client):
        """A true double tap sends the same time twice; the second finds the time
        taken by the first, and what the person must hear is that it moved."""
        specialist = specialist_create()
        person = client_create()
        booking = book(person, specialist, slot_at(days=2, hour=9))
        client.force_login(person)
        url = reverse("consultations_reschedule", args=[booking.pk])
        data = {"start": slot_value(slot_at(days=3, hour=10))}
        assert client.post(url, data).status_code == 302
        second = client.post(url, data)
        assert second.status_code == 409
        assert uz(ALREADY_CHANGED) in html(second)
        assert uz("This time is not free. Please choose another.") not in html(second)
        assert (
            Booking.objects.filter(
                client=person, status=BookingStatus.CONFIRMED
            ).count()
            == 1
        )

    def test_the_service_refuses_a_stale_booking_object(self):
        """The caller's copy still says "confirmed"; the service reads the row."""
        specialist = specialist_create()
        person = client_create()
        booking = book(person, specialist, slot_at(days=2, hour=9))
        stale = Booking.objects.get(pk=booking.pk)
        booking_reschedule(
            booking=booking, by_user=person, starts_at=slot_at(days=3, hour=10)
        )
        assert stale.status == BookingStatus.CONFIRMED
        with pytest.raises(BookingError) as refused:
            booking_reschedule(
                booking=stale, by_user=person, starts_at=slot_at(days=4, hour=10)
            )
        assert refused.value.code == "already_changed"
        assert (
            Booking.objects.filter(
                client=person, status=BookingStatus.CONFIRMED
            ).count()
            == 1
        )

    def test_cancelling_twice_is_refused_in_words(self, client):
        specialist = specialist_create()
        person = client_create()
        booking = book(person, specialist, slot_at(days=2, hour=9))
        client.force_login(person)
        url = reverse("consultations_cancel", args=[booking.pk])
        assert client.post(url).status_code == 302
        second = client.post(url)
        assert second.status_code == 409
        assert uz("This talk is already cancelled.") in html(second)
        cancels = AuditRecord.objects.filter(action=AuditAction.BOOKING_CANCEL)
        assert cancels.count() == 1

    def test_a_stale_cancel_is_refused(self):
        specialist = specialist_create()
        person = client_create()
        booking = book(person, specialist, slot_at(days=2, hour=9))
        stale = Booking.objects.get(pk=booking.pk)
        booking_cancel(booking=booking, by_user=person)
        with pytest.raises(BookingError) as refused:
            booking_cancel(booking=stale, by_user=person)
        assert refused.value.message == uz("This talk is already cancelled.")


class OverlapTests:
    def test_one_person_cannot_hold_two_overlapping_talks(self):
        """Two specialists, starts 30 minutes apart: the talks would overlap."""
        first = specialist_create()
        second = specialist_create()
        second.session_minutes = 30
        second.buffer_minutes = 0
        second.save()
        person = client_create()
        book(person, first, slot_at(days=2, hour=10))
        with pytest.raises(BookingError) as refused:
            book(person, second, slot_at(days=2, hour=10) + timedelta(minutes=30))
        assert refused.value.message == uz("You already have a session at this time.")
        assert Booking.objects.filter(client=person).count() == 1

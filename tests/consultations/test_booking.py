"""Booking a talk through the pages, consent, changing and cancelling, "My
appointments", the specialist's day and notes, calendar files, who may see what, and
two clients taking one slot at the same moment.
"""

import json
import os
import sqlite3
import subprocess
import sys
import threading
from datetime import UTC, timedelta
from urllib.parse import unquote

import pytest
from django.db import connection
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone, translation

from consultations.forms import slot_value
from consultations.ics import escape_text, fold_line
from consultations.models import (
    Booking,
    BookingStatus,
    ConsentRecord,
    ConsentTerms,
    SessionNote,
)
from consultations.services import BookingError, booking_create
from tests.accounts.factories import user_create
from tests.consultations.factories import (
    booking_make,
    client_create,
    slot_at,
    specialist_create,
    terms_publish,
)
from tests.support.i18n import uz, uz_n
from tests.support.live import REPO
from tests.support.services import ScratchPostgresDatabase, require_postgres
from tests.support.sign_in_here import assert_sign_in_here

pytestmark = pytest.mark.django_db


# Form data and page text (the builders are in factories.py) -----------------------


def booking_params(specialist, starts_at, topic="grief"):
    return {"topic": topic, "specialist": specialist.pk, "start": slot_value(starts_at)}


def html(response) -> str:
    return response.content.decode()


# The booking steps -------------------------------------------------------------------


class BookingFlowTests:
    def test_sign_in_is_needed_to_book(self, client):
        url = reverse("consultations_book")
        assert_sign_in_here(client.get(url), url)

    def test_client_books_through_every_step(self, client):
        specialist = specialist_create(full_name="Aziz Tursunov")
        person = client_create()
        client.force_login(person)
        step = client.get(reverse("consultations_book"))
        assert step.status_code == 200
        assert 'value="grief"' in html(step)

        step = client.get(reverse("consultations_book_specialist"), {"topic": "grief"})
        assert "Aziz Tursunov" in html(step)
        time_url = reverse("consultations_book_time")
        assert f"{time_url}?topic=grief&amp;specialist={specialist.pk}" in html(step)

        step = client.get(time_url, {"topic": "grief", "specialist": specialist.pk})
        starts_at = slot_at(days=2, hour=10)
        assert f'value="{slot_value(starts_at)}"' in html(step)

        params = booking_params(specialist, starts_at)
        step = client.get(reverse("consultations_book_confirm"), params)
        assert step.status_code == 200
        assert uz("Book this talk") in html(step)
        assert Booking.objects.count() == 0

        done = client.post(reverse("consultations_book_confirm"), params)
        assert done.status_code == 302
        assert done["Location"] == reverse("consultations_appointments")
        booking = Booking.objects.get()
        assert booking.client == person
        assert booking.specialist == specialist
        assert booking.topic == "grief"
        assert booking.starts_at == starts_at
        assert booking.ends_at == starts_at + timedelta(minutes=45)
        assert booking.status == BookingStatus.CONFIRMED

    def test_first_available_picks_the_earliest_free_specialist(self, client):
        specialist_create(full_name="No Hours", hours=False)
        free = specialist_create(full_name="Free Person")
        client.force_login(client_create())
        response = client.get(
            reverse("consultations_book_time"),
            {"topic": "grief", "specialist": "first"},
        )
        assert response.status_code == 302
        assert f"specialist={free.pk}" in response["Location"]
        page = client.get(response["Location"])
        assert uz("%(name)s has the earliest free time.", name="Free Person") in html(
            page
        ).replace("\n", " ")

    def test_first_available_without_anyone_free_says_so(self, client):
        specialist_create(hours=False)
        client.force_login(client_create())
        response = client.get(
            reverse("consultations_book_time"),
            {"topic": "grief", "specialist": "first"},
        )
        assert response.status_code == 200
        assert uz_n(
            "No specialist has free time for this topic in the next %(days)s day. "
            "Please try again in a few days, or choose another topic.",
            "No specialist has free time for this topic in the next %(days)s days. "
            "Please try again in a few days, or choose another topic.",
            28,
            days=28,
        ) in html(response)

    def test_the_message_names_the_horizon_set(self, client, settings):
        settings.BOOKING_HORIZON_DAYS = 14
        specialist_create(hours=False)
        client.force_login(client_create())
        response = client.get(
            reverse("consultations_book_time"),
            {"topic": "grief", "specialist": "first"},
        )
        assert uz_n(
            "No specialist has free time for this topic in the next %(days)s day. "
            "Please try again in a few days, or choose another topic.",
            "No specialist has free time for this topic in the next %(days)s days. "
            "Please try again in a few days, or choose another topic.",
            14,
            days=14,
        ) in html(response)

    def test_times_are_shown_in_tashkent_time(self, client):
        specialist = specialist_create()
        client.force_login(client_create())
        response = client.get(
            reverse("consultations_book_time"),
            {"topic": "grief", "specialist": specialist.pk, "week": 0},
        )
        starts_at = slot_at(days=2, hour=10)
        # 10:00 in Tashkent is 05:00 UTC: the button shows 10:00, the value says 05:00Z.
        assert slot_value(starts_at).endswith("T05:00Z")
        assert f'value="{slot_value(starts_at)}"' in html(response)
        assert ">10:00</button>" in html(response)

    def test_directory_card_starts_a_booking_with_that_specialist(self, client):
        specialist = specialist_create(topics=["grief"])
        client.force_login(client_create())
        response = client.get(
            reverse("consultations_book"), {"specialist": specialist.pk}
        )
        page = html(response)
        assert f'name="specialist" value="{specialist.pk}"' in page
        assert 'value="grief"' in page
        assert 'value="anxiety"' not in page
        assert f'action="{reverse("consultations_book_time")}"' in page


class ConsentTests:
    def test_confirm_sends_a_client_without_consent_to_the_terms(self, client):
        specialist = specialist_create()
        terms_publish()
        client.force_login(client_create(consent=False))
        params = booking_params(specialist, slot_at())
        response = client.get(reverse("consultations_book_confirm"), params)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("consultations_consent"))
        response = client.post(reverse("consultations_book_confirm"), params)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("consultations_consent"))
        assert Booking.objects.count() == 0

    def test_terms_show_version_and_text(self, client):
        terms_publish(version="2026-7")
        client.force_login(client_create(consent=False))
        page = html(client.get(reverse("consultations_consent")))
        assert "Suhbat yozib olinmaydi." in page
        assert "2026-7" in page
        assert uz("I have read these terms and I agree to them.") in page

    def test_agreeing_needs_the_tick_box(self, client):
        terms = terms_publish()
        person = client_create(consent=False)
        client.force_login(person)
        response = client.post(
            reverse("consultations_consent"), {"version": terms.version}
        )
        assert response.status_code == 400
        assert uz("To book a talk, please tick the box to agree to the terms.") in html(
            response
        )
        assert not ConsentRecord.objects.filter(user=person).exists()

    def test_an_unticked_box_is_summed_up_at_the_top_of_the_form(self, client):
        terms = terms_publish()
        client.force_login(client_create(consent=False))
        page = html(
            client.post(reverse("consultations_consent"), {"version": terms.version})
        )
        form = page[page.index('action="' + reverse("consultations_consent") + '"') :]
        summary = form[: form.index('id="id_agree"')]
        assert 'class="error-summary" role="alert" tabindex="-1"' in summary
        assert uz("There is a problem") in summary
        assert (
            '<a href="#id_agree">'
            + uz("To book a talk, please tick the box to agree to the terms.")
            in summary
        )
        assert "js/error-summary" in summary

    def test_agreeing_then_booking_continues_where_the_client_was(self, client):
        specialist = specialist_create()
        terms = terms_publish()
        person = client_create(consent=False)
        client.force_login(person)
        params = booking_params(specialist, slot_at())
        consent_url = client.get(reverse("consultations_book_confirm"), params)[
            "Location"
        ]
        next_url = unquote(consent_url.split("next=", 1)[1])
        response = client.post(
            reverse("consultations_consent"),
            {"version": terms.version, "agree": "on", "next": next_url},
        )
        assert response.status_code == 302
        assert response["Location"] == next_url
        assert ConsentRecord.objects.filter(user=person, terms=terms).count() == 1
        assert client.get(response["Location"]).status_code == 200
        client.post(reverse("consultations_book_confirm"), params)
        assert Booking.objects.filter(client=person).count() == 1

    def test_terms_changed_while_reading_asks_again(self, client):
        terms_publish(version="old")
        person = client_create(consent=False)
        client.force_login(person)
        ConsentTerms.objects.create(
            version="new", text="...", published_at=timezone.now() + timedelta(1)
        )
        response = client.post(
            reverse("consultations_consent"), {"version": "old", "agree": "on"}
        )
        assert response.status_code == 409
        assert uz("The terms have just changed. Please read them again.") in html(
            response
        )
        assert not ConsentRecord.objects.filter(user=person).exists()

    def test_withdrawing_means_being_asked_again(self, client):
        specialist = specialist_create()
        person = client_create()
        client.force_login(person)
        client.post(reverse("consultations_consent_withdraw"))
        assert ConsentRecord.objects.get(user=person).withdrawn_at is not None
        params = booking_params(specialist, slot_at())
        response = client.get(reverse("consultations_book_confirm"), params)
        assert response["Location"].startswith(reverse("consultations_consent"))

    def test_without_published_terms_booking_is_not_open(self, client):
        specialist = specialist_create()
        client.force_login(client_create(consent=False))
        params = booking_params(specialist, slot_at())
        response = client.post(reverse("consultations_book_confirm"), params)
        assert response.status_code == 503
        assert uz("Booking is not open yet. Please come back in a few days.") in html(
            response
        )
        assert Booking.objects.count() == 0

    def test_next_address_must_stay_on_this_site(self, client):
        terms = terms_publish()
        client.force_login(client_create(consent=False))
        response = client.post(
            reverse("consultations_consent"),
            {"version": terms.version, "agree": "on", "next": "https://evil.test/"},
        )
        assert response["Location"] == reverse("consultations_appointments")


class BadInputTests:
    def confirm(self, client, **params):
        return client.post(reverse("consultations_book_confirm"), params)

    def test_unknown_topic(self, client):
        client.force_login(client_create())
        response = client.get(
            reverse("consultations_book_specialist"), {"topic": "astrology"}
        )
        assert response.status_code == 400
        assert uz("We do not know this topic. Please choose one below.") in html(
            response
        )
        specialist = specialist_create()
        response = self.confirm(
            client,
            topic="astrology",
            specialist=specialist.pk,
            start=slot_value(slot_at()),
        )
        assert response.status_code == 400
        assert uz("We do not know this topic. Please start again.") in html(response)
        assert Booking.objects.count() == 0

    def test_slot_that_is_not_offered(self, client):
        specialist = specialist_create()
        client.force_login(client_create())
        off_grid = slot_at(hour=10) + timedelta(minutes=30)
        response = self.confirm(client, **booking_params(specialist, off_grid))
        assert response.status_code == 400
        assert uz("This time is not free. Please choose another.") in html(response)
        # Nothing is lost: the way back keeps the topic and the specialist.
        assert f"topic=grief&amp;specialist={specialist.pk}" in html(response)
        assert Booking.objects.count() == 0

    def test_slot_in_the_past(self, client):
        specialist = specialist_create()
        client.force_login(client_create())
        response = self.confirm(
            client, **booking_params(specialist, slot_at(days=-1, hour=10))
        )
        assert response.status_code == 400
        assert uz("This time has already passed. Please choose another.") in html(
            response
        )
        assert Booking.objects.count() == 0

    def test_specialist_that_does_not_exist(self, client):
        specialist = specialist_create()
        client.force_login(client_create())
        missing = specialist.pk + 1000
        response = self.confirm(
            client, topic="grief", specialist=missing, start=slot_value(slot_at())
        )
        assert response.status_code == 400
        message = uz("We could not find this specialist. Please choose another.")
        assert message in html(response)
        response = client.get(
            reverse("consultations_book_time"),
            {"topic": "grief", "specialist": missing},
        )
        assert response.status_code == 404
        assert message in html(response)
        assert Booking.objects.count() == 0

    def test_specialist_who_does_not_help_with_the_topic(self, client):
        specialist = specialist_create(topics=["grief"])
        client.force_login(client_create())
        response = self.confirm(
            client, **booking_params(specialist, slot_at(), topic="pensions")
        )
        assert response.status_code == 400
        assert uz(
            "This specialist does not help with this topic. Please choose another."
        ) in html(response)
        assert Booking.objects.count() == 0

    def test_time_that_is_not_a_time(self, client):
        specialist = specialist_create()
        client.force_login(client_create())
        response = self.confirm(
            client, topic="grief", specialist=specialist.pk, start="tomorrow"
        )
        assert response.status_code == 400
        assert uz("We did not understand this time. Please choose one below.") in html(
            response
        )

    def test_slot_someone_else_booked_is_refused_and_keeps_the_choices(self, client):
        specialist = specialist_create()
        starts_at = slot_at()
        booking_create(
            client=client_create(),
            specialist=specialist,
            topic="grief",
            starts_at=starts_at,
        )
        person = client_create()
        client.force_login(person)
        response = self.confirm(client, **booking_params(specialist, starts_at))
        assert response.status_code == 400
        assert uz("This time is not free. Please choose another.") in html(response)
        assert f"topic=grief&amp;specialist={specialist.pk}" in html(response)
        assert not Booking.objects.filter(client=person).exists()

    def test_client_with_another_talk_at_that_time_is_told_so(self, client):
        starts_at = slot_at()
        person = client_create()
        booking_make(person, specialist_create(), starts_at)
        other = specialist_create()
        client.force_login(person)
        response = self.confirm(client, **booking_params(other, starts_at))
        assert response.status_code == 409
        assert uz("You already have a session at this time.") in html(response)
        assert Booking.objects.filter(client=person).count() == 1

    def test_slot_taken_after_the_check_is_shown_next_to_the_form(
        self, client, monkeypatch
    ):
        """The slot goes to someone else between the form's check and the booking:
        the service's refusal is shown in place and the choices are kept."""
        specialist = specialist_create()
        client.force_login(client_create())

        def refuse(**kwargs):
            raise BookingError("This time has just been taken. Please choose another.")

        monkeypatch.setattr("consultations.services.booking_create", refuse)
        response = self.confirm(client, **booking_params(specialist, slot_at()))
        assert response.status_code == 409
        page = html(response)
        assert "This time has just been taken. Please choose another." in page
        assert 'role="alert"' in page
        assert uz("Choose another time") in page
        assert Booking.objects.count() == 0


# Changing and cancelling -------------------------------------------------------------


class ChangeTests:
    def test_client_cancels_more_than_two_hours_ahead(self, client):
        person = client_create()
        booking = booking_make(
            person, specialist_create(), timezone.now() + timedelta(hours=3)
        )
        client.force_login(person)
        response = client.post(reverse("consultations_cancel", args=[booking.pk]))
        assert response.status_code == 302
        booking.refresh_from_db()
        assert booking.status == BookingStatus.CANCELLED

    def test_client_cannot_cancel_within_two_hours(self, client):
        person = client_create()
        booking = booking_make(
            person, specialist_create(), timezone.now() + timedelta(hours=1)
        )
        client.force_login(person)
        response = client.post(reverse("consultations_cancel", args=[booking.pk]))
        assert response.status_code == 409
        assert uz(
            "Less than 2 hours are left: please call the specialist to cancel."
        ) in html(response)
        booking.refresh_from_db()
        assert booking.status == BookingStatus.CONFIRMED

    def test_specialist_may_still_cancel_within_two_hours(self, client):
        specialist = specialist_create()
        booking = booking_make(
            client_create(), specialist, timezone.now() + timedelta(hours=1)
        )
        client.force_login(specialist.user)
        client.post(reverse("consultations_cancel", args=[booking.pk]))
        booking.refresh_from_db()
        assert booking.status == BookingStatus.CANCELLED

    def test_client_moves_a_talk_more_than_two_hours_ahead(self, client):
        specialist = specialist_create()
        person = client_create()
        booking = booking_make(person, specialist, timezone.now() + timedelta(hours=3))
        client.force_login(person)
        page = client.get(reverse("consultations_reschedule", args=[booking.pk]))
        new_start = slot_at(days=2, hour=11)
        assert f'value="{slot_value(new_start)}"' in html(page)
        response = client.post(
            reverse("consultations_reschedule", args=[booking.pk]),
            {"start": slot_value(new_start)},
        )
        assert response.status_code == 302
        booking.refresh_from_db()
        assert booking.status == BookingStatus.CANCELLED
        moved = Booking.objects.get(client=person, status=BookingStatus.CONFIRMED)
        assert moved.starts_at == new_start
        assert moved.specialist == specialist

    def test_client_cannot_move_a_talk_within_two_hours(self, client):
        specialist = specialist_create()
        person = client_create()
        booking = booking_make(person, specialist, timezone.now() + timedelta(hours=1))
        client.force_login(person)
        page = client.get(reverse("consultations_reschedule", args=[booking.pk]))
        assert uz(
            "This talk can no longer be moved: it has started, was cancelled, or "
            "less than 2 hours are left."
        ) in html(page)
        response = client.post(
            reverse("consultations_reschedule", args=[booking.pk]),
            {"start": slot_value(slot_at(days=2, hour=11))},
        )
        assert response.status_code == 409
        assert uz("Less than 2 hours are left: this session cannot be moved.") in html(
            response
        )
        booking.refresh_from_db()
        assert booking.status == BookingStatus.CONFIRMED
        assert Booking.objects.count() == 1

    def test_moving_to_a_time_that_is_not_free_changes_nothing(self, client):
        specialist = specialist_create()
        person = client_create()
        booking = booking_make(person, specialist, timezone.now() + timedelta(hours=3))
        taken = slot_at(days=2, hour=11)
        booking_make(client_create(), specialist, taken)
        client.force_login(person)
        response = client.post(
            reverse("consultations_reschedule", args=[booking.pk]),
            {"start": slot_value(taken)},
        )
        assert response.status_code == 400
        assert uz("This time is not free. Please choose another.") in html(response)
        booking.refresh_from_db()
        assert booking.status == BookingStatus.CONFIRMED


# Who may see what --------------------------------------------------------------------


class AccessTests:
    @pytest.fixture
    def booking(self):
        specialist = specialist_create()
        return booking_make(
            client_create(), specialist, timezone.now() - timedelta(minutes=5)
        )

    def pages(self, booking):
        pk = booking.pk
        return [
            ("get", reverse("consultations_calendar", args=[pk])),
            ("post", reverse("consultations_cancel", args=[pk])),
            ("get", reverse("consultations_reschedule", args=[pk])),
            ("post", reverse("consultations_reschedule", args=[pk])),
            ("get", reverse("consultations_notes", args=[pk])),
            ("post", reverse("consultations_notes", args=[pk])),
            ("post", reverse("consultations_no_show", args=[pk])),
        ]

    @pytest.mark.parametrize("who", ["other client", "learner", "other specialist"])
    def test_other_people_get_not_found(self, client, booking, who):
        person = {
            "other client": lambda: client_create(),
            "learner": lambda: user_create(roles=("Learner",)),
            "other specialist": lambda: specialist_create().user,
        }[who]()
        client.force_login(person)
        for method, url in self.pages(booking):
            response = getattr(client, method)(url, {"text": "x"})
            assert response.status_code == 404, (method, url)
        booking.refresh_from_db()
        assert booking.status == BookingStatus.CONFIRMED
        assert not SessionNote.objects.exists()
        page = html(client.get(reverse("consultations_appointments")))
        assert f'data-booking="{booking.pk}"' not in page

    def test_anonymous_is_asked_to_sign_in(self, client, booking):
        for method, url in self.pages(booking):
            response = getattr(client, method)(url)
            if method == "get":
                html = assert_sign_in_here(response, url)
                assert booking.client.full_name not in html
                continue
            # A POST keeps the redirect: what it sent is not kept either way.
            assert response.status_code == 302, (method, url)
            assert response["Location"].startswith(reverse("account_login"))

    def test_the_client_cannot_read_or_write_the_specialists_notes(
        self, client, booking
    ):
        SessionNote.objects.create(
            booking=booking, author=booking.specialist.user, text="Maxfiy eslatma"
        )
        client.force_login(booking.client)
        url = reverse("consultations_notes", args=[booking.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"text": "changed"}).status_code == 404
        assert (
            client.post(reverse("consultations_no_show", args=[booking.pk])).status_code
            == 404
        )
        assert SessionNote.objects.get().text == "Maxfiy eslatma"
        page = html(client.get(reverse("consultations_appointments")))
        assert "Maxfiy eslatma" not in page

    def test_today_page_is_for_specialists_only(self, client):
        today = reverse("consultations_today")
        assert_sign_in_here(client.get(today), today)
        client.force_login(client_create())
        assert client.get(reverse("consultations_today")).status_code == 403
        client.force_login(specialist_create().user)
        assert client.get(reverse("consultations_today")).status_code == 200


# My appointments, the specialist's day, notes and no-shows -------------------------


class AppointmentsTests:
    def test_client_sees_upcoming_first_with_times_names_and_links(self, client):
        specialist = specialist_create(full_name="Aziz Tursunov")
        person = client_create()
        past = booking_make(
            person,
            specialist,
            timezone.now() - timedelta(days=3),
            status=BookingStatus.COMPLETED,
        )
        later = booking_make(person, specialist, slot_at(days=5, hour=9))
        sooner = booking_make(person, specialist, slot_at(days=2, hour=14))
        client.force_login(person)
        page = html(client.get(reverse("consultations_appointments")))
        positions = [
            page.index(f'data-booking="{b.pk}"') for b in (sooner, later, past)
        ]
        assert positions == sorted(positions)
        assert "Aziz Tursunov" in page
        assert "14:00–14:45" in page  # Tashkent time
        assert reverse("consultations_calendar", args=[sooner.pk]) in page
        assert reverse("consultations_cancel", args=[sooner.pk]) in page
        assert reverse("consultations_reschedule", args=[sooner.pk]) in page
        # Not joinable yet: no call link.
        assert f"/uz/consultations/{sooner.pk}/call/" not in page

    def test_join_and_check_links_once_the_window_opens(self, client):
        person = client_create()
        booking = booking_make(
            person, specialist_create(), timezone.now() + timedelta(minutes=10)
        )
        client.force_login(person)
        page = html(client.get(reverse("consultations_appointments")))
        assert f'href="/uz/consultations/{booking.pk}/call/"' in page
        assert f'href="/uz/consultations/{booking.pk}/check/"' in page
        assert uz("Join the call") in page
        # Within 2 hours: no cancel or move buttons for the client, a plain reason.
        assert reverse("consultations_cancel", args=[booking.pk]) not in page
        assert (
            uz(
                "Less than 2 hours are left, so this talk can no longer be moved or "
                "cancelled here."
            )
            in page
        )

    def test_specialist_sees_the_clients_connection_check(self, client):
        specialist = specialist_create()
        booking = booking_make(
            client_create(full_name="Dilnoza Karimova"),
            specialist,
            timezone.now() + timedelta(hours=3),
            precall_checked_at=timezone.now(),
            precall_result={
                "rtt_ms": 420,
                "loss_percent": 4.5,
                "relay": True,
                "verdict": "audio",
            },
        )
        client.force_login(specialist.user)
        page = html(client.get(reverse("consultations_appointments")))
        assert f'data-booking="{booking.pk}"' in page
        assert "Dilnoza Karimova" in page
        assert uz("Sound only: the connection is too weak for video.") in page
        assert uz("Delay: %(rtt)s ms.", rtt=420) in page
        with translation.override("uz"):
            loss = floatformat(4.5, "-1")  # "4,5": the decimal comma of Uzbek
        assert uz("Lost data: %(loss)s%%.", loss=loss) in page
        assert uz("Goes through a relay server.") in page

    def test_consent_reminder_when_a_talk_is_booked_without_it(self, client):
        person = client_create()
        booking_make(person, specialist_create(), slot_at())
        ConsentRecord.objects.filter(user=person).delete()
        client.force_login(person)
        page = html(client.get(reverse("consultations_appointments")))
        assert (
            uz(
                "Before your talk, please read and accept the terms for online "
                "consultations."
            )
            in page
        )


class NoShowViewTests:
    def test_specialist_marks_no_show_after_the_start(self, client):
        specialist = specialist_create()
        booking = booking_make(
            client_create(), specialist, timezone.now() - timedelta(minutes=10)
        )
        client.force_login(specialist.user)
        response = client.post(reverse("consultations_no_show", args=[booking.pk]))
        assert response.status_code == 302
        booking.refresh_from_db()
        assert booking.status == BookingStatus.NO_SHOW

    def test_not_before_the_start(self, client):
        specialist = specialist_create()
        booking = booking_make(
            client_create(), specialist, timezone.now() + timedelta(minutes=10)
        )
        client.force_login(specialist.user)
        response = client.post(reverse("consultations_no_show", args=[booking.pk]))
        assert response.status_code == 409
        booking.refresh_from_db()
        assert booking.status == BookingStatus.CONFIRMED


class TodayTests:
    def test_todays_sessions_with_client_check_and_call_link(self, client):
        specialist = specialist_create()
        now = timezone.localtime()
        # Starts now (clamped so that it stays today in Tashkent).
        start = max(
            now - timedelta(minutes=5),
            now.replace(hour=0, minute=0, second=0, microsecond=0),
        )
        booking = booking_make(
            client_create(full_name="Dilnoza Karimova"),
            specialist,
            start,
            precall_result={"verdict": "video"},
        )
        tomorrow = booking_make(client_create(), specialist, slot_at(days=1))
        client.force_login(specialist.user)
        page = html(client.get(reverse("consultations_today")))
        assert "Dilnoza Karimova" in page
        assert f'data-booking="{booking.pk}"' in page
        assert f'data-booking="{tomorrow.pk}"' not in page
        assert uz("Video should work well.") in page
        if booking.is_joinable():
            assert f'href="/uz/consultations/{booking.pk}/call/"' in page

    def test_note_is_created_then_updated(self, client):
        specialist = specialist_create()
        booking = booking_make(client_create(), specialist, timezone.now())
        client.force_login(specialist.user)
        url = reverse("consultations_notes", args=[booking.pk])
        client.post(url, {"text": "Birinchi", "next": reverse("consultations_today")})
        response = client.post(url, {"text": "Ikkinchi"})
        assert response.status_code == 302
        note = SessionNote.objects.get()
        assert (note.text, note.author, note.booking) == (
            "Ikkinchi",
            specialist.user,
            booking,
        )
        assert "Ikkinchi" in html(client.get(reverse("consultations_today")))

    def test_empty_note_is_refused_in_words(self, client):
        specialist = specialist_create()
        booking = booking_make(client_create(), specialist, timezone.now())
        client.force_login(specialist.user)
        response = client.post(
            reverse("consultations_notes", args=[booking.pk]), {"text": ""}
        )
        assert response.status_code == 400
        assert uz("Please write the note before saving.") in html(response)
        assert not SessionNote.objects.exists()


# Calendar files ---------------------------------------------------------------------


class CalendarTests:
    def test_calendar_file_for_the_client(self, client):
        specialist = specialist_create(full_name="Aziz Tursunov")
        person = client_create()
        starts_at = slot_at(days=2, hour=10)
        booking = booking_make(person, specialist, starts_at)
        client.force_login(person)
        response = client.get(reverse("consultations_calendar", args=[booking.pk]))
        assert response.status_code == 200
        assert response["Content-Type"] == "text/calendar; charset=utf-8"
        assert "attachment" in response["Content-Disposition"]
        text = response.content.decode()
        assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
        assert text.endswith("END:VCALENDAR\r\n")
        assert "\n" not in text.replace("\r\n", "")
        unfolded = text.replace("\r\n ", "")
        lines = unfolded.split("\r\n")
        assert f"UID:komak-booking-{booking.pk}@127.0.0.1" in lines
        utc_start = starts_at.astimezone(UTC)
        utc_end = utc_start + timedelta(minutes=45)
        assert f"DTSTART:{utc_start:%Y%m%dT%H%M%S}Z" in lines
        assert f"DTEND:{utc_end:%Y%m%dT%H%M%S}Z" in lines
        assert any(line.startswith("DTSTAMP:") and line.endswith("Z") for line in lines)
        summary = next(line for line in lines if line.startswith("SUMMARY:"))
        assert "Aziz Tursunov" in summary
        assert "STATUS:CONFIRMED" in lines
        assert "BEGIN:VEVENT" in lines and "END:VEVENT" in lines

    def test_specialist_file_names_the_client(self, client):
        specialist = specialist_create()
        booking = booking_make(
            client_create(full_name="Dilnoza Karimova"), specialist, slot_at()
        )
        client.force_login(specialist.user)
        text = client.get(
            reverse("consultations_calendar", args=[booking.pk])
        ).content.decode()
        assert "Dilnoza Karimova" in text.replace("\r\n ", "")

    def test_text_is_escaped(self):
        assert escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
        assert escape_text("x\r\ny") == "x\\ny"

    def test_long_lines_fold_at_75_octets_without_splitting_letters(self):
        line = "SUMMARY:" + "Koʻmak: suhbat Oʻgʻiloy bilan, " * 6
        folded = fold_line(line)
        parts = folded.split("\r\n")
        assert len(parts) > 1
        assert all(len(part.encode("utf-8")) <= 75 for part in parts)
        assert all(part.startswith(" ") for part in parts[1:])
        assert folded.replace("\r\n ", "") == line
        assert fold_line("SHORT:x") == "SHORT:x"


# Two clients, one slot ---------------------------------------------------------------


def race_for_one_slot(specialist, clients, starts_at) -> list[str]:
    """Every client tries to book the same slot at the same moment, each in its own
    thread with its own database connection."""
    barrier = threading.Barrier(len(clients))
    outcomes: list[str] = []

    def attempt(person):
        try:
            barrier.wait(timeout=10)
            booking_create(
                client=person, specialist=specialist, topic="grief", starts_at=starts_at
            )
            outcomes.append("booked")
        except BookingError:
            outcomes.append("refused")
        except Exception as error:  # noqa: BLE001 - reported by the assertion
            outcomes.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(person,)) for person in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


@pytest.fixture
def sqlite_file_database(tmp_path):
    """Move this test's SQLite database from memory into a file, as the embedded
    profile runs it.

    The test runner's in-memory database is shared between threads through SQLite's
    shared cache, whose table locks fail at once ("database table is locked") instead
    of waiting like the file locks behind the busy timeout that Daphne and the task
    cluster rely on. Data made before the move is copied along.
    """
    settings_dict = connection.settings_dict
    memory_name = settings_dict["NAME"]
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield
        return
    # Keeps the in-memory database alive while Django's connection points elsewhere.
    keeper = sqlite3.connect(memory_name, uri=True)
    path = tmp_path / "race.sqlite3"
    with sqlite3.connect(path) as target:
        keeper.backup(target)
    target.close()
    settings_dict["NAME"] = str(path)
    connection.close()
    try:
        yield path
    finally:
        connection.close()
        settings_dict["NAME"] = memory_name
        connection.ensure_connection()  # before the keeper lets go of the database
        keeper.close()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("sqlite_file_database")
class BookingRaceTests:
    def test_two_clients_booking_one_slot_get_one_booking(self):
        specialist = specialist_create()
        clients = [client_create(), client_create()]
        starts_at = slot_at(days=2, hour=10)
        outcomes = race_for_one_slot(specialist, clients, starts_at)
        assert sorted(outcomes) == ["booked", "refused"]
        assert Booking.objects.filter(specialist=specialist).count() == 1

    def test_many_clients_many_times(self):
        specialist = specialist_create()
        clients = [client_create() for _ in range(4)]
        for hour in (9, 12, 15):
            outcomes = race_for_one_slot(specialist, clients, slot_at(hour=hour))
            assert sorted(outcomes) == ["booked", "refused", "refused", "refused"]
        assert Booking.objects.filter(specialist=specialist).count() == 3


POSTGRES_RACE = """
import json, threading
from datetime import datetime, time, timedelta
import django
django.setup()
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone
from consultations.models import Booking, SpecialistProfile, WeeklyHours
from consultations.selectors import local_zone
from consultations.services import BookingError, booking_create

users = get_user_model().objects
specialist = SpecialistProfile.objects.create(
    user=users.create_user(username="race-specialist"), kind="psychologist",
    topics=["grief"], languages=["uz"], bio="-",
)
for weekday in range(7):
    WeeklyHours.objects.create(specialist=specialist, weekday=weekday,
                               start_time=time(0), end_time=time(23, 59))
clients = [users.create_user(username=f"race-client-{n}") for n in range(6)]
day = timezone.localdate() + timedelta(days=2)
results = []
for hour in (9, 12, 15):
    starts_at = datetime.combine(day, time(hour), tzinfo=local_zone())
    barrier = threading.Barrier(len(clients))
    outcomes = []
    def attempt(person):
        try:
            barrier.wait(timeout=10)
            booking_create(client=person, specialist=specialist, topic="grief",
                           starts_at=starts_at)
            outcomes.append("booked")
        except BookingError:
            outcomes.append("refused")
        except Exception as error:
            outcomes.append(repr(error))
        finally:
            connection.close()
    threads = [threading.Thread(target=attempt, args=(c,)) for c in clients]
    [t.start() for t in threads]
    [t.join(60) for t in threads]
    results.append(sorted(outcomes))
print(json.dumps({
    "vendor": connection.vendor,
    "results": results,
    "bookings": Booking.objects.filter(specialist=specialist).count(),
}))
"""


class PostgresBookingRaceTests:
    def test_six_clients_one_slot_on_postgresql(self):
        require_postgres()
        with ScratchPostgresDatabase() as database:
            env = {
                "DATABASE_URL": database.url,
                "DJANGO_SETTINGS_MODULE": "cms.settings.test",
            }
            for args in (["manage.py", "migrate", "--no-input"], ["-c", POSTGRES_RACE]):
                result = subprocess.run(
                    [sys.executable, *args],
                    cwd=REPO,
                    env={**_clean_environ(), **env},
                    capture_output=True,
                    text=True,
                    timeout=300,
                )
                assert result.returncode == 0, result.stderr[-3000:]
        probe = json.loads(result.stdout.strip().splitlines()[-1])
        assert probe["vendor"] == "postgresql"
        assert probe["results"] == [["booked"] + ["refused"] * 5] * 3
        assert probe["bookings"] == 3


def _clean_environ() -> dict:
    return {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL"}
    }

"""Fuzzing the booking pages, consent, notes and the pre-call check endpoints, as
every role, with forged booking ids (another person's, a cancelled one, ids that
do not exist) and whatever a form can carry."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from consultations.forms import slot_value

from .harness import Fuzzer, fuzz_settings, signed_in
from .strategies import (
    any_text,
    broken_json_bodies,
    form_data,
    json_body,
    json_object_with,
    json_values,
)
from .worlds import CONSULTATION_MODELS, TOPICS, User, consultation_world, slot_at

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "client", "other_client", "no_consent", "specialist", "other"]
MISSING_IDS = [0, 999_999, 2**31, 2**63, 10**30]


def consultation_fuzzer(name: str):
    world = consultation_world()
    people = {
        "anonymous": None,
        "client": world.client,
        "other_client": world.other_client,
        "no_consent": world.no_consent,
        "specialist": world.specialist.user,
        "other": world.other_specialist.user,
    }
    clients = {role: signed_in(user) for role, user in people.items()}
    models = [*CONSULTATION_MODELS, User]
    return world, Fuzzer(clients=clients, models=models, name=name)


def booking_ids(world):
    return st.one_of(
        st.sampled_from(sorted(booking.pk for booking in world.bookings.values())),
        st.sampled_from(MISSING_IDS),
    )


def slot_texts():
    """A free slot, a taken one, one off the grid, the past, far ahead, nonsense."""
    good = st.builds(
        lambda days, hour: slot_value(slot_at(days=days, hour=hour)),
        st.integers(0, 40),
        st.integers(0, 23),
    )
    odd_moments = st.one_of(
        st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)).map(
            lambda moment: moment.replace(tzinfo=UTC)
        ),
        st.integers(-400 * 24 * 60, 800 * 24 * 60).map(
            lambda minutes: timezone.now() + timedelta(minutes=minutes)
        ),
    ).map(slot_value)
    literal = st.sampled_from(
        [
            "9999-12-31T23:59Z",
            "0001-01-01T00:00Z",
            "2026-02-30T10:00Z",
            "2026-01-01T24:00Z",
            "2026-01-01T10:00+05:00",
            " 2026-06-01T05:00Z ",
        ]
    )
    return st.one_of(good, good, odd_moments, literal)


def booking_form(world):
    return form_data(
        {
            "topic": st.sampled_from([*TOPICS, "fishing"]),
            "specialist": st.sampled_from(
                [
                    str(world.specialist.pk),
                    str(world.other_specialist.pk),
                    "999999",
                    "first",
                    str(2**63),
                ]
            ),
            "start": slot_texts(),
        }
    )


class ConsultationFuzzTests:
    def test_booking_steps(self):
        world, fuzzer = consultation_fuzzer("booking_steps")
        paths = [
            "/uz/consultations/",
            "/uz/consultations/book/",
            "/uz/consultations/book/specialist/",
            "/uz/consultations/book/time/",
            "/uz/consultations/appointments/",
            "/uz/consultations/today/",
            "/uz/consultations/consent/",
        ]
        query = form_data(
            {
                "topic": st.sampled_from([*TOPICS, ""]),
                "language": st.sampled_from(["uz", "ru", "xx"]),
                "specialist": st.sampled_from(
                    [str(world.specialist.pk), "first", "-1", str(10**30)]
                ),
                "week": st.sampled_from(["0", "1", "3", "4", "-5", "9" * 40, "x"]),
                "first": st.just("1"),
                "next": any_text,
            }
        )

        @fuzz_settings("booking_steps")
        @given(
            st.sampled_from(ROLES),
            st.sampled_from([*paths, "calendar"]),
            query,
            booking_ids(world),
        )
        def run(role, path, params, booking_id):
            if path == "calendar":  # a calendar file of anyone's booking
                path = f"/uz/consultations/{booking_id}/calendar.ics"
            fuzzer.example(lambda: fuzzer.request(role, "GET", path, data=params))

        run()
        fuzzer.check_spread(accepted_at_least=1)

    def test_book_confirm(self):
        world, fuzzer = consultation_fuzzer("book_confirm")

        @fuzz_settings("book_confirm")
        @given(
            st.sampled_from(ROLES),
            st.sampled_from(["POST", "POST", "POST", "GET"]),
            booking_form(world),
        )
        def run(role, method, data):
            fuzzer.example(
                lambda: fuzzer.request(
                    role, method, "/uz/consultations/book/confirm/", data=data
                )
            )

        run()
        fuzzer.check_spread(accepted_at_least=1)

    def test_reschedule(self):
        world, fuzzer = consultation_fuzzer("reschedule")

        @fuzz_settings("reschedule")
        @given(
            st.sampled_from(ROLES),
            st.sampled_from(["POST", "POST", "POST", "GET"]),
            booking_ids(world),
            form_data({"start": slot_texts()}),
            st.sampled_from(["", "?week=2", "?week=-1", "?week=" + "9" * 50]),
        )
        def run(role, method, booking_id, data, query):
            path = f"/uz/consultations/{booking_id}/reschedule/{query}"
            fuzzer.example(lambda: fuzzer.request(role, method, path, data=data))

        run()
        fuzzer.check_spread(accepted_at_least=1)

    def test_cancel_and_no_show(self):
        world, fuzzer = consultation_fuzzer("cancel_and_no_show")

        @fuzz_settings("cancel_and_no_show")
        @given(
            st.sampled_from(ROLES),
            st.sampled_from(["cancel", "no-show"]),
            booking_ids(world),
            form_data({"next": st.sampled_from(["/uz/", "//evil.example/", "x"])}),
            st.booleans(),
        )
        def run(role, action, booking_id, data, twice):
            path = f"/uz/consultations/{booking_id}/{action}/"

            def requests():
                fuzzer.request(role, "POST", path, data=data)
                if twice:  # a double tap: the second one is refused, or changes nothing
                    fuzzer.request(role, "POST", path, data=data)

            fuzzer.example(requests)

        run()
        fuzzer.check_spread(accepted_at_least=1)

    def test_notes(self):
        world, fuzzer = consultation_fuzzer("notes")

        @fuzz_settings("notes")
        @given(
            st.sampled_from(ROLES),
            st.sampled_from(["POST", "POST", "GET"]),
            booking_ids(world),
            form_data({"text": any_text, "next": any_text}),
        )
        def run(role, method, booking_id, data):
            path = f"/uz/consultations/{booking_id}/notes/"
            fuzzer.example(lambda: fuzzer.request(role, method, path, data=data))

        run()
        fuzzer.check_spread(accepted_at_least=1)

    def test_consent(self):
        world, fuzzer = consultation_fuzzer("consent")
        consent_form = form_data(
            {
                "agree": st.sampled_from(["on", "1", "true", "false", ""]),
                "version": st.sampled_from([world.terms.version, "old", ""]),
                "next": st.sampled_from(
                    ["/uz/consultations/", "https://evil.example/", "javascript:x"]
                ),
            }
        )

        @fuzz_settings("consent")
        @given(
            st.sampled_from(ROLES),
            st.sampled_from(["consent", "consent", "consent/withdraw"]),
            consent_form,
        )
        def run(role, page, data):
            path = f"/uz/consultations/{page}/"
            fuzzer.example(lambda: fuzzer.request(role, "POST", path, data=data))

        run()
        fuzzer.check_spread(accepted_at_least=1)

    def test_precall_result(self):
        world, fuzzer = consultation_fuzzer("precall_result")
        measurements = json_object_with(
            {
                "rtt_ms": st.integers(-10, 70_000),
                "loss_percent": st.one_of(
                    st.floats(allow_nan=False, allow_infinity=False),
                    st.integers(-1, 101),
                ),
                "relay": st.booleans(),
                "connected": st.booleans(),
            }
        )
        bodies = st.one_of(
            measurements.map(json_body),
            measurements.map(json_body),
            json_values.map(json_body),
            broken_json_bodies,
        )

        @fuzz_settings("precall_result")
        @given(
            st.sampled_from(ROLES),
            booking_ids(world),
            bodies,
            st.sampled_from(["application/json", "text/plain"]),
        )
        def run(role, booking_id, body, content_type):
            path = f"/uz/consultations/{booking_id}/check/result/"
            fuzzer.example(
                lambda: fuzzer.request(
                    role, "POST", path, data=body, content_type=content_type
                )
            )

        run()
        fuzzer.check_spread(accepted_at_least=1)

    def test_precall_offer(self):
        world, fuzzer = consultation_fuzzer("precall_offer")
        # Offers that are not a usable WebRTC offer: an accepted one would start an
        # echo peer per example (tests/consultations/test_precall.py covers those).
        sdp = st.one_of(
            any_text,
            st.text(max_size=200).map(lambda text: "v=0\r\n" + text),
            st.sampled_from(
                [
                    "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n",
                    "v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n",
                    "v=0\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n"
                    "a=ice-ufrag:x\r\n",
                    "v=0\r\nm=video x y z\r\n",
                    "v=0\r\na=fingerprint:sha-256 zz\r\nm=\r\n",
                ]
            ),
        )
        offers = json_object_with(
            {"sdp": sdp, "type": st.sampled_from(["offer", "answer", ""])},
            optional=("type",),
        )
        bodies = st.one_of(
            offers.map(json_body), offers.map(json_body), broken_json_bodies
        )

        @fuzz_settings("precall_offer")
        @given(st.sampled_from(ROLES), booking_ids(world), bodies)
        def run(role, booking_id, body):
            path = f"/uz/consultations/{booking_id}/check/offer/"
            fuzzer.example(
                lambda: fuzzer.request(
                    role, "POST", path, data=body, content_type="application/json"
                )
            )

        run()
        fuzzer.check_spread()

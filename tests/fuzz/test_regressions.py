"""Bugs the fuzz found, each pinned by one plain test."""

import json

import pytest

from tests.accounts.factories import user_create
from tests.learning.factories import course_create

from .worlds import consultation_world

pytestmark = pytest.mark.django_db

# A number longer than Python turns into an int (sys.get_int_max_str_digits(),
# 4,300 digits) makes json.loads raise a plain ValueError, not a JSONDecodeError;
# nesting deeper than the parser goes raises RecursionError. Both answered 500.
TOO_LONG_NUMBER = b'{"events": [' + b"9" * 5_000 + b"]}"
TOO_DEEP = b"[" * 10_000 + b"]" * 10_000


@pytest.mark.parametrize("body", [TOO_LONG_NUMBER, TOO_DEEP], ids=["number", "deep"])
def test_progress_endpoint_refuses_unreadable_json_with_400(client, body):
    course_create(lessons=1)
    client.force_login(user_create())
    response = client.post(
        "/uz/learning/progress/", data=body, content_type="application/json"
    )
    assert response.status_code == 400
    assert "error" in response.json()


@pytest.mark.parametrize("body", [TOO_LONG_NUMBER, TOO_DEEP], ids=["number", "deep"])
@pytest.mark.parametrize("endpoint", ["result", "offer"])
def test_precall_endpoints_refuse_unreadable_json_with_400(client, body, endpoint):
    world = consultation_world()
    booking = world.bookings["own_soon"]
    client.force_login(world.client)
    response = client.post(
        f"/uz/consultations/{booking.pk}/check/{endpoint}/",
        data=body,
        content_type="application/json",
    )
    assert response.status_code == 400
    assert set(json.loads(response.content)) == {"error"}


# `redirect(next)` takes a text that is not a path ("0", "x") for the name of a view
# and raised NoReverseMatch: a 500 after the consent, the note or the no-show was
# already saved. Such a "next" is now ignored.
NOT_A_PATH = ["0", "x", "consultations_appointments"]


@pytest.mark.parametrize("next_url", NOT_A_PATH)
def test_consent_with_a_next_that_is_not_a_path_goes_to_appointments(client, next_url):
    world = consultation_world()
    client.force_login(world.no_consent)
    response = client.post(
        "/uz/consultations/consent/",
        {"agree": "on", "version": world.terms.version, "next": next_url},
    )
    assert response.status_code == 302
    assert response["Location"] == "/uz/consultations/appointments/"


@pytest.mark.parametrize("next_url", NOT_A_PATH)
def test_no_show_with_a_next_that_is_not_a_path_goes_to_appointments(client, next_url):
    world = consultation_world()
    booking = world.bookings["own_started"]
    client.force_login(world.specialist.user)
    response = client.post(
        f"/uz/consultations/{booking.pk}/no-show/", {"next": next_url}
    )
    assert response.status_code == 302
    assert response["Location"] == "/uz/consultations/appointments/"


@pytest.mark.parametrize("next_url", NOT_A_PATH)
def test_a_note_with_a_next_that_is_not_a_path_stays_on_the_note(client, next_url):
    world = consultation_world()
    booking = world.bookings["own_started"]
    client.force_login(world.specialist.user)
    response = client.post(
        f"/uz/consultations/{booking.pk}/notes/", {"text": "Yaxshi.", "next": next_url}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/uz/consultations/{booking.pk}/notes/"


@pytest.mark.parametrize("next_url", [*NOT_A_PATH, "accounts_profile"])
def test_comfort_with_a_next_that_is_not_a_path_stays_on_the_page(client, next_url):
    response = client.post(
        "/uz/accounts/comfort/",
        {"text_size": "large", "contrast": "normal", "next": next_url},
    )
    assert response.status_code == 302
    assert response["Location"] == "/uz/accounts/comfort/"


# parse_datetime returns None for a badly written time but raises ValueError for a
# well written impossible one; the progress endpoint answered 500.
@pytest.mark.parametrize(
    "moment",
    ["2026-13-01T00:00:00Z", "2026-02-30T10:00:00Z", "2026-05-01T10:30:00+99:00"],
)
def test_progress_endpoint_refuses_an_impossible_time_with_400(client, moment):
    _, lessons = course_create(lessons=1)
    client.force_login(user_create())
    event = {
        "id": "e3e70682-c209-4cac-929f-6fbed82c07cd",
        "lesson": lessons[0].pk,
        "visit": "f728b4fa-4248-4e3a-8a5d-2f346baa9455",
        "type": "open",
        "at": moment,
    }
    response = client.post(
        "/uz/learning/progress/",
        data=json.dumps({"events": [event]}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["field"] == "at"

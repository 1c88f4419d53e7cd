"""Every URL pattern and WebSocket route against every role (tests/security/
access_matrix.py): no pattern without an expectation, and each answer as expected.
"""

from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlparse

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.http import HttpResponse
from django.test import Client
from django.urls import URLResolver, get_resolver
from django.urls.resolvers import LocalePrefixPattern
from wagtail.models import Page

from accounts.mfa import totp_enrol
from accounts.sign_in_here import SIGN_IN_HERE_HEADER
from cms.asgi import application
from consultations.routing import websocket_urlpatterns
from learning.models import CourseIndexPage, Enrolment
from learning.program_services import certificate_issue
from tests.accounts.factories import social_worker_create, user_create
from tests.consultations.factories import (
    booking_create,
    consent_give,
    specialist_profile_create,
)
from tests.learning.factories import (
    cohort_create,
    course_create,
    enrolment_create,
    program_create,
)
from tests.learning.training import lessons_complete
from tests.security.access_matrix import ACCEPT, AWAY, HTTP, LOGIN, ROLES, WEBSOCKET
from tests.support.pages import page_tree_restore
from tests.support.sign_in_here import sign_in_here_problems
from urgent.routing import websocket_urlpatterns as urgent_websocket_urlpatterns

TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
# The consultation client, named so that no other text on a page could match.
CLIENT_FULL_NAME = "Zebuniso Maxfiyxon-Mijozova"
CLIENT_USERNAME = "mijoz-maxfiyxon"
CLIENT_PHONE = "+998907770077"


def url_patterns(patterns=None, prefix: str = ""):
    """(route, name) of every URL pattern, nested includes joined into one route."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for pattern in patterns:
        # The language prefix (/uz/, /ru/, ...) is the same for every page.
        if isinstance(pattern.pattern, LocalePrefixPattern):
            route = prefix
        else:
            route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from url_patterns(pattern.url_patterns, route)
        else:
            yield route, pattern.name


def websocket_routes():
    routes = websocket_urlpatterns + urgent_websocket_urlpatterns
    return [(str(route.pattern), None) for route in routes]


def uncovered(patterns, table) -> list[str]:
    return [
        f"{route!r} (name {name!r})"
        for route, name in patterns
        if not any(expectation.covers(route) for expectation in table)
    ]


def stale(patterns, table) -> list[str]:
    routes = [route for route, _ in patterns]
    return [
        repr(expectation.pattern)
        for expectation in table
        if hasattr(expectation, "pattern") and expectation.pattern not in routes
    ]


class AccessMatrixCompletenessTests:
    def test_every_url_pattern_has_an_expectation(self):
        missing = uncovered(url_patterns(), HTTP)
        assert not missing, (
            "No access expectation for these URL patterns; add a row for each to "
            "tests/security/access_matrix.py (HTTP):\n  " + "\n  ".join(missing)
        )

    def test_every_websocket_route_has_an_expectation(self):
        missing = uncovered(websocket_routes(), WEBSOCKET)
        assert not missing, (
            "No access expectation for these WebSocket routes; add a row for each "
            "to tests/security/access_matrix.py (WEBSOCKET):\n  " + "\n  ".join(missing)
        )

    def test_no_expectation_for_a_pattern_that_is_gone(self):
        assert stale(list(url_patterns()), HTTP) == []
        assert stale(websocket_routes(), WEBSOCKET) == []

    def test_each_row_names_every_role(self):
        for expectation in [*HTTP, *WEBSOCKET]:
            assert len(expectation.answers) == len(ROLES), expectation


# --- The world the table's URLs point into -------------------------------------------


@dataclass
class World:
    users: dict
    placeholders: dict


def training_world_build(*, users: dict, course, lessons) -> dict:
    """The world trainer's program with a cohort of one social worker; another
    program she does not run, with its own cohort and social worker; and the
    consultation client with what a leaky report would show about her: lessons
    done, an enrolment in the trainer's program (in no cohort) and a certificate."""
    program = program_create(courses=[course], trainers=[users["trainer"]])
    cohort = cohort_create(program=program, name="Matrix guruh")
    member = social_worker_create(full_name="Matrix Aʼzo")
    member_certificate = certificate_issue(
        enrolment=enrolment_create(program=program, user=member, cohort=cohort)
    )
    other_program = program_create(courses=[course])
    other_cohort = cohort_create(program=other_program, name="Boshqa guruh")
    outsider = social_worker_create(full_name="Matrix Begona")
    enrolment_create(program=other_program, user=outsider, cohort=other_cohort)
    client = users["client"]
    lessons_complete(client, lessons)
    client_certificate = certificate_issue(
        enrolment=Enrolment.objects.create(user=client, program=program)
    )
    return {
        "program": program.pk,
        "cohort": cohort.pk,
        "other_cohort": other_cohort.pk,
        "member": member.pk,
        "outsider": outsider.pk,
        "client_id": client.pk,
        "stranger": users["learner"].pk,
        "member_certificate": member_certificate.code,
        "client_certificate": client_certificate.code,
    }


def world_build() -> World:
    users = {
        "anonymous": None,
        "learner": user_create(roles=("Learner",)),
        "client": user_create(
            roles=("Learner",),
            username=CLIENT_USERNAME,
            full_name=CLIENT_FULL_NAME,
            phone_number=CLIENT_PHONE,
        ),
        "other_client": user_create(roles=("Learner",)),
        "specialist": user_create(roles=("Specialist",)),
        "other_specialist": user_create(roles=("Specialist",)),
        "trainer": user_create(roles=("Trainer",)),
        "coordinator": user_create(roles=("Coordinator",)),
    }
    for role in ("specialist", "other_specialist", "trainer", "coordinator"):
        totp_enrol(user=users[role], secret=TOTP_SECRET)
    for role in ("client", "other_client"):
        consent_give(users[role], version="matrix-1")
    specialist = specialist_profile_create(users["specialist"])
    other_specialist = specialist_profile_create(users["other_specialist"])
    booking = booking_create(client=users["client"], specialist=specialist)
    booking_create(
        client=users["other_client"],
        specialist=other_specialist,
        starts_in=timedelta(hours=2),
    )
    course, lessons = course_create(lessons=1)
    _, drafts = course_create(lessons=1, live=False)
    course_index = CourseIndexPage.objects.get(locale__language_code="uz")
    placeholders = {
        "booking": booking.pk,
        "course_url": course.url,
        "lesson_url": lessons[0].url,
        "lesson": lessons[0].pk,
        "draft_lesson_url": drafts[0].url,
        "course_index": course_index.pk,
        "home": Page.objects.get(depth=2, locale__language_code="uz").pk,
        **training_world_build(users=users, course=course, lessons=lessons),
    }
    return World(users, placeholders)


def answer_of(response, url: str):
    """The answer as the table spells it. A visitor's page visit that needs sign-in
    shows the sign-in page in place (accounts/sign_in_here.py): that is `LOGIN` only
    when it is that page and nothing of the page asked for; anything else under
    its status stays a 403 or names what is wrong, and so differs from the table."""
    if response.status_code in (301, 302):
        location = urlparse(response["Location"]).path
        return LOGIN if location == "/uz/accounts/login/" else AWAY
    if response.has_header(SIGN_IN_HERE_HEADER):
        problems = sign_in_here_problems(response, url)
        return f"sign-in page with {problems}" if problems else LOGIN
    return response.status_code


@pytest.mark.django_db
class AnswerOfTests:
    """The sign-in page in place counts as `LOGIN` only when it is that page, for
    that address, and nothing else."""

    def test_the_sign_in_page_in_place_is_login(self, client):
        assert answer_of(client.get("/uz/learning/my/"), "/uz/learning/my/") == LOGIN

    def test_one_for_another_address_is_not(self, client):
        answer = answer_of(client.get("/uz/learning/my/"), "/uz/accounts/profile/")
        assert answer != LOGIN

    def test_a_page_with_the_marks_but_other_content_is_not(self):
        leaky = HttpResponse(
            b"<html><form action='/uz/accounts/login/'>Zebuniso</form></html>",
            status=403,
            headers={SIGN_IN_HERE_HEADER: "in-place", "X-Robots-Tag": "noindex"},
        )
        assert answer_of(leaky, "/uz/learning/my/") != LOGIN

    def test_a_page_shown_to_a_visitor_is_its_status(self):
        assert answer_of(HttpResponse(b"Zebuniso"), "/uz/learning/my/") == 200


def browser_for(user) -> Client:
    browser = Client()
    if user is not None:
        browser.force_login(user)
    return browser


def mismatches(results: dict) -> list[str]:
    """A line per row whose answers differ, with the row as it would be now."""
    lines = []
    for expectation, actual in results.items():
        if tuple(actual) != expectation.answers:
            differing = [
                f"{role}: expected {want!r}, got {got!r}"
                for role, want, got in zip(
                    ROLES, expectation.answers, actual, strict=True
                )
                if want != got
            ]
            lines.append(
                f"{expectation.url} ({expectation.__class__.__name__} "
                f"{getattr(expectation, 'pattern', None) or expectation.prefix!r}): "
                + "; ".join(differing)
                + f"\n    now: {tuple(actual)!r}"
            )
    return lines


@pytest.mark.django_db
class HttpAccessTests:
    def test_every_role_gets_the_expected_answer(self):
        world = world_build()
        browsers = {role: browser_for(world.users[role]) for role in ROLES}
        results = {}
        for expectation in HTTP:
            url = expectation.url.format(**world.placeholders)
            results[expectation] = [
                answer_of(browsers[role].get(url), url) for role in ROLES
            ]
        problems = mismatches(results)
        assert not problems, "Unexpected answers:\n" + "\n".join(problems)


def body_of(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def client_traces(text: str) -> list[str]:
    """What of the consultation client a page shows (her phone in any spelling)."""
    digits = CLIENT_PHONE.lstrip("+")
    spellings = (CLIENT_FULL_NAME, CLIENT_USERNAME, CLIENT_PHONE, digits, digits[3:])
    return [spelling for spelling in spellings if spelling in text]


@pytest.mark.django_db
class AdminNamesNoClientTests:
    """No admin answer, to any role, names a consultation client, although the
    world's client has lessons done, an enrolment and a certificate in the
    trainer's program: she sits in no cohort, and is no social worker."""

    def test_no_admin_answer_names_the_client(self):
        world = world_build()
        browsers = {role: browser_for(world.users[role]) for role in ROLES}
        admin_rows = [row for row in HTTP if row.url.startswith("/admin/")]
        assert len(admin_rows) > 20
        leaks = []
        for expectation in admin_rows:
            url = expectation.url.format(**world.placeholders)
            for role in ROLES:
                traces = client_traces(body_of(browsers[role].get(url)))
                if traces:
                    leaks.append(f"{url} as {role}: {traces}")
        assert not leaks, "Admin pages name the client:\n" + "\n".join(leaks)


async def websocket_answer(path: str, cookie: bytes | None):
    headers = [(b"origin", b"http://127.0.0.1:8000"), (b"host", b"127.0.0.1")]
    if cookie is not None:
        headers.append((b"cookie", cookie))
    socket = WebsocketCommunicator(application, path, headers=headers)
    connected, code = await socket.connect()
    if not connected:
        return code
    # A refused socket is closed after a database lookup, which on a busy machine can
    # take longer than a moment: only a socket quiet for seconds counts as open.
    if await socket.receive_nothing(timeout=3):
        output = {"type": "websocket.send"}  # open and quiet, as a ping socket is
    else:
        output = await socket.receive_output()
    await socket.disconnect()
    if output["type"] == "websocket.close":
        return output.get("code", 1000)
    return ACCEPT


@pytest.mark.django_db(transaction=True)
class WebSocketAccessTests:
    def test_every_role_gets_the_expected_answer(self):
        # Another transactional test may have flushed the page tree before this one.
        page_tree_restore()
        world = world_build()
        cookies = {}
        for role in ROLES:
            browser = browser_for(world.users[role])
            session = browser.cookies.get("sessionid")
            cookies[role] = (
                f"sessionid={session.value}".encode() if session is not None else None
            )
        results = {}
        for expectation in WEBSOCKET:
            path = expectation.url.format(**world.placeholders)
            results[expectation] = [
                async_to_sync(websocket_answer)(path, cookies[role]) for role in ROLES
            ]
        problems = mismatches(results)
        assert not problems, "Unexpected answers:\n" + "\n".join(problems)

"""Every page type a person can reach, in every interface language, in a real
Chromium against a real Daphne with the demo content, on a 320 CSS px wide screen.

Each page answers 200 (the not-found page 404) and is itself, not the sign-in put
in its place. On it: axe-core's rules for WCAG 2.0, 2.1 and 2.2 at levels A and AA
find nothing (a machine finds only part of what WCAG asks: this is no full audit);
aria-describedby, -labelledby and -controls point to elements that exist (a
description or a label to one with words in it); nothing scrolls sideways (reflow,
WCAG 1.4.10); shown buttons, fields, button-styled links and menu links are at least
48x48 CSS px (our own rule, stricter than WCAG 2.5.8's 24 px); and `<html lang>` is
the language of the address. In Uzbek every page is checked again with the comfort
settings on (24 px text and high contrast).

Which URL names these pages stand for, and why the others are not pages to check:
tests/e2e/test_accessibility_coverage.py, which fails when a URL name is neither.
"""

from itertools import count
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from accounts.comfort import COOKIE_NAME as COMFORT_COOKIE
from demo.people import DEMO_PASSWORD
from tests.support.axe import (
    axe_violations,
    broken_references,
    sideways_overflow,
    small_targets,
)
from tests.support.bookings import joinable_booking_id
from tests.support.homes import demo_sign_in
from tests.support.page_objects import page_objects_get, page_objects_tidy
from tests.support.simulations import demo_learner_simulations

pytestmark = pytest.mark.e2e

COURSE = "/{language}/kurslar/oila-bilan-videoqongiroq/"
LESSON = "/{language}/kurslar/oila-bilan-videoqongiroq/tayyorgarlik/"

SIMULATION = "/{language}/learning/simulations/{%s}/"
# What shows each simulation page is at the screen its name says (the keys of the
# demo graphs, tests/support/simulations.py puts the demo learner there).
SIMULATION_SCREENS = {
    "simulation message": "input[name=screen][value=xabar]",
    "simulation call": "input[name=screen][value=qongiroq]",
    "simulation form": "input[name=screen][value=xizmat]",
    "simulation ending": "[data-simulation-result=safe]",
}

# (name, who is signed in, path). Placeholders: `{language}` the language prefix of
# the address; `{booking}` a booking whose call is open now; `{simulation_…}` a
# practice simulation's lesson and block, in that language, at the kind of screen it
# names; the others are demo objects by the names tests/support/page_objects.py
# gives them.
PAGES = [
    # Anyone.
    ("home", None, "/{language}/"),
    ("course list", None, "/{language}/kurslar/"),
    ("course", None, COURSE),
    ("lesson", None, LESSON),
    ("search", None, "/{language}/search/?q=telefon"),
    ("help", None, "/{language}/help/"),
    ("offline", None, "/{language}/offline/"),
    ("saved lessons", None, "/{language}/learning/saved/"),
    ("comfort", None, "/{language}/accounts/comfort/"),
    ("sign-in", None, "/{language}/accounts/login/"),
    ("sign-up", None, "/{language}/accounts/signup/"),
    ("sign-in by code", None, "/{language}/accounts/login/phone/"),
    ("code from the sms", None, "/{language}/accounts/login/phone/code/"),
    ("authenticator code", None, "/{language}/accounts/2fa/authenticate/"),
    ("not found", None, "/{language}/no-such-page/"),
    ("consultations", None, "/{language}/consultations/"),
    ("certificate check", None, "/{language}/certificates/"),
    ("certificate", None, "/{language}/certificates/{certificate}/"),
    ("check-in", None, "/{language}/checkins/a/{checkin_token}/"),
    # Learners.
    ("my learning", "learner", "/{language}/learning/my/"),
    ("lesson signed in", "learner", LESSON),
    ("profile", "learner", "/{language}/accounts/profile/"),
    ("new phone number", "learner", "/{language}/accounts/profile/phone/"),
    ("new phone number code", "learner", "/{language}/accounts/profile/phone/code/"),
    ("new password", "learner", "/{language}/accounts/password/change/"),
    ("account deletion", "learner", "/{language}/accounts/profile/delete/"),
    ("simulation message", "learner", SIMULATION % "simulation_message"),
    ("simulation call", "learner", SIMULATION % "simulation_call"),
    ("simulation form", "learner", SIMULATION % "simulation_form"),
    ("simulation ending", "learner", SIMULATION % "simulation_ending"),
    # Clients of consultations: the booking steps, then their talks.
    ("booking topic", "client", "/{language}/consultations/book/"),
    (
        "booking specialist",
        "client",
        "/{language}/consultations/book/specialist/?topic=loneliness",
    ),
    (
        "booking time",
        "client",
        "/{language}/consultations/book/time/?topic={topic}&specialist={specialist}",
    ),
    (
        "booking confirmation",
        "client",
        "/{language}/consultations/book/confirm/"
        "?topic={topic}&specialist={specialist}&start={slot}",
    ),
    ("consent", "client", "/{language}/consultations/consent/"),
    ("appointments", "client", "/{language}/consultations/appointments/"),
    ("client home", "client", "/{language}/consultations/home/"),
    ("reschedule", "client", "/{language}/consultations/{booking_ahead}/reschedule/"),
    ("pre-call check", "client", "/{language}/consultations/{booking}/check/"),
    ("call", "client", "/{language}/consultations/{booking}/call/"),
    ("urgent help", "client", "/{language}/urgent/help/"),
    ("urgent help status", "client", "/{language}/urgent/help/status/"),
    # Specialists: the sign-in includes the authenticator code (tests/support/mfa.py).
    ("specialist today", "specialist", "/{language}/consultations/today/"),
    ("session notes", "specialist", "/{language}/consultations/{booking_past}/notes/"),
    ("check-in alerts", "specialist", "/{language}/checkins/"),
    ("client check-ins", "specialist", "/{language}/checkins/session/{booking_past}/"),
    # The demo specialist is on duty (demo/duty.py), so she sees urgent requests.
    ("urgent requests", "specialist", "/{language}/urgent/"),
    # Social workers in training.
    ("my training", "socialworker", "/{language}/learning/programs/"),
    ("program", "socialworker", "/{language}/learning/programs/{program}/"),
    (
        "assessment",
        "socialworker",
        "/{language}/learning/programs/{program}/courses/{course}/assessment/",
    ),
    ("assessment attempt", "socialworker", "/{language}/learning/attempts/{attempt}/"),
    (
        "assessment result",
        "socialworker",
        "/{language}/learning/attempts/{attempt_scored}/result/",
    ),
    ("CPD hours", "socialworker", "/{language}/learning/cpd/"),
    ("help given", "socialworker", "/{language}/learning/help-given/"),
]
LANGUAGES = [code for code, _ in settings.LANGUAGES]


@pytest.fixture(scope="module")
def placeholders(live_komak):
    """The values of PAGES' placeholders but `{language}`, by language: each
    language's simulations are its own translations of the lessons."""
    shared = {"booking": joinable_booking_id(live_komak)}
    objects = page_objects_get(live_komak)
    shared.update(objects)
    simulations = demo_learner_simulations(live_komak)
    yield {language: {**shared, **simulations[language]} for language in LANGUAGES}
    page_objects_tidy(live_komak, objects)


def address(path: str, *, placeholders, language: str) -> str:
    return path.format(language=language, **placeholders[language])


# Pages that only a step before reaches, each with that step: it starts from a page
# in the language and answers the response of the page the form sends the visitor
# to. Unused numbers, one
# per check: a number may be sent 3 codes in 15 minutes (ACCOUNT_RATE_LIMITS).
UNUSED_NUMBERS = (
    f"90 999 {number // 100:02d} {number % 100:02d}" for number in count(1)
)


def _phone_number_sent(page, address: str):
    """Send an unused number in the phone form at `address`; the page it leads to."""
    page.goto(address)
    page.fill("#id_phone", next(UNUSED_NUMBERS))
    with page.expect_navigation() as navigation:
        page.click("form:has(#id_phone) button[type=submit]")
    return navigation.value


def phone_code_asked(page, base_url: str, language: str):
    return _phone_number_sent(page, f"{base_url}/{language}/accounts/login/phone/")


def new_phone_number_given(page, base_url: str, language: str):
    return _phone_number_sent(page, f"{base_url}/{language}/accounts/profile/phone/")


def staff_password_given(page, base_url: str, language: str):
    page.goto(f"{base_url}/{language}/accounts/login/")
    page.fill("#id_login", "specialist")
    page.fill("#id_password", DEMO_PASSWORD)
    with page.expect_navigation() as navigation:
        page.click("form.form button[type=submit]")
    return navigation.value


STEPS_BEFORE = {
    "code from the sms": phone_code_asked,
    "new phone number code": new_phone_number_given,
    "authenticator code": staff_password_given,
}
# Steps of signing in: there, unlike on every other page, a sign-in form or the
# authenticator step is the page itself.
SIGN_IN_PAGES = {
    "sign-in",
    "sign-up",
    "sign-in by code",
    "code from the sms",
    "authenticator code",
}


def comfort_choose(page, base_url: str, *, large: bool, high: bool) -> None:
    page.goto(base_url + "/uz/accounts/comfort/")
    page.check(f"input[name=text_size][value={'large' if large else 'normal'}]")
    page.check(f"input[name=contrast][value={'high' if high else 'normal'}]")
    page.click(".comfort-form button[type=submit]")
    page.wait_for_load_state("load")


@pytest.fixture(scope="module")
def signed_in_contexts(live_komak, chromium_browser):
    """One browser context per person, signed in once, on a 320 CSS px wide phone.

    Comfort settings come from a cookie for visitors and from the account for people
    signed in; the demo accounts are set back to normal at the end, so that no other
    test meets their larger text.

    A person's contexts in the other languages reuse her first sign-in's session:
    staff give an authenticator code at each sign-in, and a code is accepted once,
    so five sign-ins in a row would run out of codes (tests/support/mfa.py).

    With `fresh`, a visitor gets a context of her own: one whose sign-in has
    stopped halfway (at the code) must not change what the next page shows.
    """
    contexts, to_reset, sessions = {}, [], {}
    fresh_contexts = []

    def new_context(language: str, storage_state=None):
        context = chromium_browser.new_context(
            viewport={"width": 320, "height": 640},
            # Lets axe-core be injected; the CSP itself is checked in
            # tests/security/test_csp_browser.py.
            bypass_csp=True,
            permissions=["camera", "microphone"],
            storage_state=storage_state,
        )
        context.add_cookies(
            [
                {
                    "name": settings.LANGUAGE_COOKIE_NAME,
                    "value": language,
                    "url": live_komak.url,
                }
            ]
        )
        return context

    def comfort_cookie_add(context, comfort: str) -> None:
        context.add_cookies(
            [{"name": COMFORT_COOKIE, "value": comfort, "url": live_komak.url}]
        )

    def context_for(
        username: str | None, language: str, comfort: str = "", *, fresh=False
    ):
        if fresh and username is None:
            context = new_context(language)
            if comfort:
                comfort_cookie_add(context, comfort)
            fresh_contexts.append(context)
            return context
        key = (username, language, comfort)
        if key not in contexts:
            reuse = username is not None and not comfort and username in sessions
            context = new_context(language, sessions[username] if reuse else None)
            if username and not reuse:
                page = context.new_page()
                demo_sign_in(page, live_komak.url, username)
                if not comfort:
                    sessions[username] = context.storage_state()
                if comfort:
                    comfort_choose(page, live_komak.url, large=True, high=True)
                    to_reset.append(page)
                else:
                    page.close()
            elif comfort:
                comfort_cookie_add(context, comfort)
            contexts[key] = context
        return contexts[key]

    yield context_for
    for page in to_reset:
        comfort_choose(page, live_komak.url, large=False, high=False)
    for context in [*contexts.values(), *fresh_contexts]:
        context.close()


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("name", "username", "path"), PAGES, ids=[p[0] for p in PAGES])
def test_page_meets_wcag_22_aa(
    live_komak, signed_in_contexts, placeholders, language, name, username, path
):
    context = signed_in_contexts(username, language, fresh=name in STEPS_BEFORE)
    filled = address(path, placeholders=placeholders, language=language)
    check_page(context, live_komak, name, filled, language=language)


@pytest.mark.parametrize(("name", "username", "path"), PAGES, ids=[p[0] for p in PAGES])
def test_page_with_larger_text_and_high_contrast(
    live_komak, signed_in_contexts, placeholders, name, username, path
):
    context = signed_in_contexts(
        username, "uz", "text-large.contrast-high", fresh=name in STEPS_BEFORE
    )
    filled = address(path, placeholders=placeholders, language="uz")
    check_page(context, live_komak, name, filled, language="uz", font_size="24px")


def check_page(context, live_komak, name, path, *, language, font_size=None):
    """`path` is the address with its placeholders filled in; `font_size` the root
    font size the comfort settings should give, if they are on."""
    page = context.new_page()
    try:
        if name in STEPS_BEFORE:
            response = STEPS_BEFORE[name](page, live_komak.url, language)
        else:
            response = page.goto(live_komak.url + path)
        assert response.status < 500
        if name != "not found":
            assert response.status == 200, (name, response.status, page.url)
        page.wait_for_load_state("load")
        # The page itself, not the sign-in or authenticator step it may send to,
        # nor the sign-in form shown in its place.
        assert urlsplit(page.url).path == urlsplit(path).path, (name, page.url)
        if name not in SIGN_IN_PAGES:
            sign_in_form = page.locator('form[action$="/accounts/login/"]')
            assert sign_in_form.count() == 0, (name, page.url)
        assert page.locator("html").get_attribute("lang") == language
        if name.startswith("simulation"):
            # The screen the name promises, not a sign-in invitation or an error.
            assert page.locator(SIMULATION_SCREENS[name]).count() == 1, page.url
        if font_size:
            root_size = "getComputedStyle(document.documentElement).fontSize"
            assert page.evaluate(root_size) == font_size
        assert axe_violations(page) == []
        assert broken_references(page) == []
        assert sideways_overflow(page) <= 0
        assert small_targets(page) == []
    finally:
        page.close()

"""Every page type in every interface language, in a real Chromium against a real
Daphne: no axe-core violation of WCAG 2.2 AA, no sideways scrolling at 320 CSS px,
and buttons, fields and menu links of at least 48 CSS px; in Uzbek also with the
comfort settings on (24px text and high contrast).
"""

import pytest
from django.conf import settings

from accounts.comfort import COOKIE_NAME as COMFORT_COOKIE
from tests.support.axe import (
    axe_violations,
    broken_references,
    sideways_overflow,
    small_targets,
)
from tests.support.bookings import joinable_booking_id
from tests.support.homes import demo_sign_in
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

# (name, who is signed in, path); `{booking}` is a booking whose call is open now,
# `{language}` the language prefix of the address, `{simulation_…}` a practice
# simulation's lesson and block, in that language, at the kind of screen it names.
PAGES = [
    ("home", None, "/{language}/"),
    ("course list", None, "/{language}/kurslar/"),
    ("course", None, COURSE),
    ("lesson", None, LESSON),
    ("search", None, "/{language}/search/?q=telefon"),
    ("sign-in", None, "/{language}/accounts/login/"),
    ("sign-up", None, "/{language}/accounts/signup/"),
    ("not found", None, "/{language}/no-such-page/"),
    ("consultations", None, "/{language}/consultations/"),
    ("my learning", "learner", "/{language}/learning/my/"),
    ("lesson signed in", "learner", LESSON),
    ("profile", "learner", "/{language}/accounts/profile/"),
    ("new phone number", "learner", "/{language}/accounts/profile/phone/"),
    (
        "specialist directory",
        "client",
        "/{language}/consultations/book/specialist/?topic=loneliness",
    ),
    ("appointments", "client", "/{language}/consultations/appointments/"),
    ("client home", "client", "/{language}/consultations/home/"),
    ("pre-call check", "client", "/{language}/consultations/{booking}/check/"),
    ("call", "client", "/{language}/consultations/{booking}/call/"),
    # Staff: the sign-in includes the authenticator code (tests/support/mfa.py).
    ("specialist today", "specialist", "/{language}/consultations/today/"),
    ("simulation message", "learner", SIMULATION % "simulation_message"),
    ("simulation call", "learner", SIMULATION % "simulation_call"),
    ("simulation form", "learner", SIMULATION % "simulation_form"),
    ("simulation ending", "learner", SIMULATION % "simulation_ending"),
]
LANGUAGES = [code for code, _ in settings.LANGUAGES]


@pytest.fixture(scope="module")
def booking(live_komak):
    return joinable_booking_id(live_komak)


@pytest.fixture(scope="module")
def simulations(live_komak):
    return demo_learner_simulations(live_komak)


def address(path: str, *, booking, simulations, language: str) -> str:
    return path.format(booking=booking, language=language, **simulations[language])


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
    """
    contexts, to_reset, sessions = {}, [], {}

    def context_for(username: str | None, language: str, comfort: str = ""):
        key = (username, language, comfort)
        if key not in contexts:
            reuse = username is not None and not comfort and username in sessions
            context = chromium_browser.new_context(
                viewport={"width": 320, "height": 640},
                # Lets axe-core be injected; the CSP itself is checked in
                # tests/security/test_csp_browser.py.
                bypass_csp=True,
                permissions=["camera", "microphone"],
                storage_state=sessions[username] if reuse else None,
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
            if username and not reuse:
                page = context.new_page()
                demo_sign_in(page, live_komak.url, username)
                if not comfort:
                    sessions[username] = context.storage_state()
                if comfort:
                    comfort_choose(page, live_komak.url, large=True, high=True)
                    to_reset.append(page)
            elif comfort:
                context.add_cookies(
                    [{"name": COMFORT_COOKIE, "value": comfort, "url": live_komak.url}]
                )
            contexts[key] = context
        return contexts[key]

    yield context_for
    for page in to_reset:
        comfort_choose(page, live_komak.url, large=False, high=False)
    for context in contexts.values():
        context.close()


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("name", "username", "path"), PAGES, ids=[p[0] for p in PAGES])
def test_page_meets_wcag_22_aa(
    live_komak, signed_in_contexts, booking, simulations, language, name, username, path
):
    check_page(
        signed_in_contexts(username, language),
        live_komak,
        name,
        address(path, booking=booking, simulations=simulations, language=language),
        language=language,
    )


@pytest.mark.parametrize(("name", "username", "path"), PAGES, ids=[p[0] for p in PAGES])
def test_page_with_larger_text_and_high_contrast(
    live_komak, signed_in_contexts, booking, simulations, name, username, path
):
    context = signed_in_contexts(username, "uz", "text-large.contrast-high")
    filled = address(path, booking=booking, simulations=simulations, language="uz")
    check_page(context, live_komak, name, filled, language="uz")
    page = context.new_page()
    try:
        page.goto(live_komak.url + filled)
        assert (
            page.evaluate("getComputedStyle(document.documentElement).fontSize")
            == "24px"
        )
    finally:
        page.close()


def check_page(context, live_komak, name, path, *, language):
    """`path` is the address with its placeholders filled in."""
    page = context.new_page()
    try:
        response = page.goto(live_komak.url + path)
        assert response.status < 500
        if name != "not found":
            assert response.status == 200, (name, response.status, page.url)
        page.wait_for_load_state("load")
        # The page itself, not the sign-in or authenticator step it may send to.
        if name not in ("sign-in", "sign-up"):
            assert "/accounts/login/" not in page.url, (name, page.url)
            assert "/accounts/2fa/" not in page.url, (name, page.url)
            # Nor the sign-in form shown in its place.
            sign_in_form = page.locator('form[action$="/accounts/login/"]')
            assert sign_in_form.count() == 0, (name, page.url)
        assert page.locator("html").get_attribute("lang") == language
        if name.startswith("simulation"):
            # The screen the name promises, not a sign-in invitation or an error.
            assert page.locator(SIMULATION_SCREENS[name]).count() == 1, page.url
        assert axe_violations(page) == []
        assert broken_references(page) == []
        assert sideways_overflow(page) <= 0
        assert small_targets(page) == []
    finally:
        page.close()

"""Every page type in every interface language, in a real Chromium against a real
Daphne: no axe-core violation of WCAG 2.2 AA, no sideways scrolling at 320 CSS px,
and buttons, fields and menu links of at least 48 CSS px.
"""

import pytest
from django.conf import settings

from cms.demo_users import DEMO_PASSWORD
from tests.support.axe import axe_violations, sideways_overflow, small_targets
from tests.support.bookings import joinable_booking_id

pytestmark = pytest.mark.e2e

COURSE = "/kurslar/oila-bilan-videoqongiroq/"
LESSON = "/kurslar/oila-bilan-videoqongiroq/tayyorgarlik/"

# (name, who is signed in, path); `{booking}` is a booking whose call is open now.
PAGES = [
    ("home", None, "/"),
    ("course list", None, "/kurslar/"),
    ("course", None, COURSE),
    ("lesson", None, LESSON),
    ("search", None, "/search/?query=telefon"),
    ("sign-in", None, "/accounts/login/"),
    ("sign-up", None, "/accounts/signup/"),
    ("not found", None, "/no-such-page/"),
    ("consultations", None, "/consultations/"),
    ("my learning", "learner", "/learning/my/"),
    ("lesson signed in", "learner", LESSON),
    ("profile", "learner", "/accounts/profile/"),
    ("specialist directory", "client", "/consultations/book/specialist/?topic=loneliness"),
    ("appointments", "client", "/consultations/appointments/"),
    ("pre-call check", "client", "/consultations/{booking}/check/"),
    ("call", "client", "/consultations/{booking}/call/"),
]
LANGUAGES = [code for code, _ in settings.LANGUAGES]


def sign_in(page, base_url: str, username: str) -> None:
    page.goto(base_url + "/accounts/login/")
    page.fill("#id_login", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_url(base_url + "/")


@pytest.fixture(scope="module")
def booking(live_komak):
    return joinable_booking_id(live_komak)


@pytest.fixture(scope="module")
def signed_in_contexts(live_komak, chromium_browser):
    """One browser context per person, signed in once, on a 320 CSS px wide phone."""
    contexts = {}

    def context_for(username: str | None, language: str):
        key = (username, language)
        if key not in contexts:
            context = chromium_browser.new_context(
                viewport={"width": 320, "height": 640},
                bypass_csp=True,  # lets axe-core be injected; the app's CSP stays on
                permissions=["camera", "microphone"],
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
            if username:
                sign_in(context.new_page(), live_komak.url, username)
            contexts[key] = context
        return contexts[key]

    yield context_for
    for context in contexts.values():
        context.close()


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("name", "username", "path"), PAGES, ids=[p[0] for p in PAGES])
def test_page_meets_wcag_22_aa(
    live_komak, signed_in_contexts, booking, language, name, username, path
):
    page = signed_in_contexts(username, language).new_page()
    try:
        response = page.goto(live_komak.url + path.format(booking=booking))
        assert response.status < 500
        if name != "not found":
            assert response.status == 200, (name, response.status, page.url)
        page.wait_for_load_state("load")
        assert page.locator("html").get_attribute("lang"), "the page names its language"
        assert axe_violations(page) == []
        assert sideways_overflow(page) <= 0
        assert small_targets(page) == []
    finally:
        page.close()

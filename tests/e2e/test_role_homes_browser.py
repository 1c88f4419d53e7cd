"""Each role's home after signing in, in a real Chromium on a 360 × 740 phone
(issue 18): every demo person lands on her own page (accounts/homes.py), its main
thing is on the first screen without scrolling, the header offers her own links, and
nothing is wider than the screen."""

import pytest

from tests.support.bookings import joinable_booking_id
from tests.support.homes import demo_sign_in
from tests.support.i18n import uz

pytestmark = pytest.mark.e2e

PHONE = {"width": 360, "height": 740}


@pytest.fixture(scope="module")
def booking_id(live_komak):
    """A talk between the demo client and specialist whose call is open now."""
    return joinable_booking_id(live_komak)


@pytest.fixture
def phone(chromium_browser):
    context = chromium_browser.new_context(viewport=PHONE, locale="uz-UZ")
    page = context.new_page()
    yield page
    context.close()


def on_first_screen(page, selector: str) -> None:
    """The element is shown wholly within the first 740 px, without scrolling."""
    element = page.locator(selector).first
    element.wait_for(state="visible")
    assert page.evaluate("window.scrollY") == 0
    box = element.bounding_box()
    assert box is not None, selector
    assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"], (
        selector,
        box,
    )


def fits_the_width(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width


def header_links(page) -> list[str]:
    return page.eval_on_selector_all(
        "header nav a[data-link]", "links => links.map(a => a.dataset.link)"
    )


class RoleHomeBrowserTests:
    def test_the_client_sees_join(self, live_komak, booking_id, phone):
        demo_sign_in(phone, live_komak.url, "client")
        on_first_screen(phone, "#next-talk [data-action=join]")
        join = phone.locator("#next-talk [data-action=join]")
        assert join.get_attribute("href") == f"/uz/consultations/{booking_id}/call/"
        # The rest is right below it.
        assert phone.locator("#next-talk [data-action=check]").is_visible()
        assert phone.locator("[data-action=book]").is_visible()
        assert phone.get_by_role("link", name=uz("I need help now")).is_visible()
        assert header_links(phone) == ["appointments", "book"]
        assert phone.locator("header nav a").count() <= 5
        fits_the_width(phone)

    def test_the_specialist_sees_today(self, live_komak, booking_id, phone):
        demo_sign_in(phone, live_komak.url, "specialist")
        on_first_screen(phone, "main h1")
        assert phone.locator("main h1").inner_text() == uz("Today's sessions")
        on_first_screen(phone, "main .lead")  # the day
        # The demo specialist is on duty (demo/duty.py): the urgent list starts
        # on the first screen, and today's sessions follow right below it.
        on_first_screen(phone, "#urgent-panel-title")
        panel = phone.locator("section.urgent-panel").bounding_box()
        card = phone.locator(f"#booking-{booking_id}")
        card.wait_for()
        assert card.bounding_box()["y"] >= panel["y"] + panel["height"]
        assert header_links(phone) == ["today", "sessions"]
        fits_the_width(phone)

    def test_the_specialists_first_session_starts_on_the_first_screen(
        self, live_komak, booking_id, phone
    ):
        # Right after signing in, with the "signed in" message above the page and
        # the urgent duty panel (nobody waiting) before the sessions.
        demo_sign_in(phone, live_komak.url, "specialist")
        assert phone.locator(".messages .message").count() >= 1
        card = phone.locator(".card-list > li.card").first
        card.wait_for(state="visible")
        assert card.get_attribute("id") == f"booking-{booking_id}"
        assert phone.evaluate("window.scrollY") == 0
        top = card.bounding_box()["y"]
        assert 0 <= top < PHONE["height"], top
        # Its heading (the time first) starts on the first screen too.
        heading = card.locator("h2").bounding_box()
        assert heading["y"] < PHONE["height"], heading

    def test_the_learner_sees_her_learning(self, live_komak, phone):
        demo_sign_in(phone, live_komak.url, "learner")
        on_first_screen(phone, "main h1")
        assert header_links(phone) == ["learning", "courses"]
        fits_the_width(phone)

    def test_the_social_worker_sees_her_programs(self, live_komak, phone):
        demo_sign_in(phone, live_komak.url, "socialworker")
        on_first_screen(phone, "main h1")
        assert header_links(phone) == ["my_training", "learning"]
        fits_the_width(phone)

    def test_the_trainer_lands_on_the_dashboard(self, live_komak, phone):
        demo_sign_in(phone, live_komak.url, "trainer")
        assert phone.url == live_komak.url + "/admin/"
        on_first_screen(phone, "main h1")

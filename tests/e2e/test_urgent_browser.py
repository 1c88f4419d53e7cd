"""Urgent help in Chromium across two Daphne workers (issue 15): the demo client
presses "I need help now" on one worker, and the on-duty demo specialist's open home
page, served by the other worker, shows it without a reload; the specialist takes it
and the client's status page says who has it, also without a reload.

The scale-out stack (PostgreSQL, Redis as the channel layer, two workers behind
nginx; tests/support/scaleout.py). Each person's browser talks straight to one
worker's port, so the news can only have crossed through the channel layer.
`seed_demo` put the demo specialist on duty (demo/duty.py).
"""

import pytest

from tests.support.homes import demo_sign_in
from tests.support.i18n import uz
from tests.support.scaleout import ScaleOutStack

pytestmark = pytest.mark.e2e

HOST = "127.0.0.1"
WAIT_MS = 20_000


@pytest.fixture(scope="module")
def stack():
    with ScaleOutStack(workers=2) as running:
        yield running


def mark_page(page) -> None:
    """A mark that a reload or a navigation would wipe."""
    page.evaluate("window.urgentTestMark = 'still the same page'")


def same_page(page) -> bool:
    return page.evaluate("window.urgentTestMark") == "still the same page"


class UrgentHelpAcrossWorkersTests:
    def test_the_request_reaches_the_open_dashboard_and_the_client_sees_who(
        self, stack, chromium_browser
    ):
        specialist_url = f"http://{HOST}:{stack.worker_ports[0]}"
        client_url = f"http://{HOST}:{stack.worker_ports[1]}"
        specialist_context = chromium_browser.new_context()
        client_context = chromium_browser.new_context()
        try:
            dashboard = specialist_context.new_page()
            demo_sign_in(dashboard, specialist_url, "specialist")
            # The page a specialist lands on after signing in lists urgent requests.
            panel = dashboard.locator("section.urgent-panel")
            panel.wait_for(timeout=WAIT_MS)
            assert uz("Nobody is waiting for help now.") in panel.inner_text()
            dashboard.wait_for_selector("[data-urgent-connected=true]", timeout=WAIT_MS)
            mark_page(dashboard)

            asking = client_context.new_page()
            demo_sign_in(asking, client_url, "client")
            asking.get_by_role("link", name=uz("I need help now")).click()
            asking.wait_for_url(client_url + "/uz/urgent/help/")
            asking.get_by_role("button", name=uz("Yes, I need help now")).click()
            asking.wait_for_url(client_url + "/uz/urgent/help/status/")
            assert uz(
                "We have your request. A specialist will take it in a moment. Please "
                "keep your phone near you."
            ) in asking.inner_text("main")
            asking.wait_for_selector("[data-urgent-connected=true]", timeout=WAIT_MS)
            mark_page(asking)

            # On the other worker, without a reload.
            request_item = panel.locator("[data-urgent-request]")
            request_item.wait_for(timeout=WAIT_MS)
            text = request_item.inner_text()
            assert "Dilnoza Karimova" in text
            assert "+998 90 111 00 04" in text  # read in groups (phone_display)
            assert uz("Waiting: %(minutes)s min", minutes=0) in text
            assert same_page(dashboard)

            request_item.get_by_role("button", name=uz("I take it")).click()
            dashboard.wait_for_load_state()
            assert uz(
                "You have taken it. Please call %(name)s now: %(phone)s.",
                name="Dilnoza Karimova",
                phone="+998 90 111 00 04",
            ) in dashboard.inner_text("main")

            asking.wait_for_selector("[data-urgent-state=taken]", timeout=WAIT_MS)
            assert uz(
                "%(name)s has your request and will call you now. Please keep your "
                "phone near you.",
                name="Aziz Tursunov",
            ) in asking.inner_text("main")
            assert same_page(asking)
        finally:
            specialist_context.close()
            client_context.close()

"""Errors that speak plainly, in a real Chromium on a small phone's screen (issue 18).

The consent step's "Agree" pressed without ticking the box: the page comes back with
the error summary at the top of the form, and focus on it, so that a person 3,000
pixels below the page's top sees (and her screen reader says) what to fix; its link
takes her to the box. And the certificate box: a number typed the way it is read
from paper finds the certificate; a wrong one says so, with 404.
"""

import pytest

from demo.people import DEMO_PASSWORD
from tests.support.i18n import uz

pytestmark = pytest.mark.e2e

PHONE = {"width": 360, "height": 740}
USERNAME = "errors-consent-reader"
# Made by the test below; no 0/O or 1/I/L, as issued codes.
CODE = "ERRCHK2345"


@pytest.fixture(scope="module")
def phone_page(live_komak, chromium_browser):
    context = chromium_browser.new_context(viewport=PHONE, locale="uz-UZ")
    page = context.new_page()
    yield page
    context.close()


def sign_in_without_consent(page, server) -> None:
    """A new account that never agreed to the terms (the demo client has)."""
    server.shell(
        "from django.contrib.auth import get_user_model; "
        f"get_user_model().objects.filter(username='{USERNAME}').exists() or "
        "get_user_model().objects.create_user("
        f"username='{USERNAME}', password='{DEMO_PASSWORD}', full_name='Dilnoza'); "
        "print('ok')"
    )
    page.goto(server.url + "/uz/accounts/login/")
    page.fill("#id_login", USERNAME)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_url(server.url + "/uz/")


class ErrorSummaryBrowserTests:
    def test_agree_without_ticking_focuses_the_summary_linking_to_the_box(
        self, live_komak, phone_page
    ):
        page = phone_page
        sign_in_without_consent(page, live_komak)
        page.goto(live_komak.url + "/uz/consultations/consent/")
        button = page.get_by_role("button", name=uz("Agree and continue"))
        button.scroll_into_view_if_needed()
        with page.expect_navigation() as navigation:
            button.click()
        assert navigation.value.status == 400

        summary = page.locator("[data-error-summary]")
        summary.wait_for()
        page.wait_for_function(
            "document.activeElement"
            " && document.activeElement.matches('[data-error-summary]')"
        )
        focused = page.evaluate(
            "({role: document.activeElement.getAttribute('role'),"
            " heading: document.activeElement.querySelector('h2').textContent.trim(),"
            " link: document.activeElement.querySelector('a').getAttribute('href')})"
        )
        assert focused == {
            "role": "alert",
            "heading": uz("There is a problem"),
            "link": "#id_agree",
        }
        # The summary is on the screen, not 3,000 pixels above or below it.
        box = summary.bounding_box()
        assert 0 <= box["y"] < PHONE["height"]
        # Its link takes her to the box, focused and in view, with its label.
        summary.get_by_role(
            "link",
            name=uz("To book a talk, please tick the box to agree to the terms."),
        ).click()
        page.wait_for_function("document.activeElement.id === 'id_agree'")
        checkbox = page.locator("#id_agree").bounding_box()
        assert 0 <= checkbox["y"] < PHONE["height"]


class CertificateBoxBrowserTests:
    def test_a_code_from_paper_finds_it_and_a_wrong_one_is_404(
        self, live_komak, phone_page
    ):
        page = phone_page
        # A certificate whose holder has gone (no account, no enrolment), as the
        # demo has none until someone passes an assessment.
        live_komak.shell(
            "import datetime; from learning.models import Certificate, Program; "
            "program = Program.objects.first(); "
            f"Certificate.objects.get_or_create(code='{CODE}', defaults=dict("
            "program=program, holder_name='', program_title=program.title, "
            "cpd_hours=program.cpd_hours, issued_on=datetime.date.today())); "
            "print('ok')"
        )
        box = page.get_by_label(uz("Certificate number"))

        page.goto(live_komak.url + "/uz/certificates/")
        box.fill("errc-hk2 345")
        with page.expect_navigation() as navigation:
            page.get_by_role("button", name=uz("Check")).click()
        assert navigation.value.status == 200
        assert page.url == f"{live_komak.url}/uz/certificates/{CODE}/"
        assert uz("This certificate is valid.") in page.inner_text("main")

        page.goto(live_komak.url + "/uz/certificates/")
        assert box.get_attribute("autocomplete") == "off"
        box.fill("zzzz 2222")
        with page.expect_navigation(url="**/uz/certificates/ZZZZ2222/") as navigation:
            page.get_by_role("button", name=uz("Check")).click()
        assert navigation.value.status == 404
        assert uz("No certificate with this number") in page.inner_text("main")
        assert box.input_value() == "ZZZZ2222"
        page.wait_for_function("document.activeElement.matches('[data-error-summary]')")

"""The Content-Security-Policy as Chromium enforces it: the public pages, a lesson,
the sign-in with the second factor, and the Wagtail admin raise no violation.

The policy forbids inline scripts and styles; a page that still had one would work
in a unit test and break in the browser, so only a real browser proves it.
"""

import pytest

from tests.support.homes import demo_sign_in

pytestmark = pytest.mark.e2e

PUBLIC_PAGES = [
    "/",
    "/uz/kurslar/",
    "/uz/kurslar/smartfon-asoslari/",
    "/uz/kurslar/smartfon-asoslari/telefonni-yoqish/",
    "/uz/consultations/",
    "/uz/search/?q=telefon",
    "/uz/accounts/login/",
    "/uz/accounts/signup/",
    "/no-such-page/",
]
ADMIN_PAGES = [
    "/admin/",
    "/admin/pages/",
    "/admin/images/",
    "/admin/documents/",
    "/admin/reports/workflow/",
]


def violations_of(context):
    """A page in `context` that records every CSP violation Chromium reports."""
    page = context.new_page()
    found = []
    page.on(
        "console",
        lambda message: (
            found.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    return page, found


class BrowserContentSecurityPolicyTests:
    def test_public_pages_raise_no_violation(self, live_komak, chromium_browser):
        context = chromium_browser.new_context(locale="uz-UZ")
        page, found = violations_of(context)
        try:
            for path in PUBLIC_PAGES:
                page.goto(live_komak.url + path)
                page.wait_for_load_state("networkidle")
        finally:
            context.close()
        assert found == [], "\n".join(found)

    def test_staff_sign_in_and_the_admin_raise_no_violation(
        self, live_komak, chromium_browser
    ):
        context = chromium_browser.new_context(locale="uz-UZ")
        page, found = violations_of(context)
        try:
            demo_sign_in(page, live_komak.url, "admin")
            for path in ADMIN_PAGES:
                response = page.goto(live_komak.url + path)
                assert response.status == 200, path
                page.wait_for_load_state("networkidle")
            # The editor of a page: the home page in Uzbek (each language has its
            # own home page now). Not a lesson: Draftail, the rich text editor,
            # inserts <style> elements for its placeholders, which this policy
            # blocks (docs/security.md, "Known gap").
            for title in ("Koʻmak",):
                page_id = live_komak.shell(
                    "from wagtail.models import Page; print(Page.objects.get("
                    f"title={title!r}, locale__language_code='uz').pk)"
                ).strip()
                response = page.goto(f"{live_komak.url}/admin/pages/{page_id}/edit/")
                assert response.status == 200, title
                page.wait_for_load_state("networkidle")
                # Its date pickers ran: Wagtail's initialisers got the nonce.
                assert page.evaluate("typeof window.initDateTimeChooser") == "function"
            # InlinePanel adds a child from a template whose scripts must run too.
            page.goto(live_komak.url + "/admin/snippets/learning/program/add/")
            before = page.locator("[id$='-FORMS'] > *").count()
            page.locator("button[id$='-ADD']").first.click()
            page.wait_for_load_state("networkidle")
            assert page.locator("[id$='-FORMS'] > *").count() == before + 1
        finally:
            context.close()
        assert found == [], "\n".join(found)

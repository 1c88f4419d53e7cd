"""The demo social worker passes a final assessment in a real Chromium against a real
Daphne, and downloads the certificate of the program it completes.

`seed_demo` leaves `socialworker` halfway through "Maʼlumotlar himoyasi va onlayn
xizmat": the last course's lessons are done, its final assessment is not. The test
answers from the demo question bank by the questions' text, because the order of the
questions and of their options is drawn anew for every attempt.
"""

import io
import re

import pypdf
import pytest

from demo.people import DEMO_PASSWORD
from demo.training import PRIVACY_COURSE, question_banks
from tests.support.homes import home_path
from tests.support.i18n import uz

pytestmark = pytest.mark.e2e

PROGRAM_TITLE = "Maʼlumotlar himoyasi va onlayn xizmat"
LOCALE = "uz-UZ"


def right_options() -> dict[str, set[str]]:
    return {
        block["value"]["question"]: {
            option["text"] for option in block["value"]["options"] if option["correct"]
        }
        for block in question_banks()[PRIVACY_COURSE]
    }


def sign_in(page, base_url):
    page.goto(base_url + "/uz/accounts/login/")
    page.fill("#id_login", "socialworker")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_url(base_url + home_path("socialworker"))


class CertificateBrowserTests:
    def test_pass_the_assessment_and_download_the_certificate(
        self, live_komak, chromium_browser
    ):
        base = live_komak.url
        context = chromium_browser.new_context(locale=LOCALE, accept_downloads=True)
        page = context.new_page()
        sign_in(page, base)

        page.goto(base + "/uz/learning/my/")
        page.get_by_role("link", name=uz("My training programs")).click()
        page.get_by_role("link", name=PROGRAM_TITLE).first.click()
        assert uz("%(done)s of %(total)s courses done", done=1, total=2) in (
            page.content()
        )
        page.get_by_role("link", name=re.compile(uz("Final assessment"))).click()
        page.get_by_role("button", name=uz("Start the assessment")).click()

        # Before submission the page holds no right answer and no feedback.
        html = page.content()
        for block in question_banks()[PRIVACY_COURSE]:
            for option in block["value"]["options"]:
                assert option["feedback"] not in html

        answers = right_options()
        questions = page.locator("section.question")
        assert questions.count() == len(answers)
        for index in range(questions.count()):
            question = questions.nth(index)
            legend = question.locator("legend").inner_text()
            text = legend.split(". ", 1)[1]
            for label in question.locator("label.choice").all():
                if label.inner_text().strip() in answers[text]:
                    label.locator("input").check()
        page.get_by_role("button", name=uz("Send my answers")).click()

        page.get_by_text(uz("You have completed this program.")).wait_for()
        result = page.locator(".result-score").inner_text()
        assert "100%" in result

        with page.expect_download() as download_info:
            page.get_by_role("link", name=uz("Download the certificate (PDF)")).click()
        download = download_info.value
        assert download.suggested_filename.endswith(".pdf")
        content = open(download.path(), "rb").read()  # noqa: SIM115
        text = " ".join(
            " ".join(
                p.extract_text() for p in pypdf.PdfReader(io.BytesIO(content)).pages
            ).split()
        )
        assert "Nodira Qodirova" in text
        assert f"«{PROGRAM_TITLE}»" in text
        match = re.search(r"(http://\S+/certificates/([A-Z0-9]+)/)", text)
        assert match, text
        verify_url, code = match.groups()
        # No language in the printed address: it opens in the reader's.
        assert verify_url == f"{base}/certificates/{code}/"

        # The printed address is the public check, which needs no sign-in.
        checker = chromium_browser.new_context(locale=LOCALE)
        check_page = checker.new_page()
        check_page.goto(verify_url)
        assert check_page.url == f"{base}/uz/certificates/{code}/"
        assert check_page.get_by_text(uz("This certificate is valid.")).is_visible()
        assert PROGRAM_TITLE in check_page.content()
        checker.close()
        context.close()

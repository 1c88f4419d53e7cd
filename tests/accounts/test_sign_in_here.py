"""The sign-in form in place of a page that needs it (accounts/sign_in_here.py): one
answer instead of a redirect and a second request, in every interface language, and
signing in from it leads on to the page asked for."""

import re
import time

import pytest
from django.conf import settings
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import translation

from accounts.mfa import totp_enrol
from accounts.middleware import LAST_SEEN_SESSION_KEY
from accounts.sign_in_here import SIGN_IN_HERE_HEADER, asked_path_of_redirect
from tests.accounts.factories import PASSWORD, user_create
from tests.accounts.test_phone_code import PHONE, the_code
from tests.consultations.factories import client_create
from tests.support.i18n import uz
from tests.support.sign_in_here import assert_sign_in_here

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_limits")]

LANGUAGES = [code for code, _name in settings.LANGUAGES]
# The second booking step, with the topic chosen on the first: the query must
# survive the sign-in too.
BOOKING_QUERY = "?topic=loneliness&lang=uz"


def booking_url(language: str = "uz") -> str:
    with translation.override(language):
        return reverse("consultations_book_specialist") + BOOKING_QUERY


class SignInHereTests:
    def test_the_five_languages_are_those_of_the_site(self):
        assert LANGUAGES == ["uz", "uz-cyrl", "ru", "kaa", "en"]

    @pytest.mark.parametrize("language", LANGUAGES)
    def test_a_visitor_gets_the_sign_in_form_in_place(self, client, language):
        asked = booking_url(language)
        assert asked.startswith(f"/{language}/consultations/book/")
        response = client.get(asked)
        html = assert_sign_in_here(response, asked, language=language)
        assert response["Content-Language"] == language
        with translation.override(language):
            title = translation.gettext("Sign in")
            phone_label = translation.gettext("Your phone number")
        if language == "uz-cyrl":
            # Uzbek in Cyrillic is the Latin text transliterated on the way out.
            assert "<h1>Кириш</h1>" in html
        else:
            assert f"<h1>{title}</h1>" in html
            assert phone_label in html

    def test_the_same_page_as_the_sign_in_address(self, client):
        """Both answers come from the same view and template: apart from the
        marks of the in-place answer, the forms are the same."""
        asked = booking_url()
        in_place = client.get(asked).content.decode()
        own = client.get(
            reverse("account_login") + "?next=" + asked.replace("&", "%26")
        )
        assert own.status_code == 200
        own_html = own.content.decode()

        def main_of(html):
            main = html[html.index("<main") : html.index("</main>")]
            # The CSRF token is new on every answer.
            return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", main)

        assert main_of(in_place) == main_of(own_html)

    def test_the_nonce_is_the_answers_own_and_nothing_runs_unsafely(self, client):
        response = client.get(booking_url())
        policy = response["Content-Security-Policy"]
        assert "unsafe-inline" not in policy
        nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
        html = response.content.decode()
        for tag in re.findall(r"<(?:script|style)\b[^>]*>", html):
            if "src=" not in tag:
                assert f'nonce="{nonce}"' in tag, tag

    def test_a_head_answers_the_same_without_a_body(self, client):
        asked = booking_url()
        response = client.head(asked)
        assert response.status_code == 403
        assert response[SIGN_IN_HERE_HEADER] == "in-place"
        assert "no-store" in response["Cache-Control"]
        assert not response.has_header("Location")
        assert response.content == b""

    def test_a_signed_in_person_sees_the_page_itself(self, client):
        client.force_login(client_create())
        response = client.get(booking_url())
        assert response.status_code == 200
        assert not response.has_header(SIGN_IN_HERE_HEADER)
        assert 'action="/uz/accounts/login/"' not in response.content.decode()

    def test_nothing_of_a_booking_shows_to_a_visitor(self, client):
        person = client_create(full_name="Maxfiya Mijoz", phone_number="+998901230077")
        client.force_login(person)
        appointments = reverse("consultations_appointments")
        assert (
            "Maxfiya Mijoz" in client.get(reverse("accounts_profile")).content.decode()
        )
        client.logout()
        html = assert_sign_in_here(client.get(appointments), appointments)
        assert "Maxfiya" not in html and "1230077" not in html


class ContinuingTests:
    def test_signing_in_with_the_password_leads_to_the_page_asked_for(self, client):
        user = client_create(username="saodat")
        asked = booking_url()
        assert_sign_in_here(client.get(asked), asked)
        response = client.post(
            reverse("account_login"),
            {"login": user.username, "password": PASSWORD, "next": asked},
        )
        assert response.status_code == 302
        assert response["Location"] == asked
        page = client.get(asked)
        assert page.status_code == 200
        assert not page.has_header(SIGN_IN_HERE_HEADER)

    def test_signing_in_with_a_phone_code_leads_to_the_page_asked_for(
        self, client, sms_log
    ):
        client_create(phone_number=PHONE)
        asked = booking_url("ru")
        assert_sign_in_here(client.get(asked), asked, language="ru")
        with translation.override("ru"):
            request_url = reverse("accounts_phone_code_request")
        response = client.post(request_url, {"phone": PHONE, "next": asked})
        assert response.status_code == 302
        response = client.post(
            response["Location"], {"code": the_code(sms_log), "next": asked}
        )
        assert response["Location"] == asked
        assert client.get(asked).status_code == 200

    @pytest.mark.parametrize(
        "forged",
        ["https://evil.example/uz/", "//evil.example/uz/", "http:\\\\evil.example"],
    )
    def test_a_next_to_another_site_is_refused(self, client, forged):
        user = client_create()
        response = client.post(
            reverse("account_login"),
            {"login": user.username, "password": PASSWORD, "next": forged},
        )
        assert response.status_code == 302
        assert "evil.example" not in response["Location"]
        assert response["Location"].startswith("/")

    def test_a_redirect_naming_another_site_is_left_alone(self):
        for next_url in ("https://evil.example/", "//evil.example/x"):
            redirect = HttpResponseRedirect("/uz/accounts/login/?next=" + next_url)
            assert asked_path_of_redirect(redirect) is None
        elsewhere = HttpResponseRedirect(
            "https://evil.example/uz/accounts/login/?next=/"
        )
        assert asked_path_of_redirect(elsewhere) is None
        ours = HttpResponseRedirect("/uz/accounts/login/?next=%2Fuz%2Flearning%2Fmy%2F")
        assert asked_path_of_redirect(ours) == "/uz/learning/my/"


class UnchangedTests:
    def test_a_post_by_a_visitor_is_still_sent_to_sign_in(self, client):
        url = reverse("consultations_book_confirm")
        response = client.post(url, {"slot": "x"})
        assert response.status_code == 302
        assert response["Location"] == f"/uz/accounts/login/?next={url}"

    def test_a_scripts_request_keeps_the_redirect(self, client):
        url = reverse("learning_my_learning")
        response = client.get(url, headers={"Sec-Fetch-Mode": "cors"})
        assert response.status_code == 302
        assert response["Location"].startswith("/uz/accounts/login/")

    def test_a_page_visit_says_so_and_gets_the_form(self, client):
        url = reverse("learning_my_learning")
        response = client.get(
            url, headers={"Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document"}
        )
        assert_sign_in_here(response, url)

    def test_the_progress_api_keeps_its_json_answer(self, client):
        response = client.get(reverse("learning_progress_detail", args=[1]))
        assert response.status_code == 401
        assert response["Content-Type"] == "application/json"
        assert response.json()["error"] == uz("Sign in to see your progress.")

    def test_the_admin_keeps_its_redirect(self, client):
        response = client.get("/admin/pages/")
        assert response.status_code == 302
        assert not response.has_header(SIGN_IN_HERE_HEADER)

    def test_a_staff_session_ended_by_the_idle_limit_is_still_redirected(self, client):
        """The staff checks' own redirect (after signing the person out, with a
        message for the sign-in page) is theirs to keep."""
        staff = user_create(roles=("Specialist",))
        totp_enrol(user=staff, secret="JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
        client.force_login(staff)
        session = client.session
        session[LAST_SEEN_SESSION_KEY] = time.time() - 2 * 3600
        session.save()
        url = reverse("accounts_profile")
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"/uz/accounts/login/?next={url}"
        assert not response.has_header(SIGN_IN_HERE_HEADER)

"""Sign-in with a phone number and a one-time code by SMS (accounts/otp.py).

Codes are read from what the real logging SMS backend writes to the `komak.sms` log,
limits are reached through real requests, and an expired code is produced by moving
the clock past five minutes.
"""

import re
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from accounts.mfa import totp_enrol
from tests.accounts.factories import user_create
from tests.support.i18n import uz
from tests.support.mfa import MFA_PAGE, candidate_codes
from tests.support.sign_in_here import assert_sign_in_here

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_limits")]

PHONE = "+998901112233"
UNKNOWN_PHONE = "+998907778899"
REQUEST_URL = "/uz/accounts/login/phone/"
CONFIRM_URL = "/uz/accounts/login/phone/code/"
SMS_LINE = re.compile(r"SMS to (\+\d+): .*?\b(\d{6})\b")
DAY = 24 * 60 * 60


def sent_codes(sms_log) -> list[tuple[str, str]]:
    """(phone, code) of every SMS the logging backend wrote."""
    return [
        match.groups()
        for record in sms_log.records
        if record.name == "komak.sms"
        and (match := SMS_LINE.search(record.getMessage()))
    ]


def ask_for_code(client, phone=PHONE, **extra):
    return client.post(REQUEST_URL, {"phone": phone}, **extra)


def type_code(client, code, *, remember=False):
    data = {"code": code}
    if remember:
        data["remember"] = "on"
    return client.post(CONFIRM_URL, data)


def the_code(sms_log) -> str:
    codes = sent_codes(sms_log)
    assert len(codes) == 1, codes
    return codes[0][1]


def signed_in(client) -> bool:
    """True when the profile opens; when not, it must be the sign-in form in its
    place (accounts/sign_in_here.py), or with a sign-in under way the redirect to
    the sign-in page, which then resumes it."""
    profile = reverse("accounts_profile")
    response = client.get(profile)
    if response.status_code == 200:
        return True
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("account_login"))
        return False
    assert_sign_in_here(response, profile)
    return False


def tries_left_message(count: int) -> str:
    with translation.override("uz"):
        return translation.ngettext(
            "This code is not right. Check the 6 digits in the SMS and "
            "type them again. You can try %(count)d more time.",
            "This code is not right. Check the 6 digits in the SMS and "
            "type them again. You can try %(count)d more times.",
            count,
        ) % {"count": count}


def expired_message() -> str:
    return uz(
        "This code has expired: a code works for %(minutes)d minutes only. "
        "Please ask for a new code.",
        minutes=5,
    )


def page_text(response) -> str:
    return response.content.decode()


@pytest.fixture
def shift_clock(monkeypatch):
    """Move `time.time()` forward, as if the person waited."""
    real_time = time.time

    def shift(seconds: float) -> None:
        monkeypatch.setattr(time, "time", lambda: real_time() + seconds)

    return shift


class SignInPageTests:
    def test_sign_in_page_offers_the_phone_code_before_the_password(self, client):
        html = page_text(client.get(reverse("account_login")))
        phone_form = html.index('action="/uz/accounts/login/phone/"')
        assert phone_form < html.index('name="password"')
        phone_input = re.search(r'<input type="tel" name="phone"[^>]*>', html).group(0)
        assert 'autocomplete="tel"' in phone_input
        assert 'inputmode="tel"' in phone_input
        assert uz("Send me a code") in html

    def test_code_field_is_numeric_and_filled_from_the_sms(self, client, sms_log):
        user_create(phone_number=PHONE)
        response = client.get(ask_for_code(client)["Location"])
        code_input = re.search(r'<input[^>]*name="code"[^>]*>', page_text(response))
        assert code_input is not None
        assert 'inputmode="numeric"' in code_input.group(0)
        assert 'autocomplete="one-time-code"' in code_input.group(0)
        assert uz("Remember this phone: stay signed in on it") in page_text(response)


class PhoneCodeSignInTests:
    def test_right_code_signs_in(self, client, sms_log):
        user_create(phone_number=PHONE)
        response = ask_for_code(client)
        assert response.status_code == 302
        assert response["Location"] == CONFIRM_URL
        code = the_code(sms_log)
        assert re.fullmatch(r"\d{6}", code)
        assert sent_codes(sms_log) == [(PHONE, code)]
        response = type_code(client, code)
        assert response.status_code == 302
        assert signed_in(client)

    @pytest.mark.parametrize("typed", ["90 111 22 33", "+998 (90) 111-22-33"])
    def test_number_however_written(self, client, sms_log, typed):
        user_create(phone_number=PHONE)
        ask_for_code(client, typed)
        assert sent_codes(sms_log)[0][0] == PHONE

    def test_sms_says_how_long_the_code_works_and_warns_against_scams(
        self, client, sms_log
    ):
        user_create(phone_number=PHONE)
        ask_for_code(client)
        message = sms_log.records[-1].getMessage()
        assert "5" in message
        assert (
            uz(
                "Koʻmak sign-in code: %(code)s. It works for %(minutes)d minutes. "
                "Never tell it to anyone, even to someone who says they are from "
                "Koʻmak.",
                code=the_code(sms_log),
                minutes=5,
            )
            in message
        )

    def test_person_lands_where_they_were_going(self, client, sms_log):
        user_create(phone_number=PHONE)
        html = page_text(
            client.get(reverse("account_login") + "?next=/uz/learning/my/")
        )
        phone_form = html[html.index('class="phone-code-form"') :]
        assert (
            'name="next" value="/uz/learning/my/"'
            in phone_form[: phone_form.index("</form>")]
        )
        response = client.post(
            REQUEST_URL, {"phone": PHONE, "next": "/uz/learning/my/"}
        )
        assert response["Location"] == CONFIRM_URL + "?next=%2Fuz%2Flearning%2Fmy%2F"
        response = client.post(
            response["Location"],
            {"code": the_code(sms_log), "next": "/uz/learning/my/"},
        )
        assert response["Location"] == "/uz/learning/my/"

    def test_code_is_typed_with_spaces(self, client, sms_log):
        user_create(phone_number=PHONE)
        ask_for_code(client)
        code = the_code(sms_log)
        type_code(client, f" {code[:3]} {code[3:]} ")
        assert signed_in(client)

    def test_not_a_phone_number_is_explained_next_to_the_field(self, client, sms_log):
        user_create(phone_number=PHONE)
        response = ask_for_code(client, "Saodat opa")
        assert response.status_code == 200
        assert uz(
            "Write the phone number with digits only, for example +998 90 123 45 67."
        ) in page_text(response)
        assert 'class="field-error"' in page_text(response)
        assert sent_codes(sms_log) == []

    def test_empty_number_is_explained(self, client):
        response = ask_for_code(client, "")
        assert uz("Please type your phone number.") in page_text(response)

    def test_password_sign_in_stays(self, client):
        from tests.accounts.factories import PASSWORD

        user_create(username="saodat", phone_number=PHONE)
        response = client.post(
            reverse("account_login"), {"login": "saodat", "password": PASSWORD}
        )
        assert response.status_code == 302
        assert signed_in(client)


class PagesOutOfOrderTests:
    def test_code_page_without_a_request_sends_to_the_phone_page(self, client):
        response = client.get(CONFIRM_URL)
        assert response.status_code == 302
        assert response["Location"] == REQUEST_URL

    def test_signed_in_person_is_sent_on(self, client):
        client.force_login(user_create(phone_number=PHONE))
        response = client.get(REQUEST_URL)
        assert response.status_code == 302
        # A learner's home (accounts/homes.py).
        assert response["Location"] == reverse("learning_my_learning")

    def test_password_page_stays_open_while_a_code_is_pending(self, client, sms_log):
        user_create(phone_number=PHONE)
        ask_for_code(client)
        assert client.get(reverse("account_login")).status_code == 200
        assert client.get(REQUEST_URL).status_code == 200

    def test_codes_are_not_offered_for_re_authentication(self, client):
        """Re-authentication (before account deletion, staff settings) keeps
        asking for the password: the phone is never marked "verified"."""
        from allauth.account.adapter import get_adapter

        user = user_create(phone_number=PHONE)
        methods = get_adapter().get_reauthentication_methods(user)
        assert [method["id"] for method in methods] == ["reauthenticate"]


class WrongCodeTests:
    def test_wrong_code_is_refused_in_plain_words(self, client, sms_log):
        user_create(phone_number=PHONE)
        ask_for_code(client)
        code = the_code(sms_log)
        wrong = "000000" if code != "000000" else "111111"
        response = type_code(client, wrong)
        assert response.status_code == 200
        assert tries_left_message(4) in page_text(response)
        assert 'class="field-error"' in page_text(response)
        assert not signed_in(client)

    def test_right_code_still_works_after_a_wrong_one(self, client, sms_log):
        user_create(phone_number=PHONE)
        ask_for_code(client)
        code = the_code(sms_log)
        type_code(client, "12345")
        type_code(client, code)
        assert signed_in(client)

    def test_empty_code_uses_no_try(self, client, sms_log):
        user_create(phone_number=PHONE)
        ask_for_code(client)
        response = type_code(client, "")
        assert uz("Please type the 6-digit code from the SMS.") in page_text(response)
        response = type_code(client, "99999")
        assert tries_left_message(4) in page_text(response)

    def test_five_wrong_tries_end_the_code(self, client, sms_log):
        user_create(phone_number=PHONE)
        ask_for_code(client)
        code = the_code(sms_log)
        wrong = "000000" if code != "000000" else "111111"
        for tries_left in (4, 3, 2, 1):
            response = type_code(client, wrong)
            assert tries_left_message(tries_left) in page_text(response)
        response = type_code(client, wrong)
        assert response.status_code == 302
        assert response["Location"] == REQUEST_URL
        page = page_text(client.get(REQUEST_URL))
        assert (
            uz(
                "The code was typed wrongly %(count)d times, so it no longer works. "
                "This keeps your account safe. Please ask for a new code.",
                count=5,
            )
            in page
        )
        # Even the right code does not work any more.
        response = type_code(client, code)
        assert response["Location"] == REQUEST_URL
        assert not signed_in(client)


class ExpiredCodeTests:
    def test_code_older_than_five_minutes_is_refused_and_explained(
        self, client, sms_log, shift_clock
    ):
        user_create(phone_number=PHONE)
        ask_for_code(client)
        code = the_code(sms_log)
        shift_clock(5 * 60 + 1)
        response = type_code(client, code)
        assert response.status_code == 302
        assert response["Location"] == REQUEST_URL
        assert expired_message() in page_text(client.get(REQUEST_URL))
        assert not signed_in(client)

    def test_code_works_until_five_minutes(self, client, sms_log, shift_clock):
        user_create(phone_number=PHONE)
        ask_for_code(client)
        code = the_code(sms_log)
        shift_clock(5 * 60 - 5)
        type_code(client, code)
        assert signed_in(client)

    def test_opening_the_code_page_late_explains_too(
        self, client, sms_log, shift_clock
    ):
        user_create(phone_number=PHONE)
        ask_for_code(client)
        shift_clock(6 * 60)
        response = client.get(CONFIRM_URL, follow=True)
        assert expired_message() in page_text(response)

    def test_code_typed_long_after_is_explained_too(self, client, sms_log, shift_clock):
        """After 15 minutes allauth forgets the whole sign-in; the answer stays."""
        user_create(phone_number=PHONE)
        ask_for_code(client)
        code = the_code(sms_log)
        shift_clock(16 * 60)
        response = type_code(client, code)
        assert response["Location"] == REQUEST_URL
        assert expired_message() in page_text(client.get(REQUEST_URL))
        assert not signed_in(client)

    def test_a_new_code_replaces_an_expired_one(self, client, sms_log, shift_clock):
        user_create(phone_number=PHONE)
        ask_for_code(client)
        shift_clock(6 * 60)
        ask_for_code(client)
        new_code = sent_codes(sms_log)[-1][1]
        type_code(client, new_code)
        assert signed_in(client)


class RateLimitTests:
    """3 codes per number and 20 per address in 15 minutes, 10 per number a day."""

    def limit_message(self) -> str:
        return uz(
            "Too many codes were asked for this number or from this network. "
            "Please wait 15 minutes and try again; after 10 codes in one day, wait "
            "a day. You can also sign in with your password."
        )

    def test_fourth_code_for_one_number_is_refused(self, client, sms_log):
        user_create(phone_number=PHONE)
        # From different addresses, so only the limit per number can apply.
        for address in ("10.0.0.1", "10.0.0.2", "10.0.0.3"):
            response = ask_for_code(client, REMOTE_ADDR=address)
            assert response.status_code == 302
        response = ask_for_code(client, REMOTE_ADDR="10.0.0.4")
        assert response.status_code == 200
        assert self.limit_message() in page_text(response)
        assert len(sent_codes(sms_log)) == 3

    def test_limit_per_number_counts_however_the_number_is_written(
        self, client, sms_log
    ):
        user_create(phone_number=PHONE)
        for typed in ("+998901112233", "90 111 22 33", "901112233"):
            assert ask_for_code(client, typed).status_code == 302
        response = ask_for_code(client, "+998 90 111 22 33")
        assert self.limit_message() in page_text(response)

    def test_other_numbers_are_not_held_up_by_one(self, client, sms_log):
        user_create(phone_number=PHONE)
        other = user_create(phone_number="+998901112244")
        for _ in range(4):
            ask_for_code(client)
        assert ask_for_code(client, other.phone_number).status_code == 302
        assert sent_codes(sms_log)[-1][0] == other.phone_number

    def test_twenty_first_request_from_one_address_is_refused(self, client, sms_log):
        numbers = [f"+9989011100{index:02d}" for index in range(21)]
        for number in numbers:
            user_create(phone_number=number)
        for number in numbers[:20]:
            response = ask_for_code(client, number, REMOTE_ADDR="10.1.1.1")
            assert response.status_code == 302
        response = ask_for_code(client, numbers[20], REMOTE_ADDR="10.1.1.1")
        assert response.status_code == 200
        assert self.limit_message() in page_text(response)
        assert len(sent_codes(sms_log)) == 20
        # Another address is not affected.
        response = ask_for_code(client, numbers[20], REMOTE_ADDR="10.1.1.2")
        assert response.status_code == 302

    def test_limit_window_ends_after_15_minutes(self, client, sms_log, shift_clock):
        user_create(phone_number=PHONE)
        for _ in range(3):
            ask_for_code(client)
        assert ask_for_code(client).status_code == 200
        shift_clock(15 * 60 + 1)
        assert ask_for_code(client).status_code == 302

    def test_eleventh_code_in_a_day_is_refused(self, client, sms_log, shift_clock):
        user_create(phone_number=PHONE)
        for window in range(4):
            shift_clock(window * (15 * 60 + 1))
            for _ in range(3 if window < 3 else 1):
                assert ask_for_code(client).status_code == 302
        assert len(sent_codes(sms_log)) == 10
        shift_clock(4 * (15 * 60 + 1))
        response = ask_for_code(client)
        assert response.status_code == 200
        assert self.limit_message() in page_text(response)
        shift_clock(DAY + 1)
        assert ask_for_code(client).status_code == 302


class RememberedPhoneTests:
    def test_remembered_phone_stays_signed_in_for_90_days(self, client, sms_log):
        user_create(phone_number=PHONE)
        ask_for_code(client)
        type_code(client, the_code(sms_log), remember=True)
        assert signed_in(client)
        assert client.session.get_expiry_age() == 90 * DAY
        assert not client.session.get_expire_at_browser_close()
        assert client.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == 90 * DAY
        assert settings.KOMAK_REMEMBERED_PHONE_DAYS == 90

    def test_remembered_session_outlives_the_usual_two_weeks(self, client, sms_log):
        from django.contrib.sessions.models import Session
        from django.utils import timezone

        user_create(phone_number=PHONE)
        ask_for_code(client)
        type_code(client, the_code(sms_log), remember=True)
        session = Session.objects.get(session_key=client.session.session_key)
        assert session.expire_date > timezone.now() + timedelta(days=89)

    def test_not_remembered_ends_with_the_browser(self, client, sms_log):
        user_create(phone_number=PHONE)
        ask_for_code(client)
        type_code(client, the_code(sms_log))
        assert signed_in(client)
        assert client.session.get_expire_at_browser_close()
        assert client.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == ""


class StaffSecondFactorTests:
    def test_staff_give_the_authenticator_code_after_the_sms_code(
        self, client, sms_log
    ):
        from demo.people import DEMO_TOTP_SECRET

        specialist = user_create(roles=("Specialist",), phone_number=PHONE)
        totp_enrol(user=specialist, secret=DEMO_TOTP_SECRET)
        ask_for_code(client)
        response = type_code(client, the_code(sms_log), remember=True)
        assert response.status_code == 302
        assert response["Location"].startswith(MFA_PAGE)
        assert not signed_in(client)
        for code in candidate_codes(DEMO_TOTP_SECRET):
            response = client.post(MFA_PAGE, {"code": code})
            if not response["Location"].startswith(MFA_PAGE):
                break
        assert signed_in(client)
        # "Remember this phone" does not keep a staff session: 15 idle minutes.
        assert client.session.get_expiry_age() == settings.STAFF_SESSION_IDLE_SECONDS


class NothingRevealsAnAccountTests:
    """A known and an unknown number get the same answers, page and work."""

    def normalised(self, html: str, phone: str) -> str:
        html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
        # Each response's own CSP nonce (on the inlined critical styles).
        html = re.sub(r'nonce="[^"]+"', 'nonce=""', html)
        return html.replace(phone, "<phone>")

    def test_same_answer_and_page_for_known_and_unknown_numbers(self, client, sms_log):
        from django.test import Client

        user_create(phone_number=PHONE)
        stranger = Client()
        known = ask_for_code(client, PHONE)
        unknown = ask_for_code(stranger, UNKNOWN_PHONE)
        assert (known.status_code, known["Location"]) == (
            unknown.status_code,
            unknown["Location"],
        )
        known_page = client.get(known["Location"])
        unknown_page = stranger.get(unknown["Location"])
        assert known_page.status_code == unknown_page.status_code == 200
        assert self.normalised(page_text(known_page), PHONE) == self.normalised(
            page_text(unknown_page), UNKNOWN_PHONE
        )

    def test_no_sms_to_an_unknown_number(self, client, sms_log):
        ask_for_code(client, UNKNOWN_PHONE)
        assert sent_codes(sms_log) == []

    def test_no_sms_to_an_inactive_account(self, client, sms_log):
        user_create(phone_number=PHONE, is_active=False)
        response = ask_for_code(client, PHONE)
        assert response["Location"] == CONFIRM_URL
        assert sent_codes(sms_log) == []

    def test_wrong_codes_answer_alike(self, client, sms_log):
        from django.test import Client

        user_create(phone_number=PHONE)
        stranger = Client()
        ask_for_code(client, PHONE)
        ask_for_code(stranger, UNKNOWN_PHONE)
        wrong = "000000" if the_code(sms_log) != "000000" else "111111"
        for tries_left in (4, 3, 2, 1):
            known = type_code(client, wrong)
            unknown = type_code(stranger, wrong)
            assert tries_left_message(tries_left) in page_text(known)
            assert self.normalised(page_text(known), PHONE) == self.normalised(
                page_text(unknown), UNKNOWN_PHONE
            )
        known, unknown = type_code(client, wrong), type_code(stranger, wrong)
        assert known["Location"] == unknown["Location"] == REQUEST_URL

    def test_rate_limit_counts_unknown_numbers_too(self, client, sms_log):
        for _ in range(3):
            assert ask_for_code(client, UNKNOWN_PHONE).status_code == 302
        response = ask_for_code(client, UNKNOWN_PHONE)
        assert response.status_code == 200

    def test_same_work_for_known_and_unknown_numbers(self, client, sms_log):
        """The timing class: the same database queries, and the SMS is the only
        extra step (the logging backend writes one line; docs/sign-in.md says why
        a real gateway must not block)."""
        from django.test import Client

        user_create(phone_number=PHONE)
        stranger = Client()
        # Warm both sessions up so that each request does the same session work.
        client.get(REQUEST_URL)
        stranger.get(REQUEST_URL)
        with CaptureQueriesContext(connection) as known_queries:
            ask_for_code(client, PHONE)
        with CaptureQueriesContext(connection) as unknown_queries:
            ask_for_code(stranger, UNKNOWN_PHONE)

        def shapes(queries):
            return [
                re.sub(r"'[^']*'|\"s\d+_x\d+\"|\b\d+\b", "?", query["sql"])
                for query in queries.captured_queries
            ]

        assert shapes(known_queries) == shapes(unknown_queries)
        assert len(sent_codes(sms_log)) == 1

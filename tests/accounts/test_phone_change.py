"""Changing one's phone number, a sign-in factor (accounts/phone_change.py): a code
goes to the new number, the number changes only once it is typed back, the old
number is told, and the change is audited with the numbers as pseudonyms only.

Codes are read from what the real logging SMS backend writes to the `komak.sms` log;
limits are reached through real requests; an expired code is made by moving the
clock past five minutes.
"""

import json
import re
import time

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from accounts.services import phone_pseudonym
from audit.models import AuditAction, AuditRecord
from tests.accounts.factories import user_create
from tests.support.i18n import uz
from tests.support.sign_in_here import assert_sign_in_here

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_limits")]

OLD = "+998901110000"
NEW = "+998907654321"
PHONE_PAGE = "/uz/accounts/profile/phone/"
CODE_PAGE = "/uz/accounts/profile/phone/code/"
REMOVE_URL = "/uz/accounts/profile/phone/remove/"
PROFILE_PAGE = "/uz/accounts/profile/"
SMS_LINE = re.compile(r"SMS to (\+\d+): (.*)", re.DOTALL)
CODE = re.compile(r"\b(\d{6})\b")


@pytest.fixture
def shift_clock(monkeypatch):
    real_time = time.time

    def shift(seconds: float) -> None:
        monkeypatch.setattr(time, "time", lambda: real_time() + seconds)

    return shift


def texts(sms_log) -> list[tuple[str, str]]:
    """(number, text) of every SMS the logging backend wrote."""
    return [
        match.groups()
        for record in sms_log.records
        if record.name == "komak.sms"
        and (match := SMS_LINE.search(record.getMessage()))
    ]


def codes_sent_to(sms_log, phone: str) -> list[str]:
    return [
        found.group(1)
        for number, text in texts(sms_log)
        if number == phone and (found := CODE.search(text))
    ]


def page(response) -> str:
    return response.content.decode()


def wrong_code(code: str) -> str:
    return "000000" if code != "000000" else "111111"


def tries_left_message(count: int) -> str:
    with translation.override("uz"):
        return translation.ngettext(
            "This code is not right. Check the 6 digits in the SMS and "
            "type them again. You can try %(count)d more time.",
            "This code is not right. Check the 6 digits in the SMS and "
            "type them again. You can try %(count)d more times.",
            count,
        ) % {"count": count}


@pytest.fixture
def person(client):
    user = user_create(phone_number=OLD)
    client.force_login(user)
    return user


def ask(client, phone=NEW):
    return client.post(PHONE_PAGE, {"phone": phone})


def confirm(client, code, capture=None):
    if capture is None:
        return client.post(CODE_PAGE, {"code": code})
    with capture(execute=True):
        return client.post(CODE_PAGE, {"code": code})


def phone_change_records():
    return AuditRecord.objects.filter(action=AuditAction.PHONE_CHANGE)


class PhoneChangePageTests:
    def test_profile_shows_the_number_and_the_way_to_change_it(self, client, person):
        html = page(client.get(PROFILE_PAGE))
        assert OLD in html
        assert f'href="{reverse("accounts_phone_change")}"' in html
        assert 'name="phone_number"' not in html

    def test_the_pages_are_plain_forms_without_javascript(
        self, client, person, sms_log
    ):
        html = page(client.get(PHONE_PAGE))
        form = html[html.index('<form class="form narrow" method="post"') :]
        form = form[: form.index("</form>")]
        assert re.search(r'<input type="tel" name="phone"[^>]*>', form)
        assert 'type="submit"' in form
        assert "<script" not in form
        ask(client)
        html = page(client.get(CODE_PAGE))
        code_input = re.search(r'<input[^>]*name="code"[^>]*>', html).group(0)
        assert 'autocomplete="one-time-code"' in code_input
        assert 'inputmode="numeric"' in code_input

    def test_needs_sign_in(self, client):
        for url in (PHONE_PAGE, CODE_PAGE):
            assert_sign_in_here(client.get(url), url)
        assert client.post(REMOVE_URL)["Location"].startswith("/uz/accounts/login/")


class PhoneChangeTests:
    def test_the_number_changes_only_after_the_code_sent_to_the_new_one(
        self, client, person, sms_log, django_capture_on_commit_callbacks
    ):
        response = ask(client)
        assert response.status_code == 302
        assert response["Location"] == CODE_PAGE
        (code,) = codes_sent_to(sms_log, NEW)
        assert codes_sent_to(sms_log, OLD) == []
        person.refresh_from_db()
        assert person.phone_number == OLD
        assert NEW in page(client.get(CODE_PAGE))

        response = confirm(client, code, django_capture_on_commit_callbacks)
        assert response.status_code == 302
        assert response["Location"] == PROFILE_PAGE
        person.refresh_from_db()
        assert person.phone_number == NEW
        assert escape(
            uz("Your new phone number is saved. From now on, sign in with it.")
        ) in page(client.get(PROFILE_PAGE))

    def test_the_old_number_is_told_without_a_code_or_the_new_number(
        self, client, person, sms_log, django_capture_on_commit_callbacks
    ):
        ask(client)
        (code,) = codes_sent_to(sms_log, NEW)
        confirm(client, code, django_capture_on_commit_callbacks)
        to_old = [text for number, text in texts(sms_log) if number == OLD]
        assert len(to_old) == 1
        assert (
            uz(
                "Koʻmak: this phone number was taken off your account and no longer "
                "signs you in. If you did not do this, sign in with your password and "
                "check your details, or ask Koʻmak for help."
            )
            in to_old[0]
        )
        assert not re.search(r"\d{4,}", to_old[0])
        assert NEW not in to_old[0]

    def test_the_change_is_audited_with_the_numbers_as_pseudonyms_only(
        self, client, person, sms_log, django_capture_on_commit_callbacks
    ):
        ask(client, "90 765 43 21")
        (code,) = codes_sent_to(sms_log, NEW)
        confirm(client, code, django_capture_on_commit_callbacks)
        (record,) = phone_change_records()
        assert record.actor_id == person.pk
        assert (record.target_type, record.target_id) == (
            "accounts.user",
            str(person.pk),
        )
        assert record.detail == {
            "change": "changed",
            "old_phone_pseudonym": phone_pseudonym(OLD),
            "new_phone_pseudonym": phone_pseudonym(NEW),
        }
        stored = json.dumps(
            [record.detail, record.target_id, record.actor_pseudonym, record.hash]
        )
        for digits in ("901110000", "907654321"):
            assert digits not in stored

    @pytest.mark.parametrize("typed", ["90 765 43 21", "+998 (90) 765-43-21"])
    def test_the_new_number_is_normalised_like_the_sign_in(
        self, client, person, sms_log, typed, django_capture_on_commit_callbacks
    ):
        ask(client, typed)
        (code,) = codes_sent_to(sms_log, NEW)
        confirm(client, f" {code[:3]} {code[3:]} ", django_capture_on_commit_callbacks)
        person.refresh_from_db()
        assert person.phone_number == NEW

    def test_afterwards_the_new_number_signs_in_and_the_old_one_does_not(
        self, client, person, sms_log, django_capture_on_commit_callbacks
    ):
        from django.test import Client

        ask(client)
        (code,) = codes_sent_to(sms_log, NEW)
        confirm(client, code, django_capture_on_commit_callbacks)
        sms_log.clear()
        Client().post("/uz/accounts/login/phone/", {"phone": OLD})
        assert codes_sent_to(sms_log, OLD) == []
        Client().post("/uz/accounts/login/phone/", {"phone": NEW})
        assert len(codes_sent_to(sms_log, NEW)) == 1

    def test_a_person_without_a_number_can_add_one(
        self, client, sms_log, django_capture_on_commit_callbacks
    ):
        person = user_create(phone_number=None)
        client.force_login(person)
        assert uz("Add a phone number") in page(client.get(PROFILE_PAGE))
        ask(client)
        (code,) = codes_sent_to(sms_log, NEW)
        confirm(client, code, django_capture_on_commit_callbacks)
        person.refresh_from_db()
        assert person.phone_number == NEW
        assert [number for number, _text in texts(sms_log)] == [NEW]


class BadInputTests:
    def test_a_wrong_code_is_refused_in_plain_words(self, client, person, sms_log):
        ask(client)
        (code,) = codes_sent_to(sms_log, NEW)
        response = confirm(client, wrong_code(code))
        assert response.status_code == 400
        assert escape(tries_left_message(4)) in page(response)
        person.refresh_from_db()
        assert person.phone_number == OLD
        assert not phone_change_records().exists()

    def test_an_empty_code_uses_no_try(self, client, person, sms_log):
        ask(client)
        (code,) = codes_sent_to(sms_log, NEW)
        response = confirm(client, "")
        assert escape(uz("Please type the 6-digit code from the SMS.")) in page(
            response
        )
        response = confirm(client, wrong_code(code))
        assert escape(tries_left_message(4)) in page(response)

    def test_five_wrong_tries_end_the_code(
        self, client, person, sms_log, django_capture_on_commit_callbacks
    ):
        ask(client)
        (code,) = codes_sent_to(sms_log, NEW)
        for tries_left in (4, 3, 2, 1):
            assert escape(tries_left_message(tries_left)) in page(
                confirm(client, wrong_code(code))
            )
        response = confirm(client, wrong_code(code))
        assert response.status_code == 302
        assert response["Location"] == PHONE_PAGE
        assert escape(
            uz(
                "The code was typed wrongly %(count)d times, so it no longer works. "
                "This keeps your account safe. Please ask for a new code.",
                count=5,
            )
        ) in page(client.get(PHONE_PAGE))
        # Even the right code does not work any more.
        confirm(client, code, django_capture_on_commit_callbacks)
        person.refresh_from_db()
        assert person.phone_number == OLD

    def test_an_expired_code_is_refused_and_explained(
        self, client, person, sms_log, shift_clock
    ):
        ask(client)
        (code,) = codes_sent_to(sms_log, NEW)
        shift_clock(5 * 60 + 1)
        response = confirm(client, code)
        assert response.status_code == 302
        assert response["Location"] == PHONE_PAGE
        assert escape(
            uz(
                "This code has expired: a code works for %(minutes)d minutes only. "
                "Please ask for a new code.",
                minutes=5,
            )
        ) in page(client.get(PHONE_PAGE))
        person.refresh_from_db()
        assert person.phone_number == OLD

    def test_a_code_still_works_just_before_five_minutes(
        self, client, person, sms_log, shift_clock, django_capture_on_commit_callbacks
    ):
        ask(client)
        (code,) = codes_sent_to(sms_log, NEW)
        shift_clock(5 * 60 - 5)
        confirm(client, code, django_capture_on_commit_callbacks)
        person.refresh_from_db()
        assert person.phone_number == NEW

    @pytest.mark.parametrize(
        ("typed", "message"),
        [
            (
                "telefon",
                "Write the phone number with digits only, for example "
                "+998 90 123 45 67.",
            ),
            ("", "Please type your phone number."),
            (OLD, "This is already your phone number."),
            ("90 111 00 00", "This is already your phone number."),
        ],
    )
    def test_a_number_that_cannot_be_used_is_explained_and_nothing_sent(
        self, client, person, sms_log, typed, message
    ):
        response = ask(client, typed)
        assert response.status_code == 400
        assert escape(uz(message)) in page(response)
        assert 'class="field-error"' in page(response)
        assert texts(sms_log) == []

    def test_the_code_page_without_a_code_asked_for_goes_back(self, client, person):
        response = client.get(CODE_PAGE)
        assert response.status_code == 302
        assert response["Location"] == PHONE_PAGE
        response = confirm(client, "123456")
        assert response["Location"] == PHONE_PAGE
        person.refresh_from_db()
        assert person.phone_number == OLD


class NumberOfAnotherAccountTests:
    def test_the_form_answers_the_same_for_a_taken_and_a_free_number(
        self, client, person, sms_log
    ):
        user_create(
            phone_number=NEW, full_name="Zulfiya Tursunova", username="zulfiya_t"
        )
        taken = ask(client, NEW)
        free = ask(client, "+998935550000")
        assert (taken.status_code, taken["Location"]) == (
            free.status_code,
            free["Location"],
        )

    def test_refused_after_the_code_without_saying_whose(
        self, client, person, sms_log, django_capture_on_commit_callbacks
    ):
        other = user_create(
            phone_number=NEW, full_name="Zulfiya Tursunova", username="zulfiya_t"
        )
        ask(client)
        (code,) = codes_sent_to(sms_log, NEW)
        response = confirm(client, code, django_capture_on_commit_callbacks)
        assert response.status_code == 302
        assert response["Location"] == PHONE_PAGE
        html = page(client.get(PHONE_PAGE))
        assert (
            escape(uz("This phone number is already used by another account.")) in html
        )
        assert "Zulfiya Tursunova" not in html
        assert "zulfiya_t" not in html
        person.refresh_from_db()
        other.refresh_from_db()
        assert (person.phone_number, other.phone_number) == (OLD, NEW)
        assert not phone_change_records().exists()
        assert [number for number, _text in texts(sms_log)] == [NEW]


class DoubleSubmitTests:
    def test_a_double_tap_on_confirm_changes_once(
        self, client, person, sms_log, django_capture_on_commit_callbacks
    ):
        ask(client)
        (code,) = codes_sent_to(sms_log, NEW)
        first = confirm(client, code, django_capture_on_commit_callbacks)
        second = confirm(client, code, django_capture_on_commit_callbacks)
        assert first["Location"] == PROFILE_PAGE
        assert second.status_code == 302
        person.refresh_from_db()
        assert person.phone_number == NEW
        assert phone_change_records().count() == 1
        assert len([number for number, _text in texts(sms_log) if number == OLD]) == 1

    def test_the_same_change_saved_twice_is_recorded_once(
        self, person, django_capture_on_commit_callbacks
    ):
        # Two confirmations racing past the session: the service changes once.
        from accounts.phone_change import user_phone_change

        with django_capture_on_commit_callbacks(execute=True):
            assert user_phone_change(user=person, phone=NEW) is True
            assert user_phone_change(user=person, phone=NEW) is False
        assert phone_change_records().count() == 1

    def test_a_double_tap_on_send_sends_the_same_code(
        self, client, person, sms_log, django_capture_on_commit_callbacks
    ):
        ask(client)
        ask(client)
        codes = codes_sent_to(sms_log, NEW)
        assert len(codes) == 2
        assert codes[0] == codes[1]
        confirm(client, codes[0], django_capture_on_commit_callbacks)
        person.refresh_from_db()
        assert person.phone_number == NEW

    def test_wrong_tries_still_count_after_asking_again(self, client, person, sms_log):
        ask(client)
        (code,) = codes_sent_to(sms_log, NEW)
        confirm(client, wrong_code(code))
        ask(client)
        assert escape(tries_left_message(3)) in page(confirm(client, wrong_code(code)))


class LimitTests:
    def test_a_fourth_code_for_one_number_in_15_minutes_is_refused(
        self, client, person, sms_log
    ):
        for _ in range(3):
            assert ask(client).status_code == 302
        response = ask(client)
        assert response.status_code == 400
        assert escape(
            uz(
                "Too many codes were asked for this number or by you. Please wait "
                "15 minutes and try again; after 10 codes in one day, wait a day."
            )
        ) in page(response)
        assert len(codes_sent_to(sms_log, NEW)) == 3

    def test_one_person_gets_at_most_10_codes_a_day(self, client, person, sms_log):
        for number in range(10):
            assert ask(client, f"+99893555{number:04d}").status_code == 302
        response = ask(client, "+998935559999")
        assert response.status_code == 400
        assert codes_sent_to(sms_log, "+998935559999") == []


class PhoneRemoveTests:
    def test_removing_the_number_tells_it_and_is_audited(
        self, client, person, sms_log, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(REMOVE_URL)
        assert response.status_code == 302
        person.refresh_from_db()
        assert person.phone_number is None
        assert [number for number, _text in texts(sms_log)] == [OLD]
        (record,) = phone_change_records()
        assert record.detail == {
            "change": "removed",
            "old_phone_pseudonym": phone_pseudonym(OLD),
            "new_phone_pseudonym": "",
        }

    def test_removing_needs_a_post(self, client, person):
        assert client.get(REMOVE_URL).status_code == 405
        person.refresh_from_db()
        assert person.phone_number == OLD

    def test_removing_without_a_number_does_nothing(self, client, sms_log):
        client.force_login(user_create(phone_number=None))
        assert client.post(REMOVE_URL).status_code == 302
        assert not phone_change_records().exists()
        assert texts(sms_log) == []

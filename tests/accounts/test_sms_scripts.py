"""Sign-in and phone codes in the reader's script (issue 17): a code asked for from
an Uzbek Cyrillic page, or by someone whose account says Uzbek Cyrillic, comes in
Cyrillic; the code itself and other languages are as before."""

import re

import pytest
from django.utils import translation

from accounts.otp import code_language, login_code_sms_send
from accounts.phone_change import phone_change_code_sms_send, phone_removed_sms_send
from core.transliteration import latin_to_cyrillic
from tests.accounts.factories import user_create

pytestmark = pytest.mark.django_db

PHONE = "+998901112233"
SIGN_IN_TEXT = (
    "Koʻmak sign-in code: %(code)s. It works for %(minutes)d minutes. "
    "Never tell it to anyone, even to someone who says they are from Koʻmak."
)


def sms_texts(sms_log) -> list[str]:
    return [
        record.getMessage().split(": ", 1)[1]
        for record in sms_log.records
        if record.name == "komak.sms"
    ]


def in_uzbek_latin(msgid: str, **params) -> str:
    with translation.override("uz"):
        return translation.gettext(msgid) % params


class SignInCodeTests:
    def send(self, page_language: str, preferred: str) -> None:
        person = user_create(phone_number=PHONE, preferred_language=preferred)
        with translation.override(page_language):
            assert login_code_sms_send(user=person, code="123456")

    def test_a_cyrillic_page_gets_a_cyrillic_code(self, sms_log):
        self.send("uz-cyrl", "uz")
        (text,) = sms_texts(sms_log)
        assert "123456" in text
        assert re.findall(r"[A-Za-z]+", text) == []
        latin = in_uzbek_latin(SIGN_IN_TEXT, code="123456", minutes=5)
        assert text == latin_to_cyrillic(latin)

    def test_a_cyrillic_reader_on_a_latin_page_gets_cyrillic(self, sms_log):
        self.send("uz", "uz-cyrl")
        (text,) = sms_texts(sms_log)
        assert text.startswith("Кўмак")
        assert re.findall(r"[A-Za-z]+", text) == []

    def test_a_latin_reader_keeps_latin(self, sms_log):
        self.send("uz", "uz")
        assert sms_texts(sms_log) == [
            in_uzbek_latin(SIGN_IN_TEXT, code="123456", minutes=5)
        ]

    @pytest.mark.parametrize("language", ["ru", "kaa", "en"])
    def test_other_languages_are_as_written(self, sms_log, language):
        # The page's language wins over an Uzbek one on the account: the person is
        # reading that page while the code comes.
        self.send(language, "uz-cyrl")
        with translation.override(language):
            expected = translation.gettext(SIGN_IN_TEXT) % {
                "code": "123456",
                "minutes": 5,
            }
        assert sms_texts(sms_log) == [expected]

    def test_the_language_of_a_code(self):
        person = user_create(preferred_language="uz-cyrl")
        for page, expected in (("uz", "uz-cyrl"), ("uz-cyrl", "uz-cyrl"), ("ru", "ru")):
            with translation.override(page):
                assert code_language(person) == expected


class PhoneChangeCodeTests:
    def test_the_new_numbers_code_is_cyrillic_from_a_cyrillic_page(self, sms_log):
        with translation.override("uz-cyrl"):
            phone_change_code_sms_send(phone=PHONE, code="654321")
            phone_removed_sms_send(phone=PHONE)
        code, removed = sms_texts(sms_log)
        assert "654321" in code
        for text in (code, removed):
            assert re.findall(r"[A-Za-z]+", text) == [], text

    def test_latin_from_a_latin_page(self, sms_log):
        with translation.override("uz"):
            phone_removed_sms_send(phone=PHONE)
        (text,) = sms_texts(sms_log)
        assert text.startswith("Koʻmak")

"""Fuzzing the accounts forms (the profile, reading comfort, the language switch,
a new phone number and its code, taking the number off, deleting the account) and
the sign-in forms (password, sign-up, phone code), as nobody, a learner and a
learner with a phone number."""

import pytest
from allauth.account.internal.flows.phone_verification import (
    PHONE_VERIFICATION_SESSION_KEY,
)
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from hypothesis import given
from hypothesis import strategies as st

from consultations.models import Booking, ConsentRecord
from tests.accounts.factories import PASSWORD, user_create

from .harness import Fuzzer, fuzz_settings, signed_in
from .strategies import any_text, digits, form_data
from .worlds import User

pytestmark = pytest.mark.django_db

ACCOUNT_MODELS = [User, EmailAddress, Authenticator, Booking, ConsentRecord]
ROLES = ["anonymous", "learner", "with_phone"]
PHONE = "+998901112233"
OTHER_PHONE = "+998905556677"
NEW_PHONE = "+998907778899"
# The spellings a person types, right and wrong.
phones = st.one_of(
    st.sampled_from(
        [
            PHONE,
            OTHER_PHONE,
            NEW_PHONE,
            "90 777 88 99",
            "+998 (90) 777-88-99",
            "998907778899",
            "907778899",
            "+7 912 345 67 89",
            "+998",
            "++998907778899",
            "９０７７７８８９９",
            "+998 90 777 88 99 ext 1",
        ]
    ),
    digits,
)
codes = st.one_of(
    digits,
    st.sampled_from(["", "000000", "12345", "1234567", " 123456 ", "12-34-56", "x"]),
)


def account_fuzzer(name: str):
    learner = user_create(email="learner@example.com")
    with_phone = user_create(phone_number=PHONE)
    user_create(phone_number=OTHER_PHONE, username="someone")
    clients = {
        "anonymous": signed_in(None),
        "learner": signed_in(learner),
        "with_phone": signed_in(with_phone),
    }
    return Fuzzer(clients=clients, models=ACCOUNT_MODELS, name=name)


class AccountFuzzTests:
    def test_profile(self):
        fuzzer = account_fuzzer("profile")
        profile = form_data(
            {
                "full_name": st.sampled_from(["Gulnora Saidova", "Ali"]),
                "email": st.sampled_from(
                    ["a@example.com", "learner@example.com", "not-an-email", "a@b"]
                ),
                "preferred_language": st.sampled_from(["uz", "ru", "kaa", "xx"]),
                "region": st.sampled_from(["", "tashkent", "karakalpakstan", "mars"]),
                "district": st.just("Chilonzor"),
                "birth_year": st.sampled_from(["1950", "1899", "2031", "", "١٩٥٠"]),
            }
        )

        @fuzz_settings("profile")
        @given(st.sampled_from(ROLES), profile)
        def run(role, data):
            fuzzer.example(
                lambda: fuzzer.request(role, "POST", "/uz/accounts/profile/", data=data)
            )

        run()
        fuzzer.check_spread(accepted_at_least=1)

    def test_comfort_and_language(self):
        fuzzer = account_fuzzer("comfort_and_language")
        comfort = form_data(
            {
                "text_size": st.sampled_from(["normal", "large", "huge"]),
                "contrast": st.sampled_from(["normal", "high", "low"]),
                "next": st.sampled_from(["/uz/", "//evil.example/", "https://x.y/"]),
            }
        )
        language = form_data(
            {
                "language": st.sampled_from(["uz", "uz-cyrl", "ru", "kaa", "en", "de"]),
                "next": st.sampled_from(["/uz/", "//evil.example/", "/ru/search/"]),
            }
        )

        @fuzz_settings("comfort_and_language")
        @given(
            st.sampled_from(ROLES),
            st.one_of(
                comfort.map(lambda data: ("/uz/accounts/comfort/", data)),
                language.map(lambda data: ("/language/", data)),
            ),
        )
        def run(role, request):
            path, data = request
            fuzzer.example(lambda: fuzzer.request(role, "POST", path, data=data))

        run()
        fuzzer.check_spread(accepted_at_least=1)

    def test_phone_change(self):
        fuzzer = account_fuzzer("phone_change")

        @fuzz_settings("phone_change")
        @given(
            st.sampled_from(ROLES),
            st.sampled_from(["profile/phone", "profile/phone/remove"]),
            form_data({"phone": phones}),
            st.booleans(),
        )
        def run(role, page, data, twice):
            path = f"/uz/accounts/{page}/"

            def requests():
                fuzzer.request(role, "POST", path, data=data)
                if twice:  # "I got no SMS": asked again
                    fuzzer.request(role, "POST", path, data=data)

            fuzzer.example(requests)

        run()
        fuzzer.check_spread(accepted_at_least=1)

    def test_phone_change_confirm(self):
        fuzzer = account_fuzzer("phone_change_confirm")

        @fuzz_settings("phone_change_confirm")
        @given(
            st.sampled_from(ROLES),
            st.sampled_from([NEW_PHONE, OTHER_PHONE]),
            st.lists(
                st.one_of(st.just("the right code"), form_data({"code": codes})),
                min_size=1,
                max_size=7,
            ),
        )
        def run(role, new_phone, tries):
            client = fuzzer.clients[role]

            def requests():
                fuzzer.request(
                    role,
                    "POST",
                    "/uz/accounts/profile/phone/",
                    data={"phone": new_phone},
                )
                for data in tries:
                    if data == "the right code":
                        state = client.session.get(PHONE_VERIFICATION_SESSION_KEY) or {}
                        data = {"code": state.get("code", "")}
                    fuzzer.request(
                        role, "POST", "/uz/accounts/profile/phone/code/", data=data
                    )

            fuzzer.example(requests)

        run()
        fuzzer.check_spread(accepted_at_least=1)

    def test_phone_code(self):
        fuzzer = account_fuzzer("phone_code")

        @fuzz_settings("phone_code")
        @given(
            st.sampled_from(ROLES),
            form_data({"phone": phones}),
            st.lists(form_data({"code": codes, "remember": st.just("on")}), max_size=6),
        )
        def run(role, request_data, tries):
            def requests():
                fuzzer.request(
                    role, "POST", "/uz/accounts/login/phone/", data=request_data
                )
                for data in tries:
                    fuzzer.request(
                        role, "POST", "/uz/accounts/login/phone/code/", data=data
                    )

            fuzzer.example(requests)

        run()
        fuzzer.check_spread(accepted_at_least=1)

    def test_sign_in_and_up(self):
        fuzzer = account_fuzzer("sign_in_and_up")
        sign_in = form_data(
            {
                "login": st.one_of(phones, st.sampled_from(["someone", "user1"])),
                "password": st.sampled_from([PASSWORD, "wrong", ""]),
                "remember": st.just("on"),
            }
        )
        sign_up = form_data(
            {
                "full_name": st.just("Yangi Odam"),
                "username": st.sampled_from(["newperson", "someone", "a b", "x" * 200]),
                "phone_number": phones,
                "email": st.sampled_from(["", "n@example.com", "learner@example.com"]),
                "password1": st.sampled_from([PASSWORD, "short"]),
                "password2": st.sampled_from([PASSWORD, "other"]),
                "region": st.sampled_from(["", "tashkent", "mars"]),
                "district": any_text,
                "birth_year": st.sampled_from(["1950", "1800", "x"]),
            }
        )

        @fuzz_settings("sign_in_and_up")
        @given(
            st.sampled_from(ROLES),
            st.one_of(
                sign_in.map(lambda data: ("/uz/accounts/login/", data)),
                sign_up.map(lambda data: ("/uz/accounts/signup/", data)),
            ),
        )
        def run(role, request):
            path, data = request
            fuzzer.example(lambda: fuzzer.request(role, "POST", path, data=data))

        run()
        fuzzer.check_spread(accepted_at_least=1)

    def test_account_delete(self):
        fuzzer = account_fuzzer("account_delete")
        confirm = form_data(
            {
                "password": st.sampled_from([PASSWORD, "wrong", ""]),
                "understood": st.sampled_from(["on", ""]),
            }
        )

        @fuzz_settings("account_delete")
        @given(st.sampled_from(ROLES), confirm)
        def run(role, data):
            fuzzer.example(
                lambda: fuzzer.request(
                    role, "POST", "/uz/accounts/profile/delete/", data=data
                )
            )

        run()
        fuzzer.check_spread(accepted_at_least=1)

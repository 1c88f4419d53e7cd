"""Sign-in limits count the person, not the spelling, and the address is the
client's behind our proxies (accounts/adapter.py, accounts/selectors.py,
core/proxy.py; issue 13).

Every limit is reached through the real sign-in pages. A phone number may be typed
in many ways (with or without +998, 998 or the old domestic 8, with spaces, dashes,
brackets or dots, in Arabic-Indic digits): all of them are one person, so all of
them share one count.
"""

import pytest
from django.utils.html import escape

from accounts.phone import normalize_phone
from tests.accounts.factories import PASSWORD, user_create
from tests.support.i18n import uz

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_limits")]

LOGIN_PAGE = "/uz/accounts/login/"
CODE_PAGE = "/uz/accounts/login/phone/"
PHONE = "+998901234567"
SPELLINGS = [
    "901234567",
    "+998 90 123-45-67",
    "998901234567",
    "8 90 123 45 67",
    "(90) 123.45.67",
    "+998 (90) 123-45-67",
    "00998 90 1234567",
    "٩٠١٢٣٤٥٦٧",  # Arabic-Indic digits
    "+998-90-123-45-67",
]
PROXY = "10.0.0.2"


def locked_message() -> str:
    return escape(uz("Too many failed login attempts. Try again later."))


def code_limit_message() -> str:
    return uz(
        "Too many codes were asked for this number or from this network. "
        "Please wait 15 minutes and try again; after 10 codes in one day, wait "
        "a day. You can also sign in with your password."
    )


def sign_in(client, login: str, password: str = PASSWORD, **extra):
    return client.post(LOGIN_PAGE, {"login": login, "password": password}, **extra)


def signed_in_user_id(client):
    return client.session.get("_auth_user_id")


class SpellingTests:
    @pytest.mark.parametrize("typed", SPELLINGS)
    def test_every_spelling_is_the_same_number(self, typed):
        assert normalize_phone(typed) == PHONE

    def test_an_international_number_starting_with_8_is_not_taken_for_domestic(
        self,
    ):
        assert normalize_phone("+8 90 123 45 67") == "+8901234567"

    @pytest.mark.parametrize("typed", SPELLINGS)
    def test_every_spelling_signs_in_with_the_right_password(self, client, typed):
        person = user_create(phone_number=PHONE)
        sign_in(client, typed)
        assert signed_in_user_id(client) == str(person.pk)


class FailedSignInLimitTests:
    def test_five_wrong_passwords_in_mixed_spellings_lock_every_spelling(self, client):
        person = user_create(phone_number=PHONE)
        for typed in SPELLINGS[:5]:
            refused = sign_in(client, typed, "not-the-password")
            assert refused.status_code == 200
            assert locked_message() not in refused.content.decode()

        for typed in [*SPELLINGS[5:], person.username, person.username.upper()]:
            locked = sign_in(client, typed)
            assert signed_in_user_id(client) is None, typed
            assert locked_message() in locked.content.decode(), typed

    def test_wrong_passwords_for_the_username_count_for_the_number_too(self, client):
        person = user_create(phone_number=PHONE)
        for _ in range(5):
            sign_in(client, person.username, "not-the-password")
        locked = sign_in(client, "8 (90) 123 45 67")
        assert signed_in_user_id(client) is None
        assert locked_message() in locked.content.decode()

    def test_other_people_are_not_locked_by_it(self, client):
        user_create(phone_number=PHONE)
        other = user_create(phone_number="+998901234568")
        for typed in SPELLINGS[:5]:
            sign_in(client, typed, "not-the-password")
        sign_in(client, "90 123 45 68")
        assert signed_in_user_id(client) == str(other.pk)

    def test_a_number_without_an_account_locks_alike(self, client):
        """Nothing tells a number with an account from one without."""
        for typed in SPELLINGS[:5]:
            sign_in(client, typed, "not-the-password")
        locked = sign_in(client, SPELLINGS[7], "not-the-password")
        assert locked_message() in locked.content.decode()


class CodeRequestLimitTests:
    """3 codes per number in 15 minutes, however the number is written."""

    def test_fourth_code_in_any_spelling_is_refused(self, client, sms_log):
        user_create(phone_number=PHONE)
        for typed, address in zip(
            ["8 90 123 45 67", "٩٠١٢٣٤٥٦٧", "(90) 123.45.67"],
            ["10.0.0.1", "10.0.0.2", "10.0.0.3"],
            strict=True,
        ):
            asked = client.post(CODE_PAGE, {"phone": typed}, REMOTE_ADDR=address)
            assert asked.status_code == 302, typed
        refused = client.post(
            CODE_PAGE, {"phone": "998 90 123-45-67"}, REMOTE_ADDR="10.0.0.4"
        )
        assert refused.status_code == 200
        assert code_limit_message() in refused.content.decode()


class BehindProxyTests:
    """Behind one proxy (TRUSTED_PROXY_COUNT = 1) the address limits count the
    client the proxy saw: the last address in X-Forwarded-For."""

    @pytest.fixture(autouse=True)
    def one_proxy(self, settings):
        settings.TRUSTED_PROXY_COUNT = 1
        settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1

    def test_failed_sign_ins_count_per_client_not_per_proxy(self, client):
        people = [user_create() for _ in range(5)]
        for attempt in range(20):
            # The client writes a different forged hop each time; the proxy
            # appends the address it really saw.
            sign_in(
                client,
                people[attempt % 4].username,
                "guess",
                REMOTE_ADDR=PROXY,
                HTTP_X_FORWARDED_FOR=f"198.18.0.{attempt}, 203.0.113.7",
            )
        blocked = sign_in(
            client,
            people[4].username,
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR="203.0.113.7",
        )
        assert signed_in_user_id(client) is None
        assert locked_message() in blocked.content.decode()

        sign_in(
            client,
            people[4].username,
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR="198.51.100.9",
        )
        assert signed_in_user_id(client) == str(people[4].pk)

    def test_code_requests_count_per_client_not_per_proxy(self, client, sms_log):
        numbers = [f"+9989011100{index:02d}" for index in range(21)]
        for number in numbers:
            user_create(phone_number=number)
        for index, number in enumerate(numbers[:20]):
            asked = client.post(
                CODE_PAGE,
                {"phone": number},
                REMOTE_ADDR=PROXY,
                HTTP_X_FORWARDED_FOR=f"192.0.2.{index}, 203.0.113.7",
            )
            assert asked.status_code == 302
        refused = client.post(
            CODE_PAGE,
            {"phone": numbers[20]},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR="203.0.113.7",
        )
        assert code_limit_message() in refused.content.decode()
        other_client = client.post(
            CODE_PAGE,
            {"phone": numbers[20]},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR="198.51.100.9",
        )
        assert other_client.status_code == 302

    def test_fewer_forwarded_addresses_than_proxies_is_no_error(self, client, settings):
        """A request that skipped the outer proxy is counted under the nearest
        address instead of failing (allauth's own reading raises)."""
        settings.TRUSTED_PROXY_COUNT = 2
        settings.ALLAUTH_TRUSTED_PROXY_COUNT = 2
        person = user_create(phone_number=PHONE)
        sign_in(
            client, "90 123 45 67", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="192.0.2.1"
        )
        assert signed_in_user_id(client) == str(person.pk)

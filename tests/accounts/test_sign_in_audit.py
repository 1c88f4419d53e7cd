"""The audit trail of sign-in by phone code and of the staff second factor
(accounts/services.py, accounts/signals.py, accounts/otp_views.py).

Every step is recorded through real requests: a code asked for, a wrong, an expired
and a last wrong code, a refusal by the limits, the accepted code, and an
authenticator code accepted or refused. The number appears only as its keyed
pseudonym, the code never, and a number without an account leaves the same kind of
records as one with an account.
"""

import hashlib
import hmac

import pytest
from django.urls import reverse

from accounts.mfa import totp_enrol
from accounts.services import phone_pseudonym
from audit.chain import pseudonym
from audit.models import AuditAction, AuditRecord
from audit.selectors import audit_chain_verify
from tests.accounts import test_phone_code as phone_code_tests
from tests.accounts.factories import PASSWORD, user_create
from tests.accounts.test_phone_code import PHONE, UNKNOWN_PHONE, signed_in, the_code
from tests.support.mfa import candidate_codes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_limits")]

# The phone-code tests' movable clock; fresh limits and the SMS log come from
# tests/conftest.py.
shift_clock = phone_code_tests.shift_clock

CODE_ACTIONS = [
    AuditAction.PHONE_CODE_REQUEST,
    AuditAction.PHONE_CODE_RATE_LIMITED,
    AuditAction.PHONE_CODE_WRONG,
    AuditAction.PHONE_CODE_EXPIRED,
    AuditAction.PHONE_CODE_TOO_MANY_TRIES,
    AuditAction.PHONE_CODE_SIGN_IN,
]


def ask_for_code(client, phone=PHONE, **extra):
    return client.post(
        reverse("accounts_phone_code_request"), {"phone": phone}, **extra
    )


def type_code(client, code, *, url_name="accounts_phone_code_confirm"):
    return client.post(reverse(url_name), {"code": code})


def on_second_factor_page(response) -> bool:
    return response.get("Location", "").startswith(reverse("mfa_authenticate"))


def code_records(phone: str | None = None) -> list[AuditRecord]:
    records = AuditRecord.objects.filter(action__in=CODE_ACTIONS).order_by("sequence")
    if phone is not None:
        records = records.filter(detail__phone_pseudonym=phone_pseudonym(phone))
    return list(records)


def actions(records) -> list[str]:
    return [record.action for record in records]


def wrong_code_for(code: str) -> str:
    return "000000" if code != "000000" else "111111"


def assert_no_number_or_code(record: AuditRecord, *secrets: str) -> None:
    text = f"{record.detail} {record.target_id} {record.actor_pseudonym}"
    for secret in secrets:
        assert secret.lstrip("+") not in text


class PhonePseudonymTests:
    def test_a_keyed_hmac_of_the_canonical_number(self, settings):
        settings.AUDIT_PSEUDONYM_KEY = "a test key"
        key = hashlib.sha256(b"komak-audit-pseudonym:a test key").digest()
        expected = hmac.new(key, f"phone:{PHONE}".encode(), hashlib.sha256)
        assert phone_pseudonym(PHONE) == expected.hexdigest()[:32]
        assert phone_pseudonym(PHONE) == pseudonym("phone", PHONE)

    def test_the_same_number_however_written(self):
        assert phone_pseudonym("90 111 22 33") == phone_pseudonym(PHONE)
        assert phone_pseudonym("+998 90 111-22-33") == phone_pseudonym(PHONE)

    def test_another_key_gives_another_name(self, settings):
        before = phone_pseudonym(PHONE)
        settings.AUDIT_PSEUDONYM_KEY = "another key"
        assert phone_pseudonym(PHONE) != before

    def test_no_number_gives_no_name(self):
        assert phone_pseudonym("") == ""
        assert phone_pseudonym(None) == ""

    def test_text_that_is_no_number_still_gets_a_name_not_the_text(self):
        assert phone_pseudonym("not a number") == pseudonym("phone", "not a number")


class CodeRequestAuditTests:
    def test_known_and_unknown_numbers_leave_the_same_kind_of_record(
        self, client, sms_log
    ):
        from django.test import Client

        user_create(phone_number=PHONE)
        ask_for_code(client, PHONE)
        ask_for_code(Client(), UNKNOWN_PHONE)
        known, unknown = code_records()
        assert actions([known, unknown]) == [AuditAction.PHONE_CODE_REQUEST] * 2
        for record, phone in ((known, PHONE), (unknown, UNKNOWN_PHONE)):
            assert record.actor_id is None
            assert record.actor_pseudonym == ""
            assert (record.target_type, record.target_id) == ("", "")
            assert record.ip_address == "127.0.0.1"
            assert record.detail == {"phone_pseudonym": phone_pseudonym(phone)}
            assert_no_number_or_code(record, phone, the_code(sms_log))
        assert audit_chain_verify().ok

    def test_one_number_typed_two_ways_is_one_pseudonym(self, client, sms_log):
        user_create(phone_number=PHONE)
        ask_for_code(client, "90 111 22 33")
        ask_for_code(client, "+998 90 111 22 33")
        first, second = code_records()
        assert first.detail == second.detail

    def test_no_phone_number_records_nothing(self, client):
        response = ask_for_code(client, "call me")
        assert response.status_code == 200
        assert code_records() == []

    def test_an_empty_number_records_nothing(self, client):
        ask_for_code(client, "")
        assert code_records() == []


class CodeRefusedAuditTests:
    def test_a_refused_request_is_recorded_once_a_minute_per_address(
        self, client, sms_log, shift_clock
    ):
        user_create(phone_number=PHONE)
        for _ in range(3):
            ask_for_code(client)
        assert ask_for_code(client).status_code == 200  # refused
        assert ask_for_code(client).status_code == 200  # refused again
        refused = [
            record
            for record in code_records(PHONE)
            if record.action == AuditAction.PHONE_CODE_RATE_LIMITED
        ]
        assert len(refused) == 1
        assert refused[0].ip_address == "127.0.0.1"
        assert refused[0].actor_id is None
        # From another address at once, and from this one a minute later.
        ask_for_code(client, REMOTE_ADDR="10.0.0.9")
        shift_clock(61)
        ask_for_code(client)
        assert actions(code_records(PHONE))[-2:] == [
            AuditAction.PHONE_CODE_RATE_LIMITED,
            AuditAction.PHONE_CODE_RATE_LIMITED,
        ]

    def test_an_unknown_number_is_recorded_alike(self, client, sms_log):
        for _ in range(4):
            ask_for_code(client, UNKNOWN_PHONE)
        assert actions(code_records(UNKNOWN_PHONE)) == [
            AuditAction.PHONE_CODE_REQUEST
        ] * 3 + [AuditAction.PHONE_CODE_RATE_LIMITED]


class CodeTypedAuditTests:
    def test_the_right_code_is_recorded_with_the_person(self, client, sms_log):
        person = user_create(phone_number=PHONE)
        ask_for_code(client)
        code = the_code(sms_log)
        type_code(client, code)
        assert signed_in(client)
        accepted = code_records(PHONE)[-1]
        assert accepted.action == AuditAction.PHONE_CODE_SIGN_IN
        assert accepted.actor_id == person.pk
        assert (accepted.target_type, accepted.target_id) == (
            "accounts.user",
            str(person.pk),
        )
        assert_no_number_or_code(accepted, PHONE, code)
        assert AuditRecord.objects.filter(
            action=AuditAction.SIGN_IN, actor_id=person.pk
        ).exists()

    @pytest.mark.parametrize("phone", [PHONE, UNKNOWN_PHONE])
    def test_wrong_codes_then_the_last_try(self, client, sms_log, phone):
        user_create(phone_number=PHONE)
        ask_for_code(client, phone)
        wrong = wrong_code_for(the_code(sms_log) if phone == PHONE else "")
        for _ in range(5):
            type_code(client, wrong)
        records = code_records(phone)
        assert actions(records) == [
            AuditAction.PHONE_CODE_REQUEST,
            *[AuditAction.PHONE_CODE_WRONG] * 4,
            AuditAction.PHONE_CODE_TOO_MANY_TRIES,
        ]
        for record in records:
            assert record.actor_id is None
            assert record.target_id == ""
            assert_no_number_or_code(record, phone, wrong)
        # Typing on after the code has ended is not another try.
        type_code(client, wrong)
        assert len(code_records(phone)) == len(records)

    def test_an_empty_code_is_not_a_try_and_not_recorded(self, client, sms_log):
        user_create(phone_number=PHONE)
        ask_for_code(client)
        type_code(client, "")
        assert actions(code_records()) == [AuditAction.PHONE_CODE_REQUEST]

    def test_a_wrong_code_on_allauths_own_page_is_recorded_too(self, client, sms_log):
        user_create(phone_number=PHONE)
        ask_for_code(client)
        response = type_code(
            client,
            wrong_code_for(the_code(sms_log)),
            url_name="account_confirm_login_code",
        )
        assert response.status_code == 200
        assert actions(code_records(PHONE))[-1] == AuditAction.PHONE_CODE_WRONG

    def test_an_expired_code_is_recorded(self, client, sms_log, shift_clock):
        user_create(phone_number=PHONE)
        ask_for_code(client)
        code = the_code(sms_log)
        shift_clock(5 * 60 + 1)
        type_code(client, code)
        assert not signed_in(client)
        expired = code_records(PHONE)[-1]
        assert expired.action == AuditAction.PHONE_CODE_EXPIRED
        assert expired.actor_id is None
        assert_no_number_or_code(expired, PHONE, code)

    def test_opening_the_code_page_late_is_no_typed_code(
        self, client, sms_log, shift_clock
    ):
        user_create(phone_number=PHONE)
        ask_for_code(client)
        shift_clock(6 * 60)
        client.get(reverse("accounts_phone_code_confirm"))
        assert actions(code_records()) == [AuditAction.PHONE_CODE_REQUEST]

    def test_a_code_with_nothing_asked_for_records_nothing(self, client):
        """Anyone can post to the code page; with no pending request there is no
        number to name, and nothing bounds how often, so nothing is written."""
        response = type_code(client, "123456")
        assert response.status_code == 302
        assert code_records() == []


class SecondFactorAuditTests:
    @pytest.fixture
    def staff(self):
        from demo.people import DEMO_TOTP_SECRET

        person = user_create(roles=("Specialist",))
        totp_enrol(user=person, secret=DEMO_TOTP_SECRET)
        return person

    def password_step(self, client, person):
        response = client.post(
            reverse("account_login"),
            {"login": person.username, "password": PASSWORD},
        )
        assert on_second_factor_page(response)

    def second_factor_records(self):
        return list(
            AuditRecord.objects.filter(
                action__in=[AuditAction.MFA_SIGN_IN, AuditAction.MFA_SIGN_IN_FAILED]
            ).order_by("sequence")
        )

    def test_a_right_authenticator_code_is_recorded(self, client, staff):
        self.password_step(client, staff)
        for code in candidate_codes():
            response = client.post(reverse("mfa_authenticate"), {"code": code})
            if not on_second_factor_page(response):
                break
        assert signed_in(client)
        passed = self.second_factor_records()[-1]
        assert passed.action == AuditAction.MFA_SIGN_IN
        assert passed.actor_id == staff.pk
        assert passed.target_id == str(staff.pk)
        assert passed.detail == {"authenticator": "totp", "reauthentication": False}
        assert passed.ip_address == "127.0.0.1"
        assert audit_chain_verify().ok

    def test_a_wrong_authenticator_code_is_recorded_without_a_person(
        self, client, staff
    ):
        self.password_step(client, staff)
        wrong = next(
            code
            for code in ("000000", "111111", "222222")
            if code not in candidate_codes()
        )
        response = client.post(reverse("mfa_authenticate"), {"code": wrong})
        assert response.status_code == 200
        assert not signed_in(client)
        records = self.second_factor_records()
        assert actions(records) == [AuditAction.MFA_SIGN_IN_FAILED]
        failed = records[0]
        assert failed.actor_id is None
        assert (failed.target_type, failed.target_id) == (
            "accounts.user",
            str(staff.pk),
        )
        assert failed.detail == {"authenticator": "totp", "reauthentication": False}
        assert wrong not in str(failed.detail)

    def test_an_empty_authenticator_code_records_nothing(self, client, staff):
        self.password_step(client, staff)
        client.post(reverse("mfa_authenticate"), {"code": ""})
        assert self.second_factor_records() == []


class SecondFactorChangeTests:
    @pytest.mark.parametrize(
        ("signal_name", "change"),
        [
            ("authenticator_added", "added"),
            ("authenticator_removed", "removed"),
            ("authenticator_reset", "reset"),
        ],
    )
    def test_each_change_of_a_second_factor_is_recorded(self, rf, signal_name, change):
        from allauth.mfa import signals
        from allauth.mfa.models import Authenticator

        staff = user_create(roles=["Coordinator"])
        codes = Authenticator.objects.create(
            user=staff, type=Authenticator.Type.RECOVERY_CODES, data={}
        )
        request = rf.post("/uz/accounts/2fa/", REMOTE_ADDR="203.0.113.9")
        getattr(signals, signal_name).send(
            sender=Authenticator, request=request, user=staff, authenticator=codes
        )
        (record,) = AuditRecord.objects.filter(action=AuditAction.MFA_CHANGE)
        assert record.actor_id == staff.pk
        assert record.detail == {"change": change, "authenticator": "recovery_codes"}
        assert record.ip_address == "203.0.113.9"
        assert audit_chain_verify().ok

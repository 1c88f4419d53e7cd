"""Sign-up, sign-in by username or phone, sign-out, password reset, profile."""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse

from accounts.phone import normalize_phone, phone_display
from accounts.regions import Region
from tests.accounts.factories import PASSWORD, user_create
from tests.support.i18n import uz
from tests.support.sign_in_here import assert_sign_in_here

pytestmark = pytest.mark.django_db
User = get_user_model()


def signup_data(**overrides):
    data = {
        "full_name": "Gulnora Ergasheva",
        "username": "gulnora",
        "phone_number": "+998 93 555 12 34",
        "email": "",
        "password1": "quyoshli-kun-2026",
        "password2": "quyoshli-kun-2026",
        "region": "namangan",
        "district": "Chust",
        "birth_year": "1955",
    }
    data.update(overrides)
    return data


class PhoneNumberTests:
    @pytest.mark.parametrize(
        ("raw", "expected"),
        [
            ("+998 90 123-45-67", "+998901234567"),
            ("901234567", "+998901234567"),
            ("00998901234567", "+998901234567"),
            ("(90) 123 45 67", "+998901234567"),
            ("+7 912 345 67 89", "+79123456789"),
        ],
    )
    def test_normalises(self, raw, expected):
        assert normalize_phone(raw) == expected

    @pytest.mark.parametrize(
        ("stored", "shown"),
        [
            ("+998901110004", "+998 90 111 00 04"),
            ("+79123456789", "+79123456789"),
            ("", ""),
        ],
    )
    def test_displays_an_uzbek_number_in_groups(self, stored, shown):
        assert phone_display(stored) == shown

    @pytest.mark.parametrize("raw", ["abc", "12345", "+99890123456789012", "90 12x 45"])
    def test_rejects_with_a_plain_message(self, raw):
        with pytest.raises(ValidationError) as caught:
            normalize_phone(raw)
        assert caught.value.messages[0] in {
            uz(
                "Write the phone number with digits only, for example +998 90 123 45 67."  # noqa: E501
            ),
            uz(
                "This phone number is too short or too long. Example: +998 90 123 45 67."  # noqa: E501
            ),
        }


class SignUpTests:
    def test_sign_up_creates_a_learner_with_profile_fields(self, client):
        response = client.post(reverse("account_signup"), signup_data())
        assert response.status_code == 302
        user = User.objects.get(username="gulnora")
        assert user.full_name == "Gulnora Ergasheva"
        assert user.phone_number == "+998935551234"
        assert user.region == Region.NAMANGAN
        assert user.birth_year == 1955
        assert user.is_learner
        assert not user.is_staff

    def test_phone_number_already_used_is_refused(self, client):
        user_create(phone_number="+998935551234")
        response = client.post(reverse("account_signup"), signup_data())
        assert response.status_code == 200
        assert uz("This phone number is already used by another account.") in (
            response.content.decode()
        )
        assert not User.objects.filter(username="gulnora").exists()

    def test_bad_birth_year_and_short_password_are_explained(self, client):
        response = client.post(
            reverse("account_signup"),
            signup_data(birth_year="1700", password1="abc", password2="abc"),
        )
        html = response.content.decode()
        assert response.status_code == 200
        assert 'class="field-error"' in html
        assert not User.objects.filter(username="gulnora").exists()

    def test_the_errors_are_summed_up_with_links_to_their_fields(self, client):
        response = client.post(
            reverse("account_signup"),
            signup_data(birth_year="1700", password1="abc", password2="abc"),
        )
        html = response.content.decode()
        summary = html[
            html.index("data-error-summary") : html.index('id="id_username"')
        ]
        assert uz("There is a problem") in summary
        assert 'href="#id_birth_year"' in summary
        assert 'href="#id_password1"' in summary

    def test_phone_is_unique_in_the_database(self):
        user_create(phone_number="+998900000001")
        with pytest.raises(IntegrityError):
            user_create(phone_number="+998900000001")


class SignInTests:
    def test_sign_in_with_username(self, client):
        user_create(username="saodat")
        response = client.post(
            reverse("account_login"), {"login": "saodat", "password": PASSWORD}
        )
        assert response.status_code == 302
        assert client.get(reverse("accounts_profile")).status_code == 200

    @pytest.mark.parametrize(
        "typed", ["+998901112233", "90 111 22 33", "+998 (90) 111-22-33"]
    )
    def test_sign_in_with_phone_number_however_written(self, client, typed):
        user_create(username="saodat", phone_number="+998901112233")
        response = client.post(
            reverse("account_login"), {"login": typed, "password": PASSWORD}
        )
        assert response.status_code == 302

    def test_wrong_password_is_refused_with_a_message(self, client):
        user_create(username="saodat", phone_number="+998901112233")
        response = client.post(
            reverse("account_login"),
            {"login": "+998901112233", "password": "wrong-one"},
        )
        assert response.status_code == 200
        assert 'role="alert"' in response.content.decode()
        profile = reverse("accounts_profile")
        assert_sign_in_here(client.get(profile), profile)

    def test_sign_out(self, client):
        client.force_login(user_create())
        response = client.post(reverse("account_logout"))
        assert response.status_code == 302
        profile = reverse("accounts_profile")
        assert_sign_in_here(client.get(profile), profile)

    def test_password_reset_sends_a_link(self, client):
        user_create(username="malika", email="malika@example.org")
        response = client.post(
            reverse("account_reset_password"), {"email": "malika@example.org"}
        )
        assert response.status_code == 302
        assert len(mail.outbox) == 1
        assert "malika@example.org" in mail.outbox[0].to


class ProfileTests:
    def test_needs_sign_in(self, client):
        user_create(full_name="Maxfiy Ismli")
        response = client.get(reverse("accounts_profile"))
        html = assert_sign_in_here(response, reverse("accounts_profile"))
        assert "Maxfiy Ismli" not in html

    def test_update(self, client):
        user = user_create()
        client.force_login(user)
        response = client.post(
            reverse("accounts_profile"),
            {
                "full_name": "Yangi Ism",
                "email": "",
                "preferred_language": "ru",
                "region": "khorezm",
                "district": "Xiva",
                "birth_year": "1960",
            },
        )
        assert response.status_code == 302
        user.refresh_from_db()
        assert user.full_name == "Yangi Ism"
        assert user.preferred_language == "ru"
        assert user.district == "Xiva"

    def test_a_wrong_choice_is_summed_up_above_the_fields(self, client):
        client.force_login(user_create())
        response = client.post(
            reverse("accounts_profile"),
            {"full_name": "Yangi Ism", "preferred_language": "xx"},
        )
        html = response.content.decode()
        assert response.status_code == 200
        summary = html[
            html.index("data-error-summary") : html.index('id="id_full_name"')
        ]
        assert uz("There is a problem") in summary
        assert 'href="#id_preferred_language"' in summary

    def test_a_phone_number_posted_with_the_details_changes_nothing(self, client):
        # The number signs in: it changes only after a code (test_phone_change.py).
        user = user_create(phone_number="+998901110000")
        client.force_login(user)
        response = client.post(
            reverse("accounts_profile"),
            {
                "full_name": "Yangi Ism",
                "phone_number": "90 765 43 21",
                "email": "",
                "preferred_language": "uz",
                "region": "",
                "district": "",
                "birth_year": "",
            },
        )
        assert response.status_code == 302
        user.refresh_from_db()
        assert user.full_name == "Yangi Ism"
        assert user.phone_number == "+998901110000"

    def test_bad_input_is_explained_and_nothing_changes(self, client):
        user = user_create(full_name="Eski Ism")
        client.force_login(user)
        response = client.post(
            reverse("accounts_profile"),
            {
                "full_name": "Boshqa",
                "preferred_language": "xx",
                "region": "atlantis",
                "birth_year": "abc",
            },
        )
        html = response.content.decode()
        assert response.status_code == 200
        assert html.count('class="field-error"') == 3
        user.refresh_from_db()
        assert user.full_name == "Eski Ism"

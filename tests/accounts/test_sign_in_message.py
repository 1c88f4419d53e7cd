"""The message after signing in names the person, never the login she typed."""

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from accounts.templatetags.accounts_tags import person_name
from tests.accounts.factories import PASSWORD, user_create
from tests.support.i18n import uz

pytestmark = pytest.mark.django_db

LOGIN_PAGE = "/uz/accounts/login/"


def sign_in_messages(user, login: str | None = None) -> list[str]:
    response = Client().post(
        LOGIN_PAGE, {"login": login or user.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    return [str(message) for message in get_messages(response.wsgi_request)]


class SignInMessageTests:
    def test_the_message_names_the_person(self):
        user = user_create(username="nodira1975", full_name="Nodira Karimova")
        shown = sign_in_messages(user)
        assert uz("Successfully signed in as %(name)s.", name="Nodira Karimova") in (
            shown
        )
        assert not any("nodira1975" in message for message in shown)

    def test_without_a_full_name_the_phone_in_groups(self):
        user = user_create(
            username="998901110099", full_name="", phone_number="+998901110099"
        )
        shown = sign_in_messages(user)
        expected = uz("Successfully signed in as %(name)s.", name="+998 90 111 00 99")
        assert expected in shown
        assert not any("998901110099" in message for message in shown)

    def test_signing_in_by_phone_names_the_person_too(self):
        user = user_create(full_name="Aziza Yusupova", phone_number="+998901110098")
        shown = sign_in_messages(user, login="+998901110098")
        assert uz("Successfully signed in as %(name)s.", name="Aziza Yusupova") in shown

    def test_with_neither_no_login_is_shown(self):
        user = user_create(username="login7", full_name="", phone_number=None)
        shown = sign_in_messages(user)
        assert shown == [uz("You are signed in.")]


class PersonNameTests:
    def test_full_name_first_then_phone_then_nothing(self):
        assert person_name(user_create(full_name=" Ali Valiyev ")) == "Ali Valiyev"
        phone_only = user_create(full_name="", phone_number="+998901110097")
        assert person_name(phone_only) == "+998 90 111 00 97"
        assert person_name(user_create(full_name="", phone_number=None)) == ""
        assert person_name(None) == ""

"""A second-factor secret is only ever read from its encrypted form
(accounts.adapter.MFAAdapter.decrypt): one stored in clear is refused, so that
whoever can write to the database cannot plant a secret of their own; the staff
member is told in plain words, never shown an error page."""

import pytest
from allauth.mfa.models import Authenticator
from django.utils.html import escape

from accounts.adapter import MFAAdapter, PlainSecretRefused
from accounts.mfa import totp_enrol
from core.encryption import encrypt_text
from tests.accounts.factories import PASSWORD, user_create
from tests.support.i18n import uz
from tests.support.mfa import MFA_PAGE, totp_code

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_limits")]

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
LOGIN_PAGE = "/uz/accounts/login/"


def unreadable_message() -> str:
    return escape(
        uz(
            "Your authenticator app cannot be checked. Please ask an administrator "
            "to set it up again for you."
        )
    )


class DecryptTests:
    def test_an_encrypted_secret_is_opened(self):
        assert MFAAdapter().decrypt(encrypt_text(SECRET)) == SECRET

    @pytest.mark.parametrize("stored", [SECRET, "", "gAAAA", "not a token at all"])
    def test_a_value_not_in_the_encrypted_form_is_refused(self, stored):
        with pytest.raises(PlainSecretRefused):
            MFAAdapter().decrypt(stored)


class SignInWithAPlantedSecretTests:
    def test_a_code_from_a_secret_in_clear_does_not_sign_in(self, client):
        staff = user_create(roles=("Coordinator",))
        Authenticator.objects.create(
            user=staff, type=Authenticator.Type.TOTP, data={"secret": SECRET}
        )
        asked = client.post(LOGIN_PAGE, {"login": staff.username, "password": PASSWORD})
        assert asked["Location"] == MFA_PAGE

        refused = client.post(MFA_PAGE, {"code": totp_code(SECRET)})
        assert refused.status_code == 200
        assert unreadable_message() in refused.content.decode()
        assert client.session.get("_auth_user_id") is None

    def test_an_encrypted_secret_still_signs_in(self, client):
        staff = user_create(roles=("Coordinator",))
        totp_enrol(user=staff, secret=SECRET)
        client.post(LOGIN_PAGE, {"login": staff.username, "password": PASSWORD})
        passed = client.post(MFA_PAGE, {"code": totp_code(SECRET)})
        assert passed.status_code == 302
        assert client.session.get("_auth_user_id") == str(staff.pk)

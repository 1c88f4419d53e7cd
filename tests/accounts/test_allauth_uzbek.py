"""allauth's words in Uzbek as Uzbek is written (issue 18): oʻ and gʻ with the
turned comma (U+02BB), the tutuq belgisi ʼ (U+02BC), never a straight apostrophe,
and sentence case. allauth's own Uzbek catalog has neither; the corrected strings
are in admin_locale's catalog, which must win over allauth's."""

import re
from pathlib import Path

import polib
import pytest
from allauth import __file__ as allauth_init
from django.apps import apps
from django.conf import settings
from django.test import Client
from django.utils import translation

from accounts.mfa import totp_enrol
from tests.accounts.factories import PASSWORD, user_create
from tests.cms.test_admin_language import visible_text
from tests.support.i18n import uz
from tests.support.mfa import MFA_PAGE

STRAIGHT_IN_WORD = re.compile(r"[A-Za-z]'[A-Za-z]")
ALLAUTH_UZ = Path(allauth_init).parent / "locale" / "uz" / "LC_MESSAGES" / "django.po"
OURS_UZ = (
    Path(apps.get_app_config("admin_locale").path)
    / "locale"
    / "uz"
    / "LC_MESSAGES"
    / "django.po"
)
PAGES = {
    "sign-in": "/uz/accounts/login/",
    "sign-up": "/uz/accounts/signup/",
    "password reset": "/uz/accounts/password/reset/",
}


def catalog(path: Path) -> dict[str, str]:
    return {entry.msgid: entry.msgstr for entry in polib.pofile(str(path))}


@pytest.mark.django_db
class UzbekPagesTests:
    @pytest.mark.parametrize("name", PAGES)
    def test_no_straight_apostrophe_inside_a_word(self, name):
        response = Client().get(PAGES[name])
        assert response.status_code == 200
        text = visible_text(response.content.decode())
        assert STRAIGHT_IN_WORD.findall(text) == [], (name, text)

    def test_sign_up_is_spelt_with_the_turned_comma(self):
        text = visible_text(Client().get(PAGES["sign-up"]).content.decode())
        assert "Roʻyxatdan oʻtish" in text
        # allauth's "Sign Up" heading, in sentence case.
        assert uz("Sign Up") == "Roʻyxatdan oʻtish"

    def test_password_reset_is_spelt_with_the_turned_comma(self):
        text = visible_text(Client().get(PAGES["password reset"]).content.decode())
        assert uz("Reset My Password") in text
        assert "Parolimni tiklash" in text
        assert "bogʻlaning" in text  # "Please contact us if you have any trouble…"

    def test_sign_in_is_spelt_with_the_turned_comma(self):
        text = visible_text(Client().get(PAGES["sign-in"]).content.decode())
        assert uz("Remember Me") == "Meni eslab qolish" and "Meni eslab qolish" in text
        assert "yoʻqmi" in text

    def test_the_authenticator_step_has_no_straight_apostrophe(self):
        trainer = user_create(roles=("Trainer",))
        totp_enrol(user=trainer, secret="JBSWY3DPEHPK3PXP")
        browser = Client()
        signed = browser.post(
            PAGES["sign-in"], {"login": trainer.username, "password": PASSWORD}
        )
        assert signed["Location"] == MFA_PAGE
        text = visible_text(browser.get(MFA_PAGE).content.decode())
        assert uz("Two-Factor Authentication") == "Ikki bosqichli autentifikatsiya"
        assert "Ikki bosqichli autentifikatsiya" in text
        assert STRAIGHT_IN_WORD.findall(text) == [], text
        wrong = browser.post(MFA_PAGE, {"code": "000000"})
        text = visible_text(wrong.content.decode())
        assert "Notoʻgʻri kod." in text
        assert STRAIGHT_IN_WORD.findall(text) == [], text

    def test_the_password_rules_are_in_uzbek(self):
        text = visible_text(Client().get(PAGES["sign-up"]).content.decode())
        assert "Your password" not in text
        assert "Parol faqat raqamlardan iborat boʻlmasin." in text


class CatalogTests:
    def test_our_catalog_wins_over_allauths(self):
        """Django prefers an earlier app's catalog: admin_locale before allauth."""
        ours, theirs = catalog(OURS_UZ), catalog(ALLAUTH_UZ)
        for msgid in ("Sign Up", "Invalid login.", "Incorrect code.", "Remember Me"):
            assert ours[msgid] != theirs[msgid], msgid
            assert uz(msgid) == ours[msgid], msgid

    def test_the_catalog_app_comes_before_allauth(self):
        installed = list(settings.INSTALLED_APPS)
        assert installed.index("admin_locale") < installed.index("allauth")
        assert installed.index("admin_locale") < installed.index("allauth.account")
        assert installed.index("admin_locale") < installed.index("allauth.mfa")

    def test_no_straight_apostrophe_in_any_of_our_uzbek(self):
        bad = [
            (entry.msgid, text)
            for entry in polib.pofile(str(OURS_UZ))
            for text in [entry.msgstr, *entry.msgstr_plural.values()]
            if STRAIGHT_IN_WORD.search(text) or re.search(r"[oOgG][‘’`]", text)
        ]
        assert bad == []

    def test_allauth_headings_are_in_sentence_case(self):
        ours = catalog(OURS_UZ)
        for msgid in ("Current Password", "Change Password", "Password Reset"):
            words = ours[msgid].split()
            assert all(word == word.lower() for word in words[1:]), ours[msgid]

    def test_the_sign_in_code_step_is_uzbek_too(self):
        with translation.override("uz"):
            assert translation.gettext("Incorrect code.") == "Notoʻgʻri kod."
        with translation.override("uz-cyrl"):
            assert translation.gettext("Incorrect code.") == "Нотўғри код."

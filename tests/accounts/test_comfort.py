"""Comfort settings: chosen before sign-in, kept on the device and on the account,
applied by the server as classes on <html>."""

import re

import pytest
from django.urls import reverse

from accounts.comfort import COOKIE_NAME
from tests.accounts.factories import PASSWORD, user_create
from tests.support.i18n import uz

pytestmark = pytest.mark.django_db

LARGE_AND_HIGH = {"text_size": "large", "contrast": "high"}


def html_classes(response) -> str:
    match = re.search(
        r"<html[^>]*?(?: class=\"([^\"]*)\")?>", response.content.decode()
    )
    assert match, "no <html> tag"
    return match.group(1) or ""


def sign_in(client, user):
    response = client.post(
        reverse("account_login"), {"login": user.username, "password": PASSWORD}
    )
    assert response.status_code == 302


class ComfortBeforeSignInTests:
    def test_every_page_links_to_the_settings(self, client):
        response = client.get("/uz/search/")
        assert (
            reverse("accounts_comfort") + "?next=/uz/search/"
            in response.content.decode()
        )

    def test_choice_is_kept_on_the_device_and_shapes_every_page(self, client):
        response = client.post(reverse("accounts_comfort"), LARGE_AND_HIGH)
        assert response.status_code == 302
        assert response.cookies[COOKIE_NAME].value == "text-large.contrast-high"
        assert response.cookies[COOKIE_NAME]["httponly"]
        assert html_classes(client.get("/uz/search/")) == "text-large contrast-high"

    def test_going_back_to_normal(self, client):
        client.post(reverse("accounts_comfort"), LARGE_AND_HIGH)
        client.post(
            reverse("accounts_comfort"), {"text_size": "normal", "contrast": "normal"}
        )
        assert html_classes(client.get("/uz/search/")) == ""

    def test_the_form_shows_the_current_choice(self, client):
        client.post(reverse("accounts_comfort"), LARGE_AND_HIGH)
        page = client.get(reverse("accounts_comfort")).content.decode()
        assert re.search(r'value="large"[^>]*checked', page)
        assert re.search(r'value="high"[^>]*checked', page)

    def test_returns_to_the_page_being_read(self, client):
        response = client.post(
            reverse("accounts_comfort"),
            {**LARGE_AND_HIGH, "next": "/uz/search/?query=a"},
        )
        assert response["Location"] == "/uz/search/?query=a"

    def test_never_sends_anyone_to_another_site(self, client):
        response = client.post(
            reverse("accounts_comfort"),
            {**LARGE_AND_HIGH, "next": "https://evil.example/"},
        )
        assert response["Location"] == reverse("accounts_comfort")

    def test_an_unknown_answer_is_refused_in_words_and_nothing_changes(self, client):
        response = client.post(
            reverse("accounts_comfort"), {"text_size": "huge", "contrast": "high"}
        )
        assert response.status_code == 400
        assert (
            uz("Please choose one answer in each group.") in response.content.decode()
        )
        assert COOKIE_NAME not in response.cookies
        assert html_classes(client.get("/uz/search/")) == ""

    def test_a_tampered_cookie_gives_only_known_classes(self, client):
        client.cookies[COOKIE_NAME] = "<script>.text-large.contrast-huge"
        response = client.get("/uz/search/")
        assert html_classes(response) == "text-large"
        assert "<script>." not in response.content.decode()


class ComfortOnTheAccountTests:
    def test_a_choice_made_signed_in_follows_the_person_to_another_phone(
        self, client_factory
    ):
        user = user_create()
        phone = client_factory()
        sign_in(phone, user)
        phone.post(
            reverse("accounts_comfort"), {"text_size": "large", "contrast": "normal"}
        )
        user.refresh_from_db()
        assert (user.large_text, user.high_contrast) == (True, False)

        other_phone = client_factory()
        assert html_classes(other_phone.get("/uz/search/")) == ""
        sign_in(other_phone, user)
        assert html_classes(other_phone.get("/uz/search/")) == "text-large"

    def test_a_choice_made_before_signing_in_is_kept_on_the_account(self, client):
        user = user_create()
        client.post(reverse("accounts_comfort"), LARGE_AND_HIGH)
        sign_in(client, user)
        user.refresh_from_db()
        assert (user.large_text, user.high_contrast) == (True, True)

    def test_the_account_keeps_its_own_choice_over_a_borrowed_phone(self, client):
        user = user_create(high_contrast=True)
        client.post(
            reverse("accounts_comfort"), {"text_size": "large", "contrast": "normal"}
        )
        sign_in(client, user)
        user.refresh_from_db()
        assert (user.large_text, user.high_contrast) == (False, True)
        assert html_classes(client.get("/uz/search/")) == "contrast-high"


@pytest.fixture
def client_factory():
    from django.test import Client

    return Client


class FormFieldDescriptionTests:
    """Hints and errors are tied to their field (aria-describedby), so that a screen
    reader says them with the field."""

    def test_every_description_points_to_text_on_the_page(self, client):
        response = client.post(
            reverse("account_signup"),
            {"username": "", "password1": "short", "password2": "other"},
        )
        html = response.content.decode()
        described = re.findall(r'aria-describedby="([^"]+)"', html)
        assert described, "no field has a description"
        ids = set(re.findall(r'\bid="([^"]+)"', html))
        for references in described:
            for reference in references.split():
                assert reference in ids, reference
        assert any(ref.endswith("_error") for refs in described for ref in refs.split())

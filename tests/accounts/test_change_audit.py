"""Audit records of a person's own security changes (a password changed, set or
reset; an e-mail address changed on the profile or on allauth's e-mail page) and of
admins viewing or listing people in Wagtail's user screens (accounts/admin_users.py),
all through the real pages."""

import json
import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from accounts.mfa import totp_enrol
from accounts.services import email_pseudonym
from audit.models import AuditAction, AuditRecord
from tests.accounts.factories import PASSWORD, user_create

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_limits")]

NEW_PASSWORD = "yangi-parol-bahor-2026"  # noqa: S105
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def records(action):
    return AuditRecord.objects.filter(action=action)


def profile_details(**overrides):
    data = {
        "full_name": "Malika Sodiqova",
        "email": "",
        "preferred_language": "uz",
        "region": "",
        "district": "",
        "birth_year": "",
    }
    data.update(overrides)
    return data


class PasswordAuditTests:
    def test_a_changed_password_is_recorded(self, client):
        person = user_create()
        client.force_login(person)
        response = client.post(
            reverse("account_change_password"),
            {
                "oldpassword": PASSWORD,
                "password1": NEW_PASSWORD,
                "password2": NEW_PASSWORD,
            },
        )
        assert response.status_code == 302
        (record,) = records(AuditAction.PASSWORD_CHANGE)
        assert record.actor_id == person.pk
        assert record.target_id == str(person.pk)
        assert record.detail == {"how": "changed"}

    def test_a_refused_change_is_not_recorded_as_one(self, client):
        person = user_create()
        client.force_login(person)
        response = client.post(
            reverse("account_change_password"),
            {
                "oldpassword": "not-my-password",
                "password1": NEW_PASSWORD,
                "password2": NEW_PASSWORD,
            },
        )
        assert response.status_code == 200
        assert not records(AuditAction.PASSWORD_CHANGE).exists()

    def test_a_first_password_set_is_recorded(self, client):
        person = user_create()
        person.set_unusable_password()
        person.save()
        client.force_login(person)
        response = client.post(
            reverse("account_set_password"),
            {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )
        assert response.status_code == 302
        (record,) = records(AuditAction.PASSWORD_CHANGE)
        assert (record.actor_id, record.detail) == (person.pk, {"how": "set"})

    def test_a_reset_from_the_emailed_link_is_recorded(self, client):
        person = user_create(email="malika@example.org")
        client.post(reverse("account_reset_password"), {"email": "malika@example.org"})
        (message,) = mail.outbox
        link = re.search(
            r"https?://[^/\s]+(/\S+/password/reset/key/\S+/)", message.body
        )
        assert not records(AuditAction.PASSWORD_RESET).exists()
        form_page = client.get(link.group(1))
        assert form_page.status_code == 302  # allauth hides the key from the page
        response = client.post(
            form_page["Location"],
            {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )
        assert response.status_code == 302
        (record,) = records(AuditAction.PASSWORD_RESET)
        assert record.actor_id == person.pk
        assert record.target_id == str(person.pk)
        assert record.detail == {"how": "reset"}
        person.refresh_from_db()
        assert person.check_password(NEW_PASSWORD)


class EmailAuditTests:
    def test_a_changed_address_on_the_profile_is_recorded_as_pseudonyms(self, client):
        person = user_create(email="old@example.org")
        client.force_login(person)
        response = client.post(
            reverse("accounts_profile"), profile_details(email="New@Example.org")
        )
        assert response.status_code == 302
        (record,) = records(AuditAction.EMAIL_CHANGE)
        assert record.actor_id == person.pk
        assert record.target_id == str(person.pk)
        assert record.detail == {
            "how": "profile",
            "old_email_pseudonym": email_pseudonym("old@example.org"),
            "new_email_pseudonym": email_pseudonym("new@example.org"),
        }
        assert "example.org" not in json.dumps(record.detail)

    def test_saving_the_profile_without_a_new_address_records_nothing(self, client):
        person = user_create(email="same@example.org")
        client.force_login(person)
        client.post(
            reverse("accounts_profile"),
            profile_details(full_name="Yangi Ism", email="same@example.org"),
        )
        person.refresh_from_db()
        assert person.full_name == "Yangi Ism"
        assert not records(AuditAction.EMAIL_CHANGE).exists()

    def test_an_invalid_address_changes_and_records_nothing(self, client):
        person = user_create(email="old@example.org")
        client.force_login(person)
        response = client.post(
            reverse("accounts_profile"), profile_details(email="not an address")
        )
        assert response.status_code == 200
        person.refresh_from_db()
        assert person.email == "old@example.org"
        assert not records(AuditAction.EMAIL_CHANGE).exists()

    def test_an_address_added_on_allauths_page_is_recorded(self, client):
        person = user_create()
        client.force_login(person)
        response = client.post(
            reverse("account_email"),
            {"action_add": "", "email": "added@example.org"},
        )
        assert response.status_code == 302
        assert EmailAddress.objects.filter(user=person).exists()
        (record,) = records(AuditAction.EMAIL_CHANGE)
        assert record.actor_id == person.pk
        assert record.detail == {
            "how": "added",
            "old_email_pseudonym": "",
            "new_email_pseudonym": email_pseudonym("added@example.org"),
        }


def admin_browser(client):
    admin = user_create(roles=(), is_staff=True, is_superuser=True)
    totp_enrol(user=admin, secret=TOTP_SECRET)
    client.force_login(admin)
    return admin


class AdminUserReadAuditTests:
    def test_each_list_page_view_leaves_one_record_with_the_count(self, client):
        for _ in range(3):
            user_create()
        admin = admin_browser(client)
        response = client.get("/admin/users/")
        assert response.status_code == 200
        (record,) = records(AuditAction.USER_LIST_VIEW)
        everyone = response.context["paginator"].count
        assert record.actor_id == admin.pk
        assert record.detail == {
            "shown": len(response.context["object_list"]),
            "total": everyone,
            "page": 1,
            "searched": False,
            "filtered": False,
        }
        assert record.detail["shown"] >= 4
        client.get("/admin/users/")
        assert records(AuditAction.USER_LIST_VIEW).count() == 2

    def test_a_search_is_recorded_without_what_was_searched(self, client):
        user_create(full_name="Nodira Qosimova", username="nodira")
        admin_browser(client)
        response = client.get("/admin/users/results/", {"q": "nodira"})
        assert response.status_code == 200
        (record,) = AuditRecord.objects.filter(action=AuditAction.USER_LIST_VIEW)
        assert record.detail["searched"] is True
        assert record.detail["shown"] == 1
        assert "nodira" not in json.dumps(record.detail).lower()

    @pytest.mark.parametrize(
        ("url", "screen"),
        [
            ("/admin/users/edit/{pk}/", "edit"),
            ("/admin/users/history/{pk}/", "history"),
            ("/admin/users/usage/{pk}/", "usage"),
            ("/admin/users/copy/{pk}/", "copy"),
            ("/admin/users/delete/{pk}/", "delete"),
        ],
    )
    def test_a_screen_about_one_person_leaves_one_record_naming_them(
        self, client, url, screen
    ):
        person = user_create()
        admin = admin_browser(client)
        response = client.get(url.format(pk=person.pk))
        assert response.status_code == 200
        (record,) = AuditRecord.objects.filter(action=AuditAction.USER_VIEW)
        assert record.actor_id == admin.pk
        assert (record.target_type, record.target_id) == (
            "accounts.user",
            str(person.pk),
        )
        assert record.detail == {"screen": screen}

    @pytest.mark.parametrize("action", ["delete", "assign_role", "set_active_state"])
    def test_a_bulk_action_page_leaves_one_record_per_person_it_names(
        self, client, action
    ):
        people = [user_create(), user_create()]
        admin = admin_browser(client)
        query = "&".join(f"id={person.pk}" for person in people)
        response = client.get(f"/admin/bulk/accounts/user/{action}/?{query}")
        assert response.status_code == 200
        assert str(people[0]) in response.content.decode()
        viewed = AuditRecord.objects.filter(action=AuditAction.USER_VIEW)
        assert sorted(int(record.target_id) for record in viewed) == sorted(
            person.pk for person in people
        )
        assert {record.actor_id for record in viewed} == {admin.pk}
        assert {record.detail["screen"] for record in viewed} == {f"bulk_{action}"}

    def test_a_person_who_does_not_exist_leaves_no_view_record(self, client):
        admin_browser(client)
        assert client.get("/admin/users/edit/999999/").status_code == 404
        assert not AuditRecord.objects.filter(action=AuditAction.USER_VIEW).exists()

    def test_someone_refused_the_user_screens_leaves_no_read_record(self, client):
        coordinator = user_create(roles=("Coordinator",))
        totp_enrol(user=coordinator, secret=TOTP_SECRET)
        client.force_login(coordinator)
        person = user_create()
        assert client.get("/admin/users/").status_code == 302
        assert client.get(f"/admin/users/edit/{person.pk}/").status_code == 302
        assert not AuditRecord.objects.filter(
            action__in=[AuditAction.USER_LIST_VIEW, AuditAction.USER_VIEW]
        ).exists()

"""What feeds the trail without being asked: sign-ins, staff changes to people,
groups and permissions (through the real admin), and Wagtail's admin actions."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from audit.chain import pseudonym
from audit.models import AuditAction, AuditRecord
from audit.selectors import audit_chain_verify
from tests.accounts.factories import PASSWORD, user_create

pytestmark = pytest.mark.django_db
User = get_user_model()


def records(action: str):
    return AuditRecord.objects.filter(action=action).order_by("sequence")


class SignInTests:
    def test_a_sign_in_is_recorded_with_the_address(self, client):
        person = user_create(username="saodat")
        response = client.post(
            reverse("account_login"), {"login": "saodat", "password": PASSWORD}
        )
        assert response.status_code == 302
        record = records(AuditAction.SIGN_IN).get()
        assert record.actor_id == person.pk
        assert record.actor_pseudonym == pseudonym("user", person.pk)
        assert record.ip_address == "127.0.0.1"
        assert (record.target_type, record.target_id) == (
            "accounts.user",
            str(person.pk),
        )

    def test_a_failed_sign_in_is_recorded_without_the_login_in_clear(self, client):
        user_create(username="saodat", phone_number="+998901112233")
        response = client.post(
            reverse("account_login"),
            {"login": "+998901112233", "password": "wrong-one"},
        )
        assert response.status_code == 200
        record = records(AuditAction.SIGN_IN_FAILED).last()
        assert record is not None
        assert record.actor_id is None
        assert record.ip_address == "127.0.0.1"
        assert len(record.detail["login_pseudonym"]) == 32
        assert "998901112233" not in str(record.detail)
        assert not records(AuditAction.SIGN_IN).exists()

    def test_a_sign_out_is_recorded(self, client):
        person = user_create()
        client.force_login(person)
        client.post(reverse("account_logout"))
        assert records(AuditAction.SIGN_OUT).get().actor_id == person.pk


class StaffChangeTests:
    def test_groups_changed_in_the_admin_name_the_staff_member(self, client):
        admin = user_create(roles=(), is_superuser=True, is_staff=True)
        person = user_create(roles=("Learner",))
        coordinators = Group.objects.get(name="Coordinator")
        client.force_login(admin)
        response = client.post(
            reverse("wagtailusers_users:edit", args=[person.pk]),
            {
                "username": person.username,
                "email": "person@example.org",
                "first_name": "Dilnoza",
                "last_name": "Karimova",
                "password1": "",
                "password2": "",
                "is_active": "on",
                "groups": [coordinators.pk],
            },
        )
        assert response.status_code == 302, response.context["form"].errors
        assert person.has_role("Coordinator")
        change = records(AuditAction.USER_GROUPS_CHANGE).filter(
            target_id=str(person.pk), actor_id=admin.pk
        )
        assert change.exists()
        assert coordinators.pk in change.last().detail["ids"]
        assert change.last().ip_address == "127.0.0.1"
        saved = records(AuditAction.USER_CHANGE).filter(target_id=str(person.pk))
        assert saved.filter(actor_id=admin.pk).exists()
        assert audit_chain_verify().ok

    def test_group_permissions_change_is_recorded(self):
        group = Group.objects.create(name="Auditors")
        permission = Permission.objects.get(codename="view_auditrecord")
        group.permissions.add(permission)
        record = records(AuditAction.GROUP_PERMISSIONS_CHANGE).last()
        assert (record.target_type, record.target_id) == ("auth.group", str(group.pk))
        assert record.detail == {
            "change": "add",
            "related": "auth.permission",
            "ids": [permission.pk],
        }

    def test_user_permissions_change_is_recorded(self):
        person = user_create()
        permission = Permission.objects.get(codename="view_auditrecord")
        person.user_permissions.add(permission)
        person.user_permissions.remove(permission)
        changes = [
            r.detail["change"] for r in records(AuditAction.USER_PERMISSIONS_CHANGE)
        ]
        assert changes[-2:] == ["add", "remove"]

    def test_a_person_editing_their_own_profile_is_not_a_staff_change(self, client):
        person = user_create()
        client.force_login(person)
        client.post(
            reverse("accounts_profile"),
            {"full_name": "New Name", "phone_number": "", "preferred_language": "uz"},
        )
        assert (
            not records(AuditAction.USER_CHANGE)
            .filter(target_id=str(person.pk))
            .exists()
        )


class WagtailActionTests:
    def test_publishing_a_page_is_recorded(self):
        from wagtail.models import Page

        from cms.models import StandardPage

        coordinator = user_create(roles=("Coordinator",))
        home = Page.objects.get(depth=2, locale__language_code="uz")
        page = home.add_child(instance=StandardPage(title="Yordam", slug="yordam"))
        page.save_revision(user=coordinator).publish(user=coordinator)
        record = (
            records(AuditAction.ADMIN_ACTION)
            .filter(detail__wagtail_action="wagtail.publish")
            .last()
        )
        assert record is not None
        assert record.actor_id == coordinator.pk
        assert record.target_id == str(page.pk)

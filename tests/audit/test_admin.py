"""Coordinators search the audit trail in the Wagtail admin; nobody can change it
there, and other roles do not see it."""

import pytest

from audit.models import AuditAction, AuditRecord
from audit.selectors import audit_chain_verify
from audit.services import audit_record
from tests.factories import user_create

pytestmark = pytest.mark.django_db

INDEX = "/admin/audit/"


@pytest.fixture
def trail():
    person = user_create()
    return [
        audit_record(
            actor=person,
            action=AuditAction.NOTE_VIEW,
            target=("consultations.sessionnote", 41),
            ip="192.0.2.10",
        ),
        audit_record(actor=None, action=AuditAction.SIGN_IN_FAILED, ip="192.0.2.99"),
    ]


class AuditAdminTests:
    def test_coordinator_lists_and_filters_by_action(self, client, trail):
        client.force_login(user_create(roles=("Coordinator",)))
        response = client.get(INDEX)
        assert response.status_code == 200
        page = response.content.decode()
        assert "192.0.2.10" in page and "192.0.2.99" in page
        filtered = client.get(INDEX, {"action": AuditAction.SIGN_IN_FAILED})
        assert filtered.status_code == 200
        page = filtered.content.decode()
        assert "192.0.2.99" in page
        assert "192.0.2.10" not in page

    def test_coordinator_filters_by_object_and_searches_pseudonym(self, client, trail):
        client.force_login(user_create(roles=("Coordinator",)))
        page = client.get(INDEX, {"target_id": "41"}).content.decode()
        assert "192.0.2.10" in page and "192.0.2.99" not in page
        page = client.get(INDEX, {"q": trail[0].actor_pseudonym}).content.decode()
        assert "192.0.2.10" in page and "192.0.2.99" not in page

    def test_coordinator_inspects_one_record_with_its_hashes(self, client, trail):
        client.force_login(user_create(roles=("Coordinator",)))
        response = client.get(f"{INDEX}inspect/{trail[0].pk}/")
        assert response.status_code == 200
        assert trail[0].hash in response.content.decode()

    @pytest.mark.parametrize("path", ["add/", "edit/{pk}/", "delete/{pk}/"])
    def test_nobody_adds_edits_or_deletes_there(self, client, trail, path):
        """Not even a superuser: Wagtail sends them back to the dashboard (or finds
        no such screen)."""
        client.force_login(user_create(roles=(), is_superuser=True, is_staff=True))
        url = INDEX + path.format(pk=trail[0].pk)
        response = client.get(url)
        assert response.status_code in {302, 404}
        if response.status_code == 302:
            assert response["Location"] == "/admin/"
        client.post(url, {"action": "sign_in"})
        assert AuditRecord.objects.filter(pk=trail[0].pk, action="note_view").exists()
        assert audit_chain_verify().ok

    @pytest.mark.parametrize("role", ["Trainer", "Learner", "Specialist"])
    def test_other_roles_do_not_see_it(self, client, trail, role):
        client.force_login(user_create(roles=(role,)))
        response = client.get(INDEX)
        assert response.status_code in {302, 403}
        assert "192.0.2.10" not in response.content.decode()

    def test_anonymous_is_sent_to_sign_in(self, client, trail):
        response = client.get(INDEX)
        assert response.status_code == 302

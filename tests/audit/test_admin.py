"""Coordinators search the audit trail in the Wagtail admin, seeing pseudonyms only;
every page they view is recorded; nobody can change the trail there; other roles do
not see it; and who is behind a pseudonym is shown to administrators alone, with a
typed reason that is recorded."""

import pytest

from audit.chain import pseudonym
from audit.models import AuditAction, AuditRecord
from audit.selectors import audit_address_shown, audit_chain_verify
from audit.services import audit_record
from tests.accounts.factories import user_create

pytestmark = pytest.mark.django_db

INDEX = "/admin/audit/"
RESULTS = "/admin/audit/results/"
PERSON_ID = 987654321
OTHER_ID = 876543219
REASON = "Request 2026/114 from the ombudsman about a complaint"


def reveal_url(record) -> str:
    return f"{INDEX}reveal/{record.pk}/"


@pytest.fixture
def person():
    return user_create(id=PERSON_ID, username="saodat_r")


@pytest.fixture
def trail(person):
    other = user_create(id=OTHER_ID, username="other_person")
    return [
        audit_record(
            actor=person,
            action=AuditAction.NOTE_VIEW,
            target=("consultations.sessionnote", 41),
            ip="192.0.2.10",
            detail={"booking": 7},
        ),
        audit_record(actor=None, action=AuditAction.SIGN_IN_FAILED, ip="192.0.2.99"),
        # The object of a sign-in, or of a staff change, is a person.
        audit_record(
            actor=person,
            action=AuditAction.USER_VIEW,
            target=other,
            ip="192.0.2.10",
            detail={"user": OTHER_ID},
        ),
    ]


@pytest.fixture
def coordinator(client):
    user = user_create(roles=("Coordinator",))
    client.force_login(user)
    return user


@pytest.fixture
def admin(client):
    user = user_create(roles=(), is_superuser=True, is_staff=True)
    client.force_login(user)
    return user


def page_of(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def names_nobody(page: str) -> None:
    """No user id, sign-in name or address of the people in the trail."""
    for value in (
        str(PERSON_ID),
        str(OTHER_ID),
        "saodat_r",
        "other_person",
        "192.0.2.10",
        "192.0.2.99",
    ):
        assert value not in page, value


def new_records(after: int, action: str) -> list[AuditRecord]:
    return list(
        AuditRecord.objects.filter(sequence__gt=after, action=action).order_by(
            "sequence"
        )
    )


class AuditListTests:
    def test_coordinator_sees_pseudonyms_not_ids_or_addresses(
        self, client, trail, coordinator
    ):
        page = page_of(client.get(INDEX))
        names_nobody(page)
        assert trail[0].actor_pseudonym in page
        assert audit_address_shown("192.0.2.10") in page
        assert audit_address_shown("192.0.2.99") in page

    def test_a_person_as_the_object_shows_as_their_pseudonym(
        self, client, trail, coordinator
    ):
        page = page_of(client.get(INDEX, {"action": AuditAction.USER_VIEW}))
        assert pseudonym("user", OTHER_ID) in page
        names_nobody(page)

    def test_filtering_by_user_id_or_address_is_not_offered(
        self, client, trail, coordinator
    ):
        page = page_of(client.get(INDEX, {"actor_id": PERSON_ID}))
        # The parameter is ignored: both people's records are listed.
        assert trail[0].actor_pseudonym in page
        assert audit_address_shown("192.0.2.99") in page
        assert 'name="actor_id"' not in page
        assert 'name="ip_address"' not in page
        page = page_of(client.get(INDEX, {"ip_address": "192.0.2.99"}))
        assert audit_address_shown("192.0.2.10") in page

    def test_searching_a_user_id_finds_nothing(self, client, trail, coordinator):
        page = page_of(client.get(INDEX, {"q": str(OTHER_ID)}))
        assert pseudonym("user", OTHER_ID) not in page
        assert trail[0].actor_pseudonym not in page

    def test_an_object_id_filter_does_not_match_people(
        self, client, trail, coordinator
    ):
        page = page_of(client.get(INDEX, {"target_id": str(OTHER_ID)}))
        assert pseudonym("user", OTHER_ID) not in page
        page = page_of(client.get(INDEX, {"target_id": "41"}))
        assert trail[0].actor_pseudonym in page
        assert audit_address_shown("192.0.2.99") not in page

    def test_coordinator_filters_by_action_and_searches_a_pseudonym(
        self, client, trail, coordinator
    ):
        page = page_of(client.get(INDEX, {"action": AuditAction.SIGN_IN_FAILED}))
        assert audit_address_shown("192.0.2.99") in page
        assert audit_address_shown("192.0.2.10") not in page
        page = page_of(client.get(INDEX, {"q": trail[0].actor_pseudonym}))
        assert audit_address_shown("192.0.2.10") in page
        assert audit_address_shown("192.0.2.99") not in page

    def test_the_results_view_shows_pseudonyms_only(self, client, trail, coordinator):
        page = page_of(client.get(RESULTS))
        assert trail[0].actor_pseudonym in page
        names_nobody(page)

    def test_there_is_no_export(self, client, trail, coordinator):
        for export in ("csv", "xlsx"):
            response = client.get(INDEX, {"export": export})
            assert response["Content-Type"].startswith("text/html")
            names_nobody(page_of(response))


class AuditInspectTests:
    def test_coordinator_inspects_one_record_with_its_hashes(
        self, client, trail, coordinator
    ):
        page = page_of(client.get(f"{INDEX}inspect/{trail[0].pk}/"))
        assert trail[0].hash in page
        assert trail[0].actor_pseudonym in page
        names_nobody(page)

    def test_a_person_in_the_detail_shows_as_their_pseudonym(
        self, client, trail, coordinator
    ):
        page = page_of(client.get(f"{INDEX}inspect/{trail[2].pk}/"))
        assert page.count(pseudonym("user", OTHER_ID)) >= 2  # object and detail
        names_nobody(page)

    def test_coordinator_is_offered_no_reveal(self, client, trail, coordinator):
        page = page_of(client.get(f"{INDEX}inspect/{trail[0].pk}/"))
        assert reveal_url(trail[0]) not in page
        assert reveal_url(trail[0]) not in page_of(client.get(INDEX))

    def test_admin_is_offered_the_reveal(self, client, trail, admin):
        assert reveal_url(trail[0]) in page_of(
            client.get(f"{INDEX}inspect/{trail[0].pk}/")
        )
        assert reveal_url(trail[0]) in page_of(client.get(INDEX))


class AuditViewRecordedTests:
    def test_one_record_per_page_viewed_not_per_row(self, client, trail, coordinator):
        after = AuditRecord.objects.order_by("-sequence").first().sequence
        client.get(INDEX, {"action": AuditAction.SIGN_IN_FAILED, "q": "x"})
        shown = AuditRecord.objects.count()
        client.get(INDEX)
        views = new_records(after, AuditAction.AUDIT_VIEW)
        assert len(views) == 2
        assert views[0].actor_id == coordinator.pk
        assert views[0].detail == {
            "view": "index",
            "query": ["action=sign_in_failed", "q=x"],
            "rows": 0,
        }
        assert views[1].detail["rows"] == min(shown, 50)
        assert views[1].detail["query"] == []

    def test_the_results_view_is_recorded(self, client, trail, coordinator):
        after = AuditRecord.objects.order_by("-sequence").first().sequence
        client.get(RESULTS, {"target_id": "41"})
        (view,) = new_records(after, AuditAction.AUDIT_VIEW)
        assert view.detail == {"view": "results", "query": ["target_id=41"], "rows": 1}

    def test_an_inspected_record_is_recorded_with_it(self, client, trail, coordinator):
        after = AuditRecord.objects.order_by("-sequence").first().sequence
        client.get(f"{INDEX}inspect/{trail[0].pk}/")
        (view,) = new_records(after, AuditAction.AUDIT_VIEW)
        assert (view.target_type, view.target_id) == (
            "audit.auditrecord",
            str(trail[0].pk),
        )
        assert view.detail == {"view": "inspect", "query": [], "rows": 1}
        assert audit_chain_verify().ok

    def test_a_refused_page_records_no_view(self, client, trail):
        client.force_login(user_create(roles=("Learner",)))
        after = AuditRecord.objects.order_by("-sequence").first().sequence
        client.get(INDEX)
        assert new_records(after, AuditAction.AUDIT_VIEW) == []


class AuditRevealTests:
    def test_coordinator_is_refused_and_the_attempt_recorded(
        self, client, trail, coordinator
    ):
        after = AuditRecord.objects.order_by("-sequence").first().sequence
        response = client.get(reveal_url(trail[0]))
        assert response.status_code == 403
        names_nobody(response.content.decode())
        response = client.post(reveal_url(trail[0]), {"reason": REASON})
        assert response.status_code == 403
        names_nobody(response.content.decode())
        assert new_records(after, AuditAction.AUDIT_REVEAL) == []
        refused = new_records(after, AuditAction.ACCESS_DENIED)
        assert len(refused) == 2
        assert refused[0].actor_id == coordinator.pk
        assert (refused[0].target_type, refused[0].target_id) == (
            "audit.auditrecord",
            str(trail[0].pk),
        )

    def test_coordinator_is_refused_even_with_every_audit_permission(
        self, client, trail, coordinator
    ):
        from django.contrib.auth.models import Permission

        coordinator.user_permissions.add(
            *Permission.objects.filter(content_type__app_label="audit")
        )
        assert client.get(reveal_url(trail[0])).status_code == 403

    @pytest.mark.parametrize("role", ["Trainer", "Specialist", "Learner"])
    def test_other_roles_are_refused(self, client, trail, role):
        client.force_login(user_create(roles=(role,)))
        response = client.post(reveal_url(trail[0]), {"reason": REASON})
        assert response.status_code in {302, 403}
        names_nobody(response.content.decode())
        assert not AuditRecord.objects.filter(action=AuditAction.AUDIT_REVEAL).exists()

    def test_anonymous_is_sent_to_sign_in(self, client, trail):
        response = client.get(reveal_url(trail[0]))
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]

    def test_admin_is_asked_for_a_reason_first(self, client, trail, admin):
        after = AuditRecord.objects.order_by("-sequence").first().sequence
        page = page_of(client.get(reveal_url(trail[0])))
        assert 'name="reason"' in page
        names_nobody(page)
        assert new_records(after, AuditAction.AUDIT_REVEAL) == []

    @pytest.mark.parametrize(
        "reason",
        ["", "   ", "because", "x" * 30, "check check check check", "a b c"],
    )
    def test_a_missing_or_trivial_reason_reveals_nothing(
        self, client, trail, admin, reason
    ):
        after = AuditRecord.objects.order_by("-sequence").first().sequence
        response = client.post(reveal_url(trail[0]), {"reason": reason})
        assert response.status_code == 400
        page = response.content.decode()
        names_nobody(page)
        assert 'name="reason"' in page
        if reason.strip():
            assert reason.strip() in page  # what was typed stays in the box
        assert new_records(after, AuditAction.AUDIT_REVEAL) == []

    def test_a_reason_too_long_reveals_nothing(self, client, trail, admin):
        response = client.post(reveal_url(trail[0]), {"reason": "word " * 120})
        assert response.status_code == 400
        names_nobody(response.content.decode())

    def test_admin_sees_who_it_is_and_the_reveal_is_recorded(
        self, client, trail, admin
    ):
        after = AuditRecord.objects.order_by("-sequence").first().sequence
        page = page_of(client.post(reveal_url(trail[0]), {"reason": f"  {REASON} "}))
        assert str(PERSON_ID) in page
        assert "saodat_r" in page
        assert "192.0.2.10" in page
        (reveal,) = new_records(after, AuditAction.AUDIT_REVEAL)
        assert reveal.actor_id == admin.pk
        assert (reveal.target_type, reveal.target_id) == (
            "audit.auditrecord",
            str(trail[0].pk),
        )
        assert reveal.detail == {
            "reason": REASON,
            "pseudonym": trail[0].actor_pseudonym,
        }
        assert str(PERSON_ID) not in str(reveal.detail)
        assert audit_chain_verify().ok

    def test_each_look_is_its_own_record(self, client, trail, admin):
        after = AuditRecord.objects.order_by("-sequence").first().sequence
        client.post(reveal_url(trail[0]), {"reason": REASON})
        client.post(reveal_url(trail[0]), {"reason": REASON})
        assert len(new_records(after, AuditAction.AUDIT_REVEAL)) == 2

    def test_a_person_as_the_object_is_revealed_too(self, client, trail, admin):
        page = page_of(client.post(reveal_url(trail[2]), {"reason": REASON}))
        assert str(OTHER_ID) in page and "other_person" in page

    def test_a_record_without_a_person_says_so(self, client, trail, admin):
        page = page_of(client.post(reveal_url(trail[1]), {"reason": REASON}))
        assert "192.0.2.99" in page
        assert str(PERSON_ID) not in page

    def test_a_record_that_does_not_exist_is_404(self, client, trail, admin):
        response = client.post(f"{INDEX}reveal/99999999/", {"reason": REASON})
        assert response.status_code == 404
        assert not AuditRecord.objects.filter(action=AuditAction.AUDIT_REVEAL).exists()

    def test_the_reveal_record_shows_coordinators_the_reason_not_the_person(
        self, client, trail, admin
    ):
        client.post(reveal_url(trail[0]), {"reason": REASON})
        reveal = AuditRecord.objects.get(action=AuditAction.AUDIT_REVEAL)
        client.force_login(user_create(roles=("Coordinator",)))
        page = page_of(client.get(f"{INDEX}inspect/{reveal.pk}/"))
        assert REASON in page
        assert trail[0].actor_pseudonym in page
        names_nobody(page)


class AuditAdminAccessTests:
    @pytest.mark.parametrize("path", ["new/", "edit/{pk}/", "delete/{pk}/"])
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
        assert trail[0].actor_pseudonym not in response.content.decode()

    def test_anonymous_is_sent_to_sign_in(self, client, trail):
        response = client.get(INDEX)
        assert response.status_code == 302

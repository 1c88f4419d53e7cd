"""Every read of personal data in the training admin leaves exactly one audit
record, with ids and counts only; and a certificate holder can delete her account,
her certificate staying verifiable by code without her name."""

import pytest
from django.urls import reverse

from accounts.services import user_account_delete
from audit.models import AuditAction, AuditRecord
from learning.models import Certificate, Enrolment
from learning.program_services import certificate_issue
from tests.accounts.factories import social_worker_create, trainer_create
from tests.learning.factories import (
    bank_course_create,
    cohort_create,
    enrolment_create,
    program_create,
)
from tests.support.i18n import uz

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene():
    course, _ = bank_course_create()
    trainer = trainer_create()
    program = program_create(courses=[course], trainers=[trainer])
    cohort = cohort_create(program=program, name="Guruh")
    people = [
        social_worker_create(full_name=f"Ism {number}", region=region)
        for number, region in enumerate(["fergana", "fergana", "khorezm"])
    ]
    enrolments = [
        enrolment_create(program=program, user=person, cohort=cohort)
        for person in people
    ]
    certificate = certificate_issue(enrolment=enrolments[0])
    return {
        "trainer": trainer,
        "program": program,
        "cohort": cohort,
        "people": people,
        "certificate": certificate,
    }


def one_new_record(client, url, **extra) -> AuditRecord:
    """GET `url` and return the one audit record it left (failing if not one)."""
    last = AuditRecord.objects.order_by("-sequence").first()
    after = last.sequence if last else 0
    response = client.get(url, **extra)
    if response.streaming:
        b"".join(response.streaming_content)
    assert response.status_code in (200, 404), (url, response.status_code)
    new = list(AuditRecord.objects.filter(sequence__gt=after))
    assert len(new) == 1, (url, [record.action for record in new])
    return new[0]


class ReportReadTests:
    @pytest.mark.parametrize(
        "report", ["completion", "learners", "overdue", "certificates"]
    )
    def test_a_report_page_leaves_one_record(self, scene, client, report):
        client.force_login(scene["trainer"])
        record = one_new_record(client, reverse(f"learning_reports:{report}"))
        assert record.action == AuditAction.REPORT_VIEW
        assert record.actor_id == scene["trainer"].pk
        assert record.detail["report"] == report
        assert record.detail["filter"] == []

    def test_the_filter_and_the_row_count_are_recorded(self, scene, client):
        client.force_login(scene["trainer"])
        url = reverse("learning_reports:learners_results") + "?region=fergana"
        record = one_new_record(client, url)
        assert record.action == AuditAction.REPORT_VIEW
        assert record.detail == {
            "report": "learners",
            "filter": ["region=fergana"],
            "rows": 2,
        }

    @pytest.mark.parametrize("export_format", ["csv", "xlsx"])
    def test_an_export_leaves_one_record_with_its_format(
        self, scene, client, export_format
    ):
        client.force_login(scene["trainer"])
        program = scene["program"].pk
        url = (
            reverse("learning_reports:learners")
            + f"?export={export_format}&program={program}"
        )
        record = one_new_record(client, url)
        assert record.action == AuditAction.REPORT_EXPORT
        assert record.detail == {
            "report": "learners",
            "format": export_format,
            "filter": [f"program={program}"],
            "rows": 3,
        }

    def test_the_completion_export_counts_its_grouped_rows(self, scene, client):
        client.force_login(scene["trainer"])
        url = reverse("learning_reports:completion") + "?export=csv"
        record = one_new_record(client, url)
        assert record.detail["rows"] == 2  # Fergana and Khorezm


class PersonReadTests:
    def test_learner_detail_leaves_one_learner_view(self, scene, client):
        client.force_login(scene["trainer"])
        person = scene["people"][1]
        record = one_new_record(
            client, reverse("learning_reports:learner", args=[person.pk])
        )
        assert record.action == AuditAction.LEARNER_VIEW
        assert (record.target_type, record.target_id) == (
            "accounts.user",
            str(person.pk),
        )

    def test_a_refused_learner_detail_is_recorded_as_refused(self, scene, client):
        client.force_login(trainer_create())
        person = scene["people"][1]
        record = one_new_record(
            client, reverse("learning_reports:learner", args=[person.pk])
        )
        assert record.action == AuditAction.ACCESS_DENIED
        assert record.target_id == str(person.pk)

    def test_the_member_list_leaves_one_record(self, scene, client):
        client.force_login(scene["trainer"])
        url = reverse("learning_reports:cohort_members", args=[scene["cohort"].pk])
        record = one_new_record(client, url)
        assert record.action == AuditAction.COHORT_MEMBERS_VIEW
        assert record.target_id == str(scene["cohort"].pk)
        assert record.detail == {"members": 3}

    def test_the_certificate_page_leaves_one_record_naming_its_holder(
        self, scene, client
    ):
        client.force_login(scene["trainer"])
        certificate = scene["certificate"]
        url = reverse("learning_reports:certificate_revoke", args=[certificate.code])
        record = one_new_record(client, url)
        assert record.action == AuditAction.LEARNER_VIEW
        assert record.target_id == str(certificate.user_id)
        assert record.detail["certificate"] == certificate.pk

    def test_a_staff_pdf_download_leaves_one_record(self, scene, client):
        client.force_login(scene["trainer"])
        certificate = scene["certificate"]
        url = reverse("certificate_download", args=[certificate.code])
        record = one_new_record(client, url)
        assert record.action == AuditAction.CERTIFICATE_DOWNLOAD
        assert record.actor_id == scene["trainer"].pk
        assert record.target_id == str(certificate.pk)
        assert record.detail["user"] == certificate.user_id

    def test_the_holder_s_own_download_is_not_recorded(self, scene, client):
        certificate = scene["certificate"]
        client.force_login(certificate.user)
        before = AuditRecord.objects.count()
        response = client.get(reverse("certificate_download", args=[certificate.code]))
        assert response.status_code == 200
        assert AuditRecord.objects.count() == before


class CertificateHolderDeletionTests:
    def test_a_certificate_holder_deletes_her_account(self, scene, client):
        certificate = scene["certificate"]
        holder = certificate.user
        user_account_delete(user=holder)
        certificate.refresh_from_db()
        assert certificate.user_id is None and certificate.enrolment_id is None
        assert certificate.holder_name == ""
        assert not Enrolment.objects.filter(user=holder).exists()
        holder.refresh_from_db()
        assert not holder.is_active and holder.full_name == ""

    def test_the_certificate_stays_verifiable_without_her_name(self, scene, client):
        certificate = scene["certificate"]
        name = certificate.holder_name
        user_account_delete(user=certificate.user)
        response = client.get(f"/uz/certificates/{certificate.code}/")
        html = response.content.decode()
        assert response.status_code == 200
        assert uz("This certificate is valid.") in html
        assert certificate.program_title in html
        assert uz("The holder’s name is no longer kept.") in html
        assert name not in html

    def test_through_the_profile_page_too(self, scene, client):
        from tests.accounts.factories import PASSWORD

        certificate = scene["certificate"]
        holder = certificate.user
        client.force_login(holder)
        response = client.post(
            reverse("accounts_delete"),
            {"password": PASSWORD, "understood": "on"},
        )
        assert response.status_code == 302, response.content.decode()[:500]
        holder.refresh_from_db()
        assert not holder.is_active
        assert Certificate.objects.get(pk=certificate.pk).holder_name == ""

    def test_an_administrator_removing_the_user_row_also_forgets_her(self, scene):
        certificate = scene["certificate"]
        certificate.user.delete()
        certificate.refresh_from_db()
        assert (certificate.user_id, certificate.holder_name) == (None, "")
        assert certificate.valid

    def test_trainers_no_longer_see_the_certificate_coordinators_see_it_nameless(
        self, scene, client
    ):
        from tests.accounts.factories import coordinator_create

        certificate = scene["certificate"]
        name = certificate.holder_name
        user_account_delete(user=certificate.user)
        url = reverse("learning_reports:certificate_revoke", args=[certificate.code])
        client.force_login(scene["trainer"])
        assert client.get(url).status_code == 404
        client.force_login(coordinator_create())
        response = client.get(url)
        assert response.status_code == 200
        assert name not in response.content.decode()

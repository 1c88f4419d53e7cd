"""Certificates: the PDF's text (read back with pypdf), the public check (valid,
revoked, unknown), who may download, revoking, and codes never reused."""

import io
from datetime import date
from decimal import Decimal

import pypdf
import pytest
from django.urls import reverse

from learning.models import Certificate
from learning.program_services import (
    ProgramError,
    certificate_code_new,
    certificate_issue,
    certificate_revoke,
)
from tests.accounts.factories import social_worker_create, trainer_create, user_create
from tests.learning.factories import (
    bank_course_create,
    cohort_create,
    enrolment_create,
    program_create,
)
from tests.support.i18n import uz
from tests.support.sign_in_here import assert_sign_in_here

pytestmark = pytest.mark.django_db


@pytest.fixture
def trainer():
    return trainer_create()


@pytest.fixture
def certificate(trainer):
    course, _ = bank_course_create()
    program = program_create(courses=[course], hours="12.5", trainers=[trainer])
    program.title = "Maʼlumotlar himoyasi"
    program.save()
    user = social_worker_create(full_name="Nodira Qodirova")
    cohort = cohort_create(program=program)
    enrolment = enrolment_create(program=program, user=user, cohort=cohort)
    certificate = certificate_issue(enrolment=enrolment)
    certificate.issued_on = date(2026, 11, 20)
    certificate.save()
    return certificate


def pdf_text(content: bytes) -> str:
    """The PDF's text with line breaks as spaces (long lines wrap on the page)."""
    reader = pypdf.PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


class CertificatePdfTests:
    def test_the_pdf_says_who_what_how_long_when_and_where_to_check(
        self, certificate, client
    ):
        client.force_login(certificate.user)
        response = client.get(reverse("certificate_download", args=[certificate.code]))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert "attachment" in response["Content-Disposition"]
        text = pdf_text(response.content)
        verify_url = f"http://testserver/certificates/{certificate.code}/"
        for expected in (
            "SERTIFIKAT",
            "СЕРТИФИКАТ",
            "Nodira Qodirova",
            "«Maʼlumotlar himoyasi» oʻquv dasturini tamomladi.",
            "завершил(а) учебную программу «Maʼlumotlar himoyasi».",
            "Uzluksiz kasbiy rivojlanish soatlari: 12,5",
            "Часы непрерывного профессионального развития: 12,5",
            "Sana: 2026-yil 20-noyabr",  # year first, as Uzbek official texts write it
            "Дата: 20 ноября 2026 г.",
            certificate.code,
            verify_url,
        ):
            assert expected in text, expected

    def test_only_the_holder_downloads(self, certificate, client):
        url = reverse("certificate_download", args=[certificate.code])
        html = assert_sign_in_here(client.get(url), url)
        assert certificate.user.full_name not in html
        client.force_login(social_worker_create())
        assert client.get(url).status_code == 404


class VerificationPageTests:
    def test_valid(self, certificate, client):
        response = client.get(f"/uz/certificates/{certificate.code}/")
        html = response.content.decode()
        assert response.status_code == 200
        assert uz("This certificate is valid.") in html
        assert "Nodira Qodirova" in html and "Maʼlumotlar himoyasi" in html
        # No more personal data than name, program and date.
        assert certificate.user.username not in html
        assert str(certificate.cpd_hours) not in html

    def test_lower_case_code_finds_it(self, certificate, client):
        response = client.get(f"/uz/certificates/{certificate.code.lower()}/")
        assert response.status_code == 200

    def test_revoked(self, certificate, client):
        certificate_revoke(
            certificate=certificate, by=user_create(), reason="Xato bilan berilgan"
        )
        html = client.get(f"/uz/certificates/{certificate.code}/").content.decode()
        assert uz("This certificate has been revoked and is no longer valid.") in html
        assert uz("This certificate is valid.") not in html

    def test_unknown_code_is_404(self, client):
        assert client.get("/uz/certificates/NOSUCHCODE/").status_code == 404


def certificate_queries(queries) -> list[str]:
    return [query["sql"] for query in queries if "learning_certificate" in query["sql"]]


class CertificateBoxTests:
    """The box at /certificates/ to type a certificate's number into (issue 18)."""

    def test_the_box_is_one_labelled_field_and_a_button(self, client):
        response = client.get("/uz/certificates/")
        html = response.content.decode()
        assert response.status_code == 200
        assert 'method="get"' in html
        assert '<label for="id_code">' in html
        assert 'name="code"' in html and 'autocomplete="off"' in html
        assert f">{uz('Check')}</button>" in html
        assert uz("There is a problem") not in html

    def test_spaces_dashes_and_small_letters_find_the_certificate(
        self, certificate, client
    ):
        code = certificate.code
        typed = f" {code[:4].lower()}-{code[4:7]} {code[7:].lower()} "
        response = client.get("/uz/certificates/", {"code": typed})
        assert response.status_code == 302
        assert response["Location"] == f"/uz/certificates/{code}/"
        page = client.get(response["Location"])
        assert page.status_code == 200
        assert uz("This certificate is valid.") in page.content.decode()

    def test_a_dashed_code_in_the_address_finds_it_too(self, certificate, client):
        code = certificate.code
        response = client.get(f"/uz/certificates/{code[:5]}-{code[5:].lower()}/")
        assert response.status_code == 200

    def test_a_wrong_code_is_404_with_the_message_and_the_box_again(self, client):
        response = client.get("/uz/certificates/", {"code": "zzzz-2222"}, follow=True)
        html = response.content.decode()
        assert response.redirect_chain == [("/uz/certificates/ZZZZ2222/", 302)]
        assert response.status_code == 404
        assert uz("No certificate with this number") in html
        assert 'name="code"' in html and 'value="ZZZZ2222"' in html
        # The error summary at the top of the form, linking to the box.
        assert uz("There is a problem") in html
        assert 'href="#id_code"' in html

    def test_the_answer_is_in_the_readers_language(self, client):
        response = client.get("/ru/certificates/ZZZZ2222/")
        assert response.status_code == 404
        assert response["Content-Language"] == "ru"
        assert '<html lang="ru"' in response.content.decode()

    def test_a_malformed_code_is_404_without_looking(self, client):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            typed = client.get("/uz/certificates/", {"code": "AB$%CD"})
            in_address = client.get("/uz/certificates/AB$CD/")
            too_long = client.get("/uz/certificates/", {"code": "A" * 17})
        assert certificate_queries(queries) == []
        for response in (typed, in_address, too_long):
            html = response.content.decode()
            assert response.status_code == 404
            assert uz("No certificate with this number") in html
        assert 'value="AB$%CD"' in typed.content.decode()

    def test_nothing_typed_asks_for_the_number(self, client):
        response = client.get("/uz/certificates/", {"code": "  "})
        assert response.status_code == 400
        html = response.content.decode()
        assert uz("Type the number printed on the certificate.") in html
        assert uz("No certificate with this number") not in html


class RevocationTests:
    def test_a_coordinator_revokes_in_the_admin(self, certificate, client):
        coordinator = user_create(roles=("Coordinator",))
        client.force_login(coordinator)
        url = reverse("learning_reports:certificate_revoke", args=[certificate.code])
        assert client.post(url, {"reason": "  "}).status_code == 400
        certificate.refresh_from_db()
        assert certificate.valid
        response = client.post(url, {"reason": "Soxta hujjat"})
        assert response.status_code == 302
        certificate.refresh_from_db()
        assert not certificate.valid
        assert certificate.revoked_by == coordinator
        assert certificate.revocation_reason == "Soxta hujjat"

    def test_a_trainer_sees_but_cannot_revoke(self, certificate, trainer, client):
        client.force_login(trainer)
        url = reverse("learning_reports:certificate_revoke", args=[certificate.code])
        assert client.get(url).status_code == 200
        response = client.post(url, {"reason": "Sabab"})
        # Wagtail turns a refused admin action into a redirect to the dashboard.
        assert (response.status_code, response["Location"]) == (302, "/admin/")
        certificate.refresh_from_db()
        assert certificate.valid

    def test_revoking_twice_is_refused(self, certificate):
        certificate_revoke(certificate=certificate, by=None, reason="Birinchi")
        with pytest.raises(ProgramError):
            certificate_revoke(certificate=certificate, by=None, reason="Ikkinchi")

    def test_a_new_certificate_after_revoking_gets_a_new_code(self, certificate):
        old_code = certificate.code
        certificate_revoke(certificate=certificate, by=None, reason="Qayta berish")
        new = certificate_issue(enrolment=certificate.enrolment)
        assert new.code != old_code
        assert Certificate.objects.filter(code=old_code).exists()

    def test_new_codes_skip_every_code_in_use(self, certificate, monkeypatch):
        from learning import program_services

        taken = certificate.code
        choices = iter(list(taken) + list("ABCDEFGHJK"))
        monkeypatch.setattr(
            program_services._system_random, "choice", lambda alphabet: next(choices)
        )
        assert certificate_code_new() == "ABCDEFGHJK"

    def test_cpd_hours_are_copied(self, certificate):
        program = certificate.program
        program.cpd_hours = Decimal("40")
        program.save()
        certificate.refresh_from_db()
        assert certificate.cpd_hours == Decimal("12.5")


class CertificateAuditTests:
    """Issue and revocation go into the audit trail, with ids only."""

    def test_issue_and_revoke_are_recorded(self, certificate):
        from audit.models import AuditAction, AuditRecord

        issued = AuditRecord.objects.get(action=AuditAction.CERTIFICATE_ISSUE)
        assert issued.target_id == str(certificate.pk)
        assert issued.detail["user"] == certificate.user_id
        coordinator = user_create(roles=("Coordinator",))
        certificate_revoke(
            certificate=certificate, by=coordinator, reason="Nodira soʻradi"
        )
        revoked = AuditRecord.objects.get(action=AuditAction.CERTIFICATE_REVOKE)
        assert revoked.target_id == str(certificate.pk)
        assert revoked.actor_id == coordinator.pk
        assert "Nodira" not in str(revoked.detail)

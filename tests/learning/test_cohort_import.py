"""Enrolling a cohort from a CSV file: everyone or nobody, with a report naming
each bad row and its problem."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from learning.cohort_import import CohortImportError, cohort_import_csv
from learning.models import Enrolment
from tests.factories import user_create
from tests.learning.training import (
    bank_course_create,
    cohort_create,
    enrolment_create,
    program_create,
    social_worker_create,
)
from tests.support.i18n import uz

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort():
    course, _ = bank_course_create()
    return cohort_create(program=program_create(courses=[course]), name="Nukus")


def csv_bytes(*lines: str, bom=False) -> bytes:
    text = "\n".join(lines) + "\n"
    return (("\ufeff" + text) if bom else text).encode("utf-8")


class CohortImportTests:
    def test_a_good_file_enrols_everyone(self, cohort):
        first = social_worker_create(username="aziza")
        second = social_worker_create(username="bobur", phone_number="+998901234567")
        created = cohort_import_csv(
            cohort=cohort,
            data=csv_bytes(
                "full_name,login", "Aziza,AZIZA", "Bobur,90 123 45 67", bom=True
            ),
        )
        assert {enrolment.user for enrolment in created} == {first, second}
        assert Enrolment.objects.filter(cohort=cohort).count() == 2

    def test_semicolons_work_too(self, cohort):
        social_worker_create(username="dilya")
        created = cohort_import_csv(
            cohort=cohort, data=csv_bytes("login;izoh", "dilya;x")
        )
        assert len(created) == 1

    def test_one_bad_row_imports_nobody_and_every_problem_is_named(self, cohort):
        social_worker_create(username="good1")
        social_worker_create(username="good2")
        enrolled = social_worker_create(username="already")
        enrolment_create(program=cohort.program, user=enrolled)
        not_social_worker = user_create(username="learneronly")
        data = csv_bytes(
            "login,izoh",
            "good1,",  # row 2
            "nobody,",  # row 3
            ",login yoʻq",  # row 4
            "learneronly,",  # row 5
            "",  # row 6: blank lines are skipped
            "good2,",  # row 7
            "GOOD1,",  # row 8, the same person as row 2
            "already,",  # row 9
        )
        with pytest.raises(CohortImportError) as raised:
            cohort_import_csv(cohort=cohort, data=data)
        problems = {problem.row: problem.message for problem in raised.value.problems}
        assert problems == {
            3: uz("Nobody has this username or phone number."),
            4: uz("The login is empty."),
            5: uz(
                "%(name)s is not registered as a social worker.",
                name=str(not_social_worker),
            ),
            8: uz("The same person is already on row %(row)s.", row=2),
            9: uz("%(name)s is already enrolled in this program.", name=str(enrolled)),
        }
        assert Enrolment.objects.filter(cohort=cohort).count() == 0

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            (
                "login\n".encode("utf-16"),
                "The file is not in UTF-8. Save it as “CSV UTF-8” and try again.",
            ),
            (
                b"name,phone\nA,1\n",
                "The first row must name the columns, one of them “login”.",
            ),
            (b"login\n", "The file has no rows after the header."),
        ],
    )
    def test_unreadable_files_are_refused_with_a_reason(self, cohort, data, message):
        with pytest.raises(CohortImportError) as raised:
            cohort_import_csv(cohort=cohort, data=data)
        assert raised.value.message == uz(message)
        assert not Enrolment.objects.exists()


class CohortMembersAdminTests:
    def url(self, cohort):
        return reverse("learning_reports:cohort_members", args=[cohort.pk])

    def test_the_report_lists_each_row_and_nothing_is_imported(self, cohort, client):
        client.force_login(user_create(roles=("Trainer",)))
        social_worker_create(username="good1")
        upload = SimpleUploadedFile("cohort.csv", csv_bytes("login", "good1", "ghost"))
        response = client.post(self.url(cohort), {"action": "import", "file": upload})
        assert response.status_code == 400
        html = response.content.decode()
        assert "<td>3</td><td>ghost</td>" in html
        assert uz("Nobody has this username or phone number.") in html
        assert not Enrolment.objects.exists()

    def test_a_good_upload_enrols_and_lists_members(self, cohort, client):
        client.force_login(user_create(roles=("Trainer",)))
        social_worker_create(username="good1", full_name="Gulnora Saidova")
        upload = SimpleUploadedFile("cohort.csv", csv_bytes("login", "good1"))
        response = client.post(
            self.url(cohort), {"action": "import", "file": upload}, follow=True
        )
        assert response.status_code == 200
        assert "Gulnora Saidova" in response.content.decode()
        assert Enrolment.objects.filter(cohort=cohort).count() == 1

    def test_one_by_one(self, cohort, client):
        client.force_login(user_create(roles=("Trainer",)))
        person = social_worker_create(username="single")
        response = client.post(self.url(cohort), {"action": "add", "login": "nobody"})
        assert response.status_code == 400
        response = client.post(self.url(cohort), {"action": "add", "login": "single"})
        assert response.status_code == 302
        assert Enrolment.objects.get().user == person

    def test_a_learner_cannot_reach_it(self, cohort, client):
        client.force_login(social_worker_create())
        response = client.get(self.url(cohort))
        assert response.status_code in (302, 403)
        assert not Enrolment.objects.exists()

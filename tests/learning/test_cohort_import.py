"""Enrolling a cohort from a CSV file or one person at a time: everyone or nobody,
with a report of each bad row by its number; a lookup confirms a person only by what
the trainer typed, answers "no such social worker" alike for a stranger and for
someone who is not a social worker, and is recorded with counts only."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditAction, AuditRecord
from learning.cohort_import import CohortImportError, cohort_import_csv
from learning.models import Enrolment
from learning.program_services import ProgramError, cohort_member_add
from tests.accounts.factories import social_worker_create, trainer_create, user_create
from tests.consultations.factories import consultation_client_create
from tests.learning.factories import (
    bank_course_create,
    cohort_create,
    enrolment_create,
    program_create,
)
from tests.support.i18n import uz

pytestmark = pytest.mark.django_db

NO_SOCIAL_WORKER = "No social worker with this number or login."


@pytest.fixture
def trainer():
    return trainer_create()


@pytest.fixture
def cohort(trainer):
    course, _ = bank_course_create()
    program = program_create(courses=[course], trainers=[trainer])
    return cohort_create(program=program, name="Nukus")


def csv_bytes(*lines: str, bom=False) -> bytes:
    text = "\n".join(lines) + "\n"
    return (("\ufeff" + text) if bom else text).encode("utf-8")


def records(action) -> list[AuditRecord]:
    return list(AuditRecord.objects.filter(action=action).order_by("sequence"))


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

    def test_one_bad_row_imports_nobody_and_each_row_has_its_reason(self, cohort):
        social_worker_create(username="good1")
        social_worker_create(username="good2")
        enrolled = social_worker_create(username="already")
        enrolment_create(program=cohort.program, user=enrolled)
        user_create(username="learneronly")
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
            3: uz(NO_SOCIAL_WORKER),
            4: uz("The login is empty."),
            # Someone who is not a social worker reads exactly like nobody.
            5: uz(NO_SOCIAL_WORKER),
            8: uz("The same person is already on row %(row)s.", row=2),
            9: uz("Already enrolled in this program."),
        }
        assert Enrolment.objects.filter(cohort=cohort).count() == 0

    def test_a_refused_file_names_nobody(self, cohort):
        social_worker_create(username="good1", full_name="Gulnora Saidova")
        client_person = consultation_client_create(
            username="mijoz77",
            full_name="Zebuniso Mijozova",
            phone_number="+998907770077",
        )
        with pytest.raises(CohortImportError) as raised:
            cohort_import_csv(
                cohort=cohort,
                data=csv_bytes("login", "good1", "good1", "+998907770077"),
            )
        said = " ".join(problem.message for problem in raised.value.problems)
        for secret in ("Gulnora", "Saidova", "Zebuniso", "mijoz77", "good1"):
            assert secret not in said
        assert client_person.pk not in {
            enrolment.user_id for enrolment in Enrolment.objects.all()
        }

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

    def test_a_closed_program_refuses_the_file_before_looking_anyone_up(
        self, cohort, trainer
    ):
        cohort.program.live = False
        cohort.program.save()
        social_worker_create(username="good1")
        with pytest.raises(CohortImportError) as raised:
            cohort_import_csv(
                cohort=cohort, data=csv_bytes("login", "good1"), by=trainer
            )
        assert raised.value.message == uz("The program is not published yet.")
        assert raised.value.problems == []
        (record,) = records(AuditAction.COHORT_IMPORT)
        assert record.detail["matched"] == 0


class CohortImportAuditTests:
    def test_an_import_is_recorded_with_counts_and_each_enrolment(
        self, cohort, trainer
    ):
        first = social_worker_create(username="aziza", phone_number="+998901112233")
        second = social_worker_create(username="bobur")
        cohort_import_csv(
            cohort=cohort,
            data=csv_bytes("login", "90 111 22 33", "bobur"),
            by=trainer,
        )
        (record,) = records(AuditAction.COHORT_IMPORT)
        assert record.actor_id == trainer.pk
        assert (record.target_type, record.target_id) == (
            "learning.cohort",
            str(cohort.pk),
        )
        assert record.detail == {"rows": 2, "matched": 2, "enrolled": 2, "problems": 0}
        assert "901112233" not in str(record.detail) and "bobur" not in str(
            record.detail
        )
        enrolled = records(AuditAction.ENROLMENT_CREATE)
        assert sorted(item.detail["user"] for item in enrolled) == sorted(
            [first.pk, second.pk]
        )
        assert {item.actor_id for item in enrolled} == {trainer.pk}

    def test_a_refused_import_is_recorded_with_counts_only(self, cohort, trainer):
        social_worker_create(username="good1")
        user_create(username="learneronly", phone_number="+998905556677")
        with pytest.raises(CohortImportError):
            cohort_import_csv(
                cohort=cohort,
                data=csv_bytes("login", "good1", "+998905556677", "ghost"),
                by=trainer,
            )
        (record,) = records(AuditAction.COHORT_IMPORT)
        assert record.detail == {"rows": 3, "matched": 1, "enrolled": 0, "problems": 2}
        assert records(AuditAction.ENROLMENT_CREATE) == []


class CohortMemberLookupTests:
    def test_a_social_worker_is_confirmed_by_what_was_typed(self, cohort, trainer):
        person = social_worker_create(username="single", phone_number="+998901234500")
        enrolment = cohort_member_add(cohort=cohort, login=" 901234500 ", by=trainer)
        assert enrolment.user == person
        (lookup,) = records(AuditAction.COHORT_MEMBER_LOOKUP)
        assert lookup.detail == {"tried": 1, "matched": 1}
        assert "901234500" not in str(lookup.detail)
        (created,) = records(AuditAction.ENROLMENT_CREATE)
        assert created.target_id == str(enrolment.pk)

    @pytest.mark.parametrize("who", ["stranger", "client", "learner", "switched_off"])
    def test_anyone_but_an_active_social_worker_gets_the_same_answer(
        self, cohort, trainer, who
    ):
        phone = "+998907770077"
        if who == "client":
            consultation_client_create(phone_number=phone)
        elif who == "learner":
            user_create(phone_number=phone)
        elif who == "switched_off":
            social_worker_create(phone_number=phone, is_active=False)
        with pytest.raises(ProgramError) as raised:
            cohort_member_add(cohort=cohort, login=phone, by=trainer)
        assert raised.value.message == uz(NO_SOCIAL_WORKER)
        assert not Enrolment.objects.exists()
        (lookup,) = records(AuditAction.COHORT_MEMBER_LOOKUP)
        assert lookup.detail == {"tried": 1, "matched": 0}

    def test_a_stranger_and_a_non_social_worker_cost_the_same_queries(
        self, cohort, trainer
    ):
        user_create(phone_number="+998907770077")

        def queries_for(login):
            with CaptureQueriesContext(connection) as captured:
                with pytest.raises(ProgramError):
                    cohort_member_add(cohort=cohort, login=login, by=trainer)
            # The same statements; only values (the number typed, the audit
            # record's time and hash, savepoint names) may differ.
            return [
                re.sub(r"'[^']*'|\d+", "?", query["sql"])
                for query in captured.captured_queries
            ]

        assert queries_for("+998907770077") == queries_for("+998907770088")

    def test_already_enrolled_names_nobody(self, cohort, trainer):
        person = social_worker_create(username="twice", full_name="Ikrom Ikkinchi")
        enrolment_create(program=cohort.program, user=person, cohort=cohort)
        with pytest.raises(ProgramError) as raised:
            cohort_member_add(cohort=cohort, login="twice", by=trainer)
        assert raised.value.message == uz("Already enrolled in this program.")


class CohortMembersAdminTests:
    def url(self, cohort):
        return reverse("learning_reports:cohort_members", args=[cohort.pk])

    def test_the_report_lists_each_row_by_number_and_nothing_is_imported(
        self, cohort, trainer, client
    ):
        client.force_login(trainer)
        social_worker_create(username="good1")
        upload = SimpleUploadedFile("cohort.csv", csv_bytes("login", "good1", "ghost"))
        response = client.post(self.url(cohort), {"action": "import", "file": upload})
        assert response.status_code == 400
        html = response.content.decode()
        assert f"<td>3</td><td>{uz(NO_SOCIAL_WORKER)}</td>" in html
        assert "ghost" not in html
        assert not Enrolment.objects.exists()

    def test_a_good_upload_enrols_and_lists_members(self, cohort, trainer, client):
        client.force_login(trainer)
        social_worker_create(username="good1", full_name="Gulnora Saidova")
        upload = SimpleUploadedFile("cohort.csv", csv_bytes("login", "good1"))
        response = client.post(
            self.url(cohort), {"action": "import", "file": upload}, follow=True
        )
        assert response.status_code == 200
        assert "Gulnora Saidova" in response.content.decode()
        assert Enrolment.objects.filter(cohort=cohort).count() == 1

    def test_one_by_one_the_answer_repeats_what_was_typed(
        self, cohort, trainer, client
    ):
        client.force_login(trainer)
        person = social_worker_create(
            username="single", full_name="Yashirin Ism", phone_number="+998901234511"
        )
        response = client.post(
            self.url(cohort), {"action": "add", "login": "90 123 45 11"}, follow=True
        )
        html = response.content.decode()
        assert uz("%(login)s is enrolled.", login="90 123 45 11") in html
        assert Enrolment.objects.get().user == person

    def test_a_client_typed_in_the_add_box_is_not_named(self, cohort, trainer, client):
        consultation_client_create(
            username="mijoz77",
            full_name="Zebuniso Mijozova",
            phone_number="+998907770077",
        )
        client.force_login(trainer)
        response = client.post(
            self.url(cohort), {"action": "add", "login": "+998907770077"}
        )
        assert response.status_code == 400
        html = response.content.decode()
        assert uz(NO_SOCIAL_WORKER) in html
        assert "Zebuniso" not in html and "Mijozova" not in html
        assert "mijoz77" not in html

    def test_a_cohort_of_a_program_the_trainer_does_not_run_is_404(
        self, cohort, client
    ):
        client.force_login(trainer_create())
        social_worker_create(username="good1")
        assert client.get(self.url(cohort)).status_code == 404
        response = client.post(self.url(cohort), {"action": "add", "login": "good1"})
        assert response.status_code == 404
        assert not Enrolment.objects.exists()
        assert records(AuditAction.COHORT_MEMBER_LOOKUP) == []

    def test_a_learner_cannot_reach_it(self, cohort, client):
        client.force_login(social_worker_create())
        response = client.get(self.url(cohort))
        assert response.status_code in (302, 403)
        assert not Enrolment.objects.exists()

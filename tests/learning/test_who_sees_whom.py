"""Who sees whom in the training admin (docs/privacy.md): a trainer sees the people
in the cohorts of the programs she runs, a coordinator every social worker's
training records, and nobody a consultation client outside their cohorts or a
course's public learner; anyone else is answered as if she did not exist."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from learning.models import Enrolment
from learning.program_selectors import (
    certificates_visible,
    enrolments_visible,
    learners_visible,
    programs_run_by,
)
from learning.program_services import certificate_issue
from tests.accounts.factories import (
    coordinator_create,
    social_worker_create,
    trainer_create,
    user_create,
)
from tests.consultations.factories import consultation_client_create
from tests.learning.factories import (
    bank_course_create,
    cohort_create,
    enrolment_create,
    program_create,
)
from tests.learning.training import lessons_complete

pytestmark = pytest.mark.django_db

CLIENT_NAME = "Zebuniso Mijozova-Maxfiy"
CLIENT_USERNAME = "mijoz-maxfiy"
CLIENT_PHONE = "+998907770077"
REPORTS = ("completion", "learners", "overdue", "certificates")


@pytest.fixture
def world():
    """Two trainers, each with a program and a cohort; a client of consultations
    who has progress, an enrolment and a certificate in the first trainer's program
    but sits in no cohort; a public learner of its course; a stranger."""
    course, lessons = bank_course_create()
    mine, theirs = trainer_create(), trainer_create()
    program = program_create(courses=[course], trainers=[mine])
    program.title = "Bizning dastur"
    program.save()
    other_program = program_create(courses=[course], trainers=[theirs])
    other_program.title = "Boshqa dastur"
    other_program.save()
    cohort = cohort_create(program=program, name="Bizning guruh")
    other_cohort = cohort_create(program=other_program, name="Boshqa guruh")
    member = social_worker_create(full_name="Aziza Aʼzoyeva")
    enrolment = enrolment_create(program=program, user=member, cohort=cohort)
    certificate_issue(enrolment=enrolment)
    # The member also takes the other trainer's program: not ours to see.
    enrolment_create(program=other_program, user=member, cohort=other_cohort)
    outsider = social_worker_create(full_name="Bobur Begonayev")
    certificate_issue(
        enrolment=enrolment_create(
            program=other_program, user=outsider, cohort=other_cohort
        )
    )
    client_person = consultation_client_create(
        username=CLIENT_USERNAME, full_name=CLIENT_NAME, phone_number=CLIENT_PHONE
    )
    lessons_complete(client_person, lessons)
    certificate_issue(
        enrolment=Enrolment.objects.create(user=client_person, program=program)
    )
    public_learner = user_create(full_name="Ommaviy Oʻquvchi")
    lessons_complete(public_learner, lessons)
    return {
        "trainer": mine,
        "other_trainer": theirs,
        "coordinator": coordinator_create(),
        "program": program,
        "cohort": cohort,
        "member": member,
        "outsider": outsider,
        "client": client_person,
        "public_learner": public_learner,
        "stranger": user_create(full_name="Notanish Odam"),
    }


def learner_url(person) -> str:
    return reverse("learning_reports:learner", args=[person.pk])


def body(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode()


def xlsx_text(response) -> str:
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return " ".join(
        str(value)
        for row in workbook.active.iter_rows(values_only=True)
        for value in row
        if value is not None
    )


class SelectorTests:
    def test_a_trainer_runs_the_programs_naming_her_and_those_she_created(self, world):
        course, _ = bank_course_create()
        created = program_create(courses=[course])
        created.owner = world["trainer"]
        created.save()
        assert set(programs_run_by(user=world["trainer"])) == {
            world["program"],
            created,
        }

    def test_a_trainer_sees_only_her_cohort_members(self, world):
        seen = set(learners_visible(reader=world["trainer"]))
        assert seen == {world["member"]}

    def test_a_trainer_sees_only_her_programs_of_a_member(self, world):
        enrolments = enrolments_visible(reader=world["trainer"]).filter(
            user=world["member"]
        )
        assert [item.program for item in enrolments] == [world["program"]]

    def test_a_coordinator_sees_social_workers_and_nobody_else(self, world):
        seen = set(learners_visible(reader=world["coordinator"]))
        assert {world["member"], world["outsider"]} <= seen
        for person in ("client", "public_learner", "stranger", "trainer"):
            assert world[person] not in seen, person

    def test_the_client_certificate_is_nobody_s_to_see(self, world):
        for reader in ("trainer", "other_trainer", "coordinator"):
            holders = {
                certificate.user
                for certificate in certificates_visible(reader=world[reader])
            }
            assert world["client"] not in holders, reader

    def test_a_learner_without_a_role_sees_nobody(self, world):
        reader = world["member"]
        assert not learners_visible(reader=reader).exists()
        assert not enrolments_visible(reader=reader).exists()


class LearnerDetailTests:
    @pytest.mark.parametrize(
        "person", ["client", "stranger", "outsider", "public_learner", "trainer"]
    )
    def test_a_trainer_gets_404_for_anyone_outside_her_cohorts(
        self, world, client, person
    ):
        client.force_login(world["trainer"])
        response = client.get(learner_url(world[person]))
        assert response.status_code == 404
        assert world[person].get_full_name() not in body(response)

    def test_a_trainer_sees_her_cohort_member_and_only_her_program(self, world, client):
        client.force_login(world["trainer"])
        response = client.get(learner_url(world["member"]))
        html = body(response)
        assert response.status_code == 200
        assert "Aziza Aʼzoyeva" in html and "Bizning dastur" in html
        assert "Boshqa dastur" not in html

    def test_a_coordinator_sees_any_social_worker_but_not_the_client(
        self, world, client
    ):
        client.force_login(world["coordinator"])
        assert client.get(learner_url(world["outsider"])).status_code == 200
        assert client.get(learner_url(world["member"])).status_code == 200
        response = client.get(learner_url(world["client"]))
        assert response.status_code == 404
        assert CLIENT_NAME not in body(response)

    def test_an_id_that_is_no_one_is_the_same_404(self, world, client):
        client.force_login(world["trainer"])
        response = client.get(reverse("learning_reports:learner", args=[999999]))
        assert response.status_code == 404


class ReportScopeTests:
    @pytest.mark.parametrize("reader", ["trainer", "other_trainer", "coordinator"])
    @pytest.mark.parametrize("report", REPORTS)
    def test_no_report_or_export_names_the_client(self, world, client, reader, report):
        client.force_login(world[reader])
        url = reverse(f"learning_reports:{report}")
        for suffix in ("", "?export=csv"):
            text = body(client.get(url + suffix))
            for secret in (CLIENT_NAME, CLIENT_USERNAME, CLIENT_PHONE):
                assert secret not in text, (url + suffix, secret)
        text = xlsx_text(client.get(url + "?export=xlsx"))
        assert CLIENT_NAME not in text and CLIENT_USERNAME not in text

    def test_the_learners_export_holds_the_trainer_s_cohort_only(self, world, client):
        client.force_login(world["trainer"])
        url = reverse("learning_reports:learners") + "?export=csv"
        rows = list(csv.reader(io.StringIO(body(client.get(url)))))
        assert [row[0] for row in rows[1:]] == ["Aziza Aʼzoyeva"]

    def test_the_completion_figures_count_the_trainer_s_cohort_only(
        self, world, client
    ):
        client.force_login(world["trainer"])
        url = reverse("learning_reports:completion") + "?export=csv"
        rows = list(csv.reader(io.StringIO(body(client.get(url)))))
        assert [(row[0], row[1], row[3]) for row in rows[1:]] == [
            ("Bizning dastur", "Bizning guruh", "1")
        ]

    def test_the_certificates_report_lists_the_trainer_s_people_only(
        self, world, client
    ):
        client.force_login(world["trainer"])
        html = body(client.get(reverse("learning_reports:certificates")))
        assert "Aziza Aʼzoyeva" in html
        assert "Bobur Begonayev" not in html

    def test_the_filter_offers_only_the_reader_s_programs(self, world, client):
        client.force_login(world["trainer"])
        html = body(client.get(reverse("learning_reports:learners")))
        assert "Bizning dastur" in html and "Boshqa dastur" not in html
        # Asking for another trainer's program by id shows nothing of it.
        url = reverse("learning_reports:learners_results")
        other = world["outsider"].enrolments.get().program_id
        html = body(client.get(f"{url}?program={other}"))
        assert "Bobur Begonayev" not in html

    def test_the_certificate_page_of_someone_else_s_holder_is_404(self, world, client):
        client.force_login(world["trainer"])
        foreign = world["outsider"].certificates.get()
        url = reverse("learning_reports:certificate_revoke", args=[foreign.code])
        assert client.get(url).status_code == 404
        pdf = reverse("certificate_download", args=[foreign.code])
        assert client.get(pdf).status_code == 404
        mine = world["member"].certificates.get()
        url = reverse("learning_reports:certificate_revoke", args=[mine.code])
        assert client.get(url).status_code == 200

    def test_the_client_s_certificate_page_is_404_for_everyone_in_the_admin(
        self, world, client
    ):
        code = world["client"].certificates.get().code
        for reader in ("trainer", "coordinator"):
            client.force_login(world[reader])
            url = reverse("learning_reports:certificate_revoke", args=[code])
            assert client.get(url).status_code == 404, reader
            pdf = reverse("certificate_download", args=[code])
            assert client.get(pdf).status_code == 404, reader


class CohortListingTests:
    def test_a_trainer_lists_only_the_cohorts_of_her_programs(self, world, client):
        client.force_login(world["trainer"])
        html = body(client.get(reverse("wagtailsnippets_learning_cohort:list")))
        assert "Bizning guruh" in html and "Boshqa guruh" not in html

    def test_a_trainer_cannot_make_a_cohort_for_a_program_she_does_not_run(
        self, world, client
    ):
        client.force_login(world["trainer"])
        other = world["outsider"].enrolments.get().program
        response = client.post(
            reverse("wagtailsnippets_learning_cohort:add"),
            {"name": "Begona guruh", "program": other.pk, "region": ""},
        )
        assert response.status_code == 200  # the form again, with an error
        assert not other.cohorts.filter(name="Begona guruh").exists()
        response = client.post(
            reverse("wagtailsnippets_learning_cohort:add"),
            {"name": "Yangi guruh", "program": world["program"].pk, "region": ""},
        )
        assert response.status_code == 302
        assert world["program"].cohorts.filter(name="Yangi guruh").exists()

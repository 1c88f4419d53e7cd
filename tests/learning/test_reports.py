"""Training reports in the Wagtail admin, against figures worked out by hand."""

import csv
import io
from datetime import timedelta

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from learning.models import Enrolment
from learning.program_selectors import completion_rows, today_local
from tests.accounts.factories import social_worker_create, trainer_create
from tests.learning.factories import (
    bank_course_create,
    cohort_create,
    enrolment_create,
    program_create,
)

pytestmark = pytest.mark.django_db

# (program, cohort, region, enrolled, completed, completed %, overdue), by hand:
# program A's deadline has passed, B's has not.
EXPECTED = [
    ("A dastur", "A guruh", "Republic of Karakalpakstan", 2, 1, 50, 1),
    ("A dastur", "A guruh", "Samarkand region", 2, 1, 50, 1),
    ("B dastur", "B guruh", "Fergana region", 3, 1, 33, 0),
    ("B dastur", "B guruh", "Khorezm region", 1, 0, 0, 0),
]


@pytest.fixture
def figures():
    today = timezone.localdate()
    course, _ = bank_course_create()
    trainer = trainer_create()
    program_a = program_create(
        courses=[course], deadline=today - timedelta(days=1), trainers=[trainer]
    )
    program_a.title = "A dastur"
    program_a.save()
    program_b = program_create(courses=[course], trainers=[trainer])
    program_b.title = "B dastur"
    program_b.save()
    cohort_a = cohort_create(program=program_a, name="A guruh")
    cohort_b = cohort_create(program=program_b, name="B guruh")
    people = {}
    for name, region, program, cohort, completed in [
        ("Ali", "karakalpakstan", program_a, cohort_a, True),
        ("Bahodir", "karakalpakstan", program_a, cohort_a, False),
        ("Vali", "samarkand", program_a, cohort_a, False),
        ("Gulya", "samarkand", program_a, cohort_a, True),
        ("Dono", "fergana", program_b, cohort_b, True),
        ("Erkin", "fergana", program_b, cohort_b, False),
        ("Jasur", "fergana", program_b, cohort_b, False),
        ("Zebo", "khorezm", program_b, cohort_b, False),
    ]:
        person = social_worker_create(full_name=f"{name} Sinov", region=region)
        enrolment = enrolment_create(program=program, user=person, cohort=cohort)
        if completed:
            enrolment.completed_at = timezone.now()
            enrolment.save()
        people[name] = person
    return {"a": program_a, "b": program_b, "people": people, "trainer": trainer}


def trainer_client(client, figures):
    """Signed in as the trainer who runs both programs."""
    client.force_login(figures["trainer"])
    return client


def csv_rows(response) -> list[list[str]]:
    content = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.reader(io.StringIO(content)))


class CompletionFiguresTests:
    def test_selector_groups_by_program_cohort_and_region(self, figures):
        rows = completion_rows(enrolments=Enrolment.objects.all(), today=today_local())
        got = [
            (
                r["program__title"],
                r["cohort__name"],
                r["user__region"],
                r["enrolled"],
                r["completed"],
                r["overdue"],
            )
            for r in rows
        ]
        assert got == [
            ("A dastur", "A guruh", "karakalpakstan", 2, 1, 1),
            ("A dastur", "A guruh", "samarkand", 2, 1, 1),
            ("B dastur", "B guruh", "fergana", 3, 1, 0),
            ("B dastur", "B guruh", "khorezm", 1, 0, 0),
        ]

    def test_csv_export(self, figures, client):
        with_english = {"HTTP_ACCEPT_LANGUAGE": "en"}
        trainer_client(client, figures)
        url = reverse("learning_reports:completion") + "?export=csv"
        rows = csv_rows(client.get(url, **with_english))
        assert rows[0] == [
            "Training program",
            "Cohort",
            "Region",
            "Enrolled",
            "Completed",
            "Completed (%)",
            "Overdue",
        ]
        assert rows[1:] == [[str(value) for value in row] for row in EXPECTED]

    def test_xlsx_export_with_a_region_filter(self, figures, client):
        trainer_client(client, figures)
        url = reverse("learning_reports:completion") + "?export=xlsx&region=fergana"
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200
        workbook = openpyxl.load_workbook(
            io.BytesIO(b"".join(response.streaming_content))
        )
        values = [list(row) for row in workbook.active.iter_rows(values_only=True)]
        assert values[1:] == [list(EXPECTED[2])]

    def test_program_filter_on_the_page(self, figures, client):
        trainer_client(client, figures)
        page = reverse("learning_reports:completion") + f"?program={figures['a'].pk}"
        assert client.get(page).status_code == 200
        # The results part of the page, as Wagtail reloads it when a filter changes.
        results = reverse("learning_reports:completion_results")
        html = client.get(f"{results}?program={figures['a'].pk}").content.decode()
        # Two rows and the pill that shows the active filter.
        assert html.count("A dastur") == 3 and "B dastur" not in html


class LearnerReportsTests:
    def test_overdue_lists_exactly_the_overdue(self, figures, client):
        trainer_client(client, figures)
        url = reverse("learning_reports:overdue") + "?export=csv"
        rows = csv_rows(client.get(url, HTTP_ACCEPT_LANGUAGE="en"))
        assert sorted(row[0] for row in rows[1:]) == ["Bahodir Sinov", "Vali Sinov"]

    def test_learners_status_filter(self, figures, client):
        trainer_client(client, figures)
        url = reverse("learning_reports:learners") + "?export=csv&status=completed"
        rows = csv_rows(client.get(url, HTTP_ACCEPT_LANGUAGE="en"))
        assert sorted(row[0] for row in rows[1:]) == [
            "Ali Sinov",
            "Dono Sinov",
            "Gulya Sinov",
        ]

    def test_learner_detail(self, figures, client):
        trainer_client(client, figures)
        person = figures["people"]["Bahodir"]
        html = client.get(
            reverse("learning_reports:learner", args=[person.pk]),
            HTTP_ACCEPT_LANGUAGE="en",
        ).content.decode()
        assert "Bahodir Sinov" in html
        assert "A dastur: Overdue" in html

    def test_social_workers_cannot_read_reports(self, figures, client):
        client.force_login(figures["people"]["Ali"])
        for name in ("completion", "learners", "overdue", "certificates"):
            response = client.get(reverse(f"learning_reports:{name}"))
            assert response.status_code in (302, 403)
            assert "Sinov" not in response.content.decode()

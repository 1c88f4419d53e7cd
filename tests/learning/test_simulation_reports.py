"""Simulations on "My learning" and in the trainers' report, against figures worked
out by hand; no figure about fewer than five people is shown."""

import csv
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditAction, AuditRecord
from learning.models import SimulationRun
from learning.simulation_selectors import simulation_report_rows
from tests.accounts.factories import social_worker_create, trainer_create, user_create
from tests.learning.test_simulation import bank_caller, lesson_with_simulation
from tests.support.i18n import uz

pytestmark = pytest.mark.django_db


def run(user, lesson, block_id, tries, safe):
    """A try as the player leaves it; `safe` None for one left half way."""
    ended = None if safe is None else timezone.now()
    current = {True: "safe", False: "gave-code", None: "call"}[safe]
    return SimulationRun.objects.create(
        user=user,
        lesson=lesson,
        block_id=block_id,
        tries=tries,
        path=["call", current],
        current=current,
        ended_at=ended,
        safe=safe,
    )


def other_simulation() -> dict:
    value = bank_caller()
    value["title"] = "Ikkinchi mashq"
    return value


@pytest.fixture
def figures():
    """By hand, distinct people per simulation:

    "Bankdan qoʻngʻiroq": tried 7; unsafe on try 1: 3 (u0 u1 u2); safe ever: 6
        (u0 u1 u2 after a second try, u3 u4 u5; u6 left half way).
    "Ikkinchi mashq":     tried 5; unsafe on try 1: 5; safe ever: 0.
    Sums: 12, 8, 6.

    The 3 is hidden (fewer than 5). Then the column of first-try falls would show
    one hidden figure beside its sum (8 - 5 = 3), so the smallest figure shown in
    that column, the other simulation's 5, is hidden too (complementary).
    """
    people = [user_create(username=f"sim{number}") for number in range(7)]
    bank, bank_block = lesson_with_simulation()
    other, other_block = lesson_with_simulation(other_simulation())
    for person in people[:3]:
        run(person, bank, bank_block, 1, False)
        run(person, bank, bank_block, 2, True)
    for person in people[3:6]:
        run(person, bank, bank_block, 1, True)
    run(people[6], bank, bank_block, 1, None)
    for person in people[:5]:
        run(person, other, other_block, 1, False)
    return {"people": people, "bank": bank, "other": other}


class SimulationReportTests:
    def test_figures_are_suppressed_with_a_complementary_cell(self, figures):
        rows = simulation_report_rows()
        assert [(row.title, row.tried, row.fell_first, row.safe) for row in rows] == [
            ("Bankdan qoʻngʻiroq", 7, None, 6),
            ("Ikkinchi mashq", 5, None, 0),
            ("", 12, 8, 6),
        ]
        assert rows[0].lesson == figures["bank"]
        assert rows[-1].lesson is None

    def test_a_group_of_five_is_shown(self, figures):
        # Two more first-try falls on the bank caller: 5, no longer hidden.
        for number in range(2):
            person = user_create(username=f"extra{number}")
            run(person, figures["bank"], rows_block(figures["bank"]), 1, False)
        rows = simulation_report_rows()
        assert [(row.tried, row.fell_first, row.safe) for row in rows] == [
            (9, 5, 6),
            (5, 5, 0),
            (14, 10, 6),
        ]

    def test_a_later_unsafe_try_is_not_a_first_try_fall(self, figures):
        person = figures["people"][3]
        run(person, figures["bank"], rows_block(figures["bank"]), 2, False)
        assert simulation_report_rows()[0].fell_first is None
        assert simulation_report_rows()[-1].fell_first == 8

    def test_the_trainer_reads_it_and_one_audit_record_is_left(self, figures, client):
        trainer = trainer_create()
        client.force_login(trainer)
        last = AuditRecord.objects.order_by("-sequence").first()
        after = last.sequence if last else 0
        response = client.get(reverse("learning_reports:simulations"))
        assert response.status_code == 200
        new = list(AuditRecord.objects.filter(sequence__gt=after))
        assert len(new) == 1
        assert new[0].action == AuditAction.REPORT_VIEW
        assert new[0].actor_id == trainer.pk
        assert new[0].detail == {"report": "simulations", "filter": [], "rows": 2}
        cells = re.findall(r"<td>([^<]*)</td>", response.content.decode())
        figures_shown = [cell.strip() for cell in cells if cell.strip()]
        assert figures_shown == [
            figures["bank"].title, "7", "—", "6",
            figures["other"].title, "5", "—", "0",
            "12", "8", "6",
        ]  # fmt: skip

    def test_the_csv_export_hides_the_same_figures_and_is_recorded(
        self, figures, client
    ):
        client.force_login(trainer_create())
        response = client.get(reverse("learning_reports:simulations") + "?export=csv")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        lines = list(csv.reader(io.StringIO(response.content.decode())))
        assert [line[1:] for line in lines[1:]] == [
            ["Bankdan qoʻngʻiroq", "7", "", "6"],
            ["Ikkinchi mashq", "5", "", "0"],
            [uz("All simulations (sum)"), "12", "8", "6"],
        ]
        record = AuditRecord.objects.order_by("-sequence").first()
        assert record.action == AuditAction.REPORT_EXPORT
        assert record.detail == {
            "report": "simulations",
            "filter": [],
            "rows": 2,
            "format": "csv",
        }

    def test_people_who_do_not_run_training_cannot_read_it(self, figures, client):
        client.force_login(social_worker_create(full_name="Ism Sinov"))
        response = client.get(reverse("learning_reports:simulations"))
        assert response.status_code in (302, 403)
        assert not AuditRecord.objects.filter(
            action=AuditAction.REPORT_VIEW, detail__report="simulations"
        ).exists()


def rows_block(lesson) -> str:
    return next(block.id for block in lesson.body if block.block_type == "simulation")


class MyLearningTests:
    def test_a_line_per_simulation_tried_with_its_standing(self, figures, client):
        person = figures["people"][0]
        client.force_login(person)
        response = client.get(reverse("learning_my_learning"))
        assert response.status_code == 200
        lines = response.context["simulations"]
        assert sorted((line.title, line.tries, line.done_safely) for line in lines) == [
            ("Bankdan qoʻngʻiroq", 2, True),
            ("Ikkinchi mashq", 1, False),
        ]
        html = response.content.decode()
        assert 'data-simulation="' in html
        assert uz("Done safely") in html
        assert uz("Not yet done safely") in html
        bank_line = next(line for line in lines if line.title == "Bankdan qoʻngʻiroq")
        assert bank_line.url in html

    def test_a_learner_who_tried_none_sees_no_simulations(self, figures, client):
        client.force_login(user_create())
        response = client.get(reverse("learning_my_learning"))
        assert response.context["simulations"] == []
        assert 'data-simulation="' not in response.content.decode()

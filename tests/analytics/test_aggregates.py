"""The needs analytics' tables against figures worked out by hand
(tests/analytics/fixtures.py), and the schedule that stores them."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django_q.models import Schedule

from analytics.aggregates import crosstab, grouped_measure, monthly, tables_compute
from analytics.models import AnalyticsTable, Population
from analytics.tasks import analytics_refresh
from core.suppression import suppress_small_groups
from tests.accounts.factories import user_create
from tests.analytics.fixtures import TODAY, population_make, specialist_make
from urgent.models import UrgentRequest
from wellbeing.models import CheckIn

TOPICS = [
    "loneliness",
    "family_conflict",
    "grief",
    "anxiety",
    "pensions",
    "disability",
    "digital",
]


class BuildingBlockTests:
    def test_crosstab_counts_people_not_events(self):
        facts = [(1, "a", "x"), (1, "a", "x"), (1, "a", "y")] + [
            (person, "a", "x") for person in range(2, 8)
        ]
        table = crosstab(facts, rows=["a", "b"], columns=["x", "y"], threshold=1)
        # Person 1 asked twice about x and once about y: once in each cell, once
        # in the total; row b had nobody and is left out.
        assert table["rows"] == ["a", "total"]
        assert table["cells"] == [[7, 1, 7], [7, 1, 7]]

    def test_grouped_measure_hides_the_median_of_a_hidden_count(self):
        facts = [(person, "a", 2.0) for person in range(100, 108)] + [
            (10, "b", 9.0),
            (11, "c", 1.0),
            *((person, "c", 3.0) for person in range(12, 17)),
        ]
        table = grouped_measure(
            facts, rows=["a", "b", "c"], measure="median_days", threshold=5
        )
        # b has one person: hidden, and c (6, smaller than a's 8) with it. All 15:
        # one 1, eight 2s, five 3s, one 9: the median is 2.
        assert table["cells"] == [[8, 2.0], [None, None], [None, None], [15, 2.0]]

    def test_monthly_hides_small_months_only(self):
        table = monthly(
            {"asked": [(person, "2026-10") for person in range(7)] + [(9, "2026-11")]},
            months=["2026-10", "2026-11"],
            threshold=5,
        )
        assert table["cells"] == [[7], [None]]


@pytest.mark.django_db
class HandComputedTests:
    @pytest.fixture
    def tables(self):
        population_make()
        return tables_compute(population=Population.REAL, today=TODAY)

    def test_demand_by_region_and_topic(self, tables):
        table = tables["demand_region"]
        assert table["rows"] == ["andijan", "bukhara", "fergana", "total"]
        # By hand: Andijan 6 loneliness; Bukhara 2 loneliness and 5 pensions;
        # Fergana 1 grief; the synthetic person is not there.
        raw = [
            [6, 0, 0, 0, 0, 0, 0, 6],
            [2, 0, 0, 0, 5, 0, 0, 7],
            [0, 0, 1, 0, 0, 0, 0, 1],
            [8, 0, 1, 0, 5, 0, 0, 14],
        ]
        assert table["columns"] == [*TOPICS, "total"]
        assert table["cells"] == suppress_small_groups(raw)
        assert table["cells"][3][7] == 14
        assert table["cells"][1][0] is None
        assert table["cells"][2][2] is None

    def test_demand_by_language_and_age(self, tables):
        language = tables["demand_language"]
        assert language["rows"] == ["uz", "ru", "total"]  # Fergana: "uz" by default
        age = tables["demand_age"]
        assert age["rows"] == ["70_79", "80_plus", "total"]
        # 70-79: Andijan's 6 (loneliness) and Fergana's 1 (grief).
        assert age["cells"] == suppress_small_groups(
            [
                [6, 0, 1, 0, 0, 0, 0, 7],
                [2, 0, 0, 0, 5, 0, 0, 7],
                [8, 0, 1, 0, 5, 0, 0, 14],
            ]
        )

    def test_time_to_first_session(self, tables):
        table = tables["first_session_wait"]
        # Andijan: 6 people, 10 days each; Bukhara: 5 who came, 4 days each; all
        # 11: median of six 10s and five 4s is 10.
        assert table["rows"] == ["andijan", "bukhara", "total"]
        assert table["cells"] == [[6, 10.0], [5, 4.0], [11, 10.0]]

    def test_no_shows(self, tables):
        table = tables["no_shows_region"]
        assert table["rows"] == ["andijan", "bukhara", "total"]
        assert table["cells"] == suppress_small_groups(
            [[6, 0, 6], [5, 2, 7], [11, 2, 13]]
        )
        assert table["cells"][1][1] is None  # the 2 who missed

    def test_months(self, tables):
        table = tables["consultations_monthly"]
        assert table["rows"][-1] == "2026-11"
        assert len(table["rows"]) == 12
        by_month = dict(zip(table["rows"], table["cells"], strict=True))
        # Asked: September 6 (Andijan), October 7 + 1 (Bukhara, Fergana).
        assert by_month["2026-09"] == [6, 6, 0]
        assert by_month["2026-10"] == [8, 5, None]
        assert by_month["2026-08"] == [0, 0, 0]

    def test_lessons_alone_and_with_help(self, tables):
        table = tables["lessons_region"]
        assert table["rows"] == ["khorezm", "samarkand", "total"]
        assert table["columns"] == [
            "started",
            "done_alone",
            "done_with_help",
            "helped",
            "total",
        ]
        assert table["cells"] == suppress_small_groups(
            [[3, 0, 0, 0, 3], [0, 5, 6, 0, 11], [3, 5, 6, 0, 14]]
        )

    def test_the_synthetic_population_is_counted_apart(self):
        population_make()
        tables = tables_compute(population=Population.SYNTHETIC, today=TODAY)
        # One synthetic person: every figure about her is hidden.
        assert tables["demand_region"]["rows"] == ["andijan", "total"]
        assert all(
            value in (None, 0)
            for row in tables["demand_region"]["cells"]
            for value in row
        )


@pytest.mark.django_db
class ScheduleTests:
    def test_the_command_registers_the_schedule_once(self):
        call_command("schedule_tasks")
        call_command("schedule_tasks")
        schedule = Schedule.objects.get(name="analytics: compute the needs analytics")
        assert schedule.func == "analytics.tasks.analytics_refresh"
        assert schedule.minutes == 60
        assert Schedule.objects.filter(func=schedule.func).count() == 1

    def test_the_task_stores_every_table(self):
        population_make()
        stored = analytics_refresh()
        keys = set(
            AnalyticsTable.objects.filter(population="real").values_list(
                "key", flat=True
            )
        )
        assert {"demand_region", "first_session_wait", "lessons_region"} <= keys
        # The synthetic person makes a second population, stored apart.
        assert AnalyticsTable.objects.filter(population="synthetic").exists()
        assert stored == AnalyticsTable.objects.count()

    def test_a_second_run_replaces_rather_than_adds(self):
        population_make()
        analytics_refresh()
        first = AnalyticsTable.objects.count()
        analytics_refresh()
        assert AnalyticsTable.objects.count() == first


@pytest.mark.django_db
class PluggedSourceTests:
    """Check-ins (wellbeing) and urgent requests (urgent), read from their apps."""

    def test_checkins_by_month(self):
        specialist = specialist_make()
        october = datetime(2026, 10, 12, 6, 0, tzinfo=UTC)
        november = datetime(2026, 11, 3, 6, 0, tzinfo=UTC)
        answers = [(october, 10)] * 3 + [(october, 20)] * 3 + [(november, 5)]
        for index, (answered_at, raw) in enumerate(answers):
            CheckIn.objects.create(
                client=user_create(region="navoiy"),
                specialist=specialist,
                due_at=answered_at - timedelta(hours=1),
                expires_at=answered_at + timedelta(days=5),
                token_hash=f"{index:064d}",
                token=f"token-{index}",
                answered_at=answered_at,
                answers={"items": [2, 2, 2, 2, 2], "raw_score": raw, "alerts": []},
            )
        table = tables_compute(population=Population.REAL, today=TODAY)[
            "checkins_monthly"
        ]
        by_month = dict(zip(table["rows"], table["cells"], strict=True))
        # October: 6 people, 3 low (40 %), median of 40,40,40,80,80,80 is 60.
        assert by_month["2026-10"] == [6, None, 60.0]
        # November: one person; everything about her is hidden.
        assert by_month["2026-11"] == [None, None, None]

    def test_urgent_requests_by_month(self):
        asked = datetime(2026, 10, 20, 6, 0, tzinfo=UTC)
        for minutes in (2, 4, 6, 8, 10):
            UrgentRequest.objects.create(
                client=user_create(region="navoiy"),
                created=asked,
                taken_at=asked + timedelta(minutes=minutes),
                escalated_at=asked + timedelta(minutes=5) if minutes > 5 else None,
                closed_at=asked + timedelta(minutes=30),
            )
        table = tables_compute(population=Population.REAL, today=TODAY)[
            "urgent_monthly"
        ]
        by_month = dict(zip(table["rows"], table["cells"], strict=True))
        # 5 people waited 2, 4, 6, 8 and 10 minutes: median 6; 3 escalated.
        assert by_month["2026-10"] == [5, None, 6.0]
        assert by_month["2026-09"] == [0, 0, None]

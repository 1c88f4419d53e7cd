"""The tables of the needs analytics, computed from the sources' facts and
suppressed before anything leaves this module.

Each table is a dict of codes and figures ({"rows", "columns", "cells",
"count_columns", "row_totals", "column_totals"}): the first `count_columns`
columns count distinct people, the others are measures (medians) of the people in
their row, hidden whenever that row's people are. Rows whose people number zero are
left out. `tables_compute` is what the schedule stores and what a dashboard computed
per request would run.
"""

import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.suppression import suppress_small_groups

from . import sources
from .dimensions import dimension_codes, month_code, months_back


def min_group() -> int:
    """The smallest group shown (ANALYTICS_MIN_GROUP, never below 5)."""
    return max(5, settings.ANALYTICS_MIN_GROUP)


MONTHS = 12
TOTAL = "total"


def crosstab(
    facts: Iterable[tuple[int, str, str]],
    *,
    rows: list[str],
    columns: list[str],
    threshold: int | None = None,
    person_last: bool = False,
) -> dict:
    """Distinct people per (row, column), with row, column and grand totals that
    are themselves distinct people. `facts` are (person id, row, column); a person
    may be in several cells of one row (two topics), and then once in its total."""
    cell_people: dict[tuple[str, str], set] = defaultdict(set)
    row_people: dict[str, set] = defaultdict(set)
    column_people: dict[str, set] = defaultdict(set)
    everyone: set = set()
    for fact in facts:
        row, column, person = fact if person_last else (fact[1], fact[2], fact[0])
        cell_people[row, column].add(person)
        row_people[row].add(person)
        column_people[column].add(person)
        everyone.add(person)
    kept_rows = [row for row in rows if row_people[row]]
    grid = [
        [len(cell_people[row, column]) for column in columns] + [len(row_people[row])]
        for row in kept_rows
    ]
    grid.append([len(column_people[column]) for column in columns] + [len(everyone)])
    return {
        "rows": [*kept_rows, TOTAL],
        "columns": [*columns, TOTAL],
        "cells": suppress_small_groups(grid, threshold=threshold or min_group()),
        "count_columns": len(columns) + 1,
        "row_totals": True,
        "column_totals": True,
    }


def grouped_measure(
    facts: Iterable[tuple[int, str, float]],
    *,
    rows: list[str],
    measure: str,
    threshold: int | None = None,
) -> dict:
    """People per row and the median of one value per person (`facts` give each
    person's value once), with a total row; a hidden count hides its median."""
    values: dict[str, dict] = defaultdict(dict)
    for person, row, value in facts:
        values[row][person] = value
    kept_rows = [row for row in rows if values[row]]
    everyone = {
        person: value for row in kept_rows for person, value in values[row].items()
    }
    counts = suppress_small_groups(
        [[len(values[row])] for row in kept_rows] + [[len(everyone)]],
        threshold=threshold or min_group(),
        row_totals=False,
    )
    medians = [_median(values[row].values()) for row in kept_rows]
    medians.append(_median(everyone.values()))
    return {
        "rows": [*kept_rows, TOTAL],
        "columns": ["people", measure],
        "cells": [
            [count[0], None if count[0] is None else median]
            for count, median in zip(counts, medians, strict=True)
        ],
        "count_columns": 1,
        "row_totals": False,
        "column_totals": True,
    }


def monthly(
    series: dict[str, Iterable[tuple[int, str]]],
    *,
    months: list[str],
    medians: dict[str, tuple[str, Iterable[tuple[int, str, float]]]] | None = None,
    threshold: int | None = None,
) -> dict:
    """Distinct people per month for each series ({column: (person, month)}), no
    totals (a person counts in every month she was active in), and optionally the
    median of a value per month, hidden when its base column is."""
    columns = list(series)
    people = {
        column: _people_by_month(facts, months) for column, facts in series.items()
    }
    counts = suppress_small_groups(
        [[len(people[column][month]) for column in columns] for month in months],
        threshold=threshold or min_group(),
        row_totals=False,
        column_totals=False,
    )
    median_columns = list(medians or {})
    cells = []
    for index, month in enumerate(months):
        row = list(counts[index])
        for name in median_columns:
            base, facts = medians[name]
            shown = row[columns.index(base)] is not None
            by_month = defaultdict(list)
            for _person, fact_month, value in facts:
                by_month[fact_month].append(value)
            row.append(_median(by_month[month]) if shown else None)
        cells.append(row)
    return {
        "rows": months,
        "columns": columns + median_columns,
        "cells": cells,
        "count_columns": len(columns),
        "row_totals": False,
        "column_totals": False,
    }


def _people_by_month(facts, months) -> dict[str, set]:
    found = {month: set() for month in months}
    for person, month in facts:
        if month in found:
            found[month].add(person)
    return found


def _median(values) -> float | None:
    values = list(values)
    return round(float(statistics.median(values)), 1) if values else None


class Facts:
    """The sources' facts for one computation, each read once however many tables
    use it."""

    def __init__(self, *, population: str, today: date):
        self.population, self.today = population, today

    def _read(self, source):
        return source(population=self.population, today=self.today)

    @cached_property
    def bookings(self):
        return self._read(sources.booking_facts)

    @cached_property
    def lessons(self):
        return self._read(sources.lesson_facts)

    @cached_property
    def lesson_help(self):
        return self._read(sources.lesson_help_facts)

    @cached_property
    def enrolments(self):
        return self._read(sources.enrolment_facts)

    @cached_property
    def checkins(self):
        return self._read(sources.checkin_facts)

    @cached_property
    def urgent(self):
        return self._read(sources.urgent_facts)


# The tables --------------------------------------------------------------------


@dataclass(frozen=True)
class TableSpec:
    key: str
    section: str
    title: object  # lazy text
    description: object
    row_heading: object
    chart_column: str  # the column drawn as bars
    build: Callable


def _demand(dimension: str):
    def build(*, facts):
        return crosstab(
            (
                (fact.person.id, getattr(fact.person, dimension), fact.topic)
                for fact in facts.bookings
            ),
            rows=dimension_codes(dimension),
            columns=dimension_codes("topic"),
        )

    return build


def _first_session_wait(*, facts):
    """Days from a person's first request to her first session that took place."""
    first_request, first_session, rows = {}, {}, {}
    for fact in facts.bookings:
        person = fact.person.id
        rows[person] = fact.person.region
        if person not in first_request or fact.created_at < first_request[person]:
            first_request[person] = fact.created_at
        if fact.took_place and (
            person not in first_session or fact.starts_at < first_session[person]
        ):
            first_session[person] = fact.starts_at
    waits = [
        (
            person,
            rows[person],
            max((started - first_request[person]).total_seconds(), 0) / 86400,
        )
        for person, started in first_session.items()
    ]
    return grouped_measure(waits, rows=dimension_codes("region"), measure="median_days")


def _no_shows(*, facts):
    """People with a past session, by whether they missed any."""
    missed, region = defaultdict(bool), {}
    for fact in facts.bookings:
        if fact.took_place or fact.missed:
            region[fact.person.id] = fact.person.region
            missed[fact.person.id] |= fact.missed
    return crosstab(
        (
            (
                person,
                region[person],
                "missed_some" if missed[person] else "attended_all",
            )
            for person in region
        ),
        rows=dimension_codes("region"),
        columns=["attended_all", "missed_some"],
    )


def _lessons(dimension: str):
    def build(*, facts):
        state, people = {}, {}
        rank = {"started": 0, "done_alone": 1, "done_with_help": 2, "helped": 3}
        # A social worker's record outranks the learner's own mark.
        for fact in facts.lesson_help:
            people[fact.person.id] = fact.person
            state[fact.person.id] = "helped"
        for fact in facts.lessons:
            people[fact.person.id] = fact.person
            if fact.with_help:
                found = "done_with_help"
            elif fact.completed:
                found = "done_alone"
            else:
                found = "started"
            if rank[found] > rank[state.get(fact.person.id, "started")]:
                state[fact.person.id] = found
            state.setdefault(fact.person.id, found)
        return crosstab(
            (
                (person, getattr(people[person], dimension), state[person])
                for person in people
            ),
            rows=dimension_codes(dimension),
            columns=["started", "done_alone", "done_with_help", "helped"],
        )

    return build


def _programs(dimension: str):
    def build(*, facts):
        completed, people = defaultdict(bool), {}
        for fact in facts.enrolments:
            people[fact.person.id] = fact.person
            completed[fact.person.id] |= fact.completed
        return crosstab(
            (
                (
                    person,
                    getattr(people[person], dimension),
                    "completed" if completed[person] else "in_progress",
                )
                for person in people
            ),
            rows=dimension_codes(dimension),
            columns=["in_progress", "completed"],
        )

    return build


def _helpers(*, facts):
    """Learners each social worker helped, in person and by phone (a learner helped
    both ways counts in both; once in the total)."""
    return crosstab(
        (
            (f"helper-{fact.helper_id}", fact.mode, fact.person.id)
            for fact in facts.lesson_help
            if fact.helper_id is not None
        ),
        rows=sorted(
            {
                f"helper-{fact.helper_id}"
                for fact in facts.lesson_help
                if fact.helper_id is not None
            }
        ),
        columns=["in_person", "phone"],
        person_last=True,
    )


def _month_of(moment) -> str:
    return month_code(sources.local_month(moment))


def _trends(*, facts):
    today, facts = facts.today, facts.bookings
    return monthly(
        {
            "asked": [(fact.person.id, _month_of(fact.created_at)) for fact in facts],
            "had_session": [
                (fact.person.id, _month_of(fact.starts_at))
                for fact in facts
                if fact.took_place
            ],
            "missed": [
                (fact.person.id, _month_of(fact.starts_at))
                for fact in facts
                if fact.missed
            ],
        },
        months=months_back(today=today, count=MONTHS),
    )


def _checkins(*, facts):
    today, facts = facts.today, facts.checkins
    if facts is None:
        return None
    return monthly(
        {
            "checked_in": [(f.person.id, _month_of(f.answered_at)) for f in facts],
            "low_score": [
                (f.person.id, _month_of(f.answered_at))
                for f in facts
                if f.score_percent <= 50
            ],
        },
        months=months_back(today=today, count=MONTHS),
        medians={
            "median_score": (
                "checked_in",
                [
                    (f.person.id, _month_of(f.answered_at), f.score_percent)
                    for f in facts
                ],
            )
        },
    )


def _urgent(*, facts):
    today, facts = facts.today, facts.urgent
    if facts is None:
        return None
    return monthly(
        {
            "urgent": [(f.person.id, _month_of(f.created)) for f in facts],
            "escalated": [
                (f.person.id, _month_of(f.created)) for f in facts if f.escalated
            ],
        },
        months=months_back(today=today, count=MONTHS),
        medians={
            "median_minutes": (
                "urgent",
                [
                    (f.person.id, _month_of(f.created), f.waited_minutes)
                    for f in facts
                    if f.waited_minutes is not None
                ],
            )
        },
    )


DEMAND = _("Demand for consultations")
WAITING = _("Waiting and missed sessions")
LEARNING = _("Learning")
TRENDS = _("Trends by month")

TABLES = [
    TableSpec(
        "demand_region",
        DEMAND,
        _("People asking for a consultation, by region and topic"),
        _(
            "A person who asked about two topics counts in both; totals count each "
            "person once."
        ),
        _("Region"),
        TOTAL,
        _demand("region"),
    ),
    TableSpec(
        "demand_language",
        DEMAND,
        _("People asking for a consultation, by language and topic"),
        _("The language each person uses Koʻmak in."),
        _("Language"),
        TOTAL,
        _demand("language"),
    ),
    TableSpec(
        "demand_age",
        DEMAND,
        _("People asking for a consultation, by age group and topic"),
        _("Age groups by birth year."),
        _("Age group"),
        TOTAL,
        _demand("age"),
    ),
    TableSpec(
        "first_session_wait",
        WAITING,
        _("Time from the first request to the first session, by region"),
        _(
            "Days between a person's first booking and her first session that took "
            "place."
        ),
        _("Region"),
        "median_days",
        _first_session_wait,
    ),
    TableSpec(
        "no_shows_region",
        WAITING,
        _("Missed sessions, by region"),
        _("People with a session in the past, by whether they missed one."),
        _("Region"),
        "missed_some",
        _no_shows,
    ),
    TableSpec(
        "lessons_region",
        LEARNING,
        _("Lessons done alone and with help, by region"),
        _(
            "Each learner once: confirmed if a social worker recorded helping her, "
            "otherwise by her own marks."
        ),
        _("Region"),
        TOTAL,
        _lessons("region"),
    ),
    TableSpec(
        "lessons_age",
        LEARNING,
        _("Lessons done alone and with help, by age group"),
        _(
            "Each learner once: confirmed if a social worker recorded helping her, "
            "otherwise by her own marks."
        ),
        _("Age group"),
        TOTAL,
        _lessons("age"),
    ),
    TableSpec(
        "lesson_helpers",
        LEARNING,
        _("Help with lessons given by social workers"),
        _("Learners each social worker recorded helping, in person or by phone."),
        _("Social worker"),
        TOTAL,
        _helpers,
    ),
    TableSpec(
        "programs_region",
        LEARNING,
        _("Training program enrolments and completions, by region"),
        _("Each social worker once: finished if she finished a program."),
        _("Region"),
        "completed",
        _programs("region"),
    ),
    TableSpec(
        "programs_age",
        LEARNING,
        _("Training program enrolments and completions, by age group"),
        _("Each social worker once: finished if she finished a program."),
        _("Age group"),
        "completed",
        _programs("age"),
    ),
    TableSpec(
        "consultations_monthly",
        TRENDS,
        _("Consultations by month"),
        _("People each month; a person counts in every month she was active in."),
        _("Month"),
        "asked",
        _trends,
    ),
    TableSpec(
        "checkins_monthly",
        TRENDS,
        _("Wellbeing check-ins by month"),
        _("A low score is 50 or less out of 100 (WHO-5)."),
        _("Month"),
        "checked_in",
        _checkins,
    ),
    TableSpec(
        "urgent_monthly",
        TRENDS,
        _("Urgent help requests by month"),
        _("The wait is until a specialist took the request."),
        _("Month"),
        "urgent",
        _urgent,
    ),
]
TABLES_BY_KEY = {spec.key: spec for spec in TABLES}


def tables_compute(*, population: str, today: date) -> dict[str, dict]:
    """Every table whose source has data to give, suppressed, keyed by table."""
    computed = {}
    facts = Facts(population=population, today=today)
    for spec in TABLES:
        data = spec.build(facts=facts)
        if data is not None:
            computed[spec.key] = data
    return computed

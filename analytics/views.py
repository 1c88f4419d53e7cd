"""The needs analytics in the Wagtail admin: one dashboard page and a CSV file per
table, for coordinators only (`view_needs_analytics`; anyone else gets 403, as with
the training reports). Both read the precomputed tables only and record the read."""

import csv

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from .aggregates import TABLES, TABLES_BY_KEY, TOTAL
from .charts import bar_chart
from .dimensions import code_label
from .models import Population
from .permissions import VIEW_PERMISSION
from .selectors import (
    analytics_read_record,
    analytics_tables_stored,
    populations_available,
)

# The dashboard's source of tables; bench/analytics_dashboard.py swaps in
# `selectors.analytics_tables_live` to time the page without the schedule.
tables_for_dashboard = analytics_tables_stored


def _require_coordinator(request) -> None:
    if not request.user.has_perm(VIEW_PERMISSION):
        raise PermissionDenied


def _population(request) -> str:
    population = request.GET.get("population", Population.REAL)
    if population not in Population.values:
        raise Http404
    return population


def _label(code: str) -> str:
    return _("Total") if code == TOTAL else code_label(code)


def _cell_text(value) -> str:
    if value is None:
        return _("hidden")
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


HELPER_PREFIX = "helper-"


def _helper_labels(codes: list[str]) -> dict[str, str]:
    """Social workers' names (and regions) for the rows of the helpers' table; the
    stored table keeps only their ids."""
    ids = [
        int(code.removeprefix(HELPER_PREFIX))
        for code in codes
        if code.startswith(HELPER_PREFIX)
    ]
    labels = {}
    for person in get_user_model().objects.filter(pk__in=ids):
        name = person.get_full_name() or person.username
        region = code_label(person.region) if person.region else ""
        labels[f"{HELPER_PREFIX}{person.pk}"] = f"{name} ({region})" if region else name
    return labels


def _table_view(spec, data: dict) -> dict:
    columns = data["columns"]
    names = _helper_labels(data["rows"])
    rows = []
    for code, cells in zip(data["rows"], data["cells"], strict=True):
        rows.append(
            {
                "label": names.get(code) or _label(code),
                "total": code == TOTAL,
                "cells": [_cell_text(value) for value in cells],
            }
        )
    chart_index = columns.index(spec.chart_column)
    bars = [
        (names.get(code) or _label(code), cells[chart_index])
        for code, cells in zip(data["rows"], data["cells"], strict=True)
        if code != TOTAL
    ]
    title = str(spec.title)
    chart_title = _("%(table)s: %(column)s") % {
        "table": title,
        "column": _label(spec.chart_column),
    }
    return {
        "key": spec.key,
        "title": title,
        "description": spec.description,
        "row_heading": spec.row_heading,
        "headings": [_label(code) for code in columns],
        "rows": rows,
        "chart_caption": chart_title,
        "chart": bar_chart(
            chart_id=f"chart-{spec.key}",
            title=chart_title,
            description=_(
                "Bar chart of the table beside it. Hidden figures are groups of fewer "
                "than five people, or figures that would let one be worked out."
            ),
            bars=bars,
        ),
    }


@require_GET
def dashboard(request):
    _require_coordinator(request)
    population = _population(request)
    stored = tables_for_dashboard(population=population)
    sections: dict[str, list] = {}
    for spec in TABLES:
        data = stored.tables.get(spec.key)
        if data is not None:
            sections.setdefault(str(spec.section), []).append(_table_view(spec, data))
    analytics_read_record(
        reader=request.user,
        population=population,
        tables=len(stored.tables),
        request=request,
    )
    return render(
        request,
        "analytics/dashboard.html",
        {
            "page_title": _("Needs analytics"),
            "sections": sections,
            "computed_at": (
                timezone.localtime(stored.computed_at) if stored.computed_at else None
            ),
            "population": population,
            "populations": [
                (value, Population(value).label, value == population)
                for value in populations_available()
            ],
        },
    )


@require_GET
def table_csv(request, key: str):
    """One table as CSV, hidden figures written as the word "hidden"."""
    _require_coordinator(request)
    population = _population(request)
    spec = TABLES_BY_KEY.get(key)
    if spec is None:
        raise Http404
    stored = analytics_tables_stored(population=population)
    data = stored.tables.get(key)
    if data is None:
        raise Http404
    analytics_read_record(
        reader=request.user,
        population=population,
        tables=1,
        export_key=key,
        request=request,
    )
    day = timezone.localdate().isoformat()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="needs-{key}-{population}-{day}.csv"'
    )
    # A byte-order mark, so that spreadsheet programs read the Uzbek letters right.
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([str(spec.row_heading), *(_label(c) for c in data["columns"])])
    names = _helper_labels(data["rows"])
    for code, cells in zip(data["rows"], data["cells"], strict=True):
        label = names.get(code) or _label(code)
        writer.writerow([label, *(_cell_text(value) for value in cells)])
    return response

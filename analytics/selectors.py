"""Reads of the needs analytics: the stored tables, and the audit record of every
read (a page view, `analytics_view`; an export, `analytics_export`).

Only coordinators read them (`view_needs_analytics`); the views check that before
calling here. The tables hold no name and no figure about fewer than five people,
but what a coordinator looked at and took away is still recorded, as with every
other report (docs/privacy.md).
"""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from audit.models import AuditAction
from audit.services import audit_record

from .aggregates import tables_compute
from .models import AnalyticsTable, Population


@dataclass
class StoredTables:
    tables: dict[str, dict]
    computed_at: datetime | None


def analytics_tables_stored(*, population: str) -> StoredTables:
    """The precomputed tables of `population`, as the schedule left them."""
    rows = list(
        AnalyticsTable.objects.filter(population=population).values(
            "key", "data", "computed_at"
        )
    )
    computed_at = max((row["computed_at"] for row in rows), default=None)
    return StoredTables(
        tables={row["key"]: row["data"] for row in rows}, computed_at=computed_at
    )


def analytics_tables_live(*, population: str) -> StoredTables:
    """The same tables computed now: what the dashboard would cost without the
    schedule (bench/analytics_dashboard.py compares the two)."""
    now = timezone.now()
    return StoredTables(
        tables=tables_compute(population=population, today=timezone.localdate(now)),
        computed_at=now,
    )


def populations_available() -> list[str]:
    """Populations with stored tables; real people always come first."""
    found = set(AnalyticsTable.objects.values_list("population", flat=True).distinct())
    return [Population.REAL] + [
        value
        for value in Population.values
        if value in found and value != Population.REAL
    ]


def analytics_read_record(
    *,
    reader,
    population: str,
    tables: int,
    export_key: str | None = None,
    request=None,
) -> None:
    """Record one read of the needs analytics: the dashboard (`analytics_view`,
    with how many tables it showed) or one table's CSV (`analytics_export`)."""
    detail = {"population": population, "tables": tables}
    if export_key:
        detail["table"] = export_key
        detail["format"] = "csv"
    audit_record(
        actor=reader,
        action=(
            AuditAction.ANALYTICS_EXPORT if export_key else AuditAction.ANALYTICS_VIEW
        ),
        target=None,
        request=request,
        detail=detail,
    )

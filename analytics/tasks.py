"""django-q2 tasks of the needs analytics (analytics/schedules.py)."""

from .services import analytics_tables_refresh


def analytics_refresh() -> int:
    """Recompute the dashboard's tables; the number stored goes to the task log."""
    return analytics_tables_refresh()

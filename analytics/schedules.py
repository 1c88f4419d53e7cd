"""The periodic task of the needs analytics (made by `manage.py schedule_tasks`,
core/schedules.py)."""

SCHEDULES = [
    {
        "name": "analytics: compute the needs analytics",
        "func": "analytics.tasks.analytics_refresh",
        "minutes": "ANALYTICS_REFRESH_MINUTES",
    },
]

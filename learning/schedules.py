"""The periodic tasks of training programs (made by `manage.py schedule_tasks`,
core/schedules.py)."""

SCHEDULES = [
    {
        "name": "learning: send deadline reminders",
        "func": "learning.tasks.deadline_reminders_send",
        # Hourly is enough for day-granular deadlines and catches up after downtime.
        "minutes": 60,
    },
]

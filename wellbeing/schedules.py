"""The periodic tasks of check-ins (made by `manage.py schedule_tasks`,
core/schedules.py)."""

SCHEDULES = [
    {
        "name": "wellbeing: send check-in links and reminders",
        "func": "wellbeing.tasks.checkin_messages_send",
        "minutes": 10,
    },
    {
        "name": "wellbeing: delete old check-ins",
        "func": "wellbeing.tasks.wellbeing_retention_delete",
        "minutes": 24 * 60,
    },
]

"""The periodic tasks of consultations (made by `manage.py schedule_tasks`,
core/schedules.py)."""

SCHEDULES = [
    {
        "name": "consultations: send reminders",
        "func": "consultations.tasks.reminders_send",
        "minutes": 5,
    },
    {
        "name": "consultations: mark no-shows",
        "func": "consultations.tasks.no_shows_mark",
        "minutes": 15,
    },
    {
        "name": "consultations: anonymise old consultations",
        "func": "consultations.tasks.consultations_retention_anonymise",
        "minutes": 24 * 60,
    },
]

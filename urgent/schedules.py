"""The periodic tasks of urgent help (made by `manage.py schedule_tasks`,
core/schedules.py): escalation every minute, so that a request waits at most a minute
past its time, and every hour the closing of requests left open and the deletion of
those past retention."""

SCHEDULES = [
    {
        "name": "urgent: escalate requests nobody took",
        "func": "urgent.tasks.urgent_escalate",
        "minutes": 1,
    },
    {
        "name": "urgent: close forgotten requests, delete old ones",
        "func": "urgent.tasks.urgent_tidy",
        "minutes": 60,
    },
]

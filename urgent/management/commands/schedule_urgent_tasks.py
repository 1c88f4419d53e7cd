"""Create the django-q2 schedules of urgent help (safe to run again): escalation every
minute, so that a request waits at most a minute past its time, and every hour the
closing of requests left open and the deletion of those past retention."""

from django.core.management.base import BaseCommand

from cms.schedules import schedules_ensure

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


class Command(BaseCommand):
    help = "Create or update the scheduled tasks of urgent help."

    def handle(self, *args, **options):
        schedules_ensure(SCHEDULES, stdout=self.stdout)

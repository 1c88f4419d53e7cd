"""Create the django-q2 schedule of urgent help (safe to run again): escalation every
minute, so that a request waits at most a minute past its time."""

from django.core.management.base import BaseCommand

from cms.schedules import schedules_ensure

SCHEDULES = [
    {
        "name": "urgent: escalate requests nobody took",
        "func": "urgent.tasks.urgent_escalate",
        "minutes": 1,
    },
]


class Command(BaseCommand):
    help = "Create or update the scheduled task of urgent help."

    def handle(self, *args, **options):
        schedules_ensure(SCHEDULES, stdout=self.stdout)

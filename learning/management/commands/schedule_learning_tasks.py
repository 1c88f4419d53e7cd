"""Create the django-q2 schedules of training programs (safe to run again).

Called by `schedule_tasks`, so `make run` sets them up with the others.
"""

from django.core.management.base import BaseCommand

from cms.schedules import schedules_ensure

SCHEDULES = [
    {
        "name": "learning: send deadline reminders",
        "func": "learning.tasks.deadline_reminders_send",
        # Hourly is enough for day-granular deadlines and catches up after downtime.
        "minutes": 60,
    },
]


class Command(BaseCommand):
    help = "Create or update the scheduled tasks of training programs."

    def handle(self, *args, **options):
        schedules_ensure(SCHEDULES, stdout=self.stdout)

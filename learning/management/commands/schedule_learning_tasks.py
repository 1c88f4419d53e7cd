"""Create the django-q2 schedules of training programs (safe to run again).

Called by `schedule_tasks`, so `make run` sets them up with the others.
"""

from django.core.management.base import BaseCommand
from django_q.models import Schedule

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
        for spec in SCHEDULES:
            _schedule, created = Schedule.objects.update_or_create(
                name=spec["name"],
                defaults={
                    "func": spec["func"],
                    "schedule_type": Schedule.MINUTES,
                    "minutes": spec["minutes"],
                    "repeats": -1,
                },
            )
            verb = "Created" if created else "Updated"
            self.stdout.write(
                f"{verb} '{spec['name']}': every {spec['minutes']} minutes."
            )

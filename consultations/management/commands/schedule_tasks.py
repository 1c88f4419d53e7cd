"""Create the django-q2 schedules of consultations (safe to run again).

Schedules are rows in the database, so every cluster sees the same ones; running the
command again updates them in place by name instead of adding duplicates.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django_q.models import Schedule

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
    {
        "name": "audit: verify the chain and keep its head",
        "func": "audit.tasks.audit_chain_check",
        "minutes": 24 * 60,
    },
]


class Command(BaseCommand):
    help = "Create or update the scheduled tasks of consultations."

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
        # Training programs keep their schedules in their own app.
        call_command("schedule_learning_tasks", stdout=self.stdout)

"""Create the django-q2 schedules of consultations (safe to run again).

Schedules are rows in the database, so every cluster sees the same ones; running the
command again updates them in place by name instead of adding duplicates.
"""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django_q.models import Schedule

from cms.schedules import schedules_ensure

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


# Only while `make run` runs (KOMAK_DEMO_KEEP_TALK): keeps a demo talk joinable.
DEMO_SCHEDULE = {
    "name": "consultations: keep a demo talk joinable",
    "func": "consultations.tasks.demo_talk_keep",
    "minutes": 1,
}


class Command(BaseCommand):
    help = "Create or update the scheduled tasks of consultations."

    def handle(self, *args, **options):
        schedules_ensure(SCHEDULES, stdout=self.stdout)
        if settings.KOMAK_DEMO_KEEP_TALK:
            schedules_ensure([DEMO_SCHEDULE], stdout=self.stdout)
        else:
            # A database that once ran the demo stops keeping its talk.
            Schedule.objects.filter(name=DEMO_SCHEDULE["name"]).delete()
        # Training programs, the audit trail, lesson videos, check-ins, urgent help
        # and needs analytics keep their schedules in their apps.
        call_command("schedule_learning_tasks", stdout=self.stdout)
        call_command("schedule_audit_tasks", stdout=self.stdout)
        call_command("schedule_video_tasks", stdout=self.stdout)
        call_command("schedule_wellbeing_tasks", stdout=self.stdout)
        call_command("schedule_urgent_tasks", stdout=self.stdout)
        call_command("schedule_analytics_tasks", stdout=self.stdout)

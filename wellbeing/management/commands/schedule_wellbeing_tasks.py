"""Create the django-q2 schedules of check-ins (safe to run again; called by
`manage.py schedule_tasks`)."""

from django.core.management.base import BaseCommand

from cms.schedules import schedules_ensure

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


class Command(BaseCommand):
    help = "Create or update the scheduled tasks of wellbeing check-ins."

    def handle(self, *args, **options):
        schedules_ensure(SCHEDULES, stdout=self.stdout)

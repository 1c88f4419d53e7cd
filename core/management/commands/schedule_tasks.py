"""`manage.py schedule_tasks`: create or update the django-q2 schedules that every
installed app declares in its `schedules.py` (safe to run again; core/schedules.py).

`make run` and deploy/scaleout.py run it after `migrate`; run it after every upgrade,
so that a new or changed schedule reaches the database.
"""

from django.core.management.base import BaseCommand

from core.schedules import schedules_declared, schedules_ensure


class Command(BaseCommand):
    help = "Create or update the scheduled tasks that the installed apps declare."

    def handle(self, *args, **options):
        schedules_ensure(schedules_declared(), stdout=self.stdout)

"""Create the django-q2 schedules of lesson videos (safe to run again).

Called by `schedule_tasks`, so `make run` sets them up with the others.
"""

from django.core.management.base import BaseCommand

from cms.schedules import schedules_ensure

SCHEDULES = [
    {
        "name": "videos: recover stalled videos",
        "func": "videos.tasks.videos_stalled_recover",
        "minutes": 5,
    },
]


class Command(BaseCommand):
    help = "Create or update the scheduled tasks of lesson videos."

    def handle(self, *args, **options):
        schedules_ensure(SCHEDULES, stdout=self.stdout)

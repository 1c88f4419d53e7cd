"""Create the django-q2 schedule of the needs analytics (safe to run again)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from cms.schedules import schedules_ensure


def analytics_schedules() -> list[dict]:
    return [
        {
            "name": "analytics: compute the needs analytics",
            "func": "analytics.tasks.analytics_refresh",
            "minutes": settings.ANALYTICS_REFRESH_MINUTES,
        },
    ]


class Command(BaseCommand):
    help = "Create or update the scheduled task of the needs analytics."

    def handle(self, *args, **options):
        schedules_ensure(analytics_schedules(), stdout=self.stdout)

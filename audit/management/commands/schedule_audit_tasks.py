"""Create the django-q2 schedules of the audit trail (safe to run again).

Called by `schedule_tasks`, so `make run` sets them up with the others. The
checkpoint runs every 5 minutes: at most that much of the trail can be cut from its
end unseen by someone who can write the database (docs/privacy.md).
"""

from django.core.management.base import BaseCommand

from cms.schedules import schedules_ensure

SCHEDULES = [
    {
        "name": "audit: write a signed checkpoint of the chain",
        "func": "audit.tasks.audit_checkpoint_task",
        "minutes": 5,
    },
    {
        "name": "audit: verify the chain and keep its head",
        "func": "audit.tasks.audit_chain_check",
        "minutes": 24 * 60,
    },
]


class Command(BaseCommand):
    help = "Create or update the scheduled tasks of the audit trail."

    def handle(self, *args, **options):
        schedules_ensure(SCHEDULES, stdout=self.stdout)

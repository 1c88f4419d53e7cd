"""What trainers and coordinators may do with training programs, granted to their
groups by `cms.setup.roles_ensure` after every migrate.

Trainers prepare and publish programs, keep cohorts and read the reports about the
people in the cohorts of the programs they run; coordinators read every social
worker's training records, delete cohorts and revoke certificates (docs/privacy.md,
"Who sees whom").
"""

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType

from accounts.roles import COORDINATOR, TRAINER

TRAINER_PERMISSIONS = [
    ("program", "add_program"),
    ("program", "change_program"),
    ("program", "view_program"),
    ("program", "publish_program"),
    ("cohort", "add_cohort"),
    ("cohort", "change_cohort"),
    ("cohort", "view_cohort"),
    ("enrolment", "view_training_reports"),
]
COORDINATOR_PERMISSIONS = TRAINER_PERMISSIONS + [
    ("enrolment", "view_all_training_records"),
    ("cohort", "delete_cohort"),
    ("certificate", "revoke_certificate"),
]


def _permission(model_name: str, codename: str) -> Permission:
    # Wagtail adds "publish_<snippet>" in its own post_migrate, which may run after
    # ours on a fresh database: make it here if it is not there yet.
    content_type = ContentType.objects.get_by_natural_key("learning", model_name)
    permission, _created = Permission.objects.get_or_create(
        content_type=content_type,
        codename=codename,
        defaults={"name": codename.replace("_", " ").capitalize()},
    )
    return permission


def training_permissions_ensure(groups: dict[str, Group]) -> None:
    for role, grants in (
        (TRAINER, TRAINER_PERMISSIONS),
        (COORDINATOR, COORDINATOR_PERMISSIONS),
    ):
        groups[role].permissions.add(
            *(_permission(model, codename) for model, codename in grants)
        )

"""Who may read the needs analytics: coordinators only, granted to their group by
`cms.setup.roles_ensure` after every migrate."""

from django.contrib.auth.models import Group, Permission

from accounts.roles import COORDINATOR

VIEW_PERMISSION = "analytics.view_needs_analytics"


def analytics_permissions_ensure(groups: dict[str, Group]) -> None:
    permission = Permission.objects.get(
        content_type__app_label="analytics", codename="view_needs_analytics"
    )
    groups[COORDINATOR].permissions.add(permission)

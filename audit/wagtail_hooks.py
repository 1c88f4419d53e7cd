"""The audit trail in the Wagtail admin: a read-only, searchable, filterable list for
coordinators (the `audit.view_auditrecord` permission, given in cms/setup.py).

The model has only the "view" permission, so no add, edit or delete screens exist.
"""

import django_filters
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from .models import AuditAction, AuditRecord


class ReadOnlyPermissionPolicy(ModelPermissionPolicy):
    """Viewing only, for superusers too: records are changed by no one."""

    def user_has_permission(self, user, action):
        return action == "view" and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action)


register_permission_policy(AuditRecord, ReadOnlyPermissionPolicy(AuditRecord))


class AuditRecordFilterSet(WagtailFilterSet):
    action = django_filters.ChoiceFilter(
        label=_("action"),
        choices=AuditAction.choices,
    )
    occurred_at = django_filters.DateFromToRangeFilter(
        label=_("when"),
        widget=DateRangePickerWidget,
    )
    actor_id = django_filters.NumberFilter(label=_("user id"))
    actor_pseudonym = django_filters.CharFilter(label=_("user pseudonym"))
    target_type = django_filters.CharFilter(label=_("object type"))
    target_id = django_filters.CharFilter(label=_("object id"))
    ip_address = django_filters.CharFilter(label=_("address"))

    class Meta:
        model = AuditRecord
        fields = []


class AuditRecordViewSet(ModelViewSet):
    model = AuditRecord
    icon = "list-ul"
    menu_label = _("Audit trail")
    menu_order = 900
    add_to_admin_menu = True
    inspect_view_enabled = True
    copy_view_enabled = False
    add_to_reference_index = False
    list_display = [
        "sequence",
        "occurred_at",
        "action",
        "actor_id",
        "actor_pseudonym",
        "target_type",
        "target_id",
        "ip_address",
    ]
    list_per_page = 50
    filterset_class = AuditRecordFilterSet
    search_fields = ["actor_pseudonym", "target_id", "target_type", "action"]
    search_backend_name = None
    inspect_view_fields = [
        "sequence",
        "occurred_at",
        "action",
        "actor_id",
        "actor_pseudonym",
        "target_type",
        "target_id",
        "ip_address",
        "detail",
        "previous_hash",
        "hash",
    ]
    form_fields = []


@hooks.register("register_admin_viewset")
def register_audit_viewset():
    return AuditRecordViewSet("audit")

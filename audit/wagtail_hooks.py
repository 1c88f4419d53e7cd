"""The audit trail in the Wagtail admin: a read-only, searchable, filterable list for
coordinators (the `audit.view_auditrecord` permission, given in cms/setup.py).

The model has only the "view" permission, so no add, edit or delete screens exist.
Coordinators see pseudonyms only: no user id in any column, filter, search, sort or
inspect field, user ids as objects or in `detail` turned into pseudonyms, and the
address as a pseudonym too. There is no export. Each page shown is recorded
(`audit_view`); who is behind a pseudonym is for administrators alone, on its own
recorded page (`audit:reveal`, audit/views.py).
"""

import django_filters
from django.conf import settings
from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from .models import AuditAction, AuditRecord
from .views import (
    AuditIndexView,
    AuditInspectView,
    AuditRevealView,
    address_column,
    target_column,
)


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
    actor_pseudonym = django_filters.CharFilter(label=_("user pseudonym"))
    target_type = django_filters.CharFilter(label=_("object type"))
    target_id = django_filters.CharFilter(
        label=_("object id"),
        method="filter_target_id",
    )

    class Meta:
        model = AuditRecord
        fields = []

    def filter_target_id(self, queryset, name, value):
        """Objects that are not people: typing a user id here would tell which
        pseudonym it has (people are found by their pseudonym instead)."""
        return queryset.filter(target_id=value).exclude(
            target_type=settings.AUTH_USER_MODEL.lower()
        )


class AuditRecordViewSet(ModelViewSet):
    model = AuditRecord
    icon = "list-ul"
    menu_label = _("Audit trail")
    menu_order = 900
    add_to_admin_menu = True
    index_view_class = AuditIndexView
    inspect_view_class = AuditInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    add_to_reference_index = False
    list_display = [
        "sequence",
        "occurred_at",
        "action",
        "actor_pseudonym",
        "target_type",
        target_column(),
        address_column(),
    ]
    list_export = []
    list_per_page = 50
    filterset_class = AuditRecordFilterSet
    # Not the object id: a user's id there would match its pseudonym.
    search_fields = ["actor_pseudonym", "target_type", "action"]
    search_backend_name = None
    inspect_view_fields = [
        "sequence",
        "occurred_at",
        "action",
        "actor_pseudonym",
        "target_type",
        "target_shown",
        "address_shown",
        "detail_shown",
        "scheme",
        "previous_hash",
        "hash",
    ]
    form_fields = []

    @property
    def reveal_view(self):
        return AuditRevealView.as_view()

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("reveal/<int:pk>/", self.reveal_view, name="reveal"),
        ]


@hooks.register("register_admin_viewset")
def register_audit_viewset():
    return AuditRecordViewSet("audit")

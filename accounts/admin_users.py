"""Wagtail's user screens (/admin/users/...) with every read of people recorded.

Wagtail's own `UserViewSet`, installed through its documented extension point
(`WagtailUsersConfig.user_viewset`, accounts/apps.py): the list (and its search and
filter results) leaves one `user_list_view` record per page shown, with how many
people it showed; the screens about one person (edit, history, usage, copy, delete)
leave one `user_view` record whose target is that person. The confirmation pages of
Wagtail's bulk actions on users (delete, assign a role, switch on or off) name every
person chosen, so they leave one `user_view` record per person shown (registered in
accounts/wagtail_hooks.py). What was searched for is not recorded: it may be a name
or a phone number.
"""

from wagtail.admin.views.generic import CopyView
from wagtail.admin.views.generic.usage import UsageView
from wagtail.users.views import users as wagtail_users
from wagtail.users.views.bulk_actions import (
    AssignRoleBulkAction,
    DeleteBulkAction,
    SetActiveStateBulkAction,
)

from .services import user_list_view_record, user_view_record


class UserListAuditMixin:
    """One record per list page answered, with the number of people on it."""

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        context = getattr(response, "context_data", None) or {}
        if response.status_code == 200 and "object_list" in context:
            user_list_view_record(
                actor=request.user,
                shown=len(context["object_list"]),
                total=context.get("items_count", len(context["object_list"])),
                page=getattr(context.get("page_obj"), "number", 1),
                searched=bool(context.get("is_searching")),
                filtered=bool(context.get("is_filtering")),
                request=request,
            )
        return response


class UserReadAuditMixin:
    """One record per screen about one person that is answered (`screen` names it);
    saving a change is recorded apart (`user_change`, audit/receivers.py)."""

    screen = ""

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if response.status_code == 200:
            user_view_record(
                actor=request.user,
                person_id=self.kwargs["pk"],
                screen=self.screen,
                request=request,
            )
        return response


class AuditedUserIndexView(UserListAuditMixin, wagtail_users.IndexView):
    pass


class AuditedUserEditView(UserReadAuditMixin, wagtail_users.EditView):
    screen = "edit"


class AuditedUserDeleteView(UserReadAuditMixin, wagtail_users.DeleteView):
    screen = "delete"


class AuditedUserHistoryView(UserReadAuditMixin, wagtail_users.HistoryView):
    screen = "history"


class AuditedUserUsageView(UserReadAuditMixin, UsageView):
    screen = "usage"


class AuditedUserCopyView(UserReadAuditMixin, CopyView):
    """Wagtail's "copy" fills a new-user form with the person's details."""

    screen = "copy"


class AuditedUserViewSet(wagtail_users.UserViewSet):
    index_view_class = AuditedUserIndexView
    edit_view_class = AuditedUserEditView
    delete_view_class = AuditedUserDeleteView
    history_view_class = AuditedUserHistoryView
    usage_view_class = AuditedUserUsageView
    copy_view_class = AuditedUserCopyView


class UserBulkActionAuditMixin:
    """One `user_view` record per person a bulk action's confirmation page names.
    Only the page is recorded here; what the action then changes is recorded by the
    receivers of those changes (`user_change`, `account_delete`...)."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.request.method == "GET":
            for item in context["items"]:
                user_view_record(
                    actor=self.request.user,
                    person_id=item["item"].pk,
                    screen=f"bulk_{self.action_type}",
                    request=self.request,
                )
        return context


class AuditedUserDeleteBulkAction(UserBulkActionAuditMixin, DeleteBulkAction):
    pass


class AuditedUserAssignRoleBulkAction(UserBulkActionAuditMixin, AssignRoleBulkAction):
    pass


class AuditedUserSetActiveStateBulkAction(
    UserBulkActionAuditMixin, SetActiveStateBulkAction
):
    pass


AUDITED_USER_BULK_ACTIONS = (
    AuditedUserDeleteBulkAction,
    AuditedUserAssignRoleBulkAction,
    AuditedUserSetActiveStateBulkAction,
)

"""Wagtail admin wiring of the needs analytics: its URLs and a "Reports" menu item
shown to coordinators only."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import views
from .permissions import VIEW_PERMISSION

analytics_urls = [
    path("", views.dashboard, name="dashboard"),
    path("<slug:key>.csv", views.table_csv, name="table_csv"),
]


@hooks.register("register_admin_urls")
def register_analytics_urls():
    return [path("needs-analytics/", include((analytics_urls, "analytics")))]


class AnalyticsMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(VIEW_PERMISSION)


@hooks.register("register_reports_menu_item")
def analytics_menu_item():
    return AnalyticsMenuItem(
        _("Needs analytics"),
        reverse("analytics:dashboard"),
        name="needs-analytics",
        icon_name="table",
        order=1100,
    )

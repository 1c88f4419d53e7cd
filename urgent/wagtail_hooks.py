"""The admin side of urgent help: coordinators keep the duty rota (a snippet), and
see the requests nobody took in time on the admin's home page, with a link to the
live list.

Access to the rota follows Django model permissions (cms/setup.py gives them to the
Coordinator group). There is no admin screen listing urgent requests: they are seen
on the urgent help page, by on-duty specialists and coordinators only.
"""

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from . import selectors
from .models import DutyShift


class DutyShiftViewSet(SnippetViewSet):
    model = DutyShift
    icon = "time"
    menu_label = _("Duty rota")
    add_to_admin_menu = True
    menu_order = 310
    list_display = ["specialist", "starts_at", "ends_at"]
    list_filter = ["specialist"]
    ordering = ["-starts_at"]


register_snippet(DutyShiftViewSet)


class UrgentMenuItem(MenuItem):
    def is_shown(self, request):
        return selectors.is_coordinator(user=request.user)


@hooks.register("register_admin_menu_item")
def urgent_menu_item():
    return UrgentMenuItem(
        _("Urgent help"),
        reverse("urgent_dashboard"),
        icon_name="warning",
        order=305,
    )


class EscalatedPanel(Component):
    """Requests nobody took in time, for the coordinator's admin home page. Only a
    count: names are on the urgent help page, where the view is recorded."""

    name = "urgent_escalated"
    order = 50

    def render_html(self, parent_context=None):
        waiting = selectors.open_requests().filter(taken_at__isnull=True)
        return render_to_string(
            "urgent/admin_panel.html",
            {
                "escalated": waiting.filter(escalated_at__isnull=False).count(),
                "waiting": waiting.count(),
            },
        )


@hooks.register("construct_homepage_panels")
def urgent_escalated_panel(request, panels):
    if selectors.is_coordinator(user=request.user):
        panels.insert(0, EscalatedPanel())

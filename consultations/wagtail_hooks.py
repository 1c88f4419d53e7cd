"""Admin screens where coordinators manage specialists, their hours and time off, and
the consent terms, grouped under one "Consultations" menu item.

Access follows Django model permissions (add/change/delete per model), so a group
sees these screens once it is given those permissions.
"""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from .forms import SpecialistProfileAdminForm
from .models import ConsentTerms, SpecialistProfile, TimeOff, WeeklyHours


class SpecialistProfileViewSet(ModelViewSet):
    model = SpecialistProfile
    icon = "user"
    menu_label = _("Specialists")
    list_display = ["user", "kind", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["user__full_name", "user__username"]
    search_backend_name = None

    def get_form_class(self, for_update=False):
        return SpecialistProfileAdminForm


class WeeklyHoursViewSet(ModelViewSet):
    model = WeeklyHours
    icon = "time"
    menu_label = _("Weekly hours")
    list_display = ["specialist", "weekday", "start_time", "end_time"]
    list_filter = ["specialist"]
    form_fields = ["specialist", "weekday", "start_time", "end_time"]


class TimeOffViewSet(ModelViewSet):
    model = TimeOff
    icon = "date"
    menu_label = _("Time off")
    list_display = ["specialist", "starts_at", "ends_at", "reason"]
    list_filter = ["specialist"]
    form_fields = ["specialist", "starts_at", "ends_at", "reason"]


class ConsentTermsViewSet(ModelViewSet):
    """Publish a new version rather than editing one that people have accepted."""

    model = ConsentTerms
    icon = "doc-full"
    menu_label = _("Consent terms")
    list_display = ["version", "published_at"]
    form_fields = [
        "version",
        "operator",
        "purposes",
        "data_categories",
        "term",
        "third_parties",
        "text",
        "published_at",
    ]


class ConsultationsViewSetGroup(ModelViewSetGroup):
    menu_label = _("Consultations")
    menu_icon = "group"
    menu_order = 300
    items = (
        SpecialistProfileViewSet("consultations_specialists"),
        WeeklyHoursViewSet("consultations_weekly_hours"),
        TimeOffViewSet("consultations_time_off"),
        ConsentTermsViewSet("consultations_consent_terms"),
    )


@hooks.register("register_admin_viewset")
def register_consultations_viewsets():
    return ConsultationsViewSetGroup()

"""Admin screens where coordinators manage specialists, their hours and time off, and
the consent terms, grouped under one "Consultations" menu item.

Access follows Django model permissions (add/change/delete per model), so a group
sees these screens once it is given those permissions.

There is deliberately no screen for bookings, consent records or session notes: nobody
but a client and their specialist may learn that a consultation exists, so no admin
page lists or counts them, and those models stay out of Wagtail's reference index
(their "usage" would otherwise show on a specialist's or a version's pages).
"""

from django.contrib import messages
from django.db.models import ProtectedError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import BooleanColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from .forms import ConsentTermsAdminForm, SpecialistProfileAdminForm
from .models import (
    ConsentTerms,
    ConsentTermsLocked,
    SpecialistProfile,
    TimeOff,
    WeeklyHours,
)


class SpecialistProfileDeleteView(generic.DeleteView):
    """A specialist whose sessions are kept cannot be deleted (Booking.specialist
    protects them): say so plainly, without naming or counting any session."""

    def refuse(self):
        messages.error(
            self.request,
            _(
                "This specialist cannot be deleted because their sessions are kept. "
                "To stop new bookings, untick “takes bookings” instead."
            ),
        )
        return redirect(reverse(self.edit_url_name, args=[self.object.pk]))

    def get(self, request, *args, **kwargs):
        if self.object.bookings.exists():
            return self.refuse()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if self.object.bookings.exists():
            return self.refuse()
        try:
            return super().post(request, *args, **kwargs)
        except ProtectedError:  # booked meanwhile
            return self.refuse()


class SpecialistProfileViewSet(ModelViewSet):
    model = SpecialistProfile
    icon = "user"
    menu_label = _("Specialists")
    delete_view_class = SpecialistProfileDeleteView
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


class AcceptedTermsRefusal:
    """For the edit and delete views: a version someone has accepted is refused
    with a plain message and shown read-only (the inspect page) instead. The model
    refuses too (ConsentTermsLocked), should someone accept it meanwhile."""

    inspect_url_name = None

    def refuse(self):
        messages.error(self.request, ConsentTermsLocked().message)
        return redirect(reverse(self.inspect_url_name, args=[self.object.pk]))

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.object.is_accepted():
            return self.refuse()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.object.is_accepted():
            return self.refuse()
        try:
            return super().post(request, *args, **kwargs)
        except ConsentTermsLocked:
            return self.refuse()


class ConsentTermsEditView(AcceptedTermsRefusal, generic.EditView):
    pass


class ConsentTermsDeleteView(AcceptedTermsRefusal, generic.DeleteView):
    pass


class ConsentTermsIndexView(generic.IndexView):
    """Edit and Delete are offered only for versions nobody has accepted yet."""

    def get_base_queryset(self):
        return super().get_base_queryset().with_acceptance()

    def get_edit_url(self, instance):
        if not instance.is_accepted_by_anyone:
            return super().get_edit_url(instance)

    def get_delete_url(self, instance):
        if not instance.is_accepted_by_anyone:
            return super().get_delete_url(instance)


class ConsentTermsInspectView(generic.InspectView):
    def get_edit_url(self):
        if not self.object.is_accepted():
            return super().get_edit_url()

    def get_delete_url(self):
        if not self.object.is_accepted():
            return super().get_delete_url()


class ConsentTermsViewSet(ModelViewSet):
    """Publish a new version ("Copy" starts one from an old version) rather than
    editing one that people have accepted: accepted versions can only be read, and
    a missing language is added by publishing a new version with it."""

    model = ConsentTerms
    icon = "doc-full"
    menu_label = _("Consent terms")
    index_view_class = ConsentTermsIndexView
    edit_view_class = ConsentTermsEditView
    delete_view_class = ConsentTermsDeleteView
    inspect_view_class = ConsentTermsInspectView
    inspect_view_enabled = True
    list_display = [
        "version",
        "published_at",
        BooleanColumn("is_accepted_by_anyone", label=_("Accepted by anyone")),
    ]

    def get_form_class(self, for_update=False):
        # The Uzbek text, then the other languages (see ConsentTermsAdminForm).
        return ConsentTermsAdminForm


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

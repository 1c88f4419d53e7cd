"""Wagtail admin wiring of training programs: the "Training" menu (programs and
cohorts as snippets), the training reports, and the extra admin URLs.

A trainer's cohort list holds the cohorts of the programs she runs; a coordinator's
holds every cohort (`program_selectors.cohorts_visible`)."""

from django.conf import settings
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.auth import user_has_any_page_permission
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import ObjectList
from wagtail.admin.ui.menus import MenuItem as ListingMenuItem
from wagtail.admin.ui.sidebar import LinkMenuItem as LinkMenuItemComponent
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from . import admin_views
from .admin_forms import CohortAdminForm, ProgramAdminForm
from .dashboard import dashboard_panels
from .models import Cohort, CourseIndexPage, Program
from .program_selectors import cohorts_visible


class ProgramViewSet(SnippetViewSet):
    model = Program
    icon = "list-ol"
    menu_label = _("Training programs")
    list_display = [
        "title",
        "cpd_hours",
        "enrolment_opens",
        "enrolment_closes",
        "deadline",
    ]
    search_fields = ["title"]
    edit_handler = ObjectList(Program.panels, base_form_class=ProgramAdminForm)


class CohortViewSet(SnippetViewSet):
    model = Cohort
    icon = "group"
    menu_label = _("Cohorts")
    list_display = ["name", "program", "region", "organisation"]
    list_filter = ["program", "region"]
    edit_handler = ObjectList(Cohort.panels, base_form_class=CohortAdminForm)

    def get_queryset(self, request):
        return cohorts_visible(reader=request.user)


class TrainingViewSetGroup(SnippetViewSetGroup):
    items = (ProgramViewSet, CohortViewSet)
    menu_icon = "user"
    menu_label = _("Training")
    menu_name = "training"


register_snippet(TrainingViewSetGroup)


@hooks.register("register_snippet_listing_buttons")
def cohort_members_button(snippet, user, next_url=None):
    if isinstance(snippet, Cohort) and user.has_perm("learning.change_cohort"):
        yield ListingMenuItem(
            _("Members and CSV import"),
            url=reverse("learning_reports:cohort_members", args=[snippet.pk]),
            icon_name="group",
            priority=5,
        )


report_urls = [
    path(
        "cohorts/<int:cohort_id>/members/",
        admin_views.cohort_members,
        name="cohort_members",
    ),
    path("learners/<int:user_id>/", admin_views.learner_detail, name="learner"),
    path(
        "certificates/<str:code>/",
        admin_views.certificate_revoke_view,
        name="certificate_revoke",
    ),
    path(
        "reports/simulations/",
        admin_views.simulation_report,
        name="simulations",
    ),
]
for slug, view in (
    ("completion", admin_views.CompletionReportView),
    ("learners", admin_views.LearnersReportView),
    ("overdue", admin_views.OverdueReportView),
    ("certificates", admin_views.CertificatesReportView),
):
    report_urls += [
        path(f"reports/{slug}/", view.as_view(), name=slug),
        path(
            f"reports/{slug}/results/",
            view.as_view(results_only=True),
            name=f"{slug}_results",
        ),
    ]


@hooks.register("register_admin_urls")
def register_training_urls():
    return [path("training/", include((report_urls, "learning_reports")))]


class TrainingReportMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(admin_views.REPORTS_PERMISSION)


def _report_item(label, name, icon, order):
    return TrainingReportMenuItem(
        label,
        reverse(f"learning_reports:{name}"),
        name=f"training-{name}",
        icon_name=icon,
        order=order,
    )


@hooks.register("register_reports_menu_item")
def completion_report_item():
    return _report_item(_("Training completion"), "completion", "tasks", 1000)


@hooks.register("register_reports_menu_item")
def learners_report_item():
    return _report_item(_("Social workers in training"), "learners", "group", 1010)


@hooks.register("register_reports_menu_item")
def overdue_report_item():
    return _report_item(_("Overdue training"), "overdue", "warning", 1020)


@hooks.register("register_reports_menu_item")
def certificates_report_item():
    return _report_item(_("Certificates"), "certificates", "doc-full", 1030)


@hooks.register("register_reports_menu_item")
def simulations_report_item():
    return _report_item(_("Practice simulations"), "simulations", "mobile-alt", 1040)


class CoursesMenuItem(MenuItem):
    """The "Courses" item of the admin menu: the explorer of the Uzbek course list,
    where trainers write (the "Pages" root holds one home page per language tree).
    Looked up on each render, as the list's page is data; the root if it is gone."""

    def is_shown(self, request):
        return user_has_any_page_permission(request.user)

    def render_component(self, request):
        index_id = (
            CourseIndexPage.objects.filter(locale__language_code=settings.LANGUAGE_CODE)
            .values_list("pk", flat=True)
            .first()
        )
        url = self.url
        if index_id is not None:
            url = reverse("wagtailadmin_explore", args=[index_id])
        return LinkMenuItemComponent(
            self.name,
            self.label,
            url,
            icon_name=self.icon_name,
            classname=self.classname,
            attrs=self.attrs,
        )


@hooks.register("register_admin_menu_item")
def courses_menu_item():
    return CoursesMenuItem(
        _("Courses"),
        reverse("wagtailadmin_explore_root"),
        name="courses",
        icon_name="doc-full-inverse",
        order=110,
    )


@hooks.register("construct_homepage_panels")
def trainer_and_coordinator_panels(request, panels):
    """The trainer's and the coordinator's own panels first (learning/dashboard.py)."""
    panels[:0] = dashboard_panels(user=request.user)

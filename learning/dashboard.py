"""The panels on the admin's home page for trainers and coordinators: their work at
a glance (accounts/homes.py sends them there after signing in).

- A trainer: the pages waiting in a workflow task she can act on, the pages she
  sent for approval, her own drafts; the cohorts of the programs she runs, with
  their next deadline and how many finished; links to her training reports.
- A coordinator (and a superuser): the pages awaiting her approval; every cohort;
  links to the training reports, the needs analytics and the audit trail.
- Anyone else with the admin (or none): none of these panels.

The panels show page titles, cohort and program names, dates and counts, never a
person's name: so no personal data is read here and nothing is recorded in the
audit trail (a cohort's members are named on its own page, which records the read,
`program_selectors.cohort_members_list`). Cohorts and their counts come from the
who-sees-whom selectors (`cohorts_visible`, `enrolments_visible`), never a wider
query.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Case, Count, F, IntegerField, Q, Value, When
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.components import Component
from wagtail.models import Page, TaskState, WorkflowState

from accounts.roles import COORDINATOR, TRAINER

from .admin_views import REPORTS_PERMISSION
from .program_selectors import cohorts_visible, enrolments_visible, today_local

TRAINER_DASHBOARD = "trainer"
COORDINATOR_DASHBOARD = "coordinator"
ANALYTICS_PERMISSION = "analytics.view_needs_analytics"
AUDIT_PERMISSION = "audit.view_auditrecord"
# A home page is read at a glance: the longest lists stop here, with a link to all.
LIST_LIMIT = 10


def dashboard_role(*, user) -> str | None:
    """Whose panels this person gets: a coordinator's (coordinators and superusers),
    a trainer's, or none."""
    if not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return COORDINATOR_DASHBOARD
    names = set(user.groups.values_list("name", flat=True))
    if COORDINATOR in names:
        return COORDINATOR_DASHBOARD
    if TRAINER in names:
        return TRAINER_DASHBOARD
    return None


@dataclass(frozen=True)
class PageLink:
    title: str
    url: str


@dataclass(frozen=True)
class CohortRow:
    name: str
    program: str
    deadline: date
    deadline_passed: bool
    enrolled: int
    finished: int
    url: str


def _edit_url(obj) -> str:
    if isinstance(obj, Page):
        return reverse("wagtailadmin_pages:edit", args=[obj.pk])
    viewset = getattr(obj, "snippet_viewset", None)
    if viewset is None:
        return ""
    return reverse(viewset.get_url_name("edit"), args=[obj.pk])


def _title(obj) -> str:
    if hasattr(obj, "get_admin_display_title"):
        return obj.get_admin_display_title()
    return str(obj)


def pages_to_review(*, user) -> list[PageLink]:
    """What waits in a workflow task this person can act on (approve or ask for
    changes), oldest first: the first to come is the first to answer."""
    states = (
        TaskState.objects.reviewable_by(user)
        .select_related("revision")
        .order_by("started_at", "pk")
    )
    found = []
    for state in states:
        obj = state.revision.content_object if state.revision else None
        if obj is not None:
            found.append(PageLink(title=_title(obj), url=_edit_url(obj)))
    return found


def pages_sent_for_approval(*, user) -> list[PageLink]:
    """Pages this person sent into a workflow that has not ended yet."""
    states = (
        WorkflowState.objects.active()
        .filter(requested_by=user)
        .order_by("created_at", "pk")
    )
    found = []
    for state in states:
        obj = state.content_object
        if obj is not None:
            found.append(PageLink(title=_title(obj), url=_edit_url(obj)))
    return found


def own_drafts(*, user) -> list[PageLink]:
    """Pages this person owns with changes nobody published yet, the most recently
    edited first; those already sent for approval are listed there instead."""
    in_review = set(
        WorkflowState.objects.active()
        .filter(base_content_type__app_label="wagtailcore")
        .values_list("object_id", flat=True)
    )
    pages = (
        Page.objects.filter(owner=user, has_unpublished_changes=True)
        .exclude(depth=1)
        .order_by("-latest_revision_created_at", "-pk")
    )
    return [
        PageLink(title=page.get_admin_display_title(), url=_edit_url(page))
        for page in pages
        if str(page.pk) not in in_review
    ]


def cohort_rows(
    *, reader, today: date, limit: int = LIST_LIMIT
) -> tuple[list[CohortRow], int]:
    """The first `limit` cohorts `reader` sees, the nearest deadline to come first
    and the passed ones last (the most recent first), with how many are enrolled and
    how many finished; and how many cohorts she sees in all. Counts only; ordered and
    cut by the database, so a region with hundreds of cohorts reads ten."""
    visible = cohorts_visible(reader=reader).annotate(
        passed=Case(
            When(program__deadline__lt=today, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
    )
    total = visible.count()
    cohorts = list(
        visible.select_related("program").order_by(
            "passed",
            Case(When(passed=0, then=F("program__deadline"))).asc(nulls_last=True),
            Case(When(passed=1, then=F("program__deadline"))).desc(nulls_last=True),
            "name",
        )[:limit]
    )
    counts = {
        row["cohort_id"]: row
        for row in enrolments_visible(reader=reader)
        .filter(cohort_id__in=[cohort.pk for cohort in cohorts])
        .values("cohort_id")
        .annotate(
            enrolled=Count("pk"),
            finished=Count("pk", filter=Q(completed_at__isnull=False)),
        )
    }
    rows = [
        CohortRow(
            name=cohort.name,
            program=cohort.program.title,
            deadline=cohort.program.deadline,
            deadline_passed=bool(cohort.passed),
            enrolled=counts.get(cohort.pk, {}).get("enrolled", 0),
            finished=counts.get(cohort.pk, {}).get("finished", 0),
            url=reverse("learning_reports:cohort_members", args=[cohort.pk]),
        )
        for cohort in cohorts
    ]
    return rows, total


@dataclass(frozen=True)
class ReportLink:
    label: str
    url: str


def report_links(*, user, role: str) -> list[ReportLink]:
    """The reports this person may open, by her permissions."""
    links = []
    if user.has_perm(REPORTS_PERMISSION):
        links += [
            ReportLink(
                _("Training completion"), reverse("learning_reports:completion")
            ),
            ReportLink(
                _("Social workers in training"), reverse("learning_reports:learners")
            ),
            ReportLink(_("Overdue training"), reverse("learning_reports:overdue")),
            ReportLink(_("Certificates"), reverse("learning_reports:certificates")),
            ReportLink(
                _("Practice simulations"), reverse("learning_reports:simulations")
            ),
        ]
    if role == COORDINATOR_DASHBOARD:
        if user.has_perm(ANALYTICS_PERMISSION):
            links.append(
                ReportLink(_("Needs analytics"), reverse("analytics:dashboard"))
            )
        if user.has_perm(AUDIT_PERMISSION):
            links.append(ReportLink(_("Audit trail"), reverse("audit:index")))
    return links


class DashboardPanel(Component):
    """A panel of the trainer's or coordinator's admin home page."""

    def __init__(self, *, role: str):
        self.role = role

    def get_context_data(self, parent_context=None):
        context = super().get_context_data(parent_context)
        context["user"] = parent_context["request"].user
        context["role"] = self.role
        return context


class ReviewPanel(DashboardPanel):
    name = "komak_review"
    order = 10
    template_name = "learning/admin/dashboard_review.html"

    def get_context_data(self, parent_context=None):
        context = super().get_context_data(parent_context)
        user = context["user"]
        context["to_review"] = pages_to_review(user=user)
        if self.role == TRAINER_DASHBOARD:
            context["sent"] = pages_sent_for_approval(user=user)
            context["drafts"] = own_drafts(user=user)
        context["limit"] = LIST_LIMIT
        return context


class CohortsPanel(DashboardPanel):
    name = "komak_cohorts"
    order = 20
    template_name = "learning/admin/dashboard_cohorts.html"

    def get_context_data(self, parent_context=None):
        context = super().get_context_data(parent_context)
        rows, total = cohort_rows(reader=context["user"], today=today_local())
        context["cohorts"] = rows
        context["cohort_total"] = total
        context["all_cohorts_url"] = reverse("wagtailsnippets_learning_cohort:list")
        return context


class ReportsPanel(DashboardPanel):
    name = "komak_reports"
    order = 30
    template_name = "learning/admin/dashboard_reports.html"

    def get_context_data(self, parent_context=None):
        context = super().get_context_data(parent_context)
        context["reports"] = report_links(user=context["user"], role=self.role)
        return context


def dashboard_panels(*, user) -> list[Component]:
    """The panels this person gets, in order; none for anyone but trainers,
    coordinators and superusers."""
    role = dashboard_role(user=user)
    if role is None:
        return []
    return [ReviewPanel(role=role), CohortsPanel(role=role), ReportsPanel(role=role)]

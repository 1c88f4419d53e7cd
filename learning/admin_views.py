"""Admin views of training programs: cohort members and CSV import, the training
reports (Wagtail's `ReportView`, with CSV and XLSX export), a learner's detail and
revoking a certificate.

Who appears here is decided by the selectors of "Who sees whom"
(`program_selectors`): every view and report starts from them, and a person outside
them gets a 404 as if she did not exist. Every read of personal data leaves one
audit record, written by those selectors.
"""

import csv

import django_filters
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views.reports import ReportView

from accounts.regions import Region
from audit.models import AuditAction
from core.uploads import upload_limits

from .cohort_import import CohortImportError, cohort_import_csv, cohort_import_limit
from .models import Certificate, Enrolment
from .program_selectors import (
    certificate_staff_read_record,
    certificate_visible_get,
    certificates_visible,
    cohort_members_list,
    cohort_visible_get,
    cohorts_visible,
    completion_percent,
    completion_rows,
    enrolments_visible,
    learner_record_get,
    programs_visible,
    today_local,
    training_report_read_record,
)
from .program_services import ProgramError, certificate_revoke, cohort_member_add
from .simulation_selectors import SUPPRESSION_THRESHOLD, simulation_report_rows

REPORTS_PERMISSION = "learning.view_training_reports"


def _require(request, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied


# Cohort members -----------------------------------------------------------------


def _cohort_upload_limit(field_name: str) -> int | None:
    # Past the limit the file stops being written; the import then refuses it.
    return (
        cohort_import_limit("COHORT_IMPORT_MAX_BYTES") if field_name == "file" else None
    )


@upload_limits(_cohort_upload_limit)
def cohort_members(request, cohort_id: int):
    """The cohort's members; add one person, or import a CSV file (all or nothing).

    A person is confirmed only by what the trainer typed, and a refusal names
    nobody (docs/privacy.md, "Who sees whom")."""
    _require(request, "learning.change_cohort")
    cohort = cohort_visible_get(
        reader=request.user, cohort_id=cohort_id, request=request
    )
    if cohort is None:
        raise Http404
    problems, file_error, status = [], "", 200
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "add":
            login = request.POST.get("login", "").strip()
            try:
                cohort_member_add(
                    cohort=cohort, login=login, by=request.user, request=request
                )
            except ProgramError as error:
                messages.error(request, error.message)
                status = 400
            else:
                # Only what the trainer typed, never the name the login belongs to.
                messages.success(
                    request, _("%(login)s is enrolled.") % {"login": login}
                )
                return redirect(request.path)
        elif action == "import":
            upload = request.FILES.get("file")
            if upload is None:
                file_error, status = _("Choose a CSV file to import."), 400
            else:
                try:
                    created = cohort_import_csv(
                        cohort=cohort,
                        # One byte past the limit is enough to refuse the file.
                        data=upload.read(
                            cohort_import_limit("COHORT_IMPORT_MAX_BYTES") + 1
                        ),
                        size=upload.size,
                        by=request.user,
                        request=request,
                    )
                except CohortImportError as error:
                    problems, file_error, status = error.problems, error.message, 400
                else:
                    messages.success(
                        request,
                        _("%(count)s social workers are enrolled.")
                        % {"count": len(created)},
                    )
                    return redirect(request.path)
        else:
            status = 400
    members = cohort_members_list(reader=request.user, cohort=cohort, request=request)
    return render(
        request,
        "learning/admin/cohort_members.html",
        {
            "cohort": cohort,
            "members": members,
            "problems": problems,
            "file_error": file_error,
            "page_title": cohort.name,
        },
        status=status,
    )


# Reports ------------------------------------------------------------------------


def _programs_of(request):
    return programs_visible(reader=request.user)


def _cohorts_of(request):
    return cohorts_visible(reader=request.user)


class EnrolmentFilterSet(WagtailFilterSet):
    # The choices are the reader's own programs and cohorts only.
    program = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Training program"),
        queryset=_programs_of,
    )
    cohort = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Cohort"),
        queryset=_cohorts_of,
    )
    region = django_filters.ChoiceFilter(
        label=gettext_lazy("Region"),
        field_name="user__region",
        choices=Region.choices,
    )

    class Meta:
        model = Enrolment
        fields = []


class LearnerFilterSet(EnrolmentFilterSet):
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"),
        method="filter_status",
        choices=[
            ("completed", gettext_lazy("Completed")),
            ("in_progress", gettext_lazy("In progress")),
            ("overdue", gettext_lazy("Overdue")),
        ],
    )

    def filter_status(self, queryset, name, value):
        today = today_local()
        if value == "completed":
            return queryset.filter(completed_at__isnull=False)
        if value == "overdue":
            return queryset.filter(
                completed_at__isnull=True, program__deadline__lt=today
            )
        return queryset.filter(completed_at__isnull=True, program__deadline__gte=today)

    class Meta:
        model = Enrolment
        fields = []


class TrainingReportView(ReportView):
    """A report readable by trainers and coordinators (`view_training_reports`),
    over the people its reader sees; each page, results fragment and export is
    recorded with the filter used and its number of rows."""

    report_name = ""

    def dispatch(self, request, *args, **kwargs):
        _require(request, REPORTS_PERMISSION)
        return super().dispatch(request, *args, **kwargs)

    def enrolments(self):
        return enrolments_visible(reader=self.request.user)

    def filters_used(self) -> list[str]:
        """The filters applied, as `name=value` with ids and codes only."""
        if not (self.filters and self.filters.is_valid()):
            return []
        used = []
        for name in self.filters.form.changed_data:
            value = self.filters.form.cleaned_data.get(name)
            if value in (None, ""):
                continue
            used.append(f"{name}={getattr(value, 'pk', value)}")
        return sorted(used)

    def render_to_response(self, context, **response_kwargs):
        paginator = context.get("paginator")
        if paginator is not None:
            rows = paginator.count
        elif isinstance(context["object_list"], list):
            rows = len(context["object_list"])
        else:
            rows = context["object_list"].count()
        training_report_read_record(
            reader=self.request.user,
            report=self.report_name,
            export_format=self.request.GET.get("export") if self.is_export else None,
            filters=self.filters_used(),
            rows=rows,
            request=self.request,
        )
        return super().render_to_response(context, **response_kwargs)


class CompletionReportView(TrainingReportView):
    report_name = "completion"
    page_title = gettext_lazy("Training completion")
    verbose_name = gettext_lazy("group")
    verbose_name_plural = gettext_lazy("groups")
    header_icon = "tasks"
    index_url_name = "learning_reports:completion"
    index_results_url_name = "learning_reports:completion_results"
    filterset_class = EnrolmentFilterSet
    columns = [
        Column("program__title", label=gettext_lazy("Training program")),
        Column("cohort__name", label=gettext_lazy("Cohort")),
        Column("region_label", label=gettext_lazy("Region")),
        Column("enrolled", label=gettext_lazy("Enrolled")),
        Column("completed", label=gettext_lazy("Completed")),
        Column("completion_percent", label=gettext_lazy("Completed (%)")),
        Column("overdue", label=gettext_lazy("Overdue")),
    ]
    list_export = [
        "program__title",
        "cohort__name",
        "region_label",
        "enrolled",
        "completed",
        "completion_percent",
        "overdue",
    ]
    export_headings = {column.name: column.label for column in columns}

    def get_filename(self):
        return f"training-completion-{today_local().isoformat()}"

    def get_queryset(self):
        enrolments = self.filter_queryset(self.enrolments())
        return completion_rows(enrolments=enrolments, today=today_local())

    def decorate_paginated_queryset(self, object_list):
        regions = dict(Region.choices)
        return [
            {
                **row,
                "cohort__name": row["cohort__name"] or "",
                "region_label": str(regions.get(row["user__region"], "")),
                "completion_percent": completion_percent(
                    completed=row["completed"], enrolled=row["enrolled"]
                ),
            }
            for row in object_list
        ]


def _learner_url(enrolment: Enrolment) -> str:
    return reverse("learning_reports:learner", args=[enrolment.user_id])


class LearnersReportView(TrainingReportView):
    report_name = "learners"
    page_title = gettext_lazy("Social workers in training")
    header_icon = "group"
    index_url_name = "learning_reports:learners"
    index_results_url_name = "learning_reports:learners_results"
    filterset_class = LearnerFilterSet
    columns = [
        TitleColumn(
            "name",
            label=gettext_lazy("Name"),
            accessor="user.get_full_name",
            get_url=_learner_url,
        ),
        Column("region_label", label=gettext_lazy("Region")),
        Column("cohort_name", label=gettext_lazy("Cohort")),
        Column("program", label=gettext_lazy("Training program")),
        Column("status_label", label=gettext_lazy("Status")),
        DateColumn(
            "deadline", label=gettext_lazy("Deadline"), accessor="program.deadline"
        ),
        DateColumn("completed_at", label=gettext_lazy("Completed")),
    ]
    list_export = [
        "user.get_full_name",
        "user.username",
        "region_label",
        "cohort_name",
        "program.title",
        "status_label",
        "program.deadline",
        "completed_at",
    ]
    export_headings = {
        "user.get_full_name": gettext_lazy("Name"),
        "user.username": gettext_lazy("Username"),
        "region_label": gettext_lazy("Region"),
        "cohort_name": gettext_lazy("Cohort"),
        "program.title": gettext_lazy("Training program"),
        "status_label": gettext_lazy("Status"),
        "program.deadline": gettext_lazy("Deadline"),
        "completed_at": gettext_lazy("Completed"),
    }

    def get_filename(self):
        return f"training-learners-{today_local().isoformat()}"

    def get_base_queryset(self):
        return (
            self.enrolments()
            .select_related("user", "program", "cohort")
            .order_by("program__title", "user__full_name", "pk")
        )


class OverdueReportView(LearnersReportView):
    report_name = "overdue"
    page_title = gettext_lazy("Overdue training")
    header_icon = "warning"
    index_url_name = "learning_reports:overdue"
    index_results_url_name = "learning_reports:overdue_results"
    filterset_class = EnrolmentFilterSet

    def get_filename(self):
        return f"training-overdue-{today_local().isoformat()}"

    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .filter(completed_at__isnull=True, program__deadline__lt=today_local())
        )


class CertificateFilterSet(WagtailFilterSet):
    program = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Training program"),
        queryset=_programs_of,
    )
    valid = django_filters.BooleanFilter(
        label=gettext_lazy("Valid"),
        field_name="revoked_at",
        lookup_expr="isnull",
    )

    class Meta:
        model = Certificate
        fields = []


def _revoke_url(certificate: Certificate) -> str:
    return reverse("learning_reports:certificate_revoke", args=[certificate.code])


class CertificatesReportView(TrainingReportView):
    report_name = "certificates"
    page_title = gettext_lazy("Certificates")
    header_icon = "doc-full"
    index_url_name = "learning_reports:certificates"
    index_results_url_name = "learning_reports:certificates_results"
    filterset_class = CertificateFilterSet
    columns = [
        TitleColumn(
            "code", label=pgettext_lazy("certificate", "Code"), get_url=_revoke_url
        ),
        Column("holder_name", label=gettext_lazy("Name")),
        Column("program_title", label=gettext_lazy("Training program")),
        Column("cpd_hours", label=gettext_lazy("CPD hours")),
        DateColumn("issued_on", label=gettext_lazy("Date")),
        DateColumn("revoked_at", label=gettext_lazy("Revoked")),
    ]
    list_export = [
        "code",
        "holder_name",
        "program_title",
        "cpd_hours",
        "issued_on",
        "revoked_at",
    ]

    def get_base_queryset(self):
        return certificates_visible(reader=self.request.user).order_by(
            "-issued_on", "-pk"
        )


def learner_detail(request, user_id: int):
    """One person's programs, course by course, attempts and certificates: only
    what the reader sees, and a 404 for anyone she does not (not even a name)."""
    _require(request, REPORTS_PERMISSION)
    record = learner_record_get(reader=request.user, user_id=user_id, request=request)
    if record is None:
        raise Http404
    return render(
        request,
        "learning/admin/learner_detail.html",
        {
            "person": record.person,
            "standings": record.standings,
            "certificates": record.certificates,
            "today": today_local(),
            "page_title": record.person.get_full_name(),
        },
    )


def certificate_revoke_view(request, code: str):
    """A certificate's facts and, for coordinators, the form to revoke it."""
    _require(request, REPORTS_PERMISSION)
    certificate = certificate_visible_get(
        reader=request.user, code=code, request=request
    )
    if certificate is None:
        raise Http404
    can_revoke = request.user.has_perm("learning.revoke_certificate")
    status = 200
    if request.method == "POST":
        if not can_revoke:
            raise PermissionDenied
        try:
            certificate_revoke(
                certificate=certificate,
                by=request.user,
                reason=request.POST.get("reason", ""),
                request=request,
            )
        except ProgramError as error:
            messages.error(request, error.message)
            status = 400
        else:
            messages.success(request, _("The certificate is revoked."))
            return redirect(request.path)
    certificate_staff_read_record(
        reader=request.user,
        certificate=certificate,
        action=AuditAction.LEARNER_VIEW,
        request=request,
    )
    return render(
        request,
        "learning/admin/certificate_revoke.html",
        {
            "certificate": certificate,
            "can_revoke": can_revoke,
            "page_title": certificate.code,
        },
        status=status,
    )


def simulation_report(request):
    """Per practice simulation: learners who tried it, fell for the scam on their
    first try, and ended safely; small groups hidden (`simulation_report_rows`).
    `?export=csv` gives the same figures, hidden ones empty. Each read is recorded
    like the other training reports."""
    _require(request, REPORTS_PERMISSION)
    rows = simulation_report_rows()
    export_format = "csv" if request.GET.get("export") == "csv" else None
    training_report_read_record(
        reader=request.user,
        report="simulations",
        export_format=export_format,
        filters=[],
        rows=len(rows) - 1,
        request=request,
    )
    if export_format:
        return _simulation_report_csv(rows)
    return render(
        request,
        "learning/admin/simulation_report.html",
        {
            "rows": rows[:-1],
            "sums": rows[-1],
            "threshold": SUPPRESSION_THRESHOLD,
            "page_title": _("Practice simulations"),
        },
    )


def _simulation_report_csv(rows) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="practice-simulations-{today_local().isoformat()}.csv"'
    )
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Lesson"),
            _("Simulation"),
            _("Tried it"),
            _("Fell for the scam on the first try"),
            _("Finished safely"),
        ]
    )
    for row in rows:
        title = row.title if row.lesson else _("All simulations (sum)")
        figures = [row.tried, row.fell_first, row.safe]
        writer.writerow(
            [
                row.lesson.title if row.lesson else "",
                title,
                *("" if figure is None else figure for figure in figures),
            ]
        )
    return response

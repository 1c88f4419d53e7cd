"""The audit trail's admin screens: the coordinators' list and inspect page, which show
pseudonyms only and record each page viewed (`audit_view`), and the administrators'
reveal of who is behind a pseudonym (`audit_reveal`, with a typed reason).

Views only parse the request and call audit.selectors and audit.services.
"""

import json

from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import Button, MenuItem

from .forms import AuditRevealForm
from .models import AuditAction, AuditRecord
from .selectors import (
    audit_address_shown,
    audit_detail_shown,
    audit_reveal_allowed,
    audit_target_shown,
)
from .services import audit_record, audit_reveal, audit_view_record

TARGET_LABEL = _("object id")
ADDRESS_LABEL = _("address pseudonym")
DETAIL_LABEL = _("detail")


def target_column() -> Column:
    return Column("target_shown", label=TARGET_LABEL, accessor=audit_target_shown)


def address_column() -> Column:
    return Column(
        "address_shown",
        label=ADDRESS_LABEL,
        accessor=lambda record: audit_address_shown(record.ip_address),
    )


class RevealLinkMixin:
    def reveal_url(self, record) -> str | None:
        if audit_reveal_allowed(user=self.request.user):
            return reverse("audit:reveal", args=(record.pk,))
        return None


class AuditIndexView(RevealLinkMixin, IndexView):
    """The list, with pseudonyms where ids and addresses are; one `audit_view` record
    per page shown, with its filter and number of rows. No export: Wagtail would
    answer `?export=csv` even with no columns to export."""

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.is_export = False

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if url := self.reveal_url(instance):
            buttons.append(
                MenuItem(
                    _("Reveal who this is"), url=url, icon_name="view", priority=40
                )
            )
        return buttons

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        rows = len(response.context_data.get("object_list") or [])
        audit_view_record(
            viewer=request.user,
            request=request,
            view="results" if self.results_only else "index",
            rows=rows,
        )
        return response


class AuditInspectView(RevealLinkMixin, InspectView):
    """One record, with the same pseudonyms as the list; viewing it is recorded."""

    labels = {
        "target_shown": TARGET_LABEL,
        "address_shown": ADDRESS_LABEL,
        "detail_shown": DETAIL_LABEL,
    }

    def get_field_label(self, field_name, field):
        if field_name in self.labels:
            return capfirst(self.labels[field_name])
        return super().get_field_label(field_name, field)

    def get_target_shown_display_value(self):
        return audit_target_shown(self.object) or "-"

    def get_address_shown_display_value(self):
        return audit_address_shown(self.object.ip_address) or "-"

    def get_detail_shown_display_value(self):
        return json.dumps(
            audit_detail_shown(self.object.detail), ensure_ascii=False, sort_keys=True
        )

    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        if url := self.reveal_url(self.object):
            buttons.append(
                Button(_("Reveal who this is"), url=url, icon_name="view", priority=30)
            )
        return buttons

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        audit_view_record(
            viewer=request.user,
            request=request,
            view="inspect",
            rows=1,
            record=self.object,
        )
        return response


class AuditRevealView(WagtailAdminTemplateMixin, FormView):
    """Who is behind one record's pseudonyms, for administrators with a reason.

    Anyone else gets 403 and the attempt is recorded (`access_denied`). The answer is
    shown once, in the response to the form: every look is its own record.
    """

    form_class = AuditRevealForm
    template_name = "audit/admin/reveal.html"
    refused_template_name = "audit/admin/reveal_refused.html"
    page_title = _("Reveal who is behind a pseudonym")
    header_icon = "view"

    def dispatch(self, request, *args, **kwargs):
        if not audit_reveal_allowed(user=request.user):
            audit_record(
                actor=request.user,
                action=AuditAction.ACCESS_DENIED,
                target=("audit.auditrecord", kwargs["pk"]),
                request=request,
                detail={"path": request.path},
            )
            return TemplateResponse(request, self.refused_template_name, status=403)
        self.record = get_object_or_404(AuditRecord, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return str(self.record)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("audit:index"), "label": capfirst(_("audit records"))},
            {
                "url": reverse("audit:inspect", args=(self.record.pk,)),
                "label": str(self.record),
            },
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["record"] = self.record
        context["shown_target"] = audit_target_shown(self.record)
        return context

    def form_invalid(self, form):
        # Nothing is revealed or recorded; what was typed stays in the box.
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def form_valid(self, form):
        revealed = audit_reveal(
            admin=self.request.user,
            record=self.record,
            reason=form.cleaned_data["reason"],
            request=self.request,
        )
        return self.render_to_response(
            self.get_context_data(form=form, revealed=revealed)
        )

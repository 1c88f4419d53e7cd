"""Reads about people: everything Ko'mak holds about one person, for "download my
data".

The rows are found from the relations to the user model, so data added by any app
(learning progress, certificates, bookings...) is included without this module
knowing it. Left out: other people's data that happens to point at the person (a
specialist's private notes: health data about clients) and page revisions.
"""

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from audit.models import AuditRecord

from .models import User

# Relations not exported, by model label.
EXPORT_SKIP = {
    "consultations.sessionnote",  # a specialist's notes about their clients
    "wagtailcore.revision",  # page content, not personal data
}
USER_FIELDS_SKIP = {"password"}


class ExportEncoder(DjangoJSONEncoder):
    """Dates as ISO 8601; anything else without a JSON form (files...) as text."""

    def default(self, value):
        try:
            return super().default(value)
        except TypeError:
            return str(value)


def _row(instance: models.Model, *, skip: set[str] = frozenset()) -> dict[str, Any]:
    return {
        field.attname: field.value_from_object(instance)
        for field in instance._meta.concrete_fields
        if field.name not in skip
    }


def _related(user: User) -> dict[str, list[dict]]:
    held: dict[str, list[dict]] = {}
    for relation in User._meta.get_fields(include_hidden=True):
        if not relation.auto_created or relation.concrete:
            continue
        model = relation.related_model
        label = model._meta.label_lower
        if label in EXPORT_SKIP or model is User:
            continue
        rows = model._base_manager.filter(**{relation.field.name: user})
        exported = [_row(row) for row in rows.order_by("pk")]
        if exported:
            held.setdefault(label, []).extend(exported)
    return held


def user_personal_data(*, user: User) -> dict[str, Any]:
    """Everything held about `user`, as plain JSON-ready data."""
    return {
        "account": _row(user, skip=USER_FIELDS_SKIP),
        "groups": sorted(user.groups.values_list("name", flat=True)),
        "related": _related(user),
        "audit_trail": [
            _row(record, skip={"previous_hash", "hash"})
            for record in AuditRecord.objects.filter(actor_id=user.pk).order_by(
                "sequence"
            )
        ],
    }


def user_personal_data_json(*, user: User) -> str:
    return json.dumps(
        user_personal_data(user=user),
        cls=ExportEncoder,
        ensure_ascii=False,
        indent=2,
        sort_keys=True,
    )

"""Reads about people: everything Ko'mak holds about one person, for "download my
data".

The export holds only what is about the person themself. Every relation from another
model to the user model is decided once, in `EXPORT_RELATIONS` (docs/privacy.md, "A
person's rights over their data"):

- `ABOUT_YOU`: the row is about the person (their bookings as a client, learning
  progress, certificates, consent, specialist profile...): exported;
- `ABOUT_OTHERS`: the person wrote or acted on a record about someone else (a
  specialist's notes about clients, certificates a trainer revoked, the admin's
  history of whom they changed): left out;
- `YOUR_WORK`: the site's content that the person made or handled (pages and their
  revisions, pictures, videos, translations, comments on pages): left out, it is
  the site's and names nobody but them as its author.

A relation added later and not decided is left out, and
tests/accounts/test_data_rights.py fails until it is. A specialist's bookings are
found through their specialist profile, not from the user, so they are not
exported: each one is about a client. Of the person's own audit records, each keeps
what they did, when and from where; which record it concerned, and the record's
detail, only when that is the person or a row in this export.
"""

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from audit.models import AuditRecord

from .models import User

ABOUT_YOU = "about you"
ABOUT_OTHERS = "about others"
YOUR_WORK = "your work"
# (model label, field pointing at the user) -> what the row is.
EXPORT_RELATIONS: dict[tuple[str, str], str] = {
    ("accounts.user_groups", "user"): ABOUT_YOU,
    ("accounts.user_user_permissions", "user"): ABOUT_YOU,
    ("account.emailaddress", "user"): ABOUT_YOU,
    ("mfa.authenticator", "user"): ABOUT_YOU,
    ("wagtailcore.apitoken", "user"): ABOUT_YOU,  # only a digest of the token
    ("wagtailusers.userprofile", "user"): ABOUT_YOU,
    ("wagtailcore.pagesubscription", "user"): ABOUT_YOU,
    ("learning.progressevent", "user"): ABOUT_YOU,
    ("learning.lessonvisit", "user"): ABOUT_YOU,
    ("learning.lessonprogress", "user"): ABOUT_YOU,
    ("learning.practiceanswer", "user"): ABOUT_YOU,
    ("learning.simulationrun", "user"): ABOUT_YOU,  # practice tries, choices made
    ("learning.enrolment", "user"): ABOUT_YOU,
    ("learning.certificate", "user"): ABOUT_YOU,
    ("consultations.booking", "client"): ABOUT_YOU,
    ("consultations.consentrecord", "user"): ABOUT_YOU,
    ("consultations.specialistprofile", "user"): ABOUT_YOU,
    ("wellbeing.checkin", "client"): ABOUT_YOU,  # their WHO-5 answers
    ("urgent.urgentrequest", "client"): ABOUT_YOU,  # when they asked for help
    ("learning.lessonhelp", "learner"): ABOUT_YOU,  # who helped them, with what
    ("urgent.dutyshift", "specialist"): ABOUT_YOU,  # their own duty hours
    ("learning.certificate", "revoked_by"): ABOUT_OTHERS,
    ("consultations.sessionnote", "author"): ABOUT_OTHERS,  # health data on clients
    ("urgent.urgentrequest", "taken_by"): ABOUT_OTHERS,  # names clients in need
    ("learning.lessonhelp", "helper"): ABOUT_OTHERS,  # names the learners helped
    ("wagtailcore.modellogentry", "user"): ABOUT_OTHERS,  # names the people changed
    ("wagtailadmin.formstate", "user"): ABOUT_OTHERS,  # unsaved admin forms
    ("wagtailcore.pagelogentry", "user"): YOUR_WORK,
    ("wagtailcore.revision", "user"): YOUR_WORK,
    ("wagtailcore.page", "owner"): YOUR_WORK,
    ("wagtailcore.page", "locked_by"): YOUR_WORK,
    ("wagtailcore.comment", "user"): YOUR_WORK,
    ("wagtailcore.comment", "resolved_by"): YOUR_WORK,
    ("wagtailcore.commentreply", "user"): YOUR_WORK,
    ("wagtailcore.workflowstate", "requested_by"): YOUR_WORK,
    ("wagtailcore.taskstate", "finished_by"): YOUR_WORK,
    ("wagtailcore.uploadedfile", "uploaded_by_user"): YOUR_WORK,
    ("wagtailadmin.editingsession", "user"): YOUR_WORK,
    ("wagtailimages.image", "uploaded_by_user"): YOUR_WORK,
    ("wagtaildocs.document", "uploaded_by_user"): YOUR_WORK,
    ("videos.lessonvideo", "uploaded_by"): YOUR_WORK,
    ("learning.program", "owner"): YOUR_WORK,  # programs they made or run
    ("learning.program", "trainers"): YOUR_WORK,
    ("learning.program_trainers", "user"): YOUR_WORK,
    ("wagtail_localize.stringtranslation", "last_translated_by"): YOUR_WORK,
    ("wagtail_localize.segmentoverride", "last_translated_by"): YOUR_WORK,
}
USER_FIELDS_SKIP = {"password"}


def user_relations() -> list[tuple[str, str, Any]]:
    """(model label, field name, relation) of every relation to the user model."""
    found = []
    for relation in User._meta.get_fields(include_hidden=True):
        if not relation.auto_created or relation.concrete:
            continue
        model = relation.related_model
        if model is User:
            continue
        found.append((model._meta.label_lower, relation.field.name, relation))
    return found


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


def _related(user: User) -> tuple[dict[str, list[dict]], set[tuple[str, str]]]:
    """The rows about the person, by model label, and (label, id) of each."""
    held: dict[str, list[dict]] = {}
    keys: set[tuple[str, str]] = set()
    for label, field_name, relation in user_relations():
        if EXPORT_RELATIONS.get((label, field_name)) != ABOUT_YOU:
            continue
        rows = relation.related_model._base_manager.filter(**{field_name: user})
        for row in rows.order_by("pk"):
            held.setdefault(label, []).append(_row(row))
            keys.add((label, str(row.pk)))
    return held, keys


def _audit_trail(user: User, exported: set[tuple[str, str]]) -> list[dict]:
    """The person's own audit records. Which record one concerned (and its detail)
    is kept only when that is the person or a row of the export: a specialist's
    "viewed booking 12" says what they did, not whom it was about."""
    own = exported | {("accounts.user", str(user.pk))}
    trail = []
    records = AuditRecord.objects.filter(actor_id=user.pk).order_by("sequence")
    for record in records:
        row = _row(record, skip={"previous_hash", "hash"})
        if (record.target_type, record.target_id) not in own:
            row["target_id"] = ""
            row["detail"] = {}
        trail.append(row)
    return trail


def user_personal_data(*, user: User) -> dict[str, Any]:
    """Everything held about `user` themself, as plain JSON-ready data."""
    related, exported = _related(user)
    return {
        "account": _row(user, skip=USER_FIELDS_SKIP),
        "groups": sorted(user.groups.values_list("name", flat=True)),
        "related": related,
        "audit_trail": _audit_trail(user, exported),
    }


def user_personal_data_json(*, user: User) -> str:
    return json.dumps(
        user_personal_data(user=user),
        cls=ExportEncoder,
        ensure_ascii=False,
        indent=2,
        sort_keys=True,
    )


def sign_in_limit_keys(*, login: str = "", email: str = "") -> list[str]:
    """The names under which failed sign-ins typed as `login` (or with `email`) are
    counted (`AccountAdapter.pre_authenticate`): one per account that the sign-in
    backends could match, so every spelling of a person's number, and their
    username, share one count. Text that matches no account is counted under its
    canonical phone form, or else its case-folded self, so that a number without an
    account locks exactly like one with an account (nothing tells them apart)."""
    from django.core.exceptions import ValidationError
    from django.db.models import Q

    from .phone import normalize_phone

    login = (login or "").strip()
    email = (email or "").strip()
    phone = None
    if login:
        try:
            phone = normalize_phone(login)
        except ValidationError:
            phone = None
    matches = Q(pk__in=[])
    if login:
        matches |= Q(username__iexact=login)
    if phone:
        matches |= Q(phone_number=phone)
    if email:
        matches |= Q(email__iexact=email)
    accounts = sorted(User.objects.filter(matches).values_list("pk", flat=True))
    if accounts:
        return [f"account:{pk}" for pk in accounts]
    if phone:
        return [f"phone:{phone}"]
    return [f"login:{(login or email).casefold()}"]

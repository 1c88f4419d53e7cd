"""Writes about people: profile changes, role grants, and a person's rights over
their data (download everything, delete the account)."""

import io
import zipfile

from django.contrib.auth.models import Group
from django.db import models, transaction

from audit.models import AuditAction
from audit.services import audit_record

from .models import User
from .roles import COORDINATOR, SPECIALIST, TRAINER
from .selectors import user_personal_data_json

# Kept when an account is deleted: the proof of what the person agreed to and when.
DELETE_KEEP = {"consultations.consentrecord"}
STAFF_ROLES = (TRAINER, COORDINATOR, SPECIALIST)
EXPORT_README = """Koʻmak: everything we hold about you
(siz haqingizdagi barcha maʼlumot)

komak-data.json
  account       your account (without the password)
  groups        your roles
  related       every record linked to you: bookings, consent, learning progress...
  audit_trail   what the audit trail recorded about your actions (sign-ins, pages
                with your consultation data, changes), with time and address

A specialist's private notes are not included here; ask the operator named in the
consent terms for them.
"""


class AccountDeletionError(Exception):
    """The account cannot delete itself here; `message` says why in plain words."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def user_profile_update(
    *,
    user: User,
    full_name: str,
    phone_number: str | None,
    region: str = "",
    district: str = "",
    birth_year: int | None = None,
    preferred_language: str = "uz",
) -> User:
    user.full_name = full_name
    user.phone_number = phone_number or None
    user.region = region
    user.district = district
    user.birth_year = birth_year
    user.preferred_language = preferred_language
    user.save(
        update_fields=[
            "full_name",
            "phone_number",
            "region",
            "district",
            "birth_year",
            "preferred_language",
        ]
    )
    return user


def user_role_grant(*, user: User, role: str) -> None:
    """Put a person in a role group; the groups are created by migration."""
    user.groups.add(Group.objects.get(name=role))


def user_data_export(*, user: User, request=None) -> bytes:
    """A ZIP with everything held about the person as JSON, and a README."""
    data = user_personal_data_json(user=user)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("komak-data.json", data)
        archive.writestr("README.txt", EXPORT_README)
    audit_record(
        actor=user, action=AuditAction.DATA_EXPORT, target=user, request=request
    )
    return buffer.getvalue()


def user_can_delete_self(*, user: User) -> bool:
    """Staff accounts (and specialists, whose sessions name them) are closed by an
    administrator, so that nobody's records lose their author by accident."""
    if user.is_staff or user.is_superuser:
        return False
    if user.groups.filter(name__in=STAFF_ROLES).exists():
        return False
    return not hasattr(user, "specialist_profile")


def _delete_related(user: User) -> None:
    """Delete what deleting the user row would delete (CASCADE relations), except
    what DELETE_KEEP keeps."""
    for relation in User._meta.get_fields(include_hidden=True):
        if not relation.auto_created or relation.concrete:
            continue
        if getattr(relation, "on_delete", None) is not models.CASCADE:
            continue
        model = relation.related_model
        if model is User or model._meta.label_lower in DELETE_KEEP:
            continue
        model._base_manager.filter(**{relation.field.name: user}).delete()


def user_account_delete(*, user: User, request=None) -> None:
    """Delete a person's account: their consultations are anonymised, everything
    else linked to them deleted, and the user row kept only as an empty, inactive
    shell so that audit records (kept, under the person's pseudonym) and consent
    records still point at something that names nobody."""
    from django.utils.translation import gettext as _

    from consultations.models import Booking
    from consultations.services import bookings_anonymise, consent_withdraw

    if not user_can_delete_self(user=user):
        raise AccountDeletionError(
            _("Staff accounts are closed by an administrator. Please ask one.")
        )
    with transaction.atomic():
        audit_record(
            actor=user, action=AuditAction.ACCOUNT_DELETE, target=user, request=request
        )
        consent_withdraw(user=user, request=request)
        bookings_anonymise(bookings=Booking.objects.filter(client=user))
        _delete_related(user)
        user.groups.clear()
        user.user_permissions.clear()
        user.username = f"deleted-{user.pk}"
        user.full_name = ""
        user.first_name = ""
        user.last_name = ""
        user.email = ""
        user.phone_number = None
        user.region = ""
        user.district = ""
        user.birth_year = None
        user.is_active = False
        user.last_login = None
        user.set_unusable_password()
        user.save()


def user_comfort_save(*, user: User, comfort) -> None:
    """Keep a person's comfort settings (accounts.comfort.Comfort) on their account."""
    user.large_text = comfort.large_text
    user.high_contrast = comfort.high_contrast
    user.save(update_fields=["large_text", "high_contrast"])


def user_language_save(*, user: User, language: str) -> None:
    """Keep the interface language a person chose, so it follows them."""
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])

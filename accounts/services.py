"""Writes about people: profile changes (a new phone number has its own module,
accounts/phone_change.py, as it is made only once proven by a code), role grants, a
person's rights over their data (download everything, delete the account), and the
audit records of sign-in by phone code, of the second factor, of password and e-mail
changes, and of staff viewing people in the admin."""

import io
import zipfile

from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import models, transaction

from audit.chain import pseudonym
from audit.models import AuditAction
from audit.services import audit_record
from core.proxy import request_client_address

from .erasure import account_erasing, kept_labels
from .models import User
from .phone import normalize_phone
from .roles import COORDINATOR, SPECIALIST, TRAINER
from .selectors import user_personal_data_json

STAFF_ROLES = (TRAINER, COORDINATOR, SPECIALIST)
# A refused code request is recorded at most this often per address: refusals come
# as fast as anyone can send them, and the trail is never pruned.
CODE_REFUSAL_RECORD_SECONDS = 60
EXPORT_README = """Koʻmak: everything we hold about you
(siz haqingizdagi barcha maʼlumot)

komak-data.json
  account       your account (without the password)
  groups        your roles
  related       every record about you: bookings, consent, learning progress...
  audit_trail   what the audit trail recorded about your actions (sign-ins, pages
                with your consultation data, changes), with time and address

Only data about you is here. Records about other people are not, even when you
wrote them or worked on them (for staff: the people you served or trained, the
notes you wrote), and neither is the site's content you made (pages, pictures,
videos). A specialist's private notes are not included here; ask the operator named
in the consent terms for them.
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


PROFILE_DETAILS = (
    "full_name",
    "email",
    "preferred_language",
    "region",
    "district",
    "birth_year",
)


def email_pseudonym(email: str | None) -> str:
    """The audit trail's name for an e-mail address (keyed, like `phone_pseudonym`):
    records of one address link up without the trail holding it."""
    email = (email or "").strip().lower()
    return pseudonym("email", email) if email else ""


def email_change_record(
    *, user: User, old: str | None, new: str | None, how: str, request=None
) -> None:
    """A person changed their own e-mail address (`how`: "profile", or allauth's
    "added", "removed", "primary"); the addresses only as pseudonyms."""
    audit_record(
        actor=user,
        action=AuditAction.EMAIL_CHANGE,
        target=user,
        request=request,
        detail={
            "how": how,
            "old_email_pseudonym": email_pseudonym(old),
            "new_email_pseudonym": email_pseudonym(new),
        },
    )


def user_details_update(*, user: User, details: dict, request=None) -> User:
    """What a person changes about themselves on the profile page
    (`PROFILE_DETAILS`; the phone number has its own way:
    `accounts.phone_change.user_phone_change`). A changed e-mail address is
    recorded (`email_change`)."""
    with transaction.atomic():
        stored_email = (
            User.objects.select_for_update()
            .values_list("email", flat=True)
            .get(pk=user.pk)
        )
        for name in PROFILE_DETAILS:
            setattr(user, name, details[name])
        user.save(update_fields=list(PROFILE_DETAILS))
        if (stored_email or "").strip().lower() != (user.email or "").strip().lower():
            email_change_record(
                user=user,
                old=stored_email,
                new=user.email,
                how="profile",
                request=request,
            )
    return user


def password_change_record(*, user: User, how: str, request=None) -> None:
    """A password changed by its owner: `how` is "changed", "set" (a first one) or
    "reset" (from an e-mailed link, recorded as `password_reset`)."""
    audit_record(
        actor=user,
        action=AuditAction.PASSWORD_RESET
        if how == "reset"
        else AuditAction.PASSWORD_CHANGE,
        target=user,
        request=request,
        detail={"how": how},
    )


def user_list_view_record(
    *,
    actor,
    shown: int,
    total: int,
    page: int,
    searched: bool,
    filtered: bool,
    request=None,
) -> None:
    """Staff saw a page of the user list in the admin (accounts/admin_users.py):
    how many people it showed, of how many that matched, never what was searched."""
    audit_record(
        actor=actor,
        action=AuditAction.USER_LIST_VIEW,
        target=("accounts.user", ""),
        request=request,
        detail={
            "shown": shown,
            "total": total,
            "page": page,
            "searched": searched,
            "filtered": filtered,
        },
    )


def user_view_record(*, actor, person_id: int, screen: str, request=None) -> None:
    """Staff opened an admin screen about one person (`screen`: edit, history...)."""
    audit_record(
        actor=actor,
        action=AuditAction.USER_VIEW,
        target=("accounts.user", person_id),
        request=request,
        detail={"screen": screen},
    )


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


def _delete_related(user: User, *, keep: set[str]) -> None:
    """Delete what deleting the user row would delete (CASCADE relations), except
    the models in `keep` (lower-case labels)."""
    for relation in User._meta.get_fields(include_hidden=True):
        if not relation.auto_created or relation.concrete:
            continue
        if getattr(relation, "on_delete", None) is not models.CASCADE:
            continue
        model = relation.related_model
        if model is User or model._meta.label_lower in keep:
            continue
        model._base_manager.filter(**{relation.field.name: user}).delete()


def user_account_delete(*, user: User, request=None) -> None:
    """Delete a person's account: each app anonymises or keeps what it must (the
    `account_erasing` receivers, accounts/erasure.py: consultations anonymised,
    consent records kept), everything else linked to them is deleted, and the user
    row kept only as an empty, inactive shell so that audit records (kept, under the
    person's pseudonym) and consent records still point at something that names
    nobody. A receiver that fails rolls the whole erasure back."""
    from django.utils.translation import gettext as _

    if not user_can_delete_self(user=user):
        raise AccountDeletionError(
            _("Staff accounts are closed by an administrator. Please ask one.")
        )
    with transaction.atomic():
        audit_record(
            actor=user, action=AuditAction.ACCOUNT_DELETE, target=user, request=request
        )
        answers = account_erasing.send(sender=User, user=user, request=request)
        _delete_related(user, keep=kept_labels(answers))
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


# --- Sign-in steps in the audit trail -------------------------------------------------


def phone_pseudonym(phone: str | None) -> str:
    """The audit trail's name for a phone number: a keyed HMAC of its canonical form
    (audit.chain.pseudonym), so a coordinator can link the records of one number
    however it was typed, and nobody can read the number back without the key."""
    if not phone:
        return ""
    try:
        phone = normalize_phone(phone)
    except ValidationError:
        phone = phone.strip()
    return pseudonym("phone", phone)


def phone_code_event_record(
    *, action: str, phone: str | None, request=None, user=None
) -> None:
    """One step of a sign-in by phone code. The number only as its pseudonym, the
    code never. Asking, typing a wrong or expired code and running out of tries are
    recorded without a person, whether the number has an account or not, so the
    trail reads the same for both; `user` is for the accepted code."""
    audit_record(
        actor=user,
        action=action,
        target=user,
        request=request,
        detail={"phone_pseudonym": phone_pseudonym(phone)},
    )


def phone_code_refusal_record(*, phone: str | None, request) -> bool:
    """A code request refused by the limits, recorded at most once per address in
    `CODE_REFUSAL_RECORD_SECONDS` (the cache, shared by every worker, remembers);
    returns whether it was recorded."""
    key = f"audit:phone-code-refused:{request_client_address(request)}"
    if not cache.add(key, True, CODE_REFUSAL_RECORD_SECONDS):
        return False
    phone_code_event_record(
        action=AuditAction.PHONE_CODE_RATE_LIMITED, phone=phone, request=request
    )
    return True


def second_factor_change_record(
    *, user: User, change: str, authenticator_type: str, request=None
) -> None:
    """An authenticator app set up or removed, or recovery codes made anew: who has
    which second factor is part of who may get in."""
    audit_record(
        actor=user,
        action=AuditAction.MFA_CHANGE,
        target=user,
        request=request,
        detail={"change": change, "authenticator": authenticator_type},
    )


def second_factor_event_record(
    *,
    user: User,
    passed: bool,
    authenticator_type: str,
    request=None,
    reauthentication: bool = False,
) -> None:
    """An authenticator app's (or recovery) code accepted or refused. A refused one
    names the account in `target` only: the password was right, the person is not
    proven."""
    audit_record(
        actor=user if passed else None,
        action=AuditAction.MFA_SIGN_IN if passed else AuditAction.MFA_SIGN_IN_FAILED,
        target=user,
        request=request,
        detail={
            "authenticator": authenticator_type,
            "reauthentication": reauthentication,
        },
    )

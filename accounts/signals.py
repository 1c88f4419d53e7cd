"""Signal receivers of the accounts app: comfort settings carried into the account,
and the audit records of allauth's sign-in steps (a phone code accepted or refused,
an authenticator code accepted or refused, an authenticator set up, removed or
renewed) and of allauth's account pages (a password changed, set or reset; an
e-mail address added, removed or made the main one)."""

from allauth.account.signals import (
    authentication_step_completed,
    email_added,
    email_changed,
    email_removed,
    login_code_rejected,
    password_changed,
    password_reset,
    password_set,
)
from allauth.mfa.signals import (
    authentication_failed,
    authenticator_added,
    authenticator_removed,
    authenticator_reset,
    authenticator_used,
)
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import m2m_changed, post_save
from django.dispatch import receiver

from audit.models import AuditAction

from .comfort import COOKIE_NAME, Comfort
from .homes import home_role_forget
from .services import (
    email_change_record,
    password_change_record,
    phone_code_event_record,
    second_factor_change_record,
    second_factor_event_record,
    user_comfort_save,
)

PHONE_CODE_METHOD = "code"  # allauth's name for a sign-in by code


@receiver(user_logged_in, dispatch_uid="accounts.comfort_from_device")
def comfort_from_device(sender, request, user, **kwargs):
    """Settings chosen on this phone before signing in are kept on the account,
    unless the account already has its own."""
    if request is None:
        return
    chosen = Comfort.from_cookie(request.COOKIES.get(COOKIE_NAME))
    if not chosen.is_default() and Comfort.from_user(user).is_default():
        user_comfort_save(user=user, comfort=chosen)


@receiver(authentication_step_completed, dispatch_uid="accounts.audit_code_accepted")
def audit_code_accepted(sender, request, user, method, **kwargs):
    """The code from the SMS was right (for staff the authenticator code follows;
    the `sign_in` record comes when the whole sign-in is done)."""
    if method != PHONE_CODE_METHOD or not kwargs.get("phone"):
        return
    phone_code_event_record(
        action=AuditAction.PHONE_CODE_SIGN_IN,
        phone=kwargs["phone"],
        request=request,
        user=user,
    )


@receiver(login_code_rejected, dispatch_uid="accounts.audit_code_rejected")
def audit_code_rejected(sender, request, user, last_attempt, **kwargs):
    """A wrong code for a number with an account, on any of the code pages; the
    same record as for a number without one (accounts/otp_views.py), so without the
    person."""
    phone_code_event_record(
        action=AuditAction.PHONE_CODE_TOO_MANY_TRIES
        if last_attempt
        else AuditAction.PHONE_CODE_WRONG,
        phone=user.phone_number,
        request=request,
    )


@receiver(authenticator_used, dispatch_uid="accounts.audit_second_factor_passed")
def audit_second_factor_passed(
    sender, request, user, authenticator, reauthenticated=False, **kwargs
):
    second_factor_event_record(
        user=user,
        passed=True,
        authenticator_type=authenticator.type,
        request=request,
        reauthentication=bool(reauthenticated),
    )


@receiver(authentication_failed, dispatch_uid="accounts.audit_second_factor_failed")
def audit_second_factor_failed(
    sender, request, user, authenticator, reauthentication=False, **kwargs
):
    second_factor_event_record(
        user=user,
        passed=False,
        authenticator_type=authenticator.type,
        request=request,
        reauthentication=bool(reauthentication),
    )


def _second_factor_changed(change: str):
    def receiver_(sender, request, user, authenticator, **kwargs):
        second_factor_change_record(
            user=user,
            change=change,
            authenticator_type=authenticator.type,
            request=request,
        )

    return receiver_


audit_second_factor_added = _second_factor_changed("added")
audit_second_factor_removed = _second_factor_changed("removed")
audit_second_factor_reset = _second_factor_changed("reset")
authenticator_added.connect(
    audit_second_factor_added, dispatch_uid="accounts.audit_second_factor_added"
)
authenticator_removed.connect(
    audit_second_factor_removed, dispatch_uid="accounts.audit_second_factor_removed"
)
authenticator_reset.connect(
    audit_second_factor_reset, dispatch_uid="accounts.audit_second_factor_reset"
)


@receiver(password_changed, dispatch_uid="accounts.audit_password_changed")
def audit_password_changed(sender, request, user, **kwargs):
    password_change_record(user=user, how="changed", request=request)


@receiver(password_set, dispatch_uid="accounts.audit_password_set")
def audit_password_set(sender, request, user, **kwargs):
    password_change_record(user=user, how="set", request=request)


@receiver(password_reset, dispatch_uid="accounts.audit_password_reset")
def audit_password_reset(sender, request, user, **kwargs):
    """A new password from the e-mailed link (the person is not signed in yet)."""
    password_change_record(user=user, how="reset", request=request)


@receiver(email_added, dispatch_uid="accounts.audit_email_added")
def audit_email_added(sender, request, user, email_address, **kwargs):
    email_change_record(
        user=user, old=None, new=email_address.email, how="added", request=request
    )


@receiver(email_removed, dispatch_uid="accounts.audit_email_removed")
def audit_email_removed(sender, request, user, email_address, **kwargs):
    email_change_record(
        user=user, old=email_address.email, new=None, how="removed", request=request
    )


@receiver(email_changed, dispatch_uid="accounts.audit_email_changed")
def audit_email_changed(
    sender, request, user, from_email_address, to_email_address, **kwargs
):
    """Another of the person's addresses made the main one."""
    email_change_record(
        user=user,
        old=from_email_address.email if from_email_address else None,
        new=to_email_address.email,
        how="primary",
        request=request,
    )


# A person's home and header links (accounts/homes.py) follow from her groups, her
# staff flags, and the traces other apps register (bookings, consent, a specialist
# profile): each change forgets the cached role. The apps that hold the traces
# forget it for their own changes (consultations/signals.py).


@receiver(m2m_changed, sender=get_user_model().groups.through)
def home_role_forget_on_groups(sender, instance, action, reverse, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    if not reverse:
        home_role_forget(user_id=instance.pk)
        return
    # A group's members changed (group.user_set.add(...)): forget each named one;
    # a clear names nobody, so forget every member's role the slow way.
    user_ids = pk_set or instance.user_set.values_list("pk", flat=True)
    for user_id in user_ids:
        home_role_forget(user_id=user_id)


@receiver(post_save, sender=get_user_model(), dispatch_uid="accounts.role_on_user")
def home_role_forget_on_user(sender, instance, **kwargs):
    home_role_forget(user_id=instance.pk)

"""Signal receivers that feed the audit trail: sign-ins, staff changes to people,
groups and permissions, and Wagtail admin actions.

Sign-in failures name the attempted login only by a keyed pseudonym, so a guessing
attack on one account can be followed without the trail holding phone numbers.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.signals import (
    user_logged_in,
    user_logged_out,
    user_login_failed,
)
from django.db.models.signals import m2m_changed, post_save

from .chain import pseudonym
from .context import request_actor
from .models import AuditAction
from .services import audit_record

M2M_CHANGES = {"post_add": "add", "post_remove": "remove", "post_clear": "clear"}


def on_logged_in(sender, request, user, **kwargs):
    audit_record(actor=user, action=AuditAction.SIGN_IN, target=user, request=request)


def on_logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit_record(
            actor=user, action=AuditAction.SIGN_OUT, target=user, request=request
        )


def on_login_failed(sender, credentials, request=None, **kwargs):
    login = ""
    for key in ("username", "login", "phone_number", "email"):
        value = credentials.get(key)
        if isinstance(value, str) and value.strip():
            login = value.strip().lower()
            break
    audit_record(
        actor=None,
        action=AuditAction.SIGN_IN_FAILED,
        request=request,
        detail={"login_pseudonym": pseudonym("login", login) if login else ""},
    )


def _m2m_receiver(action_for_instance):
    def receiver(sender, instance, action, reverse, model, pk_set, **kwargs):
        change = M2M_CHANGES.get(action)
        if change is None or (change != "clear" and not pk_set):
            return
        actor, request = request_actor()
        audit_record(
            actor=actor,
            action=action_for_instance(instance),
            target=instance,
            request=request,
            detail={
                "change": change,
                "related": model._meta.label_lower,
                "ids": sorted(pk_set or []),
            },
        )

    return receiver


def on_user_saved(sender, instance, created, update_fields=None, raw=False, **kwargs):
    """A change to someone else's account by a signed-in person (staff, in the
    admin). A person's own profile changes and sign-in bookkeeping are not staff
    changes."""
    if raw:
        return
    actor, request = request_actor()
    if actor is None or actor.pk == instance.pk:
        return
    audit_record(
        actor=actor,
        action=AuditAction.USER_CHANGE,
        target=instance,
        request=request,
        detail={
            "created": created,
            "fields": sorted(update_fields) if update_fields else [],
        },
    )


def on_wagtail_log_entry(sender, instance, created, raw=False, **kwargs):
    """Every action Wagtail's admin logs (publish, edit, delete, workflow...)."""
    if not created or raw:
        return
    _actor, request = request_actor()
    content_type = instance.content_type
    label = f"{content_type.app_label}.{content_type.model}" if content_type else ""
    audit_record(
        actor=instance.user,
        action=AuditAction.ADMIN_ACTION,
        target=(label, instance.object_id) if label else None,
        request=request,
        detail={"wagtail_action": instance.action},
    )


def connect() -> None:
    from wagtail.models import ModelLogEntry, PageLogEntry

    user_model = get_user_model()
    user_logged_in.connect(on_logged_in, dispatch_uid="audit_logged_in")
    user_logged_out.connect(on_logged_out, dispatch_uid="audit_logged_out")
    user_login_failed.connect(on_login_failed, dispatch_uid="audit_login_failed")
    post_save.connect(on_user_saved, sender=user_model, dispatch_uid="audit_user")
    m2m_changed.connect(
        _m2m_receiver(lambda instance: AuditAction.USER_GROUPS_CHANGE),
        sender=user_model.groups.through,
        weak=False,  # the receiver is made here; nothing else holds it
        dispatch_uid="audit_user_groups",
    )
    m2m_changed.connect(
        _m2m_receiver(lambda instance: AuditAction.USER_PERMISSIONS_CHANGE),
        sender=user_model.user_permissions.through,
        weak=False,
        dispatch_uid="audit_user_permissions",
    )
    m2m_changed.connect(
        _m2m_receiver(lambda instance: AuditAction.GROUP_PERMISSIONS_CHANGE),
        sender=Group.permissions.through,
        weak=False,
        dispatch_uid="audit_group_permissions",
    )
    for model in (ModelLogEntry, PageLogEntry):
        post_save.connect(
            on_wagtail_log_entry,
            sender=model,
            dispatch_uid=f"audit_wagtail_{model.__name__}",
        )

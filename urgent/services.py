"""Writes of the urgent app: asking for help, taking a request, closing it, and
escalating the ones nobody took in time.

Each step is one transaction with its audit record, and the duty pool and the client
are told after it commits (live.py), so a socket never hears of a row it cannot read
yet.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from audit.models import AuditAction
from audit.services import audit_record
from core.notifications import Message, notify
from core.transliteration import in_reader_script

from . import live, selectors
from .models import UrgentRequest

logger = logging.getLogger(__name__)


class UrgentError(Exception):
    """A step that cannot be done; `message` is for the person, in their language."""

    def __init__(self, code: str, message: str):
        super().__init__(code)
        self.code = code
        self.message = message


def _tell_after_commit(*, event: str, urgent: UrgentRequest) -> None:
    request_id, client_id = urgent.pk, urgent.client_id
    transaction.on_commit(
        lambda: live.tell(event=event, request_id=request_id, client_id=client_id)
    )


def urgent_request_create(*, client, request=None) -> tuple[UrgentRequest, bool]:
    """The client's open request, made now if they have none: (request, made).

    A second tap, or two at once on two workers, gives the same request: the
    database allows one open request per client, and the loser reads the winner's.
    """
    if not selectors.may_ask_for_help(user=client):
        raise UrgentError("not_client", _("Only people we help can ask for help here."))
    existing = selectors.client_open_request(client=client)
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            urgent = UrgentRequest.objects.create(client=client)
            audit_record(
                actor=client,
                action=AuditAction.URGENT_REQUEST,
                target=urgent,
                request=request,
                detail={"on_duty": selectors.specialists_on_duty().count()},
            )
            _tell_after_commit(event=live.NEW, urgent=urgent)
    except IntegrityError:
        existing = selectors.client_open_request(client=client)
        if existing is None:  # closed in between: nothing to show, so ask again
            raise
        return existing, False
    return urgent, True


def urgent_request_take(*, request_id: int, by_user, request=None) -> UrgentRequest:
    """`by_user` takes the request. The row is locked, so of two takes at once one
    wins and the other is told who has it. Taking it again is not an error."""
    if not selectors.may_see_requests(user=by_user):
        raise UrgentError("not_allowed", _("You are not on duty now."))
    with transaction.atomic():
        urgent = UrgentRequest.objects.select_for_update().filter(pk=request_id).first()
        if urgent is None:
            raise UrgentError("missing", _("This request does not exist."))
        if urgent.taken_by_id == by_user.pk:
            return urgent
        if urgent.taken_at is not None:
            taker = urgent.taken_by.get_full_name() if urgent.taken_by else ""
            raise UrgentError(
                "taken",
                _("%(name)s has already taken this request. You need not call.")
                % {"name": taker or _("Someone else")},
            )
        if urgent.closed_at is not None:
            raise UrgentError("closed", _("This request is already closed."))
        urgent.taken_at = timezone.now()
        urgent.taken_by = by_user
        urgent.save(update_fields=["taken_at", "taken_by"])
        audit_record(
            actor=by_user,
            action=AuditAction.URGENT_TAKE,
            target=urgent,
            request=request,
            detail={"waited_seconds": urgent.waited_seconds()},
        )
        _tell_after_commit(event=live.TAKEN, urgent=urgent)
    return urgent


def urgent_request_close(*, request_id: int, by_user, request=None) -> UrgentRequest:
    """Close a request: by the client (no help needed any more), by the specialist
    who took it (done), or by a coordinator. Closing it again changes nothing."""
    with transaction.atomic():
        urgent = UrgentRequest.objects.select_for_update().filter(pk=request_id).first()
        if urgent is None:
            raise UrgentError("missing", _("This request does not exist."))
        if urgent.client_id == by_user.pk:
            by = "client"
        elif urgent.taken_by_id == by_user.pk:
            by = "taker"
        elif selectors.is_coordinator(user=by_user):
            by = "coordinator"
        else:
            raise UrgentError(
                "not_allowed", _("Only the person who took it can close it.")
            )
        if urgent.closed_at is not None:
            return urgent
        urgent.closed_at = timezone.now()
        urgent.save(update_fields=["closed_at"])
        audit_record(
            actor=by_user,
            action=AuditAction.URGENT_CLOSE,
            target=urgent,
            request=request,
            detail={"by": by, "taken": urgent.taken_at is not None},
        )
        _tell_after_commit(event=live.CLOSED, urgent=urgent)
    return urgent


def escalate_after() -> timedelta:
    return timedelta(seconds=settings.URGENT_ESCALATE_AFTER_SECONDS)


def urgent_requests_escalate(*, now: datetime | None = None) -> list[int]:
    """Escalate every open request nobody took within `URGENT_ESCALATE_AFTER_SECONDS`
    to the coordinators; returns the ids escalated by this run.

    Each request is claimed by one conditional UPDATE (only while `escalated_at` is
    empty), so two clusters running this at once escalate it once.
    """
    now = now or timezone.now()
    due = UrgentRequest.objects.filter(
        closed_at__isnull=True,
        taken_at__isnull=True,
        escalated_at__isnull=True,
        created__lte=now - escalate_after(),
    ).values_list("pk", flat=True)
    escalated = []
    for request_id in list(due):
        with transaction.atomic():
            claimed = UrgentRequest.objects.filter(
                pk=request_id,
                closed_at__isnull=True,
                taken_at__isnull=True,
                escalated_at__isnull=True,
            ).update(escalated_at=now)
            if not claimed:  # taken, closed or escalated meanwhile
                continue
            urgent = UrgentRequest.objects.get(pk=request_id)
            audit_record(
                actor=None,
                action=AuditAction.URGENT_ESCALATE,
                target=urgent,
                detail={
                    "waited_seconds": urgent.waited_seconds(now),
                    "coordinators": selectors.coordinators().count(),
                },
            )
            _tell_after_commit(event=live.ESCALATED, urgent=urgent)
        escalated.append(request_id)
        if settings.URGENT_ESCALATE_SMS:
            _coordinators_notify(urgent=urgent, now=now)
    return escalated


def _coordinators_notify(*, urgent: UrgentRequest, now: datetime) -> None:
    """A short message to each coordinator; the client's name stays out of it (an
    SMS is read on a lock screen), the urgent help page shows it."""
    minutes = max(urgent.waited_seconds(now) // 60, 1)
    for coordinator in selectors.coordinators():
        language = getattr(coordinator, "preferred_language", "") or "uz"
        with translation.override(language):
            text = in_reader_script(
                _(
                    "Ko'mak: someone asked for urgent help %(minutes)s min ago and "
                    "no specialist has taken it. Please open the urgent help page."
                )
                % {"minutes": minutes}
            )
            message = Message(
                subject=in_reader_script(_("Urgent help not taken")),
                text=text,
                sms_text=text,
            )
        try:
            notify(user=coordinator, message=message)
        except Exception:  # a gateway may fail in any way; the page still shows it
            logger.exception("Escalation of request %s not sent", urgent.pk)


def urgent_requests_close_stale(*, now: datetime | None = None) -> int:
    """Close requests still open `URGENT_STALE_HOURS` after they were made: the help
    was given or is no longer needed, and an open request would stop the client from
    asking anew (one open request per client). Each is recorded as closed by nobody
    (`by: "stale"`); returns how many."""
    now = now or timezone.now()
    cutoff = now - timedelta(hours=settings.URGENT_STALE_HOURS)
    stale = UrgentRequest.objects.filter(closed_at__isnull=True, created__lt=cutoff)
    closed = 0
    for request_id in list(stale.values_list("pk", flat=True)):
        with transaction.atomic():
            claimed = UrgentRequest.objects.filter(
                pk=request_id, closed_at__isnull=True
            ).update(closed_at=now)
            if not claimed:  # closed by a person meanwhile
                continue
            urgent = UrgentRequest.objects.get(pk=request_id)
            audit_record(
                actor=None,
                action=AuditAction.URGENT_CLOSE,
                target=urgent,
                detail={"by": "stale", "taken": urgent.taken_at is not None},
            )
            _tell_after_commit(event=live.CLOSED, urgent=urgent)
        closed += 1
    return closed


def urgent_requests_retention_delete(*, days: int, now: datetime | None = None) -> int:
    """Delete requests closed more than `days` days ago (docs/privacy.md, "Retention"):
    who asked, who took it and how long it waited. The needs analytics keep only
    their aggregates. Returns how many; a run that deletes any is recorded."""
    now = now or timezone.now()
    old = UrgentRequest.objects.filter(closed_at__lt=now - timedelta(days=days))
    with transaction.atomic():
        deleted, _by_model = old.delete()
        if deleted:
            audit_record(
                actor=None,
                action=AuditAction.URGENT_RETENTION_DELETE,
                detail={"requests": deleted, "days": days},
            )
    return deleted

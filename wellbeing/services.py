"""Writes of check-ins: planning them after a session, stopping them, the client's
answer (with its alerts), the specialist's recorded reading of answers, and the
deletion of old ones.

Every write leaves an audit record in the same transaction; records hold ids and
counts, never an answer or a score.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_q.tasks import async_task

from audit.models import AuditAction
from audit.services import audit_record
from consultations.models import Booking, BookingStatus
from consultations.selectors import consent_given, local_zone

from . import who5
from .models import CheckIn
from .selectors import checkin_answer_state, previous_answer, token_digest

# Check-ins arrive at this Tashkent time: mid-morning, never at night.
SEND_TIME = time(10, 0)
INTERVAL_DAYS_MAX = 31


class CheckinError(Exception):
    """A plan or an answer that cannot be taken; `message` says why in plain words,
    `code` lets a view choose its status ("invalid" 400, "closed" 409/410)."""

    def __init__(self, message: str, *, code: str = "invalid", state: str = ""):
        super().__init__(message)
        self.message = message
        self.code = code
        self.state = state


def checkins_max_count() -> int:
    return settings.WELLBEING_CHECKIN_MAX_COUNT


def _new_token() -> tuple[str, str]:
    # 128 random bits: the link is the key to one questionnaire.
    token = secrets.token_urlsafe(16)
    return token, token_digest(token)


def checkins_pending(*, client_id: int, specialist_id: int, now: datetime):
    return CheckIn.objects.filter(
        client_id=client_id,
        specialist_id=specialist_id,
        answered_at__isnull=True,
        cancelled_at__isnull=True,
        expires_at__gt=now,
    )


def checkins_schedule(
    *,
    booking: Booking,
    count: int,
    interval_days: int,
    request=None,
    now: datetime | None = None,
) -> list[CheckIn]:
    """Plan `count` check-ins for the booking's client, one every `interval_days`
    days from today at 10:00 Tashkent time. Only after the session has begun, only
    while the client's consent holds, and never more than
    WELLBEING_CHECKIN_MAX_COUNT waiting at once for one client and specialist."""
    now = now or timezone.now()
    limit = checkins_max_count()
    if not 1 <= count <= limit:
        raise CheckinError(
            ngettext(
                "Choose from 1 to %(limit)s check-in.",
                "Choose from 1 to %(limit)s check-ins.",
                limit,
            )
            % {"limit": limit}
        )
    if not 1 <= interval_days <= INTERVAL_DAYS_MAX:
        raise CheckinError(
            _("Choose from 1 to %(days)s days between check-ins.")
            % {"days": INTERVAL_DAYS_MAX}
        )
    if booking.client is None or booking.starts_at > now:
        raise CheckinError(_("Check-ins can be planned once the session has begun."))
    if booking.status not in (BookingStatus.CONFIRMED, BookingStatus.COMPLETED):
        raise CheckinError(_("This session did not take place."))
    if not consent_given(user=booking.client):
        raise CheckinError(
            _("The client has withdrawn consent, so no check-ins can be sent.")
        )
    open_days = min(interval_days, settings.WELLBEING_CHECKIN_OPEN_DAYS)
    today = timezone.localdate(now)
    with transaction.atomic():
        # One plan at a time per specialist: the count below cannot change meanwhile.
        list(
            type(booking.specialist)
            .objects.select_for_update()
            .filter(pk=booking.specialist_id)
            .values_list("pk", flat=True)
        )
        waiting = checkins_pending(
            client_id=booking.client_id, specialist_id=booking.specialist_id, now=now
        ).count()
        if waiting + count > limit:
            raise CheckinError(
                ngettext(
                    "%(waiting)s check-in is already waiting; at most %(limit)s "
                    "can wait at once.",
                    "%(waiting)s check-ins are already waiting; at most %(limit)s "
                    "can wait at once.",
                    waiting,
                )
                % {"waiting": waiting, "limit": limit}
            )
        planned = []
        for number in range(1, count + 1):
            day = today + timedelta(days=interval_days * number)
            due_at = datetime.combine(day, SEND_TIME, tzinfo=local_zone())
            token, digest = _new_token()
            planned.append(
                CheckIn.objects.create(
                    client=booking.client,
                    specialist=booking.specialist,
                    booking=booking,
                    due_at=due_at,
                    expires_at=due_at + timedelta(days=open_days),
                    token=token,
                    token_hash=digest,
                )
            )
        audit_record(
            actor=booking.specialist.user,
            action=AuditAction.CHECKIN_SCHEDULE,
            target=booking,
            request=request,
            detail={
                "checkins": [checkin.pk for checkin in planned],
                "interval_days": interval_days,
            },
        )
    return planned


def checkins_stop(
    *, booking: Booking, request=None, now: datetime | None = None
) -> int:
    """Stop the check-ins still waiting for this client with this specialist;
    answered ones stay. Returns how many were stopped."""
    now = now or timezone.now()
    with transaction.atomic():
        ids = list(
            checkins_pending(
                client_id=booking.client_id,
                specialist_id=booking.specialist_id,
                now=now,
            )
            .select_for_update()
            .values_list("pk", flat=True)
        )
        if not ids:
            return 0
        CheckIn.objects.filter(pk__in=ids).update(cancelled_at=now)
        audit_record(
            actor=booking.specialist.user,
            action=AuditAction.CHECKIN_STOP,
            target=booking,
            request=request,
            detail={"checkins": ids},
        )
    return len(ids)


@dataclass(frozen=True)
class Answered:
    checkin: CheckIn
    raw_score: int
    alerts: tuple[str, ...]


def closed_message(state: str) -> str:
    """What a closed check-in's page says, in plain words."""
    messages = {
        "answered": _("You have already answered these questions. Thank you."),
        "stopped": _("Your specialist has stopped these check-ins."),
        "not_yet": _("These questions are not open yet."),
        "no_consent": _(
            "You have withdrawn your consent, so these questions are closed. "
            "You can agree again on your appointments page."
        ),
        "expired": _(
            "The time to answer these questions is over. Your specialist will "
            "send new ones if needed."
        ),
    }
    return messages[state]


def checkin_answer(
    *,
    checkin: CheckIn,
    items: list[int],
    request=None,
    now: datetime | None = None,
) -> Answered:
    """Keep the client's five answers, once. The row is locked and its state read
    again, so of two taps on "send" exactly one is kept and the other is told it
    was already answered. An alert (who5.alerts_for) is sent to the specialist
    after the commit."""
    now = now or timezone.now()
    try:
        raw = who5.raw_score(items)
    except ValueError as error:
        raise CheckinError(_("Please choose one answer for each statement.")) from error
    with transaction.atomic():
        locked = CheckIn.objects.select_for_update().get(pk=checkin.pk)
        state = checkin_answer_state(checkin=locked, now=now)
        if state != "open":
            raise CheckinError(closed_message(state), code="closed", state=state)
        previous = previous_answer(checkin=locked)
        alerts = who5.alerts_for(
            raw=raw, previous_raw=previous.raw_score if previous else None
        )
        locked.answers = {"items": list(items), "raw_score": raw, "alerts": alerts}
        locked.answered_at = now
        locked.save(update_fields=["answers", "answered_at"])
        actor = getattr(request, "user", None)
        audit_record(
            actor=actor if actor is not None and actor.is_authenticated else None,
            action=AuditAction.CHECKIN_ANSWER,
            target=locked,
            request=request,
            detail={"by_link": True},
        )
        if alerts:
            checkin_id = locked.pk
            transaction.on_commit(
                lambda: async_task("wellbeing.tasks.checkin_alert_send", checkin_id)
            )
    return Answered(checkin=locked, raw_score=raw, alerts=tuple(alerts))


def checkins_view_record(
    *, viewer, booking: Booking, checkins: list[CheckIn], request=None
) -> None:
    """The specialist has been shown these answers: one audit record naming them,
    and the answers marked as seen (which clears the notice on their page)."""
    ids = [checkin.pk for checkin in checkins if checkin.answered_at is not None]
    if not ids:
        return
    with transaction.atomic():
        audit_record(
            actor=viewer,
            action=AuditAction.CHECKIN_VIEW,
            target=booking,
            request=request,
            detail={"checkins": ids, "client": booking.client_id},
        )
        CheckIn.objects.filter(pk__in=ids, reviewed_at__isnull=True).update(
            reviewed_at=timezone.now()
        )


def checkin_alerts_view_record(*, viewer, checkin_ids: list[int], request=None):
    """The notice on the specialist's page named these alerted answers."""
    if checkin_ids:
        audit_record(
            actor=viewer,
            action=AuditAction.CHECKIN_VIEW,
            request=request,
            detail={"checkins": sorted(checkin_ids), "notice": True},
        )


def checkins_retention_delete(*, days: int, now: datetime | None = None) -> int:
    """Delete check-ins answered, or left unanswered and closed, more than `days`
    days ago (docs/privacy.md). Returns how many."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=days)
    old = CheckIn.objects.filter(
        Q(answered_at__lt=cutoff)
        | Q(answered_at__isnull=True, expires_at__lt=cutoff)
        | Q(answered_at__isnull=True, cancelled_at__lt=cutoff)
    )
    with transaction.atomic():
        deleted, _by_model = old.delete()
        if deleted:
            audit_record(
                actor=None,
                action=AuditAction.CHECKIN_RETENTION_DELETE,
                detail={"checkins": deleted, "days": days},
            )
    return deleted

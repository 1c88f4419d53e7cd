"""Reads of check-ins. Who may see what is decided here, once: a check-in's answers
are for its client and the specialist who scheduled it; for anyone else a look-up
finds nothing, exactly as if the check-in did not exist.

Reading answers for a specialist is audited by the services that show them
(`checkins_view_record`), not here, so that a selector stays a plain read.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.utils import timezone

from consultations.models import Booking, SpecialistProfile
from consultations.selectors import consent_given

from .models import CheckIn


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def checkin_by_token(*, token: str, user=None) -> CheckIn | None:
    """The check-in behind a link, or None. A signed-in person who is not its client
    gets None too: the link was not sent to them."""
    if not token or len(token) > 64:
        return None
    checkin = (
        CheckIn.objects.select_related("client", "specialist__user")
        .filter(token_hash=token_digest(token))
        .first()
    )
    if checkin is None:
        return None
    if user is not None and user.is_authenticated and user.pk != checkin.client_id:
        return None
    return checkin


def specialist_booking(*, booking_id: int, user) -> Booking | None:
    """The booking if `user` is its specialist and it still names its client."""
    if not user.is_authenticated:
        return None
    return (
        Booking.objects.select_related("client", "specialist__user")
        .filter(
            pk=booking_id,
            specialist__user=user,
            anonymised_at__isnull=True,
            client__isnull=False,
        )
        .first()
    )


def checkins_for_pair(
    *, client_id: int, specialist: SpecialistProfile
) -> list[CheckIn]:
    """All check-ins of one client with one specialist, oldest first."""
    return list(
        CheckIn.objects.filter(client_id=client_id, specialist=specialist).order_by(
            "due_at", "pk"
        )
    )


def checkins_answered(checkins: list[CheckIn]) -> list[CheckIn]:
    """The answered ones in the order they were answered (the chart's order)."""
    return sorted(
        (checkin for checkin in checkins if checkin.answered_at is not None),
        key=lambda checkin: (checkin.answered_at, checkin.pk),
    )


def previous_answer(*, checkin: CheckIn) -> CheckIn | None:
    """The same client's last answer to the same specialist before this one."""
    return (
        CheckIn.objects.filter(
            client_id=checkin.client_id,
            specialist_id=checkin.specialist_id,
            answered_at__isnull=False,
        )
        .exclude(pk=checkin.pk)
        .order_by("-answered_at", "-pk")
        .first()
    )


@dataclass(frozen=True)
class CheckinAlert:
    """An answer that needs the specialist's attention, for the notice on their page."""

    checkin_id: int
    booking_id: int | None
    client_name: str
    answered_at: datetime
    alerts: tuple[str, ...]


def checkin_alerts_open(*, user) -> list[CheckinAlert]:
    """The specialist's answers with an alert that they have not opened yet.

    The alert is inside the encrypted answers, so the unreviewed answers are read
    and opened here (a specialist has few) rather than filtered in SQL."""
    if not user.is_authenticated:
        return []
    rows = (
        CheckIn.objects.filter(
            specialist__user=user,
            answered_at__isnull=False,
            reviewed_at__isnull=True,
        )
        .select_related("client")
        .order_by("answered_at")
    )
    return [
        CheckinAlert(
            checkin_id=checkin.pk,
            booking_id=checkin.booking_id,
            client_name=checkin.client.get_full_name(),
            answered_at=checkin.answered_at,
            alerts=tuple(checkin.alerts),
        )
        for checkin in rows
        if checkin.alerts
    ]


@dataclass(frozen=True)
class CheckinScore:
    """One answered check-in as the needs analytics counts it: no answers, no
    token, only who, when and the score."""

    checkin_id: int
    client_id: int
    specialist_id: int
    answered_at: datetime
    raw_score: int
    percentage: int


def checkin_scores_for_analytics(
    *, since: datetime | None = None, until: datetime | None = None
) -> list[CheckinScore]:
    """Every answered check-in's score, for the analytics aggregates (which suppress
    small groups themselves). The scores are encrypted, so they are opened here,
    in Python, a batch at a time."""
    rows = CheckIn.objects.filter(answered_at__isnull=False)
    if since is not None:
        rows = rows.filter(answered_at__gte=since)
    if until is not None:
        rows = rows.filter(answered_at__lt=until)
    scores = []
    for checkin in rows.order_by("answered_at", "pk").iterator(chunk_size=500):
        if checkin.raw_score is None:
            continue
        scores.append(
            CheckinScore(
                checkin_id=checkin.pk,
                client_id=checkin.client_id,
                specialist_id=checkin.specialist_id,
                answered_at=checkin.answered_at,
                raw_score=checkin.raw_score,
                percentage=checkin.percentage,
            )
        )
    return scores


def crisis_contacts() -> list[dict]:
    """Names and numbers shown on every questionnaire page (CRISIS_CONTACTS)."""
    return [
        {"name": contact["name"], "number": str(contact["number"])}
        for contact in getattr(settings, "CRISIS_CONTACTS", [])
    ]


def checkin_state(*, checkin: CheckIn, now: datetime | None = None) -> str:
    """What the link can do now: "open", "answered", "stopped", "not_yet" or
    "expired"."""
    now = now or timezone.now()
    if checkin.answered_at is not None:
        return "answered"
    if checkin.cancelled_at is not None:
        return "stopped"
    if now < checkin.due_at:
        return "not_yet"
    if now >= checkin.expires_at:
        return "expired"
    return "open"


def checkin_answer_state(*, checkin: CheckIn, now: datetime | None = None) -> str:
    """`checkin_state`, and "no_consent" for an open check-in whose client has
    withdrawn consent since it was sent: nothing more is processed for her."""
    state = checkin_state(checkin=checkin, now=now)
    if state == "open" and not consent_given(user=checkin.client):
        return "no_consent"
    return state

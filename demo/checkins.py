"""Demo check-ins, called by `seed_demo`: the demo client answered five weekly
check-ins after a talk with the demo specialist six weeks ago, the fourth low
enough (and far enough below the third) to alert, and one more is waiting. Safe to
run again: nothing is added once the pair has check-ins.

The rows are written directly, with their past times, rather than through the
services, which only plan from today.
"""

import secrets
from datetime import datetime, time, timedelta

from django.utils import timezone

from consultations.models import Booking, Topic
from consultations.selectors import local_zone
from wellbeing import who5
from wellbeing.models import CheckIn
from wellbeing.selectors import token_digest

from .consultations import past_talk_create

# Five weeks of answers (0-5 per statement): 60 %, 68 %, 72 %, 44 % (low, and a
# fall of 28 points) and 56 %.
DEMO_ANSWERS = [
    [3, 3, 3, 3, 3],
    [4, 3, 4, 3, 3],
    [4, 4, 3, 4, 3],
    [2, 3, 2, 2, 2],
    [3, 3, 3, 2, 3],
]
WEEKS_AGO = 6


def _first_session(client, profile, now: datetime) -> Booking:
    """The talk the check-ins followed: six weeks ago, at 11:00 or the next free
    hour."""
    day = timezone.localdate(now) - timedelta(weeks=WEEKS_AGO)
    return past_talk_create(client, profile, day, topic=Topic.GRIEF)


def _checkin(
    client, profile, booking, *, due_at: datetime, sent: bool = True, **fields
) -> CheckIn:
    token = secrets.token_urlsafe(16)
    return CheckIn.objects.create(
        client=client,
        specialist=profile,
        booking=booking,
        due_at=due_at,
        expires_at=due_at + timedelta(days=6),
        token=token,
        token_hash=token_digest(token),
        sent_at=due_at if sent else None,
        **fields,
    )


def seed_checkins(users: dict, *, now: datetime | None = None) -> None:
    """`users` maps demo usernames to users; the specialist has a profile already
    (demo.consultations.seed_consultations runs first)."""
    now = now or timezone.now()
    client = users["client"]
    profile = users["specialist"].specialist_profile
    if CheckIn.objects.filter(client=client, specialist=profile).exists():
        return
    booking = _first_session(client, profile, now)
    session_day = timezone.localdate(booking.starts_at)
    previous_raw = None
    for week, items in enumerate(DEMO_ANSWERS, start=1):
        due_at = datetime.combine(
            session_day + timedelta(weeks=week), time(10, 0), tzinfo=local_zone()
        )
        raw = who5.raw_score(items)
        alerts = who5.alerts_for(raw=raw, previous_raw=previous_raw)
        answered_at = due_at + timedelta(hours=3)
        _checkin(
            client,
            profile,
            booking,
            due_at=due_at,
            answered_at=answered_at,
            answers={"items": items, "raw_score": raw, "alerts": alerts},
            # The alerted answer is left unseen, so the notice shows it.
            reviewed_at=None if alerts else answered_at,
        )
        previous_raw = raw
    next_due = datetime.combine(
        session_day + timedelta(weeks=len(DEMO_ANSWERS) + 1),
        time(10, 0),
        tzinfo=local_zone(),
    )
    _checkin(client, profile, booking, due_at=next_due, sent=False)

"""The demo talk that `make run` keeps joinable (KOMAK_DEMO_KEEP_TALK; never in
production), scheduled every minute through `demo.tasks` (`demo/schedules.py`). The
demo itself (profile, terms, bookings) is seeded by `seed_demo` from
`demo/consultations.py`.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model

from consultations.models import Booking, SpecialistProfile, Topic
from consultations.services import BookingError, booking_joinable_ensure

logger = logging.getLogger(__name__)

# How soon the demo's joinable talk starts (also the one seed_demo makes).
OPEN_BOOKING_LEAD = timedelta(minutes=5)

# The demo people's usernames (demo/people.yaml, which README and tests rely on).
DEMO_CLIENT_USERNAME = "client"
DEMO_SPECIALIST_USERNAME = "specialist"


def demo_talk_keep(*, now: datetime | None = None) -> Booking | None:
    """Keep one talk between the demo client and the demo specialist joinable while
    `make run` runs (KOMAK_DEMO_KEEP_TALK; never in production): the one made by
    `seed_demo` is over 50 minutes later, and a newcomer who comes back would find
    nothing to join. Books through the booking service, so it stops if the demo
    client withdraws consent; does nothing without the demo accounts. Returns the
    talk it booked, if any."""
    if not settings.KOMAK_DEMO_KEEP_TALK:
        return None
    client = get_user_model().objects.filter(username=DEMO_CLIENT_USERNAME).first()
    profile = SpecialistProfile.objects.filter(
        user__username=DEMO_SPECIALIST_USERNAME
    ).first()
    if client is None or profile is None:
        return None
    try:
        return booking_joinable_ensure(
            client=client,
            specialist=profile,
            topic=Topic.LONELINESS,
            lead=OPEN_BOOKING_LEAD,
            now=now,
        )
    except BookingError as error:
        # Another talk of the client's is in the way, or the cap is reached; the
        # next run tries again.
        logger.info("Demo talk not booked: %s", error.message)
        return None

"""Joinable bookings between the demo client and specialist on a LiveServer.

The one `manage.py shell` script behind them makes sure the demo specialist has a
profile and the demo client has consented, then either reuses a booking whose call
is open now or makes new ones. New bookings start in about 5 minutes (a call opens 15
minutes early), a second apart: an active booking's (specialist, start) is unique.
"""

import json

from tests.support.live import LiveServer

BOOKINGS_CODE = """
import json
from datetime import timedelta
from django.contrib.auth import get_user_model
from django.utils import timezone
from consultations.models import (
    Booking, BookingStatus, ConsentRecord, ConsentTerms, SpecialistProfile,
)
COUNT = {count}
REUSE = {reuse}
User = get_user_model()
client = User.objects.get(username="client")
specialist_user = User.objects.get(username="specialist")
profile, _ = SpecialistProfile.objects.get_or_create(
    user=specialist_user,
    defaults={{"kind": "psychologist", "bio": "Test", "languages": ["uz"],
              "topics": ["loneliness"]}},
)
terms = ConsentTerms.objects.order_by("-published_at").first()
if terms is None:
    terms = ConsentTerms.objects.create(version="test-1", text="Test terms")
ConsentRecord.objects.get_or_create(user=client, terms=terms, withdrawn_at=None)
now = timezone.now()
ids = []
if REUSE:
    ids = list(
        Booking.objects.filter(
            client=client, specialist=profile, status=BookingStatus.CONFIRMED,
            starts_at__lte=now + timedelta(minutes=15),
            ends_at__gte=now + timedelta(minutes=20),
        ).values_list("pk", flat=True)[:COUNT]
    )
base = now + timedelta(minutes=5)
ids += [
    Booking.objects.create(
        client=client, specialist=profile, topic="loneliness",
        starts_at=base + timedelta(seconds=n),
        ends_at=base + timedelta(seconds=n, minutes=45),
    ).pk
    for n in range(COUNT - len(ids))
]
print(json.dumps(ids))
"""


def joinable_booking_ids(
    server: LiveServer, count: int = 1, *, reuse: bool = False
) -> list[int]:
    """Ids of `count` bookings whose calls can be joined now: new ones (so that
    nobody has been admitted to them yet), or with `reuse` first those already
    there."""
    code = BOOKINGS_CODE.format(count=count, reuse=reuse)
    return json.loads(server.shell(code, timeout=120 + count))


def joinable_booking_id(server: LiveServer, *, fresh: bool = False) -> int:
    """The id of a booking whose call can be joined now: one already there (made if
    the demo has none), or with `fresh` a new one."""
    return joinable_booking_ids(server, reuse=not fresh)[0]

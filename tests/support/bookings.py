"""A joinable booking between the demo client and specialist on a LiveServer."""

import subprocess
import sys

from tests.support.live import REPO, LiveServer

ENSURE_BOOKING = """
from datetime import timedelta
from django.contrib.auth import get_user_model
from django.utils import timezone
from consultations.models import (
    Booking, BookingStatus, ConsentRecord, ConsentTerms, SpecialistProfile,
)
User = get_user_model()
client = User.objects.get(username="client")
specialist_user = User.objects.get(username="specialist")
profile, _ = SpecialistProfile.objects.get_or_create(
    user=specialist_user,
    defaults={"kind": "psychologist", "bio": "Test", "languages": ["uz"],
              "topics": ["loneliness"]},
)
terms = ConsentTerms.objects.order_by("-published_at").first()
if terms is None:
    terms = ConsentTerms.objects.create(version="test-1", text="Test terms")
ConsentRecord.objects.get_or_create(user=client, terms=terms, withdrawn_at=None)
now = timezone.now().replace(second=0, microsecond=0)
booking = (
    Booking.objects.filter(
        client=client, specialist=profile, status=BookingStatus.CONFIRMED,
        starts_at__lte=now + timedelta(minutes=15),
        ends_at__gte=now + timedelta(minutes=20),
    ).first()
    or Booking.objects.create(
        client=client, specialist=profile, topic="loneliness",
        starts_at=now + timedelta(minutes=7), ends_at=now + timedelta(minutes=52),
    )
)
print(booking.pk)
"""


def joinable_booking_id(server: LiveServer) -> int:
    """The id of a booking whose call can be joined now (made if the demo has none)."""
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", ENSURE_BOOKING],
        cwd=REPO,
        env=server.env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return int(result.stdout.strip().splitlines()[-1])

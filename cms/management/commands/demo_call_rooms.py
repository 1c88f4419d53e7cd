"""`manage.py demo_call_rooms --rooms N`: N consultation bookings between the demo
client and the demo specialist whose calls can be joined now, for the signaling load
scenario of `make load` (bench/load/). Prints their ids as JSON.

Demo data only, and more of it than a demo needs: refused unless the settings allow
demo data (production never does) AND the environment says KOMAK_LOAD_FIXTURES=1,
so that a scale-out test stack running with DEBUG off can still be given rooms.
"""

import json
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from consultations.models import (
    ACTIVE_STATUSES,
    JOIN_EARLY,
    Booking,
    BookingStatus,
    SpecialistProfile,
    Topic,
)
from consultations.selectors import consent_given
from consultations.services import consent_accept

# Calls open 15 minutes before the start and close at the end: starting in 5 minutes
# and lasting 45, a room stays joinable for 50 minutes, longer than any load run.
ROOM_LEAD = timedelta(minutes=5)
ROOM_LENGTH = timedelta(minutes=45)
MAX_ROOMS = 2000


class Command(BaseCommand):
    help = (
        "Make N joinable demo call rooms for the load test (needs "
        "KOMAK_LOAD_FIXTURES=1; refused by production settings)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rooms", type=int, default=20)

    def handle(self, *args, rooms: int, **options):
        allowed = getattr(settings, "KOMAK_DEMO_DATA_ALLOWED", False) and getattr(
            settings, "KOMAK_LOAD_FIXTURES_ALLOWED", False
        )
        if not allowed:
            raise CommandError(
                "Load-test rooms are refused by these settings: they need demo data "
                "allowed (not production) and KOMAK_LOAD_FIXTURES=1."
            )
        if not 1 <= rooms <= MAX_ROOMS:
            raise CommandError(f"--rooms must be between 1 and {MAX_ROOMS}.")
        user_model = get_user_model()
        try:
            client = user_model.objects.get(username="client")
            profile = SpecialistProfile.objects.get(user__username="specialist")
        except (user_model.DoesNotExist, SpecialistProfile.DoesNotExist) as error:
            raise CommandError(
                "The demo client and specialist are missing: run "
                "`manage.py seed_demo` first."
            ) from error
        with transaction.atomic():
            if not consent_given(user=client):
                consent_accept(user=client)
            ids = self.rooms_ensure(client=client, profile=profile, count=rooms)
        self.stdout.write(json.dumps({"bookings": ids}))

    def rooms_ensure(self, *, client, profile, count: int) -> list[int]:
        """Reuse the demo pair's calls that stay open for a while, then make new ones
        a second apart (an active booking's specialist and start are unique)."""
        now = timezone.now()
        ids = list(
            Booking.objects.filter(
                client=client,
                specialist=profile,
                status=BookingStatus.CONFIRMED,
                starts_at__lte=now + JOIN_EARLY,
                ends_at__gte=now + timedelta(minutes=20),
            )
            .order_by("pk")
            .values_list("pk", flat=True)[:count]
        )
        taken = set(
            Booking.objects.filter(
                specialist=profile,
                status__in=ACTIVE_STATUSES,
                starts_at__gte=now,
            ).values_list("starts_at", flat=True)
        )
        start = now.replace(microsecond=0) + ROOM_LEAD
        while len(ids) < count:
            start += timedelta(seconds=1)
            if start in taken:
                continue
            booking = Booking.objects.create(
                client=client,
                specialist=profile,
                topic=Topic.LONELINESS,
                starts_at=start,
                ends_at=start + ROOM_LENGTH,
            )
            ids.append(booking.pk)
        return ids

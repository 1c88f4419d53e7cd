"""`demo_call_rooms`: the load test's joinable calls between the demo client and
specialist, made only where demo data is allowed AND KOMAK_LOAD_FIXTURES is on."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from consultations.models import Booking, ConsentTerms, SpecialistProfile
from consultations.selectors import consent_given
from tests.accounts.factories import user_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_pair():
    client = user_create(username="client")
    specialist = user_create(username="specialist", roles=("Specialist",))
    SpecialistProfile.objects.create(
        user=specialist, kind="psychologist", bio="Test", languages=["uz"]
    )
    ConsentTerms.objects.create(version="load-1", text="Shartlar")
    return client, specialist


def rooms(count: int) -> list[int]:
    out = io.StringIO()
    call_command("demo_call_rooms", rooms=count, stdout=out)
    return json.loads(out.getvalue())["bookings"]


class DemoCallRoomsTests:
    def test_makes_joinable_rooms_and_gives_the_client_consent(
        self, settings, demo_pair
    ):
        settings.KOMAK_LOAD_FIXTURES_ALLOWED = True
        client, _specialist = demo_pair

        ids = rooms(3)

        bookings = Booking.objects.filter(pk__in=ids)
        assert len(ids) == 3 == bookings.count()
        now = timezone.now()
        assert all(booking.is_joinable(now) for booking in bookings)
        assert all(booking.client == client for booking in bookings)
        assert consent_given(user=client)

    def test_asked_again_reuses_the_open_rooms(self, settings, demo_pair):
        settings.KOMAK_LOAD_FIXTURES_ALLOWED = True
        first = rooms(2)

        assert rooms(3)[:2] == first
        assert Booking.objects.count() == 3

    def test_refused_without_the_load_fixtures_flag(self, settings, demo_pair):
        settings.KOMAK_LOAD_FIXTURES_ALLOWED = False
        with pytest.raises(CommandError, match="KOMAK_LOAD_FIXTURES=1"):
            rooms(2)
        assert Booking.objects.count() == 0

    def test_refused_by_production_settings_even_with_the_flag(
        self, settings, demo_pair
    ):
        settings.KOMAK_DEMO_DATA_ALLOWED = False
        settings.KOMAK_LOAD_FIXTURES_ALLOWED = True
        with pytest.raises(CommandError, match="refused by these settings"):
            rooms(2)
        assert Booking.objects.count() == 0

    def test_a_room_count_out_of_range_is_refused(self, settings, demo_pair):
        settings.KOMAK_LOAD_FIXTURES_ALLOWED = True
        for count in (0, -1, 2001):
            with pytest.raises(CommandError, match="between 1 and 2000"):
                rooms(count)
        assert Booking.objects.count() == 0

    def test_without_the_demo_people_it_says_to_seed_first(self, settings):
        settings.KOMAK_LOAD_FIXTURES_ALLOWED = True
        with pytest.raises(CommandError, match="seed_demo"):
            rooms(2)

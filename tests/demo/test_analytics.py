"""`seed_demo --analytics`'s synthetic population: big enough, across every region,
marked so that it never mixes with real people, made once however often it runs."""

import pytest
from django.contrib.auth import get_user_model

from accounts.regions import Region
from analytics.models import AnalyticsTable
from analytics.sources import SYNTHETIC_PHONE_PREFIX
from consultations.models import Booking
from demo.analytics import seed_analytics

pytestmark = pytest.mark.django_db


def synthetic_people():
    return get_user_model().objects.filter(
        phone_number__startswith=SYNTHETIC_PHONE_PREFIX
    )


class SyntheticPopulationTests:
    def test_it_is_big_enough_everywhere_and_runs_once(self):
        real = get_user_model().objects.count()
        seed_analytics()
        clients = synthetic_people().filter(bookings__isnull=False).distinct()
        assert clients.count() == 2000  # everyone asked at least once
        assert synthetic_people().count() >= 2000
        assert set(synthetic_people().values_list("region", flat=True)) >= set(
            Region.values
        )
        bookings = Booking.objects.filter(client__in=synthetic_people())
        assert bookings.count() == 5000
        span = bookings.order_by("starts_at").last().starts_at - (
            bookings.order_by("starts_at").first().starts_at
        )
        assert span.days >= 180
        # Nobody real was touched; nobody synthetic can sign in.
        assert get_user_model().objects.count() - synthetic_people().count() == real
        assert not synthetic_people().filter(is_active=True).exists()
        # Its figures are stored apart from real people's.
        assert AnalyticsTable.objects.filter(population="synthetic").count() >= 8
        seed_analytics()
        assert synthetic_people().count() == 2020
        assert Booking.objects.filter(client__in=synthetic_people()).count() == 5000

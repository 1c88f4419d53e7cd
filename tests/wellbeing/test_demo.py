"""`seed_demo` gives the demo client a check-in history with the demo specialist:
five answered weeks, one of them alerting, one more waiting; a second run adds
nothing."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from wellbeing.models import CheckIn

pytestmark = pytest.mark.django_db


class SeedDemoCheckinTests:
    def test_demo_client_has_a_history_once(self, settings, tmp_path, client):
        settings.MEDIA_ROOT = tmp_path
        call_command("seed_demo")
        call_command("seed_demo")
        users = get_user_model().objects
        person = users.get(username="client")
        specialist = users.get(username="specialist")
        checkins = CheckIn.objects.filter(
            client=person, specialist__user=specialist
        ).order_by("due_at")
        assert checkins.count() == 6
        answered = [checkin for checkin in checkins if checkin.answered_at]
        assert len(answered) == 5
        assert sum(1 for checkin in answered if checkin.alerts) == 1
        client.force_login(specialist)
        booking_id = answered[0].booking_id
        page = client.get(reverse("wellbeing_client", args=[booking_id]))
        assert page.status_code == 200
        assert page.content.decode().count("<td>44 %</td>") == 1

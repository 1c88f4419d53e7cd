"""Check-in links and alerts in the reader's script (issue 17): a client who reads
Uzbek in Cyrillic gets the link in Cyrillic, the specialist's Latin name included;
other readers get it as written."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from consultations.models import BookingStatus
from core.transliteration import latin_to_cyrillic
from tests.consultations.factories import (
    booking_create,
    client_create,
    specialist_create,
)
from wellbeing import services, tasks
from wellbeing.models import CheckIn

pytestmark = pytest.mark.django_db

ADDRESS = re.compile(r"https?://\S+")
SPECIALIST = "Aziz Tursunov"


def link_message(language: str):
    person = client_create(
        email="client@example.org",
        phone_number="+998901234567",
        preferred_language=language,
    )
    booking = booking_create(
        client=person,
        specialist=specialist_create(full_name=SPECIALIST),
        starts_in=timedelta(hours=-2),
        status=BookingStatus.COMPLETED,
    )
    checkin = services.checkins_schedule(booking=booking, count=1, interval_days=7)[0]
    now = timezone.now()
    CheckIn.objects.filter(pk=checkin.pk).update(
        due_at=now - timedelta(minutes=1), expires_at=now + timedelta(days=3)
    )
    assert tasks.checkin_messages_send() == 1
    return mail.outbox[0]


class CheckinLinkScriptTests:
    def test_cyrillic_for_a_cyrillic_reader(self):
        sent = link_message("uz-cyrl")
        assert latin_to_cyrillic(SPECIALIST) in sent.body
        for text in (sent.subject, sent.body):
            assert re.findall(r"[A-Za-z]+", ADDRESS.sub("", text)) == [], text

    @pytest.mark.parametrize("language", ["uz", "ru", "en"])
    def test_as_written_for_other_readers(self, language):
        sent = link_message(language)
        assert SPECIALIST in sent.body

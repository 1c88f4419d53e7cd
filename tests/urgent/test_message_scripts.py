"""The urgent help SMS to coordinators in their script (issue 17)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone, translation

from core.transliteration import latin_to_cyrillic
from tests.urgent.factories import client_create, coordinator_create
from urgent import services
from urgent.models import UrgentRequest

pytestmark = pytest.mark.django_db

TEXT = (
    "Ko'mak: someone asked for urgent help %(minutes)s min ago and no "
    "specialist has taken it. Please open the urgent help page."
)


def escalation_sms(settings, sms_log, language: str) -> str:
    settings.URGENT_ESCALATE_AFTER_SECONDS = 60
    settings.URGENT_ESCALATE_SMS = True
    settings.KOMAK_NOTIFICATION_BACKENDS = ["core.notifications.LoggingSmsBackend"]
    coordinator_create(phone_number="+998909998877", preferred_language=language)
    urgent, _ = services.urgent_request_create(client=client_create())
    UrgentRequest.objects.filter(pk=urgent.pk).update(
        created=timezone.now() - timedelta(minutes=6)
    )
    assert len(services.urgent_requests_escalate()) == 1
    (sent,) = [r.getMessage() for r in sms_log.records if r.name == "komak.sms"]
    return sent.split(": ", 1)[1]


def test_a_cyrillic_coordinator_gets_cyrillic(settings, sms_log):
    text = escalation_sms(settings, sms_log, "uz-cyrl")
    with translation.override("uz"):
        latin = translation.gettext(TEXT) % {"minutes": 6}
    assert text == latin_to_cyrillic(latin)
    assert re.findall(r"[A-Za-z]+", text) == []


@pytest.mark.parametrize("language", ["uz", "ru", "en"])
def test_other_coordinators_get_it_as_written(settings, sms_log, language):
    text = escalation_sms(settings, sms_log, language)
    with translation.override(language):
        assert text == translation.gettext(TEXT) % {"minutes": 6}

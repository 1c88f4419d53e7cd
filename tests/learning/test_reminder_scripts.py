"""Deadline reminders in the learner's script (issue 17): someone who reads Uzbek in
Cyrillic gets the e-mail and the SMS in Cyrillic, the programme's Latin title
included; other readers get them as written."""

import re
from datetime import date, timedelta

import pytest
from django.core import mail

from core.transliteration import latin_to_cyrillic
from learning.tasks import deadline_reminders_send
from tests.accounts.factories import social_worker_create
from tests.learning.factories import (
    bank_course_create,
    enrolment_create,
    program_create,
)

pytestmark = pytest.mark.django_db

TITLE = "Qariyalar bilan ishlash"
ADDRESS = re.compile(r"https?://\S+")


def reminded(settings, sms_log, language: str) -> tuple[str, str, str]:
    """The subject, e-mail text and SMS of a week-before reminder."""
    settings.KOMAK_NOTIFICATION_BACKENDS = [
        "core.notifications.EmailBackend",
        "core.notifications.LoggingSmsBackend",
    ]
    course, _ = bank_course_create(lessons=1)
    today = date.today()
    program = program_create(courses=[course], deadline=today + timedelta(days=5))
    program.title = TITLE
    program.save(update_fields=["title"])
    enrolment_create(
        program=program,
        user=social_worker_create(
            email="d@example.org",
            phone_number="+998901110078",
            preferred_language=language,
        ),
    )
    assert deadline_reminders_send(today=today) == 1
    (sms,) = [
        record.getMessage().split(": ", 1)[1]
        for record in sms_log.records
        if record.name == "komak.sms"
    ]
    return mail.outbox[0].subject, mail.outbox[0].body, sms


class DeadlineReminderScriptTests:
    def test_cyrillic_for_a_cyrillic_reader(self, settings, sms_log):
        subject, body, sms = reminded(settings, sms_log, "uz-cyrl")
        assert latin_to_cyrillic(TITLE) == "Қариялар билан ишлаш"
        assert "Қариялар билан ишлаш" in body
        assert "Қариялар билан ишлаш" in sms
        for text in (subject, body, sms):
            assert re.findall(r"[A-Za-z]+", ADDRESS.sub("", text)) == [], text

    @pytest.mark.parametrize("language", ["uz", "ru", "kaa", "en"])
    def test_as_written_for_other_readers(self, settings, sms_log, language):
        _, body, sms = reminded(settings, sms_log, language)
        assert TITLE in body
        assert TITLE in sms

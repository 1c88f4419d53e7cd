"""Talk reminders and calendar files in the client's script (issue 17): a client
who reads Uzbek in Cyrillic gets the SMS, the e-mail and the calendar file in
Cyrillic, names included, as the site writes them; Latin readers and other
languages get them as before."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from consultations import reminders
from consultations.tasks import reminders_send
from core import dates
from core.transliteration import latin_to_cyrillic
from tests.consultations.factories import booking_make, client_create, specialist_create

pytestmark = pytest.mark.django_db

ADDRESS = re.compile(r"https?://\S+")
SPECIALIST = "Aziz Tursunov"


def latin_letters(text: str) -> list[str]:
    """The Latin words of `text`, web addresses left out."""
    return re.findall(r"[A-Za-z]+", ADDRESS.sub("", text))


@pytest.fixture
def specialist():
    return specialist_create(full_name=SPECIALIST)


def reminder(specialist, language: str, kind: str = reminders.DAY):
    person = client_create(
        full_name="Dilnoza Karimova",
        email="dilnoza@example.org",
        phone_number="+998901110004",
        preferred_language=language,
    )
    booking = booking_make(person, specialist, timezone.now() + timedelta(hours=20))
    return booking, reminders.reminder_message(booking=booking, kind=kind)


class CyrillicReminderTests:
    @pytest.mark.parametrize("kind", [reminders.DAY, reminders.HOUR])
    def test_every_text_is_cyrillic_for_a_cyrillic_reader(self, specialist, kind):
        _, message = reminder(specialist, "uz-cyrl", kind)
        for text in (message.subject, message.text, message.sms_text):
            assert latin_letters(text) == [], text
        assert latin_to_cyrillic(SPECIALIST) == "Азиз Турсунов"
        assert "Азиз Турсунов" in message.text
        assert "Азиз Турсунов" in message.sms_text
        assert "Дилноза" in message.text

    def test_it_is_the_latin_reminder_in_cyrillic_letters(self, specialist):
        booking, message = reminder(specialist, "uz-cyrl")
        booking.client.preferred_language = "uz"
        latin = reminders.reminder_message(booking=booking, kind=reminders.DAY)
        assert message.subject == latin_to_cyrillic(latin.subject)
        # The date has Cyrillic month names of its own (core/dates.py: декабрь).
        local = timezone.localtime(booking.starts_at)
        with translation.override("uz-cyrl"):
            cyrillic_date = dates.day_month(local)
        with translation.override("uz"):
            latin_date = dates.day_month(local)
        assert cyrillic_date in message.sms_text
        assert message.sms_text.replace(cyrillic_date, "") == latin_to_cyrillic(
            latin.sms_text.replace(latin_date, "")
        )

    def test_the_links_stay_as_they_are(self, settings, specialist):
        booking, message = reminder(specialist, "uz-cyrl")
        site = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
        with translation.override("uz-cyrl"):
            check = site + reverse("consultations_precall", args=[booking.pk])
            appointments = site + reverse("consultations_appointments")
        assert ADDRESS.findall(message.text) == [check, appointments]

    def test_the_sent_sms_and_e_mail_are_cyrillic(self, specialist, sms_log):
        reminder(specialist, "uz-cyrl")
        assert reminders_send() == 1
        assert "Азиз Турсунов" in mail.outbox[0].body
        assert latin_letters(mail.outbox[0].subject) == []
        sms = [r.getMessage() for r in sms_log.records if r.name == "komak.sms"]
        assert len(sms) == 1
        assert "Азиз Турсунов" in sms[0]


class OtherReadersTests:
    def test_a_latin_reader_keeps_latin(self, specialist):
        _, message = reminder(specialist, "uz")
        assert SPECIALIST in message.text
        assert "Азиз" not in message.text
        assert message.sms_text.startswith("Komak:")

    @pytest.mark.parametrize("language", ["ru", "kaa", "en"])
    def test_other_languages_are_not_made_cyrillic(self, specialist, language):
        _, message = reminder(specialist, language)
        assert SPECIALIST in message.text
        assert SPECIALIST in message.sms_text
        with translation.override(language):
            subject = translation.gettext("Reminder: your talk with a specialist")
        assert message.subject == subject


class CalendarFileScriptTests:
    def calendar(self, client, specialist, language: str) -> str:
        person = client_create()
        booking = booking_make(person, specialist, timezone.now() + timedelta(days=2))
        client.force_login(person)
        with translation.override(language):
            url = reverse("consultations_calendar", args=[booking.pk])
        response = client.get(url)
        assert response.status_code == 200
        return response.content.decode().replace("\r\n ", "")

    def test_cyrillic_for_a_cyrillic_reader(self, client, specialist):
        text = self.calendar(client, specialist, "uz-cyrl")
        summary = next(line for line in text.split("\r\n") if "SUMMARY:" in line)
        assert summary == "SUMMARY:Кўмак: Азиз Турсунов билан суҳбат"
        description = next(
            line for line in text.split("\r\n") if line.startswith("DESCRIPTION:")
        )
        # Lines are joined by an escaped new line (RFC 5545, 3.3.11), "\\n".
        words = description.removeprefix("DESCRIPTION:").replace("\\n", " ")
        assert latin_letters(words) == []

    @pytest.mark.parametrize("language", ["uz", "ru", "en"])
    def test_as_written_for_other_readers(self, client, specialist, language):
        text = self.calendar(client, specialist, language)
        summary = next(line for line in text.split("\r\n") if "SUMMARY:" in line)
        assert SPECIALIST in summary

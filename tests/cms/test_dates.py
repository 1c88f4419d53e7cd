"""Dates and date ranges read grammatically in every interface language (issue 18).

The tables are written out by hand, not computed: Russian puts the month in the
genitive, Uzbek and Karakalpak join their endings to the month, and the Cyrillic
Uzbek is what a reader of /uz-cyrl/ must see.
"""

import zoneinfo
from datetime import date, datetime, timedelta

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation

from core import dates
from core.transliteration import html_to_cyrillic, latin_to_cyrillic

DAY = date(2026, 12, 6)
SAME_MONTH = (date(2026, 12, 6), date(2026, 12, 12))
ACROSS_MONTHS = (date(2026, 11, 6), date(2026, 12, 12))
ACROSS_YEARS = (date(2026, 12, 6), date(2027, 1, 12))
# 09:05 UTC+5: Tashkent time is shown, whatever the server's clock says.
MOMENT = datetime(2026, 12, 6, 4, 5, tzinfo=zoneinfo.ZoneInfo("UTC"))

EXPECTED = {
    "uz": {
        "day": "6-dekabr",
        "full": "2026-yil 6-dekabr",
        "weekday": "yakshanba, 2026-yil 6-dekabr",
        "date_time": "2026-yil 6-dekabr, 09:05",
        "same_month": "6-dekabrdan 12-dekabrgacha",
        "same_month_year": "2026-yil 6-dekabrdan 12-dekabrgacha",
        "across_months": "6-noyabrdan 12-dekabrgacha",
        "across_years": "2026-yil 6-dekabrdan 2027-yil 12-yanvargacha",
        "from": "6-dekabrdan",
        "until": "2026-yil 6-dekabrgacha",
    },
    "uz-cyrl": {
        "day": "6-декабрь",
        "full": "2026-йил 6-декабрь",
        "weekday": "якшанба, 2026-йил 6-декабрь",
        "date_time": "2026-йил 6-декабрь, 09:05",
        "same_month": "6-декабрдан 12-декабргача",
        "same_month_year": "2026-йил 6-декабрдан 12-декабргача",
        "across_months": "6-ноябрдан 12-декабргача",
        "across_years": "2026-йил 6-декабрдан 2027-йил 12-январгача",
        "from": "6-декабрдан",
        "until": "2026-йил 6-декабргача",
    },
    "ru": {
        "day": "6 декабря",
        "full": "6 декабря 2026 г.",
        "weekday": "воскресенье, 6 декабря 2026 г.",
        "date_time": "6 декабря 2026 г., 09:05",
        "same_month": "с 6 по 12 декабря",
        "same_month_year": "с 6 по 12 декабря 2026 г.",
        "across_months": "с 6 ноября по 12 декабря",
        "across_years": "с 6 декабря 2026 г. по 12 января 2027 г.",
        "from": "с 6 декабря",
        "until": "до 6 декабря 2026 г.",
    },
    "kaa": {
        "day": "6-dekabr",
        "full": "2026-jıl 6-dekabr",
        "weekday": "ekshembi, 2026-jıl 6-dekabr",
        "date_time": "2026-jıl 6-dekabr, 09:05",
        "same_month": "6-dekabrden 12-dekabrge shekem",
        "same_month_year": "2026-jıl 6-dekabrden 12-dekabrge shekem",
        "across_months": "6-noyabrden 12-dekabrge shekem",
        "across_years": "2026-jıl 6-dekabrden 2027-jıl 12-yanvarǵa shekem",
        "from": "6-dekabrden",
        "until": "2026-jıl 6-dekabrge shekem",
    },
    "en": {
        "day": "6 December",
        "full": "6 December 2026",
        "weekday": "Sunday, 6 December 2026",
        "date_time": "6 December 2026, 09:05",
        "same_month": "from 6 to 12 December",
        "same_month_year": "from 6 to 12 December 2026",
        "across_months": "from 6 November to 12 December",
        "across_years": "from 6 December 2026 to 12 January 2027",
        "from": "from 6 December",
        "until": "until 6 December 2026",
    },
}


def formatted(language: str) -> dict:
    with translation.override(language):
        return {
            "day": dates.day_month(DAY),
            "full": dates.full_date(DAY),
            "weekday": dates.full_date(DAY, weekday=True),
            "date_time": dates.date_time(MOMENT),
            "same_month": dates.date_range(*SAME_MONTH, with_year=False),
            "same_month_year": dates.date_range(*SAME_MONTH, with_year=True),
            "across_months": dates.date_range(*ACROSS_MONTHS, with_year=False),
            "across_years": dates.date_range(*ACROSS_YEARS),
            "from": dates.date_from(DAY, with_year=False),
            "until": dates.date_until(DAY, with_year=True),
        }


@pytest.mark.parametrize("language", sorted(EXPECTED))
def test_each_language_reads_as_its_readers_write(language):
    assert formatted(language) == EXPECTED[language]


class UzbekTests:
    def test_cyrillic_is_the_latin_transliterated_apart_from_the_soft_sign(self):
        """The Cyrillic table agrees with core/transliteration.py except where
        Cyrillic Uzbek keeps the Russian spelling of a month alone (декабрь)."""
        for key, latin in EXPECTED["uz"].items():
            cyrillic = EXPECTED["uz-cyrl"][key]
            assert latin_to_cyrillic(latin) == cyrillic.replace("ь", ""), key

    def test_a_cyrillic_page_keeps_the_dates_as_they_are(self):
        with translation.override("uz-cyrl"):
            page = f"<p>{dates.date_range(*ACROSS_YEARS)}</p>"
        assert html_to_cyrillic(page) == (
            "<p>2026-йил 6-декабрдан 2027-йил 12-январгача</p>"
        )

    @pytest.mark.parametrize(
        "month, ablative, until",
        [
            (1, "yanvardan", "yanvargacha"),
            (3, "martdan", "martgacha"),
            (5, "maydan", "maygacha"),
            (6, "iyundan", "iyungacha"),
            (9, "sentabrdan", "sentabrgacha"),
            (10, "oktabrdan", "oktabrgacha"),
        ],
    )
    def test_endings_do_not_change_with_the_month(self, month, ablative, until):
        day = date(2026, month, 3)
        with translation.override("uz"):
            assert dates.date_from(day, with_year=False) == f"3-{ablative}"
            assert dates.date_until(day, with_year=False) == f"3-{until}"


class KarakalpakTests:
    @pytest.mark.parametrize(
        "month, ablative, dative",
        [
            (1, "yanvardan", "yanvarǵa"),
            (2, "fevralden", "fevralge"),
            (3, "marttan", "martqa"),
            (4, "aprelden", "aprelge"),
            (5, "maydan", "mayǵa"),
            (6, "iyunnen", "iyunge"),
            (7, "iyulden", "iyulge"),
            (8, "avgusttan", "avgustqa"),
            (9, "sentyabrden", "sentyabrge"),
            (10, "oktyabrden", "oktyabrge"),
            (11, "noyabrden", "noyabrge"),
            (12, "dekabrden", "dekabrge"),
        ],
    )
    def test_every_month_takes_its_own_endings(self, month, ablative, dative):
        day = date(2026, month, 3)
        with translation.override("kaa"):
            assert dates.date_from(day, with_year=False) == f"3-{ablative}"
            assert dates.date_until(day, with_year=False) == f"3-{dative} shekem"


class RangeTests:
    def test_the_year_is_left_out_only_within_this_year(self):
        this_year = timezone.localdate().year
        start, end = date(this_year, 3, 1), date(this_year, 3, 9)
        with translation.override("ru"):
            assert dates.date_range(start, end) == "с 1 по 9 марта"
            next_start = start.replace(year=this_year + 1)
            next_end = end.replace(year=this_year + 1)
            assert dates.date_range(next_start, next_end) == (
                f"с 1 по 9 марта {this_year + 1} г."
            )

    def test_one_day(self):
        with translation.override("uz"):
            assert dates.date_range(DAY, DAY, with_year=False) == "6-dekabr kuni"
        with translation.override("ru"):
            assert dates.date_range(DAY, DAY, with_year=False) == "6 декабря"

    def test_a_deadline_says_by_in_english_and_the_same_elsewhere(self):
        with translation.override("en"):
            assert dates.date_until(DAY, with_year=True, by=True) == (
                "by 6 December 2026"
            )
        with translation.override("ru"):
            assert dates.date_until(DAY, with_year=True, by=True) == (
                "до 6 декабря 2026 г."
            )


class TemplateTagTests:
    def render(self, source: str, language: str, **context) -> str:
        with translation.override(language):
            return Template("{% load komak_dates %}" + source).render(Context(context))

    def test_filters(self):
        source = "{{ day|day_month }}|{{ day|full_date }}|{{ moment|date_time }}"
        assert self.render(source, "ru", day=DAY, moment=MOMENT) == (
            "6 декабря|6 декабря 2026 г.|6 декабря 2026 г., 09:05"
        )
        assert self.render("{{ day|day_month:'weekday' }}", "uz", day=DAY) == (
            "yakshanba, 6-dekabr"
        )
        assert self.render("{{ missing|full_date }}", "uz") == ""

    def test_range_tag(self):
        source = "{% date_range start end as period %}[{{ period }}]"
        assert self.render(
            source, "uz", start=ACROSS_YEARS[0], end=ACROSS_YEARS[1]
        ) == ("[2026-yil 6-dekabrdan 2027-yil 12-yanvargacha]")


@pytest.mark.django_db
class PagesAndMessagesTests:
    """Real pages and messages now read grammatically in Russian and Uzbek."""

    def test_program_page_deadline(self, client):
        from tests.accounts.factories import social_worker_create
        from tests.learning.factories import (
            bank_course_create,
            enrolment_create,
            program_create,
        )

        course, _ = bank_course_create(lessons=1)
        program = program_create(courses=[course], deadline=date(2027, 3, 8))
        user = social_worker_create()
        enrolment_create(program=program, user=user)
        client.force_login(user)
        pages = {}
        for language in ("ru", "uz"):
            with translation.override(language):
                url = reverse("learning_program_detail", args=[program.slug])
            pages[language] = client.get(url).content.decode()
        assert "до 8 марта 2027 г." in pages["ru"]
        assert "Март" not in pages["ru"]
        assert "2027-yil 8-martgacha" in pages["uz"]
        assert "8 Mart" not in pages["uz"]

    def test_enrolment_closed_message(self):
        from learning.program_services import program_enrolment_check
        from tests.learning.factories import program_create

        this_year = timezone.localdate().year
        program = program_create(
            courses=[],
            opens=date(this_year + 1, 12, 6),
            closes=date(this_year + 1, 12, 12),
            deadline=date(this_year + 1, 12, 30),
        )
        today = date(this_year, 1, 1)
        with translation.override("ru"):
            message = program_enrolment_check(program=program, today=today)
        assert f"с 6 по 12 декабря {this_year + 1} г." in message
        with translation.override("uz"):
            message = program_enrolment_check(program=program, today=today)
        assert f"{this_year + 1}-yil 6-dekabrdan 12-dekabrgacha" in message

    def test_reminder_sms_and_email(self, settings, sms_log):
        from django.core import mail

        from consultations.tasks import reminders_send
        from tests.consultations.factories import (
            booking_make,
            client_create,
            specialist_create,
        )

        settings.KOMAK_NOTIFICATION_BACKENDS = [
            "core.notifications.EmailBackend",
            "core.notifications.LoggingSmsBackend",
        ]
        ru_months = (
            "января февраля марта апреля мая июня июля августа сентября "
            "октября ноября декабря"
        ).split()
        uz_months = (
            "yanvar fevral mart aprel may iyun iyul avgust sentabr oktabr noyabr dekabr"
        ).split()
        start = timezone.now() + timedelta(hours=20)
        local = timezone.localtime(start)
        for language, phone in (("ru", "+998901110081"), ("uz", "+998901110082")):
            person = client_create(
                full_name="Dilnoza Karimova",
                email=f"{language}@example.org",
                phone_number=phone,
                preferred_language=language,
            )
            booking_make(person, specialist_create(full_name="Aziz Tursunov"), start)
        assert reminders_send() == 2
        sms = {
            line.split(":")[0]: line
            for line in (
                record.getMessage()
                for record in sms_log.records
                if record.name == "komak.sms"
            )
        }
        bodies = {message.to[0].split("@")[0]: message.body for message in mail.outbox}
        russian = f"{local.day} {ru_months[local.month - 1]} в {local:%H:%M}"
        uzbek = f"{local.day}-{uz_months[local.month - 1]} kuni soat {local:%H:%M}"
        assert russian in sms["SMS to +998901110081"]
        assert russian in bodies["ru"]
        assert uzbek in sms["SMS to +998901110082"]
        assert uzbek in bodies["uz"]

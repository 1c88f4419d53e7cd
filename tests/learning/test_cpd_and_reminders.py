"""The CPD ledger (hours per year, downloadable) and deadline reminders."""

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from django_q.models import Schedule

from core import dates
from learning.models import DeadlineReminder
from learning.program_selectors import cpd_ledger_get
from learning.program_services import certificate_issue, certificate_revoke
from learning.tasks import deadline_reminders_send, reminder_kind
from tests.accounts.factories import social_worker_create
from tests.learning.factories import (
    bank_course_create,
    enrolment_create,
    program_create,
)
from tests.support.i18n import uz

pytestmark = pytest.mark.django_db


def certificate_on(user, *, hours: str, day: date):
    course, _ = bank_course_create(lessons=1)
    enrolment = enrolment_create(
        program=program_create(courses=[course], hours=hours), user=user
    )
    certificate = certificate_issue(enrolment=enrolment)
    certificate.issued_on = day
    certificate.save()
    return certificate


class CpdLedgerTests:
    def setup_method(self):
        self.user = social_worker_create()
        certificate_on(self.user, hours="6", day=date(2025, 3, 1))
        certificate_on(self.user, hours="12.5", day=date(2026, 2, 1))
        certificate_on(self.user, hours="4", day=date(2026, 9, 1))
        revoked = certificate_on(self.user, hours="100", day=date(2026, 10, 1))
        certificate_revoke(certificate=revoked, by=None, reason="Xato")

    def test_hours_per_year_without_revoked_certificates(self):
        ledger = cpd_ledger_get(user=self.user)
        assert [(year.year, year.hours) for year in ledger] == [
            (2026, Decimal("16.5")),
            (2025, Decimal("6")),
        ]

    def test_download(self, client):
        client.force_login(self.user)
        with translation.override("en"):
            url = reverse("learning_cpd_csv")
        assert url == "/en/learning/cpd/hours.csv"
        response = client.get(url)
        assert response["Content-Type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert rows[0] == [
            "Year",
            "Date",
            "Training program",
            "CPD hours",
            "Certificate",
        ]
        totals = [(row[0], row[3]) for row in rows if row[2] == "Total"]
        assert totals == [("2026", "16.5"), ("2025", "6.0")]
        assert len(rows) == 1 + 3 + 2  # header, three certificates, two totals

    def test_page_shows_only_ones_own_hours(self, client):
        other = social_worker_create()
        client.force_login(other)
        html = client.get(reverse("learning_cpd_ledger")).content.decode()
        assert "16.5" not in html and "16,5" not in html


class DeadlineReminderTests:
    @pytest.mark.parametrize(
        ("days_left", "kind"),
        [
            (30, None),
            (8, None),
            (7, "week"),
            (2, "week"),
            (1, "day"),
            (0, "day"),
            (-1, "overdue"),
        ],
    )
    def test_which_reminder_is_due(self, days_left, kind):
        today = date(2026, 11, 26)
        assert (
            reminder_kind(deadline=today + timedelta(days=days_left), today=today)
            == kind
        )

    def test_each_reminder_goes_once_and_not_to_finished_people(self, settings):
        settings.KOMAK_NOTIFICATION_BACKENDS = ["core.notifications.EmailBackend"]
        course, _ = bank_course_create(lessons=1)
        today = date.today()
        program = program_create(courses=[course], deadline=today + timedelta(days=5))
        waiting = enrolment_create(
            program=program, user=social_worker_create(email="a@example.org")
        )
        finished = enrolment_create(
            program=program, user=social_worker_create(email="b@example.org")
        )
        finished.completed_at = finished.enrolled_at
        finished.save()
        assert deadline_reminders_send(today=today) == 1
        assert deadline_reminders_send(today=today) == 0
        assert [message.to for message in mail.outbox] == [["a@example.org"]]
        assert program.title in mail.outbox[0].body
        assert DeadlineReminder.objects.get().enrolment == waiting
        # The day before, the next reminder goes out.
        assert deadline_reminders_send(today=program.deadline - timedelta(days=1)) == 1

    def test_schedule_is_created_by_schedule_tasks(self):
        call_command("schedule_tasks", stdout=io.StringIO())
        call_command("schedule_tasks", stdout=io.StringIO())
        schedule = Schedule.objects.get(func="learning.tasks.deadline_reminders_send")
        assert schedule.schedule_type == Schedule.MINUTES

    def test_nothing_asks_to_finish_by_a_deadline_that_has_passed(
        self, settings, sms_log
    ):
        """Issue 18: a cohort got "finish by 1 December" on 6 December."""
        settings.KOMAK_NOTIFICATION_BACKENDS = [
            "core.notifications.EmailBackend",
            "core.notifications.LoggingSmsBackend",
        ]
        course, _ = bank_course_create(lessons=1)
        deadline = date(2026, 12, 1)
        program = program_create(courses=[course], deadline=deadline)
        enrolment_create(
            program=program,
            user=social_worker_create(
                email="c@example.org", phone_number="+998901110077"
            ),
        )
        assert deadline_reminders_send(today=date(2026, 12, 6)) == 1
        with translation.override("uz"):
            params = {
                "program": program.title,
                "deadline": dates.full_date(deadline),
                "by_deadline": dates.date_until(deadline, with_year=True, by=True),
            }
        finish_by = uz(
            "Komak: finish the training “%(program)s” %(by_deadline)s.", **params
        )
        sms = [
            record.getMessage()
            for record in sms_log.records
            if record.name == "komak.sms"
        ]
        assert len(sms) == 1 and len(mail.outbox) == 1
        assert finish_by not in sms[0]
        assert (
            uz(
                "Komak: the deadline of the training “%(program)s” was "
                "%(deadline)s. You can still finish it.",
                **params,
            )
            in sms[0]
        )
        assert mail.outbox[0].subject == uz("The deadline of your training has passed")
        # And never again for that deadline, however many runs follow.
        assert deadline_reminders_send(today=date(2026, 12, 7)) == 0

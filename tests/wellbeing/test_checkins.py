"""Check-ins (issue 15): planning after a session, the link and its one reminder,
the client's no-JavaScript WHO-5 form and every way a link can be wrong, alerts to
the specialist, the chart and its table, encryption at rest, the data export,
retention, the audit trail and the demo."""

import io
import json
import re
import zipfile
from datetime import timedelta
from io import BytesIO

import pytest
from django.core import mail
from django.db import connection
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone, translation

from accounts.services import user_data_export
from audit.models import AuditAction, AuditRecord
from consultations.models import BookingStatus
from consultations.services import consent_withdraw
from tests.accounts.factories import user_create
from tests.consultations.factories import (
    booking_create,
    client_create,
    specialist_create,
)
from tests.support.i18n import uz
from wellbeing import services, tasks, who5
from wellbeing.charts import score_chart
from wellbeing.models import CheckIn
from wellbeing.selectors import (
    checkin_alerts_open,
    checkin_scores_for_analytics,
    checkins_for_pair,
)

pytestmark = pytest.mark.django_db

GOOD = [4, 4, 4, 4, 4]  # raw 20, 80 %
LOW = [2, 2, 2, 3, 3]  # raw 12, 48 %


@pytest.fixture
def session():
    """A session that took place an hour ago, its client with consent and an
    e-mail address and a phone number."""
    specialist = specialist_create(email="doctor@example.org")
    person = client_create(email="client@example.org", phone_number="+998901234567")
    return booking_create(
        client=person,
        specialist=specialist,
        starts_in=timedelta(hours=-2),
        status=BookingStatus.COMPLETED,
    )


def plan(booking, count=4, interval_days=7, **kwargs) -> list[CheckIn]:
    return services.checkins_schedule(
        booking=booking, count=count, interval_days=interval_days, **kwargs
    )


def opened_now(checkin: CheckIn) -> CheckIn:
    """The check-in as if it fell due a minute ago (and still open)."""
    now = timezone.now()
    CheckIn.objects.filter(pk=checkin.pk).update(
        due_at=now - timedelta(minutes=1), expires_at=now + timedelta(days=3)
    )
    checkin.refresh_from_db()
    return checkin


def answer_url(checkin: CheckIn) -> str:
    return reverse("wellbeing_answer", args=[checkin.token])


def answer_data(items) -> dict:
    return {f"item_{n}": str(value) for n, value in enumerate(items, start=1)}


def answered(checkin: CheckIn, items, *, at=None) -> CheckIn:
    # The alert is sent after the commit, as in production.
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.checkin_answer(checkin=opened_now(checkin), items=items, now=at)
    checkin.refresh_from_db()
    return checkin


class CheckinPlanningTests:
    def test_weekly_for_four_weeks(self, session):
        planned = plan(session)
        assert len(planned) == 4
        local = [timezone.localtime(checkin.due_at) for checkin in planned]
        today = timezone.localdate()
        assert [moment.date() for moment in local] == [
            today + timedelta(days=7 * n) for n in range(1, 5)
        ]
        assert all(moment.hour == 10 and moment.minute == 0 for moment in local)
        # Open until the next one at most.
        assert all(
            checkin.expires_at - checkin.due_at == timedelta(days=6)
            for checkin in planned
        )

    def test_every_link_is_its_own_and_unguessable(self, session):
        planned = plan(session)
        tokens = {checkin.token for checkin in planned}
        assert len(tokens) == 4
        assert all(len(token) >= 22 for token in tokens)
        assert all(checkin.token_hash not in tokens for checkin in planned)

    def test_not_before_the_session(self, session):
        session.starts_at = timezone.now() + timedelta(hours=2)
        session.ends_at = session.starts_at + timedelta(minutes=45)
        session.status = BookingStatus.CONFIRMED
        session.save()
        with pytest.raises(services.CheckinError):
            plan(session)
        assert not CheckIn.objects.exists()

    def test_not_after_a_no_show(self, session):
        session.status = BookingStatus.NO_SHOW
        session.save()
        with pytest.raises(services.CheckinError):
            plan(session)

    def test_not_when_consent_is_withdrawn(self, session):
        consent_withdraw(user=session.client)
        with pytest.raises(services.CheckinError):
            plan(session)

    @override_settings(WELLBEING_CHECKIN_MAX_COUNT=5)
    def test_at_most_the_limit_waiting_at_once(self, session):
        plan(session, count=4)
        with pytest.raises(services.CheckinError) as refused:
            plan(session, count=2)
        assert "4" in refused.value.message
        assert CheckIn.objects.count() == 4
        plan(session, count=1)
        assert CheckIn.objects.count() == 5

    def test_planning_page_posts_and_is_audited(self, client, session):
        client.force_login(session.specialist.user)
        url = reverse("wellbeing_client", args=[session.pk])
        response = client.post(url, {"count": "3", "interval_days": "14"})
        assert response.status_code == 302
        assert CheckIn.objects.filter(client=session.client).count() == 3
        record = AuditRecord.objects.get(action=AuditAction.CHECKIN_SCHEDULE)
        assert record.actor_id == session.specialist.user_id
        assert len(record.detail["checkins"]) == 3

    def test_planning_page_refuses_forged_values(self, client, session):
        client.force_login(session.specialist.user)
        url = reverse("wellbeing_client", args=[session.pk])
        for data in (
            {"count": "500", "interval_days": "7"},
            {"count": "4", "interval_days": "0"},
            {"count": "x"},
        ):
            response = client.post(url, data)
            assert response.status_code == 400, data
        assert not CheckIn.objects.exists()

    def test_stop_the_waiting_ones(self, client, session):
        planned = plan(session)
        answered(planned[0], GOOD)
        client.force_login(session.specialist.user)
        response = client.post(reverse("wellbeing_stop", args=[session.pk]))
        assert response.status_code == 302
        states = dict(CheckIn.objects.values_list("pk", "cancelled_at"))
        assert states[planned[0].pk] is None
        assert all(states[checkin.pk] is not None for checkin in planned[1:])
        assert AuditRecord.objects.filter(action=AuditAction.CHECKIN_STOP).exists()

    def test_notes_page_links_to_the_check_ins(self, client, session):
        client.force_login(session.specialist.user)
        response = client.get(reverse("consultations_notes", args=[session.pk]))
        link = reverse("wellbeing_client", args=[session.pk])
        assert link in response.content.decode()


class CheckinMessageTests:
    def test_link_goes_out_once_when_due_and_a_reminder_once_later(self, session):
        checkin = opened_now(plan(session, count=1)[0])
        assert tasks.checkin_messages_send() == 1
        assert len(mail.outbox) == 1
        assert checkin.token in mail.outbox[0].body
        assert mail.outbox[0].to == ["client@example.org"]
        # Again at once: nothing more.
        assert tasks.checkin_messages_send() == 0
        later = timezone.now() + timedelta(hours=49)
        CheckIn.objects.filter(pk=checkin.pk).update(
            expires_at=later + timedelta(days=1)
        )
        assert tasks.checkin_messages_send(now=later) == 1
        assert len(mail.outbox) == 2
        assert checkin.token in mail.outbox[1].body
        assert tasks.checkin_messages_send(now=later + timedelta(days=3)) == 0
        assert len(mail.outbox) == 2

    def test_sms_goes_to_the_phone_number(self, session, sms_log):
        opened_now(plan(session, count=1)[0])
        tasks.checkin_messages_send()
        assert "+998901234567" in sms_log.text
        assert "/checkins/a/" in sms_log.text

    def test_nothing_before_it_is_due(self, session):
        plan(session)
        assert tasks.checkin_messages_send() == 0
        assert mail.outbox == []

    def test_no_reminder_after_an_answer(self, session):
        checkin = opened_now(plan(session, count=1)[0])
        tasks.checkin_messages_send()
        services.checkin_answer(checkin=checkin, items=GOOD)
        later = timezone.now() + timedelta(hours=49)
        assert tasks.checkin_messages_send(now=later) == 0

    def test_nothing_after_consent_is_withdrawn(self, session):
        opened_now(plan(session, count=1)[0])
        consent_withdraw(user=session.client)
        assert tasks.checkin_messages_send() == 0

    @override_settings(
        KOMAK_NOTIFICATION_BACKENDS=["tests.wellbeing.test_checkins.BrokenBackend"]
    )
    def test_a_failed_send_is_tried_again(self, session):
        checkin = opened_now(plan(session, count=1)[0])
        assert tasks.checkin_messages_send() == 0
        checkin.refresh_from_db()
        assert checkin.sent_at is None

    def test_schedules_are_made_by_the_command(self):
        from django.core.management import call_command
        from django_q.models import Schedule

        call_command("schedule_tasks", stdout=io.StringIO())
        call_command("schedule_tasks", stdout=io.StringIO())
        funcs = set(
            Schedule.objects.filter(func__startswith="wellbeing.").values_list(
                "func", flat=True
            )
        )
        assert funcs == {
            "wellbeing.tasks.checkin_messages_send",
            "wellbeing.tasks.wellbeing_retention_delete",
        }
        assert Schedule.objects.filter(func__startswith="wellbeing.").count() == 2


class BrokenBackend:
    def send(self, *, user, message):
        raise ConnectionError("gateway down")


class CheckinAnswerPageTests:
    def test_the_form_works_without_javascript(self, client, session):
        checkin = opened_now(plan(session, count=1)[0])
        page = client.get(answer_url(checkin))
        assert page.status_code == 200
        html = page.content.decode()
        assert "<script" not in html.split("<main", 1)[1].split("</main>", 1)[0]
        assert 'method="post"' in html
        # A private link on a shared phone: never kept by a cache.
        assert "no-store" in page["Cache-Control"]
        assert html.count('type="radio"') == 30
        for statement in who5.ITEMS:
            assert uz(str(statement)) in html
        response = client.post(answer_url(checkin), answer_data(GOOD))
        assert response.status_code == 302
        checkin.refresh_from_db()
        assert checkin.raw_score == 20 and checkin.percentage == 80
        thanks = client.get(answer_url(checkin))
        assert thanks.status_code == 200
        assert (
            uz("Thank you. Your answers are saved and your specialist will see them.")
            in thanks.content.decode()
        )

    def test_every_page_shows_the_crisis_contacts(self, client, session):
        checkin = opened_now(plan(session, count=1)[0])
        pages = [
            client.get(answer_url(checkin)),
            client.post(answer_url(checkin), {}),
            client.get(reverse("wellbeing_answer", args=["nonsense"])),
        ]
        client.post(answer_url(checkin), answer_data(GOOD))
        pages.append(client.get(answer_url(checkin)))
        pages.append(client.post(answer_url(checkin), answer_data(GOOD)))
        for page in pages:
            assert 'href="tel:103"' in page.content.decode(), page.status_code

    @override_settings(CRISIS_CONTACTS=[{"name": "Helpline", "number": "1234"}])
    def test_crisis_contacts_come_from_the_setting(self, client, session):
        checkin = opened_now(plan(session, count=1)[0])
        html = client.get(answer_url(checkin)).content.decode()
        assert 'href="tel:1234"' in html and "Helpline" in html

    def test_missing_answers_are_named_and_the_chosen_kept(self, client, session):
        checkin = opened_now(plan(session, count=1)[0])
        data = answer_data(GOOD)
        del data["item_3"]
        response = client.post(answer_url(checkin), data)
        assert response.status_code == 400
        html = response.content.decode()
        assert uz("Please choose one answer.") in html
        assert re.search(r'name="item_1" value="4"[^>]*checked', html)
        checkin.refresh_from_db()
        assert checkin.answered_at is None

    @pytest.mark.parametrize("value", ["6", "-1", "25", "abc", "4.5", ""])
    def test_forged_values_out_of_range_are_refused(self, client, session, value):
        checkin = opened_now(plan(session, count=1)[0])
        data = answer_data(GOOD)
        data["item_2"] = value
        response = client.post(answer_url(checkin), data)
        assert response.status_code == 400
        checkin.refresh_from_db()
        assert checkin.answered_at is None and checkin.answers is None

    def test_answered_twice_keeps_the_first(self, client, session):
        checkin = opened_now(plan(session, count=1)[0])
        assert client.post(answer_url(checkin), answer_data(GOOD)).status_code == 302
        second = client.post(answer_url(checkin), answer_data(LOW))
        assert second.status_code == 409
        assert (
            uz("You have already answered these questions. Thank you.")
            in second.content.decode()
        )
        checkin.refresh_from_db()
        assert checkin.items == GOOD
        assert (
            AuditRecord.objects.filter(action=AuditAction.CHECKIN_ANSWER).count() == 1
        )

    def test_the_service_keeps_one_answer_only(self, session):
        checkin = opened_now(plan(session, count=1)[0])
        services.checkin_answer(checkin=checkin, items=GOOD)
        with pytest.raises(services.CheckinError) as refused:
            services.checkin_answer(checkin=checkin, items=LOW)
        assert refused.value.code == "closed"
        assert refused.value.state == "answered"
        checkin.refresh_from_db()
        assert checkin.items == GOOD

    def test_expired_link_says_so(self, client, session):
        checkin = plan(session, count=1)[0]
        now = timezone.now()
        CheckIn.objects.filter(pk=checkin.pk).update(
            due_at=now - timedelta(days=8), expires_at=now - timedelta(days=1)
        )
        for response in (
            client.get(answer_url(checkin)),
            client.post(answer_url(checkin), answer_data(GOOD)),
        ):
            assert response.status_code == 410
            assert (
                uz(
                    "The time to answer these questions is over. Your specialist will "
                    "send new ones if needed."
                )
                in response.content.decode()
            )
        checkin.refresh_from_db()
        assert checkin.answered_at is None

    def test_stopped_link_says_so(self, client, session):
        checkin = opened_now(plan(session, count=1)[0])
        services.checkins_stop(booking=session)
        response = client.post(answer_url(checkin), answer_data(GOOD))
        assert response.status_code == 410
        assert (
            uz("Your specialist has stopped these check-ins.")
            in response.content.decode()
        )

    def test_after_consent_is_withdrawn_the_link_is_closed(self, client, session):
        checkin = opened_now(plan(session, count=1)[0])
        consent_withdraw(user=session.client)
        response = client.post(answer_url(checkin), answer_data(GOOD))
        assert response.status_code == 403
        assert (
            uz(
                "You have withdrawn your consent, so these questions are closed. "
                "You can agree again on your appointments page."
            )
            in response.content.decode()
        )
        with pytest.raises(services.CheckinError):
            services.checkin_answer(checkin=checkin, items=GOOD)
        checkin.refresh_from_db()
        assert checkin.answered_at is None

    def test_not_yet_due_link_is_not_open(self, client, session):
        checkin = plan(session, count=1)[0]
        response = client.post(answer_url(checkin), answer_data(GOOD))
        assert response.status_code == 409
        checkin.refresh_from_db()
        assert checkin.answered_at is None

    def test_unknown_link_is_404_in_words(self, client):
        response = client.get(reverse("wellbeing_answer", args=["x" * 22]))
        assert response.status_code == 404
        assert uz("This link does not work") in response.content.decode()

    def test_another_signed_in_person_gets_404_and_it_is_audited(self, client, session):
        checkin = opened_now(plan(session, count=1)[0])
        stranger = user_create()
        client.force_login(stranger)
        assert client.get(answer_url(checkin)).status_code == 404
        assert client.post(answer_url(checkin), answer_data(LOW)).status_code == 404
        checkin.refresh_from_db()
        assert checkin.answered_at is None
        assert AuditRecord.objects.filter(
            action=AuditAction.ACCESS_DENIED, actor_id=stranger.pk
        ).exists()

    def test_the_client_signed_in_may_answer(self, client, session):
        checkin = opened_now(plan(session, count=1)[0])
        client.force_login(session.client)
        assert client.post(answer_url(checkin), answer_data(GOOD)).status_code == 302
        record = AuditRecord.objects.get(action=AuditAction.CHECKIN_ANSWER)
        assert record.actor_id == session.client.pk
        assert record.target_id == str(checkin.pk)
        # The record names the check-in, never the answers.
        assert "20" not in json.dumps(record.detail)

    def test_page_is_in_the_clients_language(self, client, session):
        checkin = opened_now(plan(session, count=1)[0])
        with translation.override("ru"):
            url = answer_url(checkin)
        assert url.startswith("/ru/")
        assert client.get(url).status_code == 200


class CheckinAlertTests:
    def test_low_score_alerts_the_specialist(self, session):
        checkin = plan(session, count=1)[0]
        answered(checkin, LOW)
        assert checkin.alerts == [who5.ALERT_LOW]
        to_specialist = [m for m in mail.outbox if m.to == ["doctor@example.org"]]
        assert len(to_specialist) == 1
        # The message names no client and no score.
        assert session.client.get_full_name() not in to_specialist[0].body
        assert "48" not in to_specialist[0].body
        alerts = checkin_alerts_open(user=session.specialist.user)
        assert [alert.checkin_id for alert in alerts] == [checkin.pk]

    def test_fall_of_ten_points_alerts(self, session):
        first, second = plan(session, count=2)
        answered(first, [5, 5, 5, 5, 5])  # 100 %
        answered(second, [4, 4, 4, 4, 4])  # 80 %: 20 points down
        assert second.alerts == [who5.ALERT_FALL]
        assert len([m for m in mail.outbox if m.to == ["doctor@example.org"]]) == 1

    def test_a_rise_does_not_alert(self, session):
        first, second = plan(session, count=2)
        answered(first, [3, 3, 3, 3, 3])  # 60 %
        answered(second, [4, 4, 4, 4, 4])  # 80 %
        assert first.alerts == [] and second.alerts == []
        assert [m for m in mail.outbox if m.to == ["doctor@example.org"]] == []
        assert checkin_alerts_open(user=session.specialist.user) == []

    def test_notice_on_the_specialists_page_until_seen(self, client, session):
        answered(plan(session, count=1)[0], LOW)
        client.force_login(session.specialist.user)
        today = client.get(reverse("consultations_today")).content.decode()
        assert "checkin-notice" in today
        assert reverse("wellbeing_index") in today
        index = client.get(reverse("wellbeing_index")).content.decode()
        assert session.client.get_full_name() in index
        client.get(reverse("wellbeing_client", args=[session.pk]))
        today = client.get(reverse("consultations_today")).content.decode()
        assert "checkin-notice" not in today

    def test_alerts_of_one_specialist_are_not_shown_to_another(self, client, session):
        answered(plan(session, count=1)[0], LOW)
        other = specialist_create()
        assert checkin_alerts_open(user=other.user) == []
        client.force_login(other.user)
        html = client.get(reverse("wellbeing_index")).content.decode()
        assert session.client.get_full_name() not in html


class SpecialistViewTests:
    def test_chart_has_threshold_title_desc_and_matches_the_table(
        self, client, session
    ):
        checkins = plan(session, count=3)
        for checkin, items in zip(checkins, ([4] * 5, LOW, [3] * 5), strict=True):
            answered(checkin, items)
        client.force_login(session.specialist.user)
        response = client.get(reverse("wellbeing_client", args=[session.pk]))
        assert response.status_code == 200
        html = response.content.decode()
        svg = html.split("<svg", 1)[1].split("</svg>", 1)[0]
        assert 'role="img"' in html
        assert 'aria-labelledby="score-chart-title score-chart-desc"' in html
        assert '<title id="score-chart-title">' in svg
        assert '<desc id="score-chart-desc">' in svg
        assert 'data-threshold="50"' in svg
        assert 'stroke-dasharray="10 6"' in svg
        # Without colour: the alerted answer is a square, the others circles, and
        # each carries its percentage as text.
        assert svg.count("<rect") == 1 and svg.count("<circle") == 2
        # Coordinates keep a decimal point in every language (not "403,3").
        coordinates = re.findall(r' (?:x|y|cx|cy|x1|x2|y1|y2)="([^"]*)"', svg)
        assert coordinates
        assert all(re.fullmatch(r"-?\d+(\.\d+)?", value) for value in coordinates)
        points = re.search(r'points="([^"]*)"', svg).group(1)
        assert re.fullmatch(r"[\d.]+,[\d.]+( [\d.]+,[\d.]+)*", points)
        chart_numbers = re.findall(r'font-weight="700" fill="#111">(\d+)', svg)
        table = html.split('<table class="score-table">', 1)[1].split("</table>")[0]
        table_percents = re.findall(r"<td>(\d+) %</td>", table)
        assert chart_numbers == table_percents == ["80", "48", "60"]
        table_raw = re.findall(r"<td>(\d+)</td>", table)
        assert table_raw == ["20", "12", "15"]

    def test_chart_points_sit_at_their_percentages(self, session):
        first, second = plan(session, count=2)
        answered(first, [5] * 5)
        answered(second, [0] * 5)
        chart = score_chart([first, second])
        assert chart.points[0].y == chart.plot_top
        assert chart.points[1].y == chart.plot_bottom
        assert chart.threshold_y == (chart.plot_top + chart.plot_bottom) / 2

    def test_every_view_of_answers_is_audited(self, client, session):
        checkins = plan(session, count=2)
        answered(checkins[0], GOOD)
        client.force_login(session.specialist.user)
        client.get(reverse("wellbeing_client", args=[session.pk]))
        client.get(reverse("wellbeing_client", args=[session.pk]))
        records = AuditRecord.objects.filter(action=AuditAction.CHECKIN_VIEW)
        assert records.count() == 2
        assert all(r.detail["checkins"] == [checkins[0].pk] for r in records)
        assert all(r.actor_id == session.specialist.user_id for r in records)

    def test_another_specialist_or_the_client_gets_404(self, client, session):
        answered(plan(session, count=1)[0], GOOD)
        url = reverse("wellbeing_client", args=[session.pk])
        for person in (specialist_create().user, session.client):
            client.force_login(person)
            assert client.get(url).status_code == 404
            planned = client.post(url, {"count": "2", "interval_days": "7"})
            assert planned.status_code == 404
        assert not AuditRecord.objects.filter(action=AuditAction.CHECKIN_VIEW).exists()
        assert AuditRecord.objects.filter(action=AuditAction.ACCESS_DENIED).count() == 4

    def test_a_missing_booking_is_the_same_404(self, client, session):
        client.force_login(session.specialist.user)
        assert client.get(reverse("wellbeing_client", args=[999999])).status_code == 404

    def test_pair_only_holds_this_specialists_check_ins(self, session):
        plan(session, count=2)
        other = specialist_create()
        other_session = booking_create(
            client=session.client,
            specialist=other,
            starts_in=timedelta(hours=-5),
            status=BookingStatus.COMPLETED,
        )
        plan(other_session, count=1)
        pair = checkins_for_pair(client_id=session.client_id, specialist=other)
        assert len(pair) == 1


class CheckinPrivacyTests:
    def test_answers_and_token_are_encrypted_at_rest(self, session):
        checkin = answered(plan(session, count=1)[0], LOW)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT answers, token FROM wellbeing_checkin WHERE id = %s",
                [checkin.pk],
            )
            answers, token = cursor.fetchone()
        assert answers.startswith("gAAAAA") and token.startswith("gAAAAA")
        assert "raw_score" not in answers and "items" not in answers
        assert checkin.token not in token
        assert CheckIn.objects.get(pk=checkin.pk).items == LOW

    def test_answers_are_in_the_clients_data_export(self, session):
        checkin = answered(plan(session, count=1)[0], LOW)
        archive = zipfile.ZipFile(BytesIO(user_data_export(user=session.client)))
        data = json.loads(archive.read("komak-data.json"))
        rows = data["related"]["wellbeing.checkin"]
        assert len(rows) == 1
        assert rows[0]["answers"]["items"] == LOW
        assert rows[0]["answers"]["raw_score"] == 12
        assert rows[0]["id"] == checkin.pk

    def test_not_in_the_specialists_export(self, session):
        answered(plan(session, count=1)[0], LOW)
        archive = zipfile.ZipFile(
            BytesIO(user_data_export(user=session.specialist.user))
        )
        data = json.loads(archive.read("komak-data.json"))
        assert "wellbeing.checkin" not in data["related"]

    def test_retention_deletes_old_ones_only(self, session):
        old, recent, waiting = plan(session, count=3)
        answered(old, GOOD)
        answered(recent, GOOD)
        long_ago = timezone.now() - timedelta(days=400)
        CheckIn.objects.filter(pk=old.pk).update(
            answered_at=long_ago,
            due_at=long_ago - timedelta(days=1),
            expires_at=long_ago + timedelta(days=5),
        )
        with override_settings(WELLBEING_RETENTION_DAYS=365):
            assert tasks.wellbeing_retention_delete() == 1
        assert set(CheckIn.objects.values_list("pk", flat=True)) == {
            recent.pk,
            waiting.pk,
        }
        record = AuditRecord.objects.get(action=AuditAction.CHECKIN_RETENTION_DELETE)
        assert record.detail == {"checkins": 1, "days": 365}

    def test_retention_deletes_old_unanswered_ones(self, session):
        checkin = plan(session, count=1)[0]
        long_ago = timezone.now() - timedelta(days=400)
        CheckIn.objects.filter(pk=checkin.pk).update(
            due_at=long_ago - timedelta(days=6), expires_at=long_ago
        )
        assert services.checkins_retention_delete(days=365) == 1

    def test_account_deletion_deletes_them(self, session):
        from accounts.services import user_account_delete

        answered(plan(session, count=1)[0], GOOD)
        user_account_delete(user=session.client)
        assert not CheckIn.objects.exists()

    def test_scores_for_analytics_hold_no_answers(self, session):
        first, second, _waiting = plan(session, count=3)
        answered(first, GOOD)
        answered(second, LOW)
        scores = checkin_scores_for_analytics()
        assert [(s.raw_score, s.percentage) for s in scores] == [(20, 80), (12, 48)]
        assert {s.client_id for s in scores} == {session.client_id}
        assert {s.specialist_id for s in scores} == {session.specialist_id}
        assert not hasattr(scores[0], "items")


class CheckinDemoTests:
    def test_demo_history_is_made_once_with_one_alert(self):
        from demo.checkins import seed_checkins

        specialist = specialist_create()
        person = client_create()
        users = {"client": person, "specialist": specialist.user}
        seed_checkins(users)
        seed_checkins(users)
        checkins = list(CheckIn.objects.filter(client=person).order_by("due_at"))
        assert len(checkins) == 6
        answers = [checkin for checkin in checkins if checkin.answered_at]
        assert len(answers) == 5
        assert [checkin.percentage for checkin in answers] == [60, 68, 72, 44, 56]
        assert [bool(checkin.alerts) for checkin in answers] == [
            False,
            False,
            False,
            True,
            False,
        ]
        assert len(checkin_alerts_open(user=specialist.user)) == 1

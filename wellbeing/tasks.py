"""Background work for check-ins, run by the django-q2 cluster
(wellbeing/schedules.py, `manage.py schedule_tasks`): the link when a check-in
falls due, one reminder if it is still unanswered, the specialist's alert, and
retention.

As with consultation reminders, each message is *claimed* with a conditional UPDATE
before it is sent, so two clusters never send it twice; a send that fails gives the
claim back so the next run tries again. Tasks take ids and load what they need.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from consultations.models import ConsentRecord
from core import dates
from core.notifications import Message, notify
from core.transliteration import in_reader_script

from .models import CheckIn
from .services import checkins_retention_delete

logger = logging.getLogger(__name__)

FIRST = "first"
REMINDER = "reminder"
CLAIM_FIELDS = {FIRST: "sent_at", REMINDER: "reminder_sent_at"}


def _site_url(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def _language(user) -> str:
    return getattr(user, "preferred_language", "") or settings.LANGUAGE_CODE


def _link_message(checkin: CheckIn, *, kind: str) -> Message:
    """The link in the client's own language. SMS texts say "Komak" in plain Latin
    letters (the modifier letter would switch the SMS to UCS-2)."""
    client = checkin.client
    with translation.override(_language(client)):
        params = {
            "name": client.get_short_name(),
            "specialist": checkin.specialist.user.get_full_name(),
            "link": _site_url(reverse("wellbeing_answer", args=[checkin.token])),
            "by_date": dates.date_until(checkin.expires_at, by=True),
        }
        if kind == FIRST:
            subject = _("How are you? Five short questions from your specialist")
            text = _(
                "Hello, %(name)s!\n\n"
                "%(specialist)s would like to know how you have been. Please "
                "answer five short questions on this page %(by_date)s:\n"
                "%(link)s"
            )
            sms_text = _("Komak: %(specialist)s asks how you are. Answer: %(link)s")
        else:
            subject = _("Reminder: five short questions from your specialist")
            text = _(
                "Hello, %(name)s!\n\n"
                "You have not answered the five short questions from "
                "%(specialist)s yet. You can answer %(by_date)s:\n"
                "%(link)s"
            )
            sms_text = _(
                "Komak: a reminder, %(specialist)s asks how you are. Answer: %(link)s"
            )
        # In the client's script too: a specialist's Latin name in Cyrillic.
        return Message(
            subject=in_reader_script(subject),
            text=in_reader_script(text % params),
            sms_text=in_reader_script(sms_text % params),
        )


def _claim(checkin_id: int, *, field: str, now: datetime) -> bool:
    claimed = CheckIn.objects.filter(
        pk=checkin_id,
        answered_at__isnull=True,
        cancelled_at__isnull=True,
        **{f"{field}__isnull": True},
    ).update(**{field: now})
    return claimed == 1


def checkin_link_send(checkin_id: int, kind: str, claimed_at: datetime) -> bool:
    """Send one claimed link (FIRST or REMINDER); on an error give the claim back."""
    field = CLAIM_FIELDS[kind]
    checkin = (
        CheckIn.objects.select_related("client", "specialist__user")
        .filter(pk=checkin_id)
        .first()
    )
    if checkin is None:
        return False
    try:
        notify(user=checkin.client, message=_link_message(checkin, kind=kind))
    except Exception:
        logger.exception("Check-in %s message failed; will try again", checkin_id)
        CheckIn.objects.filter(pk=checkin_id, **{field: claimed_at}).update(
            **{field: None}
        )
        return False
    return True


def checkin_messages_send(*, now: datetime | None = None) -> int:
    """Send the links that fell due and the reminders that are due; returns how
    many went out. A client who withdrew consent is sent nothing."""
    now = now or timezone.now()
    consent_active = ConsentRecord.objects.filter(
        user=OuterRef("client"), withdrawn_at__isnull=True
    )
    open_now = CheckIn.objects.filter(
        Exists(consent_active),
        answered_at__isnull=True,
        cancelled_at__isnull=True,
        due_at__lte=now,
        expires_at__gt=now,
    )
    sent = 0
    for checkin_id in list(
        open_now.filter(sent_at__isnull=True).values_list("pk", flat=True)
    ):
        if _claim(checkin_id, field="sent_at", now=now):
            sent += checkin_link_send(checkin_id, FIRST, now)
    reminder_due = open_now.filter(
        sent_at__lte=now - timedelta(hours=settings.WELLBEING_REMINDER_HOURS),
        reminder_sent_at__isnull=True,
    )
    for checkin_id in list(reminder_due.values_list("pk", flat=True)):
        if _claim(checkin_id, field="reminder_sent_at", now=now):
            sent += checkin_link_send(checkin_id, REMINDER, now)
    return sent


def checkin_alert_send(checkin_id: int) -> bool:
    """Tell the specialist that an answer needs attention. The message names no
    score and no client: it only points to their page, where they sign in."""
    checkin = (
        CheckIn.objects.select_related("specialist__user").filter(pk=checkin_id).first()
    )
    if checkin is None or not checkin.alerts:
        return False
    specialist = checkin.specialist.user
    with translation.override(_language(specialist)):
        link = _site_url(reverse("wellbeing_index"))
        message = Message(
            subject=in_reader_script(_("A check-in answer needs your attention")),
            text=in_reader_script(
                _(
                    "One of your clients answered a check-in with a low score or a "
                    "fall since the last one. Please look at it soon:\n%(link)s"
                )
                % {"link": link}
            ),
            sms_text=in_reader_script(
                _("Komak: a client's check-in needs your attention. %(link)s")
                % {"link": link}
            ),
        )
    try:
        return notify(user=specialist, message=message) > 0
    except Exception:
        # The notice on their page still shows it; the message is a courtesy.
        logger.exception("Alert for check-in %s could not be sent", checkin_id)
        return False


def wellbeing_retention_delete(*, now: datetime | None = None) -> int:
    """Delete check-ins older than WELLBEING_RETENTION_DAYS (daily)."""
    return checkins_retention_delete(days=settings.WELLBEING_RETENTION_DAYS, now=now)

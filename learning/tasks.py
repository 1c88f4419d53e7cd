"""Background work for training programs, run by the django-q2 cluster on a schedule
(learning/schedules.py, made by `manage.py schedule_tasks`).

Deadline reminders: a week before, a day before and once after the deadline, to each
social worker who has not finished. Each reminder is claimed by inserting a unique
`DeadlineReminder` row before sending, so it goes out once even when two clusters
run; a send that fails gives the claim back for the next run.
"""

import logging
from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from core import dates
from core.notifications import Message, notify
from core.transliteration import in_reader_script

from .models import DeadlineReminder, Enrolment
from .program_selectors import today_local

logger = logging.getLogger(__name__)


def reminder_kind(*, deadline: date, today: date) -> str | None:
    """Which reminder is due today for this deadline, if any."""
    days_left = (deadline - today).days
    if days_left < 0:
        return DeadlineReminder.Kind.OVERDUE
    if days_left <= 1:
        return DeadlineReminder.Kind.DAY
    if days_left <= 7:
        return DeadlineReminder.Kind.WEEK
    return None


def _message(enrolment: Enrolment, *, kind: str) -> Message:
    user = enrolment.user
    with translation.override(getattr(user, "preferred_language", "") or "uz"):
        params = {
            "name": user.get_short_name(),
            "program": enrolment.program.title,
            "deadline": dates.full_date(enrolment.program.deadline),
            "by_deadline": dates.date_until(
                enrolment.program.deadline, with_year=True, by=True
            ),
            "url": settings.WAGTAILADMIN_BASE_URL.rstrip("/")
            + reverse("learning_program_detail", args=[enrolment.program.slug]),
        }
        # After the deadline nothing may ask to "finish by" it (issue 18: a cohort
        # got "finish by 1 December" on 6 December): the overdue notice, in the
        # e-mail and in the SMS, says that the deadline was and has passed.
        if kind == DeadlineReminder.Kind.OVERDUE:
            subject = _("The deadline of your training has passed")
            text = _(
                "Hello, %(name)s!\n\nThe deadline of “%(program)s” was %(deadline)s. "
                "You can still finish it: %(url)s"
            )
            sms = _(
                "Komak: the deadline of the training “%(program)s” was %(deadline)s. "
                "You can still finish it."
            )
        else:
            subject = _("Reminder: finish your training")
            text = _(
                "Hello, %(name)s!\n\nPlease finish “%(program)s” %(by_deadline)s: "
                "%(url)s"
            )
            sms = _("Komak: finish the training “%(program)s” %(by_deadline)s.")
        # In the learner's script too: the programme's Latin title in Cyrillic.
        return Message(
            subject=in_reader_script(subject),
            text=in_reader_script(text % params),
            sms_text=in_reader_script(sms % params),
        )


def deadline_reminders_send(today: date | None = None) -> int:
    """Send every deadline reminder due today; returns how many were sent."""
    today = today or today_local()
    enrolments = Enrolment.objects.filter(
        completed_at__isnull=True,
        program__live=True,
        program__deadline__lte=today + timedelta(days=7),
    ).select_related("user", "program")
    sent = 0
    for enrolment in enrolments:
        kind = reminder_kind(deadline=enrolment.program.deadline, today=today)
        if kind is None:
            continue
        try:
            with transaction.atomic():
                claim = DeadlineReminder.objects.create(enrolment=enrolment, kind=kind)
        except IntegrityError:
            continue  # already sent, or claimed by another cluster right now
        try:
            notify(user=enrolment.user, message=_message(enrolment, kind=kind))
        except Exception:  # a gateway may fail in any way; try again next run
            logger.exception("Deadline reminder %s failed", claim.pk)
            claim.delete()
            continue
        sent += 1
    return sent

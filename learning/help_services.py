"""Writes of help given by a social worker (learning.models.help): recording that she
helped a named learner with a lesson."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.phone import normalize_phone
from accounts.roles import SOCIAL_WORKER
from audit.models import AuditAction
from audit.services import audit_record

from .models import HelpMode, LessonHelp, LessonPage, LessonProgress


class LessonHelpError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _learner_find(*, login: str):
    query = Q(username__iexact=login)
    try:
        query |= Q(phone_number=normalize_phone(login))
    except ValidationError:
        pass
    return get_user_model().objects.filter(query, is_active=True).first()


def lesson_help_record(
    *, helper, learner_login: str, lesson_id, mode: str, request=None
) -> LessonHelp:
    """Record that `helper` (a social worker) helped the learner with this username
    or phone number with a live lesson, in person or by phone.

    The lesson then counts as done with help for the learner: if she had not marked
    it done, it is marked now (with help); a mark she made herself stays as it is.
    Recorded once per learner and lesson; the record is audited."""
    if not helper.groups.filter(name=SOCIAL_WORKER).exists():
        raise LessonHelpError(_("Only social workers can record help."))
    if mode not in HelpMode.values:
        raise LessonHelpError(_("Choose how you helped: in person or by phone."))
    try:
        lesson = LessonPage.objects.live().get(pk=int(lesson_id))
    except (LessonPage.DoesNotExist, TypeError, ValueError):
        raise LessonHelpError(_("Choose a lesson from the list.")) from None
    login = (learner_login or "").strip()
    learner = _learner_find(login=login) if login else None
    if learner is None:
        raise LessonHelpError(
            _("Nobody has this username or phone number. Check it and try again.")
        )
    if learner.pk == helper.pk:
        raise LessonHelpError(_("You cannot record help for yourself."))
    course = lesson.get_parent()
    now = timezone.now()
    try:
        with transaction.atomic():
            help_given = LessonHelp.objects.create(
                helper=helper,
                learner=learner,
                lesson=lesson,
                course_id=course.pk,
                mode=mode,
                helped_at=now,
            )
            progress, created = (
                LessonProgress.objects.select_for_update().get_or_create(
                    user=learner,
                    lesson=lesson,
                    defaults={
                        "course_id": course.pk,
                        "opened_at": now,
                        "last_activity_at": now,
                        "completed_at": now,
                        "completed_with_help": True,
                    },
                )
            )
            if not created and progress.completed_at is None:
                progress.completed_at = now
                progress.completed_with_help = True
                progress.last_activity_at = now
                progress.save(
                    update_fields=[
                        "completed_at",
                        "completed_with_help",
                        "last_activity_at",
                    ]
                )
            audit_record(
                actor=helper,
                action=AuditAction.LESSON_HELP_RECORD,
                target=learner,
                request=request,
                detail={"lesson": lesson.pk, "mode": mode},
            )
    except IntegrityError:
        raise LessonHelpError(
            _("Help with this lesson is already recorded for this person.")
        ) from None
    return help_given


def lessons_to_help_with() -> list[LessonPage]:
    """Every live lesson, in the order of the course tree (the form's choices)."""
    return list(LessonPage.objects.live().order_by("path"))


def lesson_help_given_by(*, helper, limit: int = 20) -> list[LessonHelp]:
    """What `helper` recorded lately, newest first, for her own page."""
    return list(
        LessonHelp.objects.filter(helper=helper)
        .select_related("learner", "lesson")
        .order_by("-helped_at")[:limit]
    )

"""Writes of help given by a social worker (learning.models.help): recording that she
helped a named learner with a lesson."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import SOCIAL_WORKER
from audit.models import AuditAction
from audit.services import audit_record

from .models import HelpMode, LessonHelp, LessonPage, LessonProgress
from .program_selectors import learner_helped_find, login_query


class LessonHelpError(Exception):
    """A rule was not met; the message is shown to the social worker (400)."""

    status = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class LessonHelpLimited(LessonHelpError):
    """Too many logins matched nobody she serves this hour (429)."""

    status = 429


MISSES_WINDOW_SECONDS = 60 * 60


def _misses_key(helper_id: int) -> str:
    return f"lesson-help-misses:{helper_id}"


def _misses_over_limit(*, helper_id: int) -> bool:
    return cache.get(_misses_key(helper_id), 0) >= settings.LESSON_HELP_MISSES_PER_HOUR


def _miss_count(*, helper_id: int) -> None:
    """Count one login that matched nobody she serves; the hour starts at the first.
    In the shared cache, so every worker counts the same misses."""
    key = _misses_key(helper_id)
    cache.add(key, 0, timeout=MISSES_WINDOW_SECONDS)
    try:
        cache.incr(key)
    except ValueError:  # the hour ended between the two calls
        cache.set(key, 1, timeout=MISSES_WINDOW_SECONDS)


def _is_own_login(*, helper, login: str) -> bool:
    return get_user_model().objects.filter(login_query(login), pk=helper.pk).exists()


def lesson_help_record(
    *, helper, learner_login: str, lesson_id, mode: str, request=None
) -> LessonHelp:
    """Record that `helper` (a social worker) helped the learner with this username
    or phone number with a live lesson, in person or by phone.

    Only people she serves are found (`learner_helped_find`); anyone else is answered
    as if nobody had the login. Each lookup is recorded with counts only, and after
    `LESSON_HELP_MISSES_PER_HOUR` logins that matched nobody the page stops looking
    for an hour (`LessonHelpLimited`), so it cannot be used to test which numbers
    have an account.

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
    if not login:
        raise LessonHelpError(_("Type the learner's username or phone number."))
    if _is_own_login(helper=helper, login=login):
        raise LessonHelpError(_("You cannot record help for yourself."))
    if _misses_over_limit(helper_id=helper.pk):
        raise LessonHelpLimited(
            _(
                "Too many usernames or numbers matched nobody. "
                "Please try again in an hour."
            )
        )
    # As if absent: anyone she does not serve gets the same answer as nobody.
    learner = learner_helped_find(login=login)
    audit_record(
        actor=helper,
        action=AuditAction.LESSON_HELP_LOOKUP,
        request=request,
        detail={"tried": 1, "matched": int(learner is not None)},
    )
    if learner is None:
        _miss_count(helper_id=helper.pk)
        raise LessonHelpError(
            _("Nobody has this username or phone number. Check it and try again.")
        )
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

"""The social worker's page for recording help with a lesson (issue 15). Only
members of the "Social worker" group reach it; anyone else gets 403."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.roles import SOCIAL_WORKER

from .help_services import (
    LessonHelpError,
    lesson_help_given_by,
    lesson_help_record,
    lessons_to_help_with,
)
from .models import HelpMode


@login_required
@require_http_methods(["GET", "POST"])
def lesson_help(request):
    if not request.user.groups.filter(name=SOCIAL_WORKER).exists():
        raise PermissionDenied
    error, status = "", 200
    values = {"learner": "", "lesson": "", "mode": ""}
    if request.method == "POST":
        values = {name: request.POST.get(name, "").strip() for name in values}
        try:
            lesson_help_record(
                helper=request.user,
                learner_login=values["learner"],
                lesson_id=values["lesson"],
                mode=values["mode"],
                request=request,
            )
        except LessonHelpError as problem:
            error, status = problem.message, problem.status
        else:
            messages.success(request, _("Thank you. Your help is recorded."))
            return redirect(request.path)
    return render(
        request,
        "learning/lesson_help.html",
        {
            "lessons": lessons_to_help_with(),
            "modes": HelpMode.choices,
            "given": lesson_help_given_by(helper=request.user),
            "error": error,
            "values": values,
        },
        status=status,
    )

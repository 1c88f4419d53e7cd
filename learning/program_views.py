"""Views of training programs for social workers: their programs, assessments,
certificates and CPD hours; and the public certificate check.

Views only parse input and call `program_services` and `program_selectors`.
"""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from audit.models import AuditAction
from core.languages import path_without_language

from .forms import NO_SUCH_CERTIFICATE, CertificateCheckForm
from .models import AssessmentAttempt, CoursePage, ProgramCourse
from .program_selectors import (
    certificate_get,
    certificate_staff_read_record,
    certificate_visible_get,
    cpd_ledger_get,
    enrolment_get,
    enrolment_standing_get,
    learner_enrolments,
    program_live_get,
)
from .program_services import (
    AnswersIncomplete,
    ProgramError,
    assessment_attempt_start,
    assessment_attempt_submit,
    assessment_question_count,
    attempt_answers_parse,
    attempt_feedback,
)


def _enrolment_or_404(request, slug: str):
    program = program_live_get(slug=slug)
    enrolment = program and enrolment_get(user=request.user, program=program)
    if enrolment is None:
        raise Http404
    return enrolment


@login_required
def my_training(request):
    return render(
        request,
        "learning/my_training.html",
        {"standings": learner_enrolments(user=request.user)},
    )


@login_required
def program_detail(request, slug: str):
    enrolment = _enrolment_or_404(request, slug)
    return render(
        request,
        "learning/program_detail.html",
        {"standing": enrolment_standing_get(enrolment=enrolment)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def assessment_start(request, slug: str, course_id: int):
    """What the assessment is like (GET) and starting an attempt (POST)."""
    enrolment = _enrolment_or_404(request, slug)
    item = get_object_or_404(
        ProgramCourse.objects.select_related("course"),
        program=enrolment.program,
        course_id=course_id,
    )
    course = CoursePage.objects.live().filter(pk=item.course_id).first()
    if course is None:
        raise Http404
    if request.method == "POST":
        try:
            attempt = assessment_attempt_start(enrolment=enrolment, course=course)
        except ProgramError as error:
            messages.error(request, error.message)
            return redirect(request.path)
        return redirect("learning_attempt_take", attempt_id=attempt.pk)
    standing = enrolment_standing_get(enrolment=enrolment)
    course_standing = next(c for c in standing.courses if c.course.pk == course.pk)
    return render(
        request,
        "learning/assessment_start.html",
        {
            "standing": standing,
            "course_standing": course_standing,
            "course": course,
            "question_count": assessment_question_count(course=course),
        },
    )


def _attempt_or_404(request, attempt_id: int) -> AssessmentAttempt:
    return get_object_or_404(
        AssessmentAttempt.objects.select_related("enrolment__program", "course"),
        pk=attempt_id,
        enrolment__user=request.user,
    )


def _attempt_questions(
    attempt: AssessmentAttempt, *, chosen=None, errors=None
) -> list[dict]:
    """The attempt's questions in its drawn order, with the option texts only: the
    right answers and the feedback stay on the server until submission."""
    bank = attempt.course.assessment_bank()
    chosen = chosen or {}
    errors = errors or {}
    questions = []
    for number, item in enumerate(attempt.layout, start=1):
        question = bank.get(item["id"])
        if question is None:
            continue
        options = list(question["options"])
        questions.append(
            {
                "id": item["id"],
                "number": number,
                "text": question["question"],
                "multiple": question["multiple"],
                "options": [
                    {
                        "value": index,
                        "text": options[index]["text"],
                        "checked": index in chosen.get(item["id"], []),
                    }
                    for index in item["options"]
                ],
                "error": errors.get(item["id"]),
            }
        )
    return questions


@login_required
@require_http_methods(["GET", "POST"])
def attempt_take(request, attempt_id: int):
    attempt = _attempt_or_404(request, attempt_id)
    if attempt.submitted:
        return redirect("learning_attempt_result", attempt_id=attempt.pk)
    status = 200
    chosen, errors = {}, {}
    if request.method == "POST":
        posted = {key: request.POST.getlist(key) for key in request.POST}
        try:
            answers = attempt_answers_parse(attempt=attempt, posted=posted)
            assessment_attempt_submit(attempt=attempt, answers=answers)
        except AnswersIncomplete as problem:
            chosen, errors, status = problem.answers, problem.errors, 400
        except ProgramError as error:
            messages.error(request, error.message)
            return redirect("learning_attempt_result", attempt_id=attempt.pk)
        else:
            return redirect("learning_attempt_result", attempt_id=attempt.pk)
    return render(
        request,
        "learning/assessment_attempt.html",
        {
            "attempt": attempt,
            "program": attempt.enrolment.program,
            "questions": _attempt_questions(attempt, chosen=chosen, errors=errors),
            "error_count": len(errors),
        },
        status=status,
    )


@login_required
@require_GET
def attempt_result(request, attempt_id: int):
    attempt = _attempt_or_404(request, attempt_id)
    if not attempt.submitted:
        return redirect("learning_attempt_take", attempt_id=attempt.pk)
    standing = enrolment_standing_get(enrolment=attempt.enrolment)
    course_standing = next(
        c for c in standing.courses if c.course.pk == attempt.course_id
    )
    return render(
        request,
        "learning/assessment_result.html",
        {
            "attempt": attempt,
            "standing": standing,
            "course_standing": course_standing,
            "feedback": attempt_feedback(attempt=attempt),
        },
    )


@login_required
@require_GET
def cpd_ledger(request):
    return render(
        request,
        "learning/cpd_ledger.html",
        {"years": cpd_ledger_get(user=request.user)},
    )


@login_required
@require_GET
def cpd_ledger_csv(request):
    """The CPD list as a spreadsheet file (UTF-8 with a byte-order mark for Excel)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="cpd-hours.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(
        [_("Year"), _("Date"), _("Training program"), _("CPD hours"), _("Certificate")]
    )
    for year in cpd_ledger_get(user=request.user):
        for certificate in year.certificates:
            writer.writerow(
                [
                    year.year,
                    certificate.issued_on.isoformat(),
                    certificate.program_title,
                    certificate.cpd_hours,
                    certificate.code,
                ]
            )
        writer.writerow([year.year, "", _("Total"), year.hours, ""])
    return response


@require_GET
def certificate_check(request):
    """Public: the box to type a certificate's number into. A GET form, so that it
    works without JavaScript and its answer has an address of its own: a number
    that could be a code goes to that code's page, one that cannot is answered here.
    """
    if "code" not in request.GET:
        return _certificate_check_render(request, CertificateCheckForm())
    form = CertificateCheckForm(request.GET)
    if form.is_valid():
        return redirect("certificate_verify", code=form.cleaned_data["code"])
    # Nothing typed is a mistake in the form; anything else is no such certificate.
    status = 400 if form.has_error("code", "required") else 404
    return _certificate_check_render(request, form, status=status)


def _certificate_check_render(request, form, *, status: int = 200):
    return render(
        request, "learning/certificate_check.html", {"form": form}, status=status
    )


@require_GET
def certificate_verify(request, code: str):
    """Public: whether a certificate is valid, with name, program and date only.
    An unknown number is a 404 with the box again, holding what was typed."""
    certificate = certificate_get(code=code)
    if certificate is None:
        form = CertificateCheckForm({"code": code})
        form.is_valid()
        if not form.has_error("code"):
            form.add_error("code", NO_SUCH_CERTIFICATE)
        return _certificate_check_render(request, form, status=404)
    return render(
        request,
        "learning/certificate_verify.html",
        {"certificate": certificate},
    )


@login_required
@require_GET
def certificate_download(request, code: str):
    """The PDF, for its holder and for staff who see her in the training admin
    (their download is recorded); others get 404, not a hint."""
    certificate = certificate_get(code=code)
    if certificate is None or certificate.user_id != request.user.pk:
        certificate = certificate_visible_get(
            reader=request.user, code=code, request=request
        )
    if certificate is None:
        raise Http404
    certificate_staff_read_record(
        reader=request.user,
        certificate=certificate,
        action=AuditAction.CERTIFICATE_DOWNLOAD,
        request=request,
    )
    # Imported here: fpdf2 and fontTools take ~0.4 s to import, which every worker
    # would otherwise pay at start-up for a page few people open.
    from .certificate_pdf import certificate_pdf

    # The paper is in Uzbek and Russian: its address has no language, and opens in
    # the reader's.
    verify_url = request.build_absolute_uri(
        path_without_language(reverse("certificate_verify", args=[certificate.code]))
    )
    response = HttpResponse(
        certificate_pdf(certificate=certificate, verify_url=verify_url),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="komak-certificate-{certificate.code}.pdf"'
    )
    return response

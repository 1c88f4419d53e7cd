"""The terms for online talks: read them in one's own language, agree (once per
version), or withdraw. Withdrawn consent stops processing: no new bookings, moves,
reminders or calls until the person agrees again."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse, translate_url
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from .. import selectors, services
from ..forms import ConsentForm
from .shared import safe_next


@login_required
@require_http_methods(["GET", "POST"])
def consent(request):
    """The terms for online talks: read, agree (once per version), or withdraw."""
    terms = selectors.consent_current_terms()
    language = translation.get_language()
    text = terms.text_in(language) if terms is not None else None
    next_url = safe_next(
        request, request.POST.get("next") or request.GET.get("next", "")
    )
    form = ConsentForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and terms is not None:
        if request.POST.get("version") != terms.version:
            form.add_error(
                None, _("The terms have just changed. Please read them again.")
            )
            status = 409
        elif text is None:
            # Not written in the reader's language: nobody agrees to what they
            # were not given to read. Nothing is saved; the page offers the
            # languages the version is written in.
            status = 400
        elif form.is_valid():
            try:
                services.consent_accept(
                    user=request.user, language=language, request=request
                )
            except services.BookingError as error:  # the terms changed meanwhile
                form.add_error(None, error.message)
                status = 409
            else:
                messages.success(request, _("Thank you. You have agreed to the terms."))
                return redirect(next_url or reverse("consultations_appointments"))
        else:
            status = 400
    return render(
        request,
        "consultations/consent.html",
        {
            "terms": terms,
            "text": text,
            "missing_message": services.consent_language_missing_message(),
            "other_languages": _terms_languages(request, terms) if text is None else [],
            "given": terms is not None and selectors.consent_given(user=request.user),
            "form": form,
            "next": next_url,
        },
        status=status,
    )


def _terms_languages(request, terms) -> list[dict]:
    """The languages a version is written in, each with the consent page's address
    in that language (the same `next`), named in its own language."""
    if terms is None:
        return []
    path = request.get_full_path()
    return [
        {
            "code": code,
            "name": translation.get_language_info(code)["name_local"],
            "url": translate_url(path, code),
        }
        for code in terms.languages()
    ]


@login_required
@require_POST
def consent_withdraw(request):
    services.consent_withdraw(user=request.user, request=request)
    messages.success(
        request,
        _(
            "You have withdrawn your agreement. We will ask you again before your "
            "next talk."
        ),
    )
    return redirect("consultations_consent")

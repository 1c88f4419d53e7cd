"""Template helpers for course and lesson pages."""

import uuid

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from core.templatetags.komak_languages import shown_in_uzbek
from core.transliteration import in_reader_script

from ..answers import VERDICTS

CYRILLIC_UZBEK = "uz-cyrl"

register = template.Library()


@register.filter(name="in_reader_script")
def data_in_reader_script(data):
    """The texts in `data` (a text, or the lists and dicts of a `json_script` data
    block) in the reader's script. A data block is a <script>, which the Cyrillic
    page writer leaves as it is, so its Uzbek Latin words are written here."""
    if isinstance(data, str):
        return in_reader_script(data)
    if isinstance(data, list | tuple):
        return [data_in_reader_script(item) for item in data]
    if isinstance(data, dict):
        return {key: data_in_reader_script(value) for key, value in data.items()}
    return data


@register.simple_tag
def new_event_id() -> str:
    """A fresh id for a form, so that the same form sent twice is recorded once."""
    return str(uuid.uuid4())


@register.simple_tag
def content_lang(page) -> str:
    """` lang="uz"` on text of a page not yet translated into the reader's language.

    Such a page is an alias of the Uzbek one (wagtail-localize): its text is in
    Uzbek while the page around it is in, say, Russian, and screen readers must be
    told (WCAG 3.1.2, language of parts).
    """
    if getattr(page, "alias_of_id", None) is None:
        return ""
    # In Uzbek Cyrillic the Uzbek text is written in Cyrillic as it is sent.
    if get_language() == CYRILLIC_UZBEK:
        return ""
    return format_html(' lang="{}"', settings.LANGUAGE_CODE)


@register.simple_tag
def content_note(page, kind: str = "") -> str:
    """The visible note, in the reader's language, that a page not yet translated
    into it is shown in Uzbek (the companion of `content_lang`). `kind` is "card"
    on a course list; otherwise it follows the page: lesson, course or page."""
    if getattr(page, "alias_of_id", None) is None:
        return ""
    if not kind:
        kind = {"lessonpage": "lesson", "coursepage": "course"}.get(
            page._meta.model_name, "page"
        )
    return shown_in_uzbek(kind)


# Counts for which the page is told the plural form; beyond them every plural rule of
# our languages repeats with n % 100 (static/js/progress.js, waitingWords).
PLURAL_TABLE_SIZE = 200


def plural_table(singular: str, plural: str) -> dict:
    """ngettext for a script: each distinct form once, and for n = 0…199 which.

    A script cannot run the catalog's plural formula (the CSP allows no eval), and
    Russian alone has three forms, so the server works out the choice for it.
    """
    forms: list[str] = []
    pick: list[int] = []
    for number in range(PLURAL_TABLE_SIZE):
        form = ngettext(singular, plural, number)
        if form not in forms:
            forms.append(form)
        pick.append(forms.index(form))
    return {"forms": forms, "pick": pick}


@register.simple_tag
def progress_words() -> dict:
    """The words static/js/progress.js shows, in the reader's language (json_script)."""
    return {
        "waiting": plural_table(
            "%(count)s step waiting to be sent.",
            "%(count)s steps waiting to be sent.",
        ),
        "saved": _("Saved."),
        "signedOut": _(
            "You are signed out. They are kept on this phone and will be sent "
            "after you sign in again."
        ),
        "signIn": _("Sign in"),
        "signInUrl": reverse("account_login"),
        "refused": _(
            "The server did not accept these steps. They are kept on this phone; "
            "show this to your trainer:"
        ),
        "kinds": {
            "open": _("Opened the lesson"),
            "time": _("Time spent on the lesson"),
            "video": _("Watched the video"),
            "answer": _("Answered a practice question"),
            "complete": _("Marked the lesson as done"),
        },
        "right": _("right"),
        "wrong": _("not right"),
        "chooseFirst": _("Choose an answer, then press Check."),
        "savedOffline": _(
            "Saved on this phone. It will be sent when the internet is back."
        ),
        "checkedLater": _(
            "Saved on this phone. Your answer will be checked when the phone is "
            "online again."
        ),
        # For an answer checked on the phone: the words the server would show.
        "verdicts": {key: str(words) for key, words in VERDICTS.items()},
    }

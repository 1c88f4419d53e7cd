"""Saying which language a text is in, where it is not the reader's (issue 18).

Content that is not yet translated is shown in Uzbek, its source language: a lesson
or course in another language's tree is then an alias of the Uzbek page
(wagtail-localize), and some fields, such as a specialist's introduction, are only
ever written in Uzbek. Such text carries `lang="uz"` (WCAG 3.1.2, language of parts:
a screen reader then reads it with Uzbek rules) and a short visible note, in the
reader's language, says that it is in Uzbek.

Uzbek Cyrillic readers need neither: their pages are the Uzbek text written in
Cyrillic as it is sent (core.transliteration.CyrillicPageMiddleware).
"""

from django import template
from django.conf import settings
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _

register = template.Library()

UZBEK_LANGUAGES = ("uz", "uz-cyrl")


def reader_reads_uzbek() -> bool:
    """Whether the page is in Uzbek, in either script."""
    return get_language() in UZBEK_LANGUAGES


def shown_in_uzbek_message(kind: str) -> str:
    """The note for a text of `kind` shown in Uzbek, in the reader's language.

    A note is only ever shown in the language it is translated into, so each
    translation names its own language where the English names English."""
    if kind == "lesson":
        # Translators: shown only in your language: name your language, not English.
        return _(
            "This lesson is not yet translated into English; it is shown in Uzbek."
        )
    if kind == "course":
        # Translators: shown only in your language: name your language, not English.
        return _(
            "This course is not yet translated into English; it is shown in Uzbek."
        )
    if kind == "card":
        return _("Only in Uzbek for now.")
    if kind == "bio":
        return _("The specialist wrote this introduction in Uzbek.")
    # Translators: shown only in your language: name your language, not English.
    return _("This page is not yet translated into English; it is shown in Uzbek.")


@register.simple_tag
def uzbek_lang() -> str:
    """` lang="uz"` on a text written only in Uzbek, unless the reader reads Uzbek."""
    if reader_reads_uzbek():
        return ""
    return format_html(' lang="{}"', settings.LANGUAGE_CODE)


@register.simple_tag
def shown_in_uzbek(kind: str = "page") -> str:
    """The visible note that a text of `kind` (lesson, course, card, bio, page) is in
    Uzbek, unless the reader reads Uzbek."""
    if reader_reads_uzbek():
        return ""
    return format_html(
        '<p class="hint content-note">{}</p>', shown_in_uzbek_message(kind)
    )

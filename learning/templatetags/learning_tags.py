"""Template helpers for course and lesson pages."""

import uuid

from django import template
from django.conf import settings
from django.utils.html import format_html
from django.utils.translation import get_language

CYRILLIC_UZBEK = "uz-cyrl"

register = template.Library()


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

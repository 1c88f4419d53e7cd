"""The demo's Russian course, translated the way a trainer translates one.

In the admin, a trainer opens "Translate" on a course with wagtail-localize, downloads
its strings as a PO file, translates them (or fills them in on screen) and publishes.
`seed_demo` does the same with `demo/translations/ru.po`, which holds the Russian
text of the home page, the course list, the course "Oila bilan videoqoʻngʻiroq" and
its lessons by Uzbek source text,
so that the block ids of a fresh database do not matter.
"""

from pathlib import Path

import polib
from django.conf import settings
from wagtail.models import Locale, Page
from wagtail_localize.models import Translation, TranslationSource

TRANSLATIONS = Path(__file__).resolve().parent / "translations"
TRANSLATED_COURSE_SLUG = "oila-bilan-videoqongiroq"


def page_translation_publish(*, page: Page, locale: Locale, strings: dict) -> Page:
    """Translate one page into `locale` from `strings` (Uzbek text to translated
    text) and publish it. A string without a translation keeps the Uzbek text."""
    source, _ = TranslationSource.get_or_create_from_instance(page)
    translation, _ = Translation.objects.get_or_create(
        source=source, target_locale=locale
    )
    catalog = source.export_po()
    for entry in catalog:
        entry.msgstr = strings.get(entry.msgid) or entry.msgid
    translation.import_po(catalog)
    translation.save_target(publish=True)
    return page.get_translation(locale)


def demo_course_translate(*, language: str = "ru") -> Page | None:
    """The demo course and its lessons in `language`, once (idempotent)."""
    from learning.models import CoursePage, LessonPage

    locale = Locale.objects.filter(language_code=language).first()
    course = CoursePage.objects.filter(
        slug=TRANSLATED_COURSE_SLUG, locale__language_code=settings.LANGUAGE_CODE
    ).first()
    if locale is None or course is None:
        return None
    strings = {
        entry.msgid: entry.msgstr
        for entry in polib.pofile(str(TRANSLATIONS / f"{language}.po"))
        if entry.msgstr
    }
    # The home page and the course list first, then the course and its lessons.
    pages = [*course.get_ancestors().filter(depth__gt=1).specific(), course]
    pages += LessonPage.objects.child_of(course).order_by("path")
    for page in pages:
        existing = page.get_translation_or_none(locale)
        if existing is not None and existing.alias_of_id is None:
            continue
        page_translation_publish(page=page, locale=locale, strings=strings)
    return course.get_translation(locale)

"""The ways the needs analytics groups people: region, language, age group, topic,
month, and the columns of each table. Tables store codes; labels are looked up here
when a page or a file is made, in the reader's language."""

from datetime import date

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from accounts.regions import Region
from consultations.models import Topic

UNKNOWN = "unknown"
UNKNOWN_LABEL = _("Not given")

AGE_GROUPS = [
    ("under_60", _("Under 60")),
    ("60_69", _("60 to 69")),
    ("70_79", _("70 to 79")),
    ("80_plus", _("80 and over")),
]


def age_group(*, birth_year: int | None, today: date) -> str:
    """The age group of someone born in `birth_year`, by the age she turns this
    year (a birth date is not kept, only the year)."""
    if not birth_year:
        return UNKNOWN
    age = today.year - birth_year
    if age < 60:
        return "under_60"
    if age < 70:
        return "60_69"
    if age < 80:
        return "70_79"
    return "80_plus"


def region_code(value: str | None) -> str:
    return value if value in Region.values else UNKNOWN


def language_code(value: str | None) -> str:
    codes = [code for code, _label in settings.LANGUAGES]
    return value if value in codes else UNKNOWN


def topic_code(value: str | None) -> str:
    return value if value in Topic.values else UNKNOWN


def month_code(moment) -> str:
    return f"{moment.year:04d}-{moment.month:02d}"


def months_back(*, today: date, count: int) -> list[str]:
    """The `count` months up to and including this one, oldest first."""
    year, month = today.year, today.month
    codes = []
    for _step in range(count):
        codes.append(f"{year:04d}-{month:02d}")
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return list(reversed(codes))


DIMENSIONS = {
    "region": [*Region.values, UNKNOWN],
    "age": [code for code, _label in AGE_GROUPS] + [UNKNOWN],
    "topic": [*Topic.values],
}


def dimension_codes(name: str) -> list[str]:
    if name == "language":
        return [code for code, _label in settings.LANGUAGES] + [UNKNOWN]
    return list(DIMENSIONS[name])


COLUMN_LABELS = {
    "attended_all": _("Came to every session"),
    "missed_some": _("Missed at least one session"),
    "started": _("Started, no lesson done yet"),
    "done_alone": _("Lessons done alone only"),
    "done_with_help": _("Marked done with help by themselves"),
    "helped": _("Helped by a social worker (confirmed)"),
    "in_person": _("In person"),
    "phone": _("By phone"),
    "in_progress": _("Enrolled, not finished"),
    "completed": _("Finished the program"),
    "asked": _("People who asked for a consultation"),
    "had_session": _("People who had a session"),
    "missed": _("People who missed a session"),
    "checked_in": _("People who filled in a check-in"),
    "low_score": _("People with a low wellbeing score"),
    "urgent": _("People who asked for urgent help"),
    "escalated": _("People whose urgent request was escalated"),
    "people": _("People"),
    "median_days": _("Median wait (days)"),
    "median_minutes": _("Median wait (minutes)"),
    "median_score": _("Median score (0–100)"),
}


def code_label(code: str) -> str:
    """The label of any row or column code, in the active language."""
    if code == UNKNOWN:
        return str(UNKNOWN_LABEL)
    for choices in (Region.choices, Topic.choices, AGE_GROUPS, settings.LANGUAGES):
        for value, label in choices:
            if value == code:
                return str(label)
    if code in COLUMN_LABELS:
        return str(COLUMN_LABELS[code])
    return code  # months ("2026-07") read as they are

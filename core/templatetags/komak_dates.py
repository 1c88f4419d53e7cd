"""Template filters and tags for dates as people read them (see core/dates.py).

    {% load komak_dates %}
    {{ booking.starts_at|full_date:"weekday" }}   Monday, 6 December 2026
    {{ note.updated_at|date_time }}               6 December 2026, 14:30
    {% date_range start end as period %}         from 6 to 12 December
    {% date_until program.deadline by=True as by_deadline %}

Use them wherever a person reads a date; form values and machine formats (ISO,
.ics) keep Django's `date` filter.
"""

from django import template

from core import dates

register = template.Library()


def _weekday(argument: str) -> bool:
    return argument == "weekday"


@register.filter
def day_month(value, argument: str = ""):
    """ "6 December" / "6-dekabr" / "6 декабря"; "weekday" puts the day's name first."""
    if value in (None, ""):
        return ""
    return dates.day_month(value, weekday=_weekday(argument))


@register.filter
def full_date(value, argument: str = ""):
    """ "6 December 2026" / "2026-yil 6-dekabr" / "6 декабря 2026 г."."""
    if value in (None, ""):
        return ""
    return dates.full_date(value, weekday=_weekday(argument))


@register.filter
def date_time(value, argument: str = ""):
    """The date and time, 24-hour, Tashkent time; "no_year" leaves the year out."""
    if value in (None, ""):
        return ""
    return dates.date_time(value, year=argument != "no_year")


@register.simple_tag
def date_range(start, end, with_year=None):
    """The period from `start` to `end` in one phrase, ready for a message."""
    return dates.date_range(start, end, with_year=with_year)


@register.simple_tag
def date_from(value, with_year=None):
    return dates.date_from(value, with_year=with_year)


@register.simple_tag
def date_until(value, with_year=None, by=False):
    """ "until 6 December" / "6-dekabrgacha"; by=True says "by" in English."""
    return dates.date_until(value, with_year=with_year, by=by)

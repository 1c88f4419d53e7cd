"""What the booking pages share: addresses with their choices kept, a safe `next`,
a time in words, the "something is in the way" page, and a week of free times with
its "earlier" and "later" links (written once for booking and rescheduling)."""

from collections.abc import Callable
from datetime import date, datetime
from urllib.parse import urlencode

from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.http import url_has_allowed_host_and_scheme

from core import dates

from .. import selectors, services
from ..forms import slot_value


def query(**params) -> str:
    """`?a=1&b=2` of the params that have a value; "" when none has."""
    kept = {key: value for key, value in params.items() if value not in (None, "")}
    return "?" + urlencode(kept) if kept else ""


def safe_next(request, value: str) -> str:
    """`value` if it is a path on this site, else ""."""
    # Only a path on this site: `redirect()` takes any other text ("0", "x") for the
    # name of a view and fails with a 500 when there is none.
    if (
        value
        and value.startswith("/")
        and url_has_allowed_host_and_scheme(
            value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return value
    return ""


def when(moment: datetime) -> dict:
    """The day and time of `moment` in Tashkent, for messages."""
    local = timezone.localtime(moment)
    return {
        "date": dates.day_month(local),
        "time": formats.time_format(local, "H:i"),
    }


def problem(request, message: str, *, back_url: str, back_label: str, status: int):
    """A page that says what is in the way and offers one way back."""
    return render(
        request,
        "consultations/book_problem.html",
        {"message": message, "back_url": back_url, "back_label": back_label},
        status=status,
    )


def refusal_status(error: services.BookingError) -> int:
    """A time beyond the horizon was never offered (a forged or stale form): 400;
    anything else conflicts with what is booked now: 409."""
    return 400 if error.code == "horizon" else 409


def week_number(value) -> int:
    """The week asked for (0 is this week), kept within the weeks the pages offer."""
    try:
        return min(max(int(value), 0), selectors.booking_last_week())
    except (TypeError, ValueError):
        return 0


def _days_with_slots(slots: list[datetime]) -> list[tuple[date, list[tuple]]]:
    """Slots grouped by their day in Tashkent, each with its form value."""
    days: dict[date, list[tuple]] = {}
    for slot in slots:
        days.setdefault(timezone.localdate(slot), []).append((slot, slot_value(slot)))
    return list(days.items())


def week_context(
    offered: selectors.SlotsWeek, *, week_url: Callable[[int], str]
) -> dict:
    """A week of free times for the template (templates/consultations/
    book_time.html and reschedule.html), with links to the weeks either side made
    by `week_url(week)`."""
    return {
        "days": _days_with_slots(offered.slots),
        "start_day": offered.start_day,
        "end_day": offered.end_day,
        "earlier_url": week_url(offered.week - 1) if offered.has_earlier else "",
        "later_url": week_url(offered.week + 1) if offered.has_later else "",
    }

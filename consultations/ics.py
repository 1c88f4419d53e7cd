"""Calendar files (RFC 5545) for a booking, written by hand: one event, no library.

A person adds the talk to the calendar on their phone with one tap; the file carries
the times in UTC, so the phone shows them in its own time zone.
"""

from datetime import UTC, datetime

from django.utils import timezone

from .models import Booking, BookingStatus

CRLF = "\r\n"
MAX_LINE_OCTETS = 75  # RFC 5545 section 3.1, not counting the line break
PRODUCT_ID = "-//Komak//Consultations//EN"


def escape_text(value: str) -> str:
    """Escape a TEXT value (RFC 5545 section 3.3.11)."""
    value = value.replace("\\", "\\\\")
    value = value.replace(";", "\\;").replace(",", "\\,")
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value.replace("\n", "\\n")


def fold_line(line: str) -> str:
    """Fold a content line into chunks of at most 75 octets (section 3.1).

    Continuation lines begin with a space, which counts towards their 75 octets. A
    multi-byte UTF-8 character is never split across lines.
    """
    chunks: list[str] = []
    current = ""
    current_octets = 0
    limit = MAX_LINE_OCTETS
    for character in line:
        size = len(character.encode("utf-8"))
        if current_octets + size > limit:
            chunks.append(current)
            current, current_octets = "", 0
            limit = MAX_LINE_OCTETS - 1  # room for the leading space
        current += character
        current_octets += size
    chunks.append(current)
    return (CRLF + " ").join(chunks)


def format_utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def booking_calendar(
    *,
    booking: Booking,
    summary: str,
    description: str,
    url: str,
    host: str,
    now: datetime | None = None,
) -> str:
    """The text of a .ics file with one VEVENT for the booking."""
    now = now or timezone.now()
    cancelled = booking.status == BookingStatus.CANCELLED
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODUCT_ID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:komak-booking-{booking.pk}@{host}",
        f"DTSTAMP:{format_utc(now)}",
        f"DTSTART:{format_utc(booking.starts_at)}",
        f"DTEND:{format_utc(booking.ends_at)}",
        f"SUMMARY:{escape_text(summary)}",
        f"DESCRIPTION:{escape_text(description)}",
        f"URL:{url}",
        # A cancelled event replaces the earlier copy in the person's calendar.
        f"SEQUENCE:{1 if cancelled else 0}",
        f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "".join(fold_line(line) + CRLF for line in lines)

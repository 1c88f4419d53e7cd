"""Parsing and validating progress events sent by a learner's device.

A request carries `{"events": [...]}`; each event is checked completely before
anything is saved, so that a bad request saves nothing. Messages are plain and
translated, because the learner's device may show them.
"""

import datetime
import uuid
from dataclasses import dataclass

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

MAX_EVENTS_PER_REQUEST = 50
MAX_SECONDS_PER_EVENT = 600  # devices report time at least every 10 minutes
MAX_VIDEO_POSITION = 6 * 60 * 60
ALLOWED_CLOCK_SKEW = datetime.timedelta(minutes=10)
EARLIEST_EVENT = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)

KINDS = ("open", "time", "video", "answer", "complete")
COMMON_FIELDS = {"id", "lesson", "visit", "type", "at"}
EXTRA_FIELDS = {
    "open": set(),
    "time": {"seconds"},
    "video": {"position"},
    "answer": {"question", "choices"},
    "complete": set(),
}
# Fields an event may leave out. `assisted`: the lesson was done with someone's help
# (the assisted-digital approach: counted apart from lessons done alone).
OPTIONAL_FIELDS = {"complete": {"assisted"}}


class EventError(ValueError):
    """A payload that cannot be accepted; `message` says why in plain words."""

    def __init__(
        self, message: str, *, index: int | None = None, field: str | None = None
    ):
        super().__init__(message)
        self.message = message
        self.index = index
        self.field = field

    def as_dict(self) -> dict:
        return {"error": self.message, "event": self.index, "field": self.field}


@dataclass(frozen=True)
class EventIn:
    event_id: uuid.UUID
    lesson_id: int
    visit_id: uuid.UUID
    kind: str
    occurred_at: datetime.datetime
    seconds: int | None = None
    position: float | None = None
    question_id: str = ""
    choices: tuple[int, ...] | None = None
    assisted: bool = False


def _uuid(value, *, index: int, field: str) -> uuid.UUID:
    if not isinstance(value, str):
        raise EventError(
            _("This must be an id made by the device."), index=index, field=field
        )
    try:
        return uuid.UUID(value)
    except ValueError as exc:
        raise EventError(
            _("This must be an id made by the device."), index=index, field=field
        ) from exc


def _int(value, *, index: int, field: str, low: int, high: int) -> int:
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or not low <= value <= high
    ):
        raise EventError(
            _("This must be a whole number from %(low)s to %(high)s.")
            % {"low": low, "high": high},
            index=index,
            field=field,
        )
    return value


def _moment(value, *, index: int) -> datetime.datetime:
    try:
        moment = parse_datetime(value) if isinstance(value, str) else None
    except ValueError:
        # Written right but impossible (month 13, an offset of 99 hours): Django
        # raises rather than returning None.
        moment = None
    if moment is None or timezone.is_naive(moment):
        raise EventError(
            _("The time must be written like 2026-05-01T10:30:00Z."),
            index=index,
            field="at",
        )
    if moment > timezone.now() + ALLOWED_CLOCK_SKEW or moment < EARLIEST_EVENT:
        raise EventError(
            _("The time of this event is impossible; check the device's clock."),
            index=index,
            field="at",
        )
    return moment


def event_parse(raw, *, index: int) -> EventIn:
    if not isinstance(raw, dict):
        raise EventError(_("Each event must be an object."), index=index)
    kind = raw.get("type")
    if kind not in KINDS:
        raise EventError(_("Unknown kind of event."), index=index, field="type")
    required = COMMON_FIELDS | EXTRA_FIELDS[kind]
    allowed = required | OPTIONAL_FIELDS.get(kind, set())
    missing = sorted(required - raw.keys())
    if missing:
        raise EventError(
            _("A field is missing: %(field)s.") % {"field": missing[0]},
            index=index,
            field=missing[0],
        )
    unknown = sorted(raw.keys() - allowed)
    if unknown:
        raise EventError(
            _("Unknown field: %(field)s.") % {"field": unknown[0]},
            index=index,
            field=unknown[0],
        )
    fields = {
        "event_id": _uuid(raw["id"], index=index, field="id"),
        "lesson_id": _int(
            raw["lesson"], index=index, field="lesson", low=1, high=2**31 - 1
        ),
        "visit_id": _uuid(raw["visit"], index=index, field="visit"),
        "kind": kind,
        "occurred_at": _moment(raw["at"], index=index),
    }
    if kind == "time":
        fields["seconds"] = _int(
            raw["seconds"],
            index=index,
            field="seconds",
            low=1,
            high=MAX_SECONDS_PER_EVENT,
        )
    elif kind == "video":
        position = raw["position"]
        if (
            isinstance(position, bool)
            or not isinstance(position, int | float)
            or not 0 <= position <= MAX_VIDEO_POSITION
        ):
            raise EventError(
                _("The video position must be a number of seconds."),
                index=index,
                field="position",
            )
        fields["position"] = float(position)
    elif kind == "answer":
        question = raw["question"]
        if not isinstance(question, str) or not 1 <= len(question) <= 64:
            raise EventError(_("Unknown question."), index=index, field="question")
        choices = raw["choices"]
        if (
            not isinstance(choices, list)
            or not choices
            or len(choices) > 8
            or any(isinstance(c, bool) or not isinstance(c, int) for c in choices)
            or len(set(choices)) != len(choices)
        ):
            raise EventError(
                _("Choose at least one answer."), index=index, field="choices"
            )
        fields["question_id"] = question
        fields["choices"] = tuple(sorted(choices))
    elif kind == "complete" and "assisted" in raw:
        if not isinstance(raw["assisted"], bool):
            raise EventError(
                _("This must be true or false."), index=index, field="assisted"
            )
        fields["assisted"] = raw["assisted"]
    return EventIn(**fields)


def events_parse(payload) -> list[EventIn]:
    """Turn a decoded JSON body into events, or raise EventError at the first fault."""
    if not isinstance(payload, dict) or set(payload.keys()) != {"events"}:
        raise EventError(_("The request must be an object with a list of events."))
    raw_events = payload["events"]
    if not isinstance(raw_events, list) or not raw_events:
        raise EventError(_("The list of events is empty."))
    if len(raw_events) > MAX_EVENTS_PER_REQUEST:
        raise EventError(
            _("Send at most %(count)s events at a time.")
            % {"count": MAX_EVENTS_PER_REQUEST}
        )
    return [event_parse(raw, index=index) for index, raw in enumerate(raw_events)]

"""Checks on what a browser sends over the call's WebSocket (docs/signaling.md).

Plain functions over the raw frame: no database and no channel layer, so that every
rule can be tested on its own and the consumer only decides what to do with a message
that passed. Anything that fails raises `SignalingError`, whose code goes to the
browser in the `error` frame before the socket is closed with 4400.
"""

import json
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

CLIENT = "client"
SPECIALIST = "specialist"
ROLES = (CLIENT, SPECIALIST)

MAX_FRAME_BYTES = 64 * 1024  # UTF-8 bytes of one text frame
MAX_SDP_CHARS = 60_000
MAX_CHAT_CHARS = 1000
RATE_LIMIT = 20  # messages per socket...
RATE_WINDOW_SECONDS = 1.0  # ...in any window this long

MALFORMED = "malformed"
TOO_LARGE = "too_large"
UNKNOWN_TYPE = "unknown_type"
BAD_FIELDS = "bad_fields"
FORBIDDEN = "forbidden"
NOT_ADMITTED = "not_admitted"
TOO_MANY = "too_many"


class SignalingError(Exception):
    """A message the server refuses; `code` is one of the protocol's error codes."""

    def __init__(self, code: str, message: str):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message

    def as_frame(self) -> dict:
        return {"type": "error", "code": self.code, "message": self.message}


def _text(min_chars: int, max_chars: int) -> Callable[[Any], bool]:
    def check(value: Any) -> bool:
        return isinstance(value, str) and min_chars <= len(value) <= max_chars

    return check


def _nullable(check: Callable[[Any], bool]) -> Callable[[Any], bool]:
    return lambda value: value is None or check(value)


def _flag(value: Any) -> bool:
    return isinstance(value, bool)


def _index(value: Any) -> bool:
    # bool is a subclass of int in Python; JSON true is not an index.
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _any_text(value: Any) -> bool:
    # Bounded by the frame size only.
    return isinstance(value, str)


@dataclass(frozen=True)
class _Schema:
    """The fields one message type carries, and who may send it when."""

    required: dict[str, Callable[[Any], bool]] = field(default_factory=dict)
    optional: dict[str, Callable[[Any], bool]] = field(default_factory=dict)
    # Messages like `state` are empty without at least one optional field.
    needs_one_optional: bool = False
    roles: tuple[str, ...] = ROLES
    needs_admission: bool = False


_SDP = _text(0, MAX_SDP_CHARS)

SCHEMAS: dict[str, _Schema] = {
    "join": _Schema(),
    "present": _Schema(),
    "admit": _Schema(roles=(SPECIALIST,)),
    "offer": _Schema(required={"sdp": _SDP}, needs_admission=True),
    "answer": _Schema(required={"sdp": _SDP}, needs_admission=True),
    "ice": _Schema(
        required={
            "candidate": _nullable(_any_text),
            "sdpMid": _nullable(_any_text),
            "sdpMLineIndex": _nullable(_index),
        },
        needs_admission=True,
    ),
    "chat": _Schema(
        required={"text": _text(1, MAX_CHAT_CHARS)},
        needs_admission=True,
    ),
    "state": _Schema(
        optional={"muted": _flag, "camera": _flag, "audioOnly": _flag},
        needs_one_optional=True,
    ),
    "leave": _Schema(),
    "end": _Schema(roles=(SPECIALIST,)),
    "ping": _Schema(),
}


def _reject_constant(name: str) -> None:
    # Python's json accepts NaN and Infinity; JSON does not, and browsers never send
    # them.
    raise ValueError(f"not JSON: {name}")


def _parse(raw_text: str | None, raw_bytes: bytes | None) -> dict:
    if raw_text is None:
        raise SignalingError(MALFORMED, _("Messages must be sent as text frames."))
    # Characters never outnumber UTF-8 bytes, so the cheap test comes first.
    if len(raw_text) > MAX_FRAME_BYTES or (
        len(raw_text.encode("utf-8", "surrogatepass")) > MAX_FRAME_BYTES
    ):
        raise SignalingError(TOO_LARGE, _("The message is larger than 64 KiB."))
    try:
        content = json.loads(raw_text, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        raise SignalingError(MALFORMED, _("The message is not valid JSON.")) from None
    if not isinstance(content, dict):
        raise SignalingError(MALFORMED, _("The message must be a JSON object."))
    return content


def _check_fields(content: dict, schema: _Schema) -> None:
    fields = {name: value for name, value in content.items() if name != "type"}
    for name in schema.required:
        if name not in fields:
            raise SignalingError(
                BAD_FIELDS, _('The field "%(name)s" is missing.') % {"name": name}
            )
    for name in sorted(fields):
        if name not in schema.required and name not in schema.optional:
            raise SignalingError(
                BAD_FIELDS, _('The field "%(name)s" is not expected.') % {"name": name}
            )
    checks = {**schema.required, **schema.optional}
    for name in sorted(fields):
        if not checks[name](fields[name]):
            raise SignalingError(
                BAD_FIELDS,
                _('The field "%(name)s" has the wrong type or size.') % {"name": name},
            )
    if schema.needs_one_optional and not any(
        name in fields for name in schema.optional
    ):
        raise SignalingError(
            BAD_FIELDS,
            _("Send at least one of: %(names)s.")
            % {"names": ", ".join(schema.optional)},
        )


def validate(
    raw_text: str | None, raw_bytes: bytes | None, *, role: str, admitted: bool
) -> dict:
    """The message of one WebSocket frame, checked against the protocol.

    `raw_text` is a text frame's payload, None for a binary frame (`raw_bytes`, which
    the protocol never accepts). Checks run in the order of docs/signaling.md: a text
    frame, the size, JSON, an object, a known type, its fields, the sender's role, then
    admission (the rate is the consumer's `RateLimiter`, checked before all of these).
    `admitted` is whether the specialist has let the client in; it gates media and chat
    for both sides.
    """
    content = _parse(raw_text, raw_bytes)
    message_type = content.get("type")
    if not isinstance(message_type, str) or message_type not in SCHEMAS:
        raise SignalingError(UNKNOWN_TYPE, _("The message type is missing or unknown."))
    schema = SCHEMAS[message_type]
    _check_fields(content, schema)
    if role not in schema.roles:
        raise SignalingError(FORBIDDEN, _("Only the specialist may send this message."))
    if schema.needs_admission and not admitted:
        raise SignalingError(NOT_ADMITTED, _("The client has not been let in yet."))
    return content


class RateLimiter:
    """At most `limit` messages in any `window` seconds on one socket.

    A sliding window of arrival times. It lives on the consumer, so it counts one
    connection: that is the unit a flooding browser tab uses, and it needs no shared
    state between workers.
    """

    def __init__(
        self,
        *,
        limit: int = RATE_LIMIT,
        window: float = RATE_WINDOW_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.limit = limit
        self.window = window
        self.clock = clock
        self._arrivals: deque[float] = deque()

    def hit(self) -> None:
        """Count one message; raise `too_many` if it is one too many."""
        now = self.clock()
        while self._arrivals and now - self._arrivals[0] >= self.window:
            self._arrivals.popleft()
        if len(self._arrivals) >= self.limit:
            raise SignalingError(
                TOO_MANY,
                _("Too many messages: at most %(limit)d in one second.")
                % {"limit": self.limit},
            )
        self._arrivals.append(now)

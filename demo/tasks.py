"""The demo's one periodic task (`demo/schedules.py`): keep a demo talk joinable
while `make run` runs."""

from datetime import datetime

from .talk import demo_talk_keep as _demo_talk_keep


def demo_talk_keep(*, now: datetime | None = None) -> int:
    """Book the demo's next joinable talk when the last one is over (only with
    KOMAK_DEMO_KEEP_TALK, which `make run` sets; demo/talk.py). Returns how many
    talks were booked: 0 or 1."""
    return int(_demo_talk_keep(now=now) is not None)

"""Waiting for something to happen, with a deadline, instead of sleeping a fixed time.

A fixed sleep is too short on a loaded machine and too long everywhere else. These
helpers poll a condition until it holds and fail with what they waited for when the
deadline passes, so a test waits exactly as long as the event takes.

Timing goals ("connects within 300 ms") are not asserted here or in tests at all: they
are benchmark figures, printed by `bench/`.
"""

import asyncio
import time


def _describe(check, what) -> str:
    return what or check.__doc__ or repr(check)


def eventually(check, timeout: float = 20.0, *, every: float = 0.25, what: str = ""):
    """Poll `check()` until it returns something true, and return that.

    `check` may read a page, a database or a file; raises AssertionError naming
    `what` (or the check) once `timeout` seconds have passed without it."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() >= deadline:
            raise AssertionError(f"not true after {timeout}s: {_describe(check, what)}")
        time.sleep(every)


async def eventually_async(
    check, timeout: float = 10.0, *, every: float = 0.05, what: str = ""
):
    """`eventually` inside an event loop: `check()` is a plain (sync) function, and
    the loop keeps running between polls (aiortc and sockets go on meanwhile)."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() >= deadline:
            raise AssertionError(f"not true after {timeout}s: {_describe(check, what)}")
        await asyncio.sleep(every)


def page_true(page, expression: str, timeout: float = 30.0):
    """Poll a JavaScript expression in a Playwright page until it is truthy.

    Polled with `page.evaluate`: the site's CSP rightly forbids the eval behind
    Playwright's `wait_for_function`."""
    return eventually(lambda: page.evaluate(expression), timeout, what=expression)


def grows(read, timeout: float = 20.0, *, by: float = 1, what: str = ""):
    """Wait until `read()` is at least `by` above its first value; return both values.

    For counters that prove something flows (frames decoded, bytes sent)."""
    first = read()
    later = eventually(
        lambda: (value := read()) >= first + by and (first, value),
        timeout,
        what=what or f"{read} to grow by {by} from {first}",
    )
    return later


def settles(read, window: float, timeout: float = 20.0, *, what: str = ""):
    """Wait until `read()` stays the same for `window` seconds; return that value.

    For a counter that must stop (video frames sent once the camera is switched
    off): it fails if the value still changes after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    value, since = read(), time.monotonic()
    while True:
        time.sleep(min(0.25, window))
        now_value, now = read(), time.monotonic()
        if now_value != value:
            value, since = now_value, now
        elif now - since >= window:
            return value
        if now >= deadline:
            raise AssertionError(
                f"still changing after {timeout}s: {what or read} (last {value})"
            )

"""First paint on Slow 3G: the home page, the heaviest lesson and the booking page,
each against the floor of one request of the same size (issue 14).

A black-box benchmark like `bench/page_weight.py` (whose helpers it uses): a real
Ko'mak with the demo content (`tests.support.live.LiveServer`), served by Daphne
through `bench/floor_asgi.py`, which adds the floor page and nothing else. Each page
is opened in Chromium in a fresh context with the HTTP cache off, on DevTools' Slow 3G
(2 s latency, 50 KB/s each way, CDP `Network.emulateNetworkConditions`):

- first contentful paint, from the page's own `first-contentful-paint` entry (time
  since the navigation began, redirects included), the median of `RUNS`;
- the requests finished before that paint (CDP `Network.loadingFinished`, and each
  redirect's hop, against the `firstContentfulPaint` lifecycle event, one clock);
- the floor: a page of as many bytes as the measured page's document took on the
  wire, that needs no other request, from the same server in the same run;
- the ratio of the two. Goals: within 1.2 x the floor, one request before the paint.

The pages: `/` (the bare address a learner types), `/uz/` (the home page), the
heaviest lesson for the signed-in demo learner (the most bytes of every lesson on
the course list) and the booking page for a visitor. Every figure is printed as
`BENCH <name> <value> <unit>`; docs/benchmarks.md ("First paint") explains them.

Run it with `make bench`, or alone with `python -m bench.first_paint`.
"""

import shutil
import statistics
import time
from dataclasses import dataclass, field

from playwright.sync_api import Browser, sync_playwright

from bench.floor_asgi import FLOOR_PATH
from bench.page_weight import (
    BROWSER_ARGS,
    LOCALE,
    SLOW_3G,
    SLOW_NAV_TIMEOUT_MS,
    bench,
    chromium,
    find_lessons,
    goal,
    path_of,
    sign_in,
    weigh,
)
from tests.support.live import LiveServer

RUNS = 3
GOAL_RATIO = 1.2
GOAL_REQUESTS = 1
BOOKING = "/uz/consultations/book/"
PAINT_TIMEOUT_S = 60


@dataclass
class PaintRun:
    paint_ms: float
    requests_before_paint: int
    document_bytes: int
    finished: list[str] = field(default_factory=list)


@dataclass
class PaintTrace:
    """Network hops and the first contentful paint of one navigation, from CDP."""

    finished: list[tuple[float, str]] = field(default_factory=list)
    urls: dict[str, str] = field(default_factory=dict)
    document_bytes: dict[str, int] = field(default_factory=dict)
    paint_at: float | None = None

    def attach(self, cdp) -> None:
        cdp.on("Network.requestWillBeSent", self.sent)
        cdp.on("Network.loadingFinished", self.done)
        cdp.on("Page.lifecycleEvent", self.lifecycle)

    def sent(self, event: dict) -> None:
        redirect = event.get("redirectResponse")
        if redirect is not None:
            # The previous hop of a redirect ends when its answer is in.
            previous = self.urls.get(event["requestId"], redirect.get("url", ""))
            self.finished.append((event["timestamp"], previous))
        self.urls[event["requestId"]] = event["request"]["url"]
        if event.get("type") == "Document":
            self.document_bytes.setdefault(event["requestId"], 0)

    def done(self, event: dict) -> None:
        url = self.urls.get(event["requestId"], "")
        if url.startswith(("http:", "https:")):
            self.finished.append((event["timestamp"], url))
        if event["requestId"] in self.document_bytes:
            self.document_bytes[event["requestId"]] = int(event["encodedDataLength"])

    def lifecycle(self, event: dict) -> None:
        if event["name"] == "firstContentfulPaint" and self.paint_at is None:
            self.paint_at = event["timestamp"]

    def before_paint(self) -> list[str]:
        return [url for at, url in self.finished if at <= self.paint_at]


def paint_once(browser: Browser, url: str, state: dict | None = None) -> PaintRun:
    """One cold-cache navigation on Slow 3G: its first paint and what came before."""
    context = browser.new_context(storage_state=state, locale=LOCALE)
    try:
        page = context.new_page()
        page.set_default_timeout(SLOW_NAV_TIMEOUT_MS)
        cdp = context.new_cdp_session(page)
        trace = PaintTrace()
        trace.attach(cdp)
        cdp.send("Page.enable")
        cdp.send("Page.setLifecycleEventsEnabled", {"enabled": True})
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        cdp.send("Network.emulateNetworkConditions", SLOW_3G)
        page.goto(url, wait_until="load")
        paint_ms = page.evaluate(
            """() => new Promise(resolve => {
                const found = () =>
                    performance.getEntriesByName('first-contentful-paint');
                if (found().length) return resolve(found()[0].startTime);
                new PerformanceObserver(() => resolve(found()[0].startTime))
                    .observe({type: 'paint', buffered: true});
            })"""
        )
        deadline = time.monotonic() + PAINT_TIMEOUT_S
        while trace.paint_at is None and time.monotonic() < deadline:
            page.wait_for_timeout(100)
        if trace.paint_at is None:
            raise RuntimeError(f"{url}: no firstContentfulPaint lifecycle event")
        before = trace.before_paint()
        return PaintRun(
            paint_ms=paint_ms,
            requests_before_paint=len(before),
            document_bytes=sum(trace.document_bytes.values()),
            finished=before,
        )
    finally:
        context.close()


def paint(browser: Browser, url: str, state: dict | None = None) -> PaintRun:
    """The median of `RUNS` navigations (requests and bytes of the median run)."""
    runs = sorted(
        (paint_once(browser, url, state) for _ in range(RUNS)),
        key=lambda run: run.paint_ms,
    )
    times = ", ".join(str(round(run.paint_ms)) for run in runs)
    print(f"# first paint of {path_of(url)} on Slow 3G (ms): {times}", flush=True)
    median = runs[len(runs) // 2]
    median.paint_ms = statistics.median(run.paint_ms for run in runs)
    return median


def heaviest_lesson(browser: Browser, base: str) -> str:
    _, lessons = find_lessons(browser, base)
    if not lessons:
        raise RuntimeError("no lessons found from the course list")
    weights = [weigh(browser, url) for url in lessons]
    heaviest = max(weights, key=lambda weight: weight.bytes)
    print(
        f"# heaviest of {len(lessons)} lessons: {path_of(heaviest.url)}"
        f" ({heaviest.bytes} bytes)",
        flush=True,
    )
    return heaviest.url


def measure(browser: Browser, base: str) -> None:
    state = sign_in(browser, base)
    pages = [
        ("bare_address", base + "/", None),
        ("home", base + "/uz/", None),
        ("lesson_heaviest", heaviest_lesson(browser, base), state),
        ("booking_visitor", base + BOOKING, None),
    ]
    for name, url, page_state in pages:
        measured = paint(browser, url, page_state)
        for hop in measured.finished:
            print(f"#   before paint: {path_of(hop)}", flush=True)
        floor_url = f"{base}{FLOOR_PATH}?bytes={measured.document_bytes}"
        floor = paint(browser, floor_url)
        # The floor may paint before its last byte is in (0 requests finished).
        if floor.requests_before_paint > 1:
            raise RuntimeError(f"the floor page needed {floor.requests_before_paint}")
        ratio = measured.paint_ms / floor.paint_ms
        bench(f"first_paint_{name}_slow3g_ms", measured.paint_ms, "ms")
        bench(
            f"first_paint_{name}_requests", measured.requests_before_paint, "requests"
        )
        bench(f"first_paint_{name}_document_bytes", measured.document_bytes, "bytes")
        bench(f"first_paint_{name}_floor_ms", floor.paint_ms, "ms")
        bench(f"first_paint_{name}_vs_floor_ratio", ratio, "ratio")
        goal(
            f"goal: {name} paints within {GOAL_RATIO} x the floor",
            ratio <= GOAL_RATIO,
        )
        goal(
            f"goal: {name} paints after {GOAL_REQUESTS} request",
            measured.requests_before_paint <= GOAL_REQUESTS,
        )


def main() -> None:
    executable = chromium()
    server = LiveServer()
    try:
        server.prepare()
        server.start(asgi_app="bench.floor_asgi:application")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=executable, args=BROWSER_ARGS
            )
            try:
                measure(browser, server.url)
            finally:
                browser.close()
    finally:
        server.stop()
    # Kept on failure: the Daphne log there explains what broke.
    shutil.rmtree(server.workdir, ignore_errors=True)


if __name__ == "__main__":
    main()

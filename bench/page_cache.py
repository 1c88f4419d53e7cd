"""Requests per second for a lesson from the anonymous page cache, through one Daphne,
against the same bytes served as a static file by the same server.

The server is a real Ko'mak in the embedded profile (`tests.support.live.LiveServer`:
fresh SQLite, demo content, `DJANGO_DEBUG=0`, so the page cache is on, kept in files
beside the database). The heaviest demo lesson's HTML, as an anonymous visitor gets
it, is written into the static folder before Daphne starts, so WhiteNoise serves the
very same bytes at `/static/bench-lesson.html`. This process then keeps a number of
HTTP/1.1 keep-alive connections busy for a while against each address in turn,
`cached` and `static` alternating so that a busy moment of the machine weighs on both
alike, and `uncached` (the same lesson with a query string, which the cache lets
through to Wagtail) once for scale. Every figure is printed as `BENCH <name> <value>
<unit>`; docs/benchmarks.md explains them.

Run it with `make bench`, or alone with `python -m bench.page_cache`.
"""

import asyncio
import os
import re
import shutil
import statistics
import time
import urllib.request
from dataclasses import dataclass, field

from bench.page_weight import COURSE_LIST
from tests.support.live import LiveServer

CONNECTIONS = 8
ROUND_SECONDS = 5
ROUNDS = 3  # of cached and static each, alternating
STATIC_NAME = "bench-lesson.html"
# Issue 12: a cached lesson at half the static file's rate or better.
GOAL_RATIO = 0.5


@dataclass
class Run:
    latencies_ms: list = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0
    bytes: int = 0

    def rps(self) -> float:
        return len(self.latencies_ms) / self.seconds if self.seconds else 0.0

    def p(self, rank: int) -> float:
        if len(self.latencies_ms) < 2:
            return float("nan")
        return statistics.quantiles(self.latencies_ms, n=100, method="inclusive")[
            rank - 1
        ]


async def one_connection(port: int, path: str, until: float, run: Run) -> None:
    """Keep one HTTP/1.1 connection busy until `until`; a connection the server
    closes (`Connection: close`) is opened again, within the next request's time."""
    request = (
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        "Accept-Encoding: identity\r\n\r\n"
    ).encode()
    reader = writer = None
    try:
        while time.monotonic() < until:
            started = time.perf_counter()
            if writer is None:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(request)
            status_line = await reader.readline()
            length, closing = 0, not status_line
            while status_line:
                line = await reader.readline()
                if line in (b"\r\n", b""):
                    break
                name, _, value = line.decode("latin-1").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
                elif name.lower() == "connection" and value.strip() == "close":
                    closing = True
            body = await reader.readexactly(length) if length else b""
            if closing:
                writer.close()
                reader = writer = None
            if not status_line.startswith(b"HTTP/1.1 200"):
                run.errors += 1
                continue
            run.latencies_ms.append((time.perf_counter() - started) * 1000)
            run.bytes = len(body)
    finally:
        if writer is not None:
            writer.close()


async def load(port: int, path: str, seconds: float, run: Run) -> None:
    started = time.monotonic()
    until = started + seconds
    await asyncio.gather(
        *(one_connection(port, path, until, run) for _ in range(CONNECTIONS))
    )
    run.seconds += time.monotonic() - started


def bench(name: str, value: float, unit: str) -> None:
    text = f"{value:.2f}" if unit in {"ms", "ratio", "requests/s"} else str(value)
    print(f"BENCH {name} {text} {unit}", flush=True)


def fetch(url: str) -> tuple[bytes, dict]:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(url, timeout=30) as response:
        return response.read(), dict(response.headers)


def lesson_paths(server: LiveServer) -> list[str]:
    """Every lesson, by following the course list's links to each course's list."""
    index = fetch(server.url + COURSE_LIST)[0].decode()
    courses = sorted(
        set(re.findall(rf'href="({re.escape(COURSE_LIST)}[^"#?]+/)"', index))
    )
    lessons = []
    for course in courses:
        html = fetch(server.url + course)[0].decode()
        listing = html.split('<ol class="lesson-list">', 1)[-1].split("</ol>", 1)[0]
        lessons += re.findall(r'href="([^"#?]+)"', listing)
    return lessons


def heaviest_lesson(server: LiveServer) -> tuple[str, bytes]:
    lessons = lesson_paths(server)
    if not lessons:
        raise RuntimeError("no lesson found from the course list")
    pages = {path: fetch(server.url + path)[0] for path in lessons}
    path = max(pages, key=lambda key: len(pages[key]))
    return path, pages[path]


async def measure(port: int, lesson: str) -> dict[str, Run]:
    runs = {"cached": Run(), "static": Run(), "uncached": Run()}
    for _ in range(ROUNDS):
        await load(port, lesson, ROUND_SECONDS, runs["cached"])
        await load(port, f"/static/{STATIC_NAME}", ROUND_SECONDS, runs["static"])
    await load(port, lesson + "?bench=uncached", ROUND_SECONDS, runs["uncached"])
    return runs


def main() -> None:
    server = LiveServer()
    try:
        server.prepare()
        server.start()
        lesson, html = heaviest_lesson(server)
        server.stop()
        # Same bytes, as a file WhiteNoise finds when Daphne starts again.
        (server.workdir / "static" / STATIC_NAME).write_bytes(html)
        server.start()
        fetch(server.url + lesson)  # the first visit stores it
        body, headers = fetch(server.url + lesson)
        if headers.get("X-Page-Cache") != "hit":
            raise RuntimeError(f"{lesson} is not served from the page cache")
        print(
            f"# lesson {lesson}: {len(body)} bytes of HTML; {CONNECTIONS} keep-alive "
            f"connections, {ROUNDS} x {ROUND_SECONDS} s per kind, one Daphne; "
            f"load average {os.getloadavg()[0]:.1f}",
            flush=True,
        )
        runs = asyncio.run(measure(server.port, lesson))
    finally:
        server.stop()
    for kind, run in runs.items():
        print(
            f"# {kind}: {len(run.latencies_ms)} requests in {run.seconds:.1f} s, "
            f"{run.errors} errors, {run.bytes} bytes each; ms p50 {run.p(50):.2f}, "
            f"p95 {run.p(95):.2f}, p99 {run.p(99):.2f}",
            flush=True,
        )
    cached, static, uncached = runs["cached"], runs["static"], runs["uncached"]
    bench("page_cached_rps", cached.rps(), "requests/s")
    bench("page_cached_p95_ms", cached.p(95), "ms")
    bench("page_static_rps", static.rps(), "requests/s")
    bench("page_static_p95_ms", static.p(95), "ms")
    bench("page_cached_vs_static_rps_ratio", cached.rps() / static.rps(), "ratio")
    bench("page_uncached_rps", uncached.rps(), "requests/s")
    bench("page_uncached_p95_ms", uncached.p(95), "ms")
    bench("page_cached_errors", cached.errors + static.errors, "requests")
    met = cached.rps() / static.rps() >= GOAL_RATIO and not cached.errors
    print(
        f"# goal: cached lesson at >= {GOAL_RATIO} x the static file's rate: "
        f"{'goal met' if met else 'goal NOT met'}",
        flush=True,
    )
    shutil.rmtree(server.workdir, ignore_errors=True)


if __name__ == "__main__":
    main()

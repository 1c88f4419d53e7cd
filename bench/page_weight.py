"""Page weight and Slow 3G load time of the heaviest lesson, against stock Wagtail.

A black-box benchmark: it starts a real Ko'mak (`tests.support.live.LiveServer`), finds
the lessons by following links from the course list, and measures them in Chromium
through the DevTools protocol, cold cache every time. The baseline is a stock Wagtail
admin page open to visitors (the password-reset form: the admin's sign-in page now
sends people to ours), measured the same way in the same run. Every figure is printed as
`BENCH <name> <value> <unit>`; docs/benchmarks.md explains them.

Run it with `make bench`, or alone with `python -m bench.page_weight`.
"""

import shutil
import statistics
import time
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from playwright.sync_api import Browser, Page, sync_playwright

from tests.support.live import CHROMIUM_ARGS, LiveServer

COURSE_LIST = "/uz/kurslar/"
BASELINE = "/admin/password_reset/"
LOGIN = "/uz/accounts/login/"
LEARNER = "learner"
LEARNER_PASSWORD = "komak-demo-2026"  # noqa: S105 - the seeded demo account

GOAL_BYTES = 100 * 1024
# Measure what an Uzbek-speaking learner gets: the interface in Uzbek.
LOCALE = "uz-UZ"
GOAL_REQUESTS = 10
GOAL_LOAD_MS = 6000

# DevTools' "Slow 3G" preset: 2 s round trip, 400 kbit/s each way (in bytes/s).
SLOW_3G = {
    "offline": False,
    "latency": 2000,
    "downloadThroughput": 400 * 1000 / 8,
    "uploadThroughput": 400 * 1000 / 8,
}
SLOW_RUNS = 3

MAX_COURSES = 50
MAX_LESSONS = 200
NAV_TIMEOUT_MS = 30_000
SLOW_NAV_TIMEOUT_MS = 120_000
QUIET_S = 0.5
SETTLE_TIMEOUT_S = 15

# Nothing but the local server may be reached, whatever a page links to.
BROWSER_ARGS = [
    *CHROMIUM_ARGS,
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]


@dataclass
class Request:
    method: str
    url: str
    bytes: int = 0
    done: bool = False


@dataclass
class Traffic:
    """Requests a page made, from CDP Network events, and the bytes each received."""

    requests: dict[str, Request] = field(default_factory=dict)
    hops: list[Request] = field(default_factory=list)
    last_event: float = field(default_factory=time.monotonic)

    def attach(self, cdp) -> None:
        cdp.on("Network.requestWillBeSent", self.sent)
        cdp.on("Network.loadingFinished", self.finished)
        cdp.on("Network.loadingFailed", self.failed)

    def sent(self, event: dict) -> None:
        self.last_event = time.monotonic()
        url = event["request"]["url"]
        if not url.startswith(("http:", "https:")):
            return
        previous = self.requests.get(event["requestId"])
        redirect = event.get("redirectResponse")
        # A redirect reuses the request id: close the previous hop with its response.
        if previous is not None and redirect is not None:
            previous.bytes = int(redirect.get("encodedDataLength", 0))
            previous.done = True
        request = Request(event["request"]["method"], url)
        self.requests[event["requestId"]] = request
        self.hops.append(request)

    def finished(self, event: dict) -> None:
        self.last_event = time.monotonic()
        request = self.requests.get(event["requestId"])
        if request is not None:
            request.bytes = int(event.get("encodedDataLength", 0))
            request.done = True

    def failed(self, event: dict) -> None:
        self.last_event = time.monotonic()
        request = self.requests.get(event["requestId"])
        if request is not None:
            request.done = True

    @property
    def total_bytes(self) -> int:
        return sum(hop.bytes for hop in self.hops)

    def pending(self) -> list[str]:
        return [hop.url for hop in self.hops if not hop.done]

    def settle(self, page: Page) -> None:
        """Wait until nothing is in flight and the page has been quiet for a moment.

        The progress POST starts from a module script and may finish after `load`.
        """
        deadline = time.monotonic() + SETTLE_TIMEOUT_S
        while time.monotonic() < deadline:
            quiet = time.monotonic() - self.last_event >= QUIET_S
            if quiet and not self.pending():
                return
            page.wait_for_timeout(100)
        raise RuntimeError(f"still loading after {SETTLE_TIMEOUT_S}s: {self.pending()}")


@dataclass
class Weight:
    url: str
    bytes: int
    requests: int
    hops: list[Request]


def chromium() -> str:
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    raise RuntimeError("Chromium is not installed (apt-get install chromium)")


def same_origin(base: str, href: str) -> str | None:
    url = urljoin(base, href).split("#", 1)[0]
    return url if urlsplit(url).netloc == urlsplit(base).netloc else None


def links(page: Page, selector: str) -> list[str]:
    hrefs = page.eval_on_selector_all(
        selector, "els => els.map(e => e.getAttribute('href'))"
    )
    found = []
    for href in hrefs:
        url = same_origin(page.url, href or "")
        if url and url not in found:
            found.append(url)
    return found


def find_lessons(browser: Browser, base: str) -> tuple[int, list[str]]:
    """Follow the course list to every course, and every course to its lessons."""
    context = browser.new_context(locale=LOCALE)
    try:
        page = context.new_page()
        page.set_default_timeout(NAV_TIMEOUT_MS)
        page.goto(base + COURSE_LIST)
        courses = [
            url
            for url in links(page, "main a[href]")
            if urlsplit(url).path.startswith(COURSE_LIST)
            and urlsplit(url).path != COURSE_LIST
        ][:MAX_COURSES]
        lessons: list[str] = []
        for course in courses:
            page.goto(course)
            for url in links(page, "ol.lesson-list a"):
                if url not in lessons:
                    lessons.append(url)
        return len(courses), lessons[:MAX_LESSONS]
    finally:
        context.close()


def sign_in(browser: Browser, base: str) -> dict:
    """Sign in through the form and return the storage state (the session cookie)."""
    context = browser.new_context(locale=LOCALE)
    try:
        page = context.new_page()
        page.set_default_timeout(NAV_TIMEOUT_MS)
        page.goto(base + LOGIN)
        page.fill("#id_login", LEARNER)
        page.fill("#id_password", LEARNER_PASSWORD)
        with page.expect_navigation():
            page.press("#id_password", "Enter")
        page.goto(base + "/uz/learning/my/")
        # Signed out, the page would be the sign-in form (in place or after a redirect).
        sign_in_form = page.locator('form[action$="/accounts/login/"]').count()
        if urlsplit(page.url).path.startswith(LOGIN) or sign_in_form:
            raise RuntimeError(f"could not sign in as {LEARNER!r}")
        return context.storage_state()
    finally:
        context.close()


def weigh(browser: Browser, url: str, state: dict | None = None) -> Weight:
    """Load a page in a fresh context (empty HTTP cache) and count what came over."""
    context = browser.new_context(storage_state=state, locale=LOCALE)
    try:
        page = context.new_page()
        page.set_default_timeout(NAV_TIMEOUT_MS)
        cdp = context.new_cdp_session(page)
        traffic = Traffic()
        traffic.attach(cdp)
        cdp.send("Network.enable")
        response = page.goto(url, wait_until="load")
        if response is None or not response.ok or response.url != url:
            status = response.status if response else "no response"
            final = response.url if response else url
            raise RuntimeError(f"{url} answered {status} at {final}")
        traffic.settle(page)
        return Weight(url, traffic.total_bytes, len(traffic.hops), traffic.hops)
    finally:
        context.close()


def slow_3g_load_ms(browser: Browser, url: str, state: dict | None = None) -> float:
    """Median time to the `load` event under Slow 3G, cache disabled, fresh contexts."""
    times = []
    for _ in range(SLOW_RUNS):
        context = browser.new_context(storage_state=state, locale=LOCALE)
        try:
            page = context.new_page()
            page.set_default_timeout(SLOW_NAV_TIMEOUT_MS)
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
            cdp.send("Network.emulateNetworkConditions", SLOW_3G)
            page.goto(url, wait_until="load")
            times.append(
                page.evaluate(
                    "() => performance.getEntriesByType('navigation')[0].loadEventStart"
                )
            )
        finally:
            context.close()
    runs = ", ".join(str(round(ms)) for ms in times)
    print(f"# Slow 3G load of {path_of(url)} (ms): {runs}", flush=True)
    return statistics.median(times)


def bench(name: str, value: float, unit: str) -> None:
    text = f"{value:.2f}" if unit == "ratio" else str(round(value))
    print(f"BENCH {name} {text} {unit}", flush=True)


def goal(label: str, met: bool) -> None:
    print(f"# {label}: {'goal met' if met else 'goal NOT met'}", flush=True)


def path_of(url: str) -> str:
    return urlsplit(url).path


def measure(browser: Browser, base: str) -> None:
    course_count, lessons = find_lessons(browser, base)
    if not lessons:
        raise RuntimeError(f"no lessons found from {COURSE_LIST}")
    print(f"# {len(lessons)} lessons in {course_count} courses", flush=True)

    state = sign_in(browser, base)
    anon: list[Weight] = []
    learner: list[Weight] = []
    for url in lessons:
        anon.append(weigh(browser, url))
        signed_in = weigh(browser, url, state)
        # A signed-in lesson loads progress.js; without it the session did not carry.
        if not any("/static/js/progress." in hop.url for hop in signed_in.hops):
            raise RuntimeError(f"{url}: no progress.js, so not signed in")
        learner.append(signed_in)
        print(
            f"# {path_of(url)}: anonymous {anon[-1].bytes} bytes"
            f" / {anon[-1].requests} requests,"
            f" signed in {signed_in.bytes} bytes / {signed_in.requests} requests",
            flush=True,
        )

    heaviest = max(learner, key=lambda w: w.bytes)
    heaviest_anon = max(anon, key=lambda w: w.bytes)
    print(f"# heaviest lesson: {path_of(heaviest.url)}", flush=True)
    for hop in heaviest.hops:
        print(f"#   {hop.bytes:>7} bytes  {hop.method} {path_of(hop.url)}", flush=True)
    print(f"# heaviest lesson (anonymous): {path_of(heaviest_anon.url)}", flush=True)
    lesson_ms = slow_3g_load_ms(browser, heaviest.url, state)

    baseline = weigh(browser, base + BASELINE)
    print(f"# baseline: {BASELINE}", flush=True)
    for hop in baseline.hops:
        print(f"#   {hop.bytes:>7} bytes  {hop.method} {path_of(hop.url)}", flush=True)
    baseline_ms = slow_3g_load_ms(browser, base + BASELINE)

    bench("lesson_heaviest_bytes", heaviest.bytes, "bytes")
    bench("lesson_heaviest_requests", heaviest.requests, "requests")
    bench("lesson_slow3g_load_ms", lesson_ms, "ms")
    bench("lesson_heaviest_anon_bytes", heaviest_anon.bytes, "bytes")
    bench("lesson_heaviest_anon_requests", heaviest_anon.requests, "requests")
    bench("baseline_admin_page_bytes", baseline.bytes, "bytes")
    bench("baseline_admin_page_requests", baseline.requests, "requests")
    bench("baseline_admin_page_slow3g_load_ms", baseline_ms, "ms")
    bench("lesson_vs_baseline_bytes_ratio", heaviest.bytes / baseline.bytes, "ratio")
    bench(
        "lesson_vs_baseline_requests_ratio",
        heaviest.requests / baseline.requests,
        "ratio",
    )
    bench("lesson_vs_baseline_slow3g_ratio", lesson_ms / baseline_ms, "ratio")

    goal(
        f"goal: heaviest lesson <= {GOAL_BYTES} bytes (100 KB)",
        heaviest.bytes <= GOAL_BYTES,
    )
    goal(
        f"goal: heaviest lesson <= {GOAL_REQUESTS} requests",
        heaviest.requests <= GOAL_REQUESTS,
    )
    goal(
        f"goal: heaviest lesson loads in <= {GOAL_LOAD_MS} ms on Slow 3G",
        lesson_ms <= GOAL_LOAD_MS,
    )


def main() -> None:
    executable = chromium()
    with LiveServer() as server:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=executable, args=BROWSER_ARGS
            )
            try:
                measure(browser, server.url)
            finally:
                browser.close()
    # Kept on failure: the Daphne log there explains what broke.
    shutil.rmtree(server.workdir, ignore_errors=True)


if __name__ == "__main__":
    main()

"""The heaviest practice-simulation screen against its lesson without the practice.

A simulation is played one screen per page (learning/simulation_views.py), so a
learner on a weak connection pays for each screen as for a page. The goal (issue 16):
the heaviest screen weighs no more than 10 % above the lesson page that holds the
simulation, measured as that lesson would be without it.

Black-box, in one run against a real Ko'mak (`tests.support.live.LiveServer`, demo
content): the demo learner is signed in through the form; every screen and ending of
every demo simulation is reached by posting the choices as the screens' forms do (the
shortest way there, read once from the database), and each is loaded in Chromium in
a fresh context (empty HTTP cache). Bytes are those of the HTML, CSS and JavaScript as
they came over the wire (`encodedDataLength`: headers plus the body, compressed as
served). Then, for the lesson holding the heaviest screen, the simulation block is
removed and the lesson republished, and that page is measured the same way. Both get
their Slow 3G first contentful paint (DevTools' preset through CDP, cache disabled,
median of SLOW_RUNS).

Every figure is printed as `BENCH <name> <value> <unit>`; docs/benchmarks.md explains
them. Run it with `make bench`, or alone with `python -m bench.simulation_weight`.
"""

import json
import re
import shutil
import statistics
from dataclasses import dataclass, field

from playwright.sync_api import APIRequestContext, Browser, sync_playwright

from bench.page_weight import (
    BROWSER_ARGS,
    LOCALE,
    NAV_TIMEOUT_MS,
    SLOW_3G,
    SLOW_NAV_TIMEOUT_MS,
    SLOW_RUNS,
    Traffic,
    bench,
    chromium,
    goal,
    path_of,
    sign_in,
)
from tests.support.live import LiveServer

# The heaviest screen may weigh at most this much of its lesson without the practice.
GOAL_RATIO = 1.10
# CDP's resource types that are HTML, CSS and JavaScript.
PAGE_TYPES = {"Document", "Stylesheet", "Script"}

# Every demo simulation of the Uzbek lessons and, for each screen and ending, the
# choices that lead there first: [[screen key, choice number], ...].
SIMULATIONS_CODE = """
import json
from collections import deque
from django.urls import reverse
from django.utils import translation
from learning.simulation_blocks import simulation_graph
from learning.models import LessonPage
found = []
lessons = LessonPage.objects.live().filter(locale__language_code="uz")
for lesson in lessons.order_by("path"):
    for block in lesson.body:
        if block.block_type != "simulation":
            continue
        graph = simulation_graph(block.value)
        paths = {graph.start: []}
        queue = deque([graph.start])
        while queue:
            key = queue.popleft()
            screen = graph.screens.get(key)
            for index, choice in enumerate(screen.choices if screen else ()):
                if choice.next not in paths:
                    paths[choice.next] = paths[key] + [[key, index]]
                    queue.append(choice.next)
        with translation.override("uz"):
            play = reverse("learning_simulation", args=[lesson.pk, block.id])
        found.append({
            "lesson_id": lesson.pk,
            "lesson": lesson.get_url(),
            "play": play,
            "steps": [
                {"key": key, "ending": graph.is_ending(key), "path": path}
                for key, path in paths.items()
            ],
        })
print(json.dumps(found))
"""

# The lesson, republished without its simulation blocks (a throwaway database).
WITHOUT_SIMULATION_CODE = """
from wagtail.blocks import StreamValue
from learning.models import LessonPage
lesson = LessonPage.objects.get(pk={lesson_id})
kept = [block for block in lesson.body.raw_data if block["type"] != "simulation"]
lesson.body = StreamValue(lesson.body.stream_block, kept, is_lazy=True)
lesson.save_revision().publish()
lesson.refresh_from_db()
print(sum(1 for block in lesson.body if block.block_type == "simulation"))
"""

FIRST_CONTENTFUL_PAINT = """
() => new Promise((resolve) => {
  const found = () => performance.getEntriesByName("first-contentful-paint")[0];
  if (found()) return resolve(found().startTime);
  new PerformanceObserver(() => found() && resolve(found().startTime))
    .observe({ type: "paint", buffered: true });
})
"""

_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_RUN = re.compile(r'name="run" value="(\d*)"')


@dataclass
class TypedTraffic(Traffic):
    """Traffic that also keeps each hop's resource type (Document, Script, ...)."""

    kinds: list[str] = field(default_factory=list)

    def sent(self, event: dict) -> None:
        hops = len(self.hops)
        super().sent(event)
        if len(self.hops) > hops:
            self.kinds.append(event.get("type", "Other"))

    def bytes_of(self, kinds: set[str]) -> int:
        return sum(
            hop.bytes
            for hop, kind in zip(self.hops, self.kinds, strict=True)
            if kind in kinds
        )


@dataclass
class PageWeight:
    url: str
    page_bytes: int  # HTML, CSS and JavaScript
    all_bytes: int
    requests: int
    traffic: TypedTraffic


def weigh(browser: Browser, url: str, state: dict) -> PageWeight:
    """Load a page in a fresh context (empty HTTP cache) and count what came over."""
    context = browser.new_context(storage_state=state, locale=LOCALE)
    try:
        page = context.new_page()
        page.set_default_timeout(NAV_TIMEOUT_MS)
        cdp = context.new_cdp_session(page)
        traffic = TypedTraffic()
        traffic.attach(cdp)
        cdp.send("Network.enable")
        response = page.goto(url, wait_until="load")
        if response is None or not response.ok or response.url != url:
            status = response.status if response else "no response"
            raise RuntimeError(f"{url} answered {status}")
        traffic.settle(page)
        return PageWeight(
            url,
            traffic.bytes_of(PAGE_TYPES),
            traffic.total_bytes,
            len(traffic.hops),
            traffic,
        )
    finally:
        context.close()


def slow_3g_first_paint_ms(browser: Browser, url: str, state: dict) -> float:
    """Median first contentful paint under Slow 3G, cache disabled, fresh contexts."""
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
            times.append(page.evaluate(FIRST_CONTENTFUL_PAINT))
        finally:
            context.close()
    runs = ", ".join(str(round(ms)) for ms in times)
    print(f"# Slow 3G first paint of {path_of(url)} (ms): {runs}", flush=True)
    return statistics.median(times)


def post_form(api: APIRequestContext, url: str, html: str, data: dict) -> str:
    """Post as a screen's form does (its CSRF token and run), return the next page."""
    run = _RUN.search(html)
    response = api.post(
        url,
        form={
            "csrfmiddlewaretoken": _CSRF.search(html).group(1),
            "run": run.group(1) if run else "",
            **data,
        },
    )
    if not response.ok:
        raise RuntimeError(f"POST {url} {data} answered {response.status}")
    return response.text()


def go_to(api: APIRequestContext, url: str, step: dict) -> None:
    """Start a new try and take the choices that lead to `step`."""
    html = post_form(api, url, api.get(url).text(), {"action": "restart"})
    for screen, choice in step["path"]:
        html = post_form(
            api,
            url,
            html,
            {"action": "choose", "screen": screen, "choice": str(choice)},
        )
    here = (
        "data-simulation-result" in html
        if step["ending"]
        else f'name="screen" value="{step["key"]}"' in html
    )
    if not here:
        raise RuntimeError(f"could not reach {step['key']} of {url}")


def print_hops(label: str, weight: PageWeight) -> None:
    print(f"# {label}: {path_of(weight.url)}", flush=True)
    for hop, kind in zip(weight.traffic.hops, weight.traffic.kinds, strict=True):
        print(
            f"#   {hop.bytes:>7} bytes  {kind:<10} {hop.method} {path_of(hop.url)}",
            flush=True,
        )


def measure(browser: Browser, api: APIRequestContext, server: LiveServer, state):
    simulations = json.loads(server.shell(SIMULATIONS_CODE))
    if not simulations:
        raise RuntimeError("no simulation in the demo lessons")
    screens: list[tuple[PageWeight, dict, dict]] = []
    for simulation in simulations:
        url = server.url + simulation["play"]
        for step in simulation["steps"]:
            go_to(api, url, step)
            weight = weigh(browser, url, state)
            screens.append((weight, simulation, step))
            print(
                f"# {path_of(url)} {step['key']}: {weight.page_bytes} bytes of HTML,"
                f" CSS and JavaScript; {weight.all_bytes} bytes in"
                f" {weight.requests} requests",
                flush=True,
            )
    heaviest, simulation, step = max(screens, key=lambda found: found[0].page_bytes)
    print(
        f"# {len(screens)} screens and endings in {len(simulations)} simulations;"
        f" heaviest: {step['key']} of {path_of(heaviest.url)}",
        flush=True,
    )
    print_hops("heaviest simulation screen", heaviest)
    go_to(api, heaviest.url, step)
    screen_paint_ms = slow_3g_first_paint_ms(browser, heaviest.url, state)

    lesson_url = simulation["lesson"]
    if not lesson_url.startswith("http"):
        lesson_url = server.url + lesson_url
    with_block = weigh(browser, lesson_url, state)
    left = server.shell(
        WITHOUT_SIMULATION_CODE.format(lesson_id=int(simulation["lesson_id"]))
    )
    if left != "0":
        raise RuntimeError(f"the lesson still has {left} simulation blocks")
    lesson = weigh(browser, lesson_url, state)
    print_hops("the same lesson without the simulation", lesson)
    lesson_paint_ms = slow_3g_first_paint_ms(browser, lesson_url, state)

    ratio = heaviest.page_bytes / lesson.page_bytes
    bench("simulation_screen_heaviest_bytes", heaviest.page_bytes, "bytes")
    bench("simulation_screen_heaviest_all_bytes", heaviest.all_bytes, "bytes")
    bench("simulation_screen_heaviest_requests", heaviest.requests, "requests")
    bench("simulation_screen_slow3g_fcp_ms", screen_paint_ms, "ms")
    bench("simulation_lesson_without_bytes", lesson.page_bytes, "bytes")
    bench("simulation_lesson_without_all_bytes", lesson.all_bytes, "bytes")
    bench("simulation_lesson_without_requests", lesson.requests, "requests")
    bench("simulation_lesson_without_slow3g_fcp_ms", lesson_paint_ms, "ms")
    bench("simulation_lesson_with_bytes", with_block.page_bytes, "bytes")
    bench("simulation_screen_vs_lesson_bytes_ratio", ratio, "ratio")
    bench(
        "simulation_screen_vs_lesson_slow3g_fcp_ratio",
        screen_paint_ms / lesson_paint_ms,
        "ratio",
    )
    goal(
        f"goal: heaviest simulation screen <= {GOAL_RATIO:.2f} x the lesson's bytes"
        f" ({ratio:.3f})",
        ratio <= GOAL_RATIO,
    )


def main() -> None:
    executable = chromium()
    with LiveServer() as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, args=BROWSER_ARGS
        )
        try:
            state = sign_in(browser, server.url)
            api = playwright.request.new_context(storage_state=state)
            try:
                measure(browser, api, server, state)
            finally:
                api.dispose()
        finally:
            browser.close()
    # Kept on failure: the Daphne log there explains what broke.
    shutil.rmtree(server.workdir, ignore_errors=True)


if __name__ == "__main__":
    main()

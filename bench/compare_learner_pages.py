"""Our heaviest lesson against Kolibri's learner page, and our type against GOV.UK's.

Ko'mak and Kolibri both serve learners on weak connections, so the fair comparison is
the page a learner actually opens: our heaviest lesson, and the page a Kolibri learner
lands on after signing in (Learn, the library). Both are served by the real software in
the same run and measured the same way as `bench/page_weight.py` (whose helpers this
module imports): cold-cache bytes and requests, Slow 3G time to `load`, and axe-core's
WCAG 2.2 AA violations.

Kolibri is installed from PyPI into its own virtualenv in a cache folder (never into our
requirements), provisioned with one facility and one learner in a temporary
KOLIBRI_HOME, and started on free ports on 127.0.0.1. Kolibri Studio is out of reach, so
its library has no channels: the page measured is Kolibri's learner interface itself.

The GOV.UK Design System's type scale is the reference for readable text on public
services. `govuk-frontend` is installed from the npm registry into the same cache
folder; a small page built from its compiled CSS is served by `http.server`, and the
computed font size and line height of its headings, body text, small text, button and
field label are set beside ours at 320 and 1024 CSS px.

Every figure is printed as `BENCH <name> <value> <unit>`; docs/benchmarks.md explains
them. Run it with `make bench`, or alone with `python -m bench.compare_learner_pages`.
"""

import functools
import http.server
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Browser, Page, sync_playwright

from accounts.comfort import COOKIE_NAME as COMFORT_COOKIE
from accounts.comfort import LARGE_TEXT
from bench.page_weight import (
    BROWSER_ARGS,
    LEARNER,
    LOCALE,
    LOGIN,
    NAV_TIMEOUT_MS,
    SLOW_3G,
    SLOW_NAV_TIMEOUT_MS,
    SLOW_RUNS,
    Traffic,
    Weight,
    bench,
    chromium,
    find_lessons,
    path_of,
    sign_in,
    slow_3g_load_ms,
    weigh,
)
from tests.support.axe import AXE_VERSION, axe_violations
from tests.support.live import LiveServer, free_port

KOLIBRI_VERSION = "0.19.5"
GOVUK_FRONTEND_VERSION = "6.6.0"
CACHE = Path(
    os.environ.get("KOMAK_BENCH_CACHE", Path.home() / ".cache" / "komak-bench")
)
KOLIBRI_VENV = CACHE / "kolibri-venv"
GOVUK_PREFIX = CACHE / f"govuk-frontend-{GOVUK_FRONTEND_VERSION}"
GOVUK_DIST = GOVUK_PREFIX / "node_modules" / "govuk-frontend" / "dist"

# Throwaway accounts on a throwaway Kolibri that listens on 127.0.0.1 only.
KOLIBRI_FACILITY = "Komak bench"
KOLIBRI_ADMIN = "benchadmin"
KOLIBRI_ADMIN_PASSWORD = "bench-admin-2026"  # noqa: S105
KOLIBRI_LEARNER = "learner"
KOLIBRI_LEARNER_PASSWORD = "bench-learner-2026"  # noqa: S105
# Kolibri's "formal" preset lets learners in without a password; ours asks for one,
# so Kolibri is made to ask too.
KOLIBRI_FACILITY_SETTINGS = {"learner_can_login_with_no_password": False}
KOLIBRI_START_TIMEOUT_S = 180
# Kolibri draws its pages in the browser: its page is ready for axe, and for reading
# what the library says, once its main region has text.
KOLIBRI_READY = (
    "() => (document.querySelector('main')?.innerText || '').trim().length > 0"
)
INSTALL_TIMEOUT_S = 900

# Under Slow 3G a page is done when nothing has been in flight for this long (a request
# that follows a response is sent within milliseconds of it).
SLOW_QUIET_S = 3
SLOW_SETTLE_TIMEOUT_S = 240

VIEWPORT_WIDTHS = [320, 1024]
VIEWPORT_HEIGHT = 800

# The elements of the type scale, with GOV.UK's classes and our equivalents. For ours,
# the first selector that finds a shown element wins; which one is printed.
GOVUK_ELEMENTS = {
    "h1": ["h1.govuk-heading-xl"],
    "h2": ["h2.govuk-heading-l"],
    "h3": ["h3.govuk-heading-m"],
    "h4": ["h4.govuk-heading-s"],
    "body": ["p.govuk-body"],
    "small": ["p.govuk-body-s"],
    "button": ["button.govuk-button"],
    "label": ["label.govuk-label"],
}
OUR_ELEMENTS = {
    "h1": ["main h1"],
    "h2": ["main h2:not(.step-title)", "main h2"],
    # A lesson has no <h3>: the step titles are its third level (h2.step-title).
    "h3": ["main h3", "main .step-title"],
    "h4": ["main h4"],
    "body": [".lesson-body p:not([class])", "main p:not([class])"],
    # No text on our pages is set smaller than body text; `.meta` is the small print.
    "small": ["main small", "main .meta", "main .hint"],
    "button": ["main button.button", "main .button"],
    "label": ["main .field label", "main label"],
}

MEASURE_TYPE = """
(selectors) => {
  for (const selector of selectors) {
    for (const element of document.querySelectorAll(selector)) {
      const box = element.getBoundingClientRect();
      if (box.width === 0 && box.height === 0) continue; // not shown
      const style = getComputedStyle(element);
      return {
        selector,
        fontSize: parseFloat(style.fontSize),
        lineHeight: style.lineHeight === "normal" ? null : parseFloat(style.lineHeight),
        fontFamily: style.fontFamily,
      };
    }
  }
  return null;
}
"""

GOVUK_PAGE = """<!DOCTYPE html>
<html lang="en" class="govuk-template">
<head>
<meta charset="utf-8">
<title>Type scale - GOV.UK Frontend {version}</title>
<meta name="viewport"
  content="width=device-width, initial-scale=1, viewport-fit=cover">
<meta name="theme-color" content="#1d70b8">
<link rel="icon" sizes="48x48" href="/assets/images/favicon.ico">
<link rel="icon" sizes="any" href="/assets/images/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/stylesheets/govuk-frontend.min.css">
</head>
<body class="govuk-template__body">
<script>document.body.className += ' js-enabled' + ('noModule' in
  HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '');</script>
<a href="#main-content" class="govuk-skip-link"
  data-module="govuk-skip-link">Skip to main content</a>
<div class="govuk-width-container">
<main class="govuk-main-wrapper" id="main-content">
<h1 class="govuk-heading-xl">Apply for a pension top-up</h1>
<p class="govuk-body">Use this service to ask for a top-up of your state pension
  if you live in the countryside and have no internet at home.</p>
<h2 class="govuk-heading-l">Before you start</h2>
<p class="govuk-body">You will need your pension number. It is on the letter we
  sent you in April.</p>
<h3 class="govuk-heading-m">If you need help</h3>
<p class="govuk-body">A social worker can fill in the form with you.</p>
<h4 class="govuk-heading-s">Opening times</h4>
<p class="govuk-body-s">Monday to Friday, 9am to 5pm. Calls are free.</p>
<div class="govuk-form-group">
<label class="govuk-label" for="pension-number">Pension number</label>
<input class="govuk-input" id="pension-number" name="pension-number" type="text"
  autocomplete="off">
</div>
<button type="submit" class="govuk-button"
  data-module="govuk-button">Continue</button>
</main>
</div>
</body>
</html>
"""


@dataclass
class Measured:
    """One page's figures: weight cold cache, Slow 3G times, axe's violations."""

    name: str
    weight: Weight
    slow_3g_ms: float
    slow_3g_settled_ms: float
    violations: list[dict]


def run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(command, check=True, timeout=INSTALL_TIMEOUT_S, **kwargs)


# --- Installing the comparison software (cache folder, never the repository) ---


def kolibri_installed() -> Path:
    """The `kolibri` command of the pinned version, installing it on first use."""
    kolibri = KOLIBRI_VENV / "bin" / "kolibri"
    if kolibri.exists():
        found = subprocess.run(
            [str(kolibri), "--version"], capture_output=True, text=True, check=False
        ).stdout
        if found.split()[-1:] == [KOLIBRI_VERSION]:
            return kolibri
        shutil.rmtree(KOLIBRI_VENV)
    print(f"# installing kolibri=={KOLIBRI_VERSION} into {KOLIBRI_VENV}", flush=True)
    KOLIBRI_VENV.parent.mkdir(parents=True, exist_ok=True)
    run([sys.executable, "-m", "venv", str(KOLIBRI_VENV)])
    pip = str(KOLIBRI_VENV / "bin" / "pip")
    run([pip, "install", "--quiet", f"kolibri=={KOLIBRI_VERSION}"])
    return kolibri


def govuk_frontend_installed() -> Path:
    """govuk-frontend's `dist` folder at the pinned version, from the npm registry."""
    package = GOVUK_DIST.parent / "package.json"
    if package.exists():
        if json.loads(package.read_text())["version"] == GOVUK_FRONTEND_VERSION:
            return GOVUK_DIST
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm is needed for govuk-frontend (apt-get install npm)")
    print(f"# installing govuk-frontend@{GOVUK_FRONTEND_VERSION} into {GOVUK_PREFIX}")
    GOVUK_PREFIX.mkdir(parents=True, exist_ok=True)
    run(
        [
            npm,
            "install",
            "--prefix",
            str(GOVUK_PREFIX),
            "--no-save",
            "--no-audit",
            "--no-fund",
            "--ignore-scripts",
            f"govuk-frontend@{GOVUK_FRONTEND_VERSION}",
        ],
        stdout=subprocess.DEVNULL,
    )
    return GOVUK_DIST


# --- Servers ---


class KolibriServer:
    """A provisioned Kolibri with one facility and one learner, on 127.0.0.1."""

    def __init__(self, kolibri: Path):
        self.kolibri = str(kolibri)
        self.home = Path(tempfile.mkdtemp(prefix="komak-kolibri-"))
        self.port = free_port()
        self.zip_port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "KOLIBRI_HOME": str(self.home),
            "KOLIBRI_LISTEN_ADDRESS": "127.0.0.1",
            "KOLIBRI_ZEROCONF_ENABLED": "False",
            # The statistics pingback to learningequality.org; unreachable anyway.
            "KOLIBRI_DISABLE_PING": "True",
            "PYTHONUNBUFFERED": "1",
        }
        self.log_path = self.home / "bench-kolibri.log"
        self.process: subprocess.Popen | None = None

    def manage(self, *args: str, update: bool = False) -> str:
        """Run `kolibri manage`; `update` lets Kolibri migrate its database first."""
        options = ["--no-input"] if update else ["--no-input", "--skip-update"]
        result = subprocess.run(
            [self.kolibri, "manage", *options, *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=INSTALL_TIMEOUT_S,
            check=False,
        )
        if result.returncode != 0:
            error = result.stderr[-2000:]
            raise RuntimeError(f"kolibri manage {args[0]} failed: {error}")
        return result.stdout

    def provision(self) -> None:
        settings = self.home / "facility_settings.json"
        settings.write_text(json.dumps(KOLIBRI_FACILITY_SETTINGS))
        self.manage(
            "provisiondevice",
            "--",
            "--facility",
            KOLIBRI_FACILITY,
            "--preset",
            "formal",
            "--facility_settings",
            str(settings),
            "--superusername",
            KOLIBRI_ADMIN,
            "--superuserpassword",
            KOLIBRI_ADMIN_PASSWORD,
            "--language_id",
            "en",
            "--noinput",
            update=True,
        )
        created = self.manage(
            "shell",
            "--",
            "-c",
            "from kolibri.core.auth.models import Facility, FacilityUser\n"
            "facility = Facility.get_default_facility()\n"
            f"user = FacilityUser(username={KOLIBRI_LEARNER!r}, facility=facility)\n"
            f"user.set_password({KOLIBRI_LEARNER_PASSWORD!r})\n"
            "user.save()\n"
            "print('learner', user.id)\n",
        )
        if "learner " not in created:
            raise RuntimeError(f"no Kolibri learner created: {created[-500:]}")

    def start(self) -> None:
        log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [
                self.kolibri,
                "start",
                "--foreground",
                "--skip-update",
                "--port",
                str(self.port),
                "--zip-port",
                str(self.zip_port),
            ],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + KOLIBRI_START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                log_tail = self.log_path.read_text()[-2000:]
                raise RuntimeError(f"Kolibri exited: {log_tail}")
            try:
                with urllib.request.urlopen(
                    self.url + "/api/public/info/", timeout=2
                ) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.5)
        raise RuntimeError(f"Kolibri did not answer in {KOLIBRI_START_TIMEOUT_S}s")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        # Kolibri runs its task workers as children: stop the group it leads.
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def __enter__(self) -> "KolibriServer":
        self.provision()
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args) -> None:
        pass


class GovukPage:
    """The GOV.UK type-scale page in a temporary folder, served by `http.server`."""

    def __init__(self, dist: Path):
        self.root = Path(tempfile.mkdtemp(prefix="komak-govuk-"))
        govuk = dist / "govuk"
        (self.root / "stylesheets").mkdir()
        shutil.copy(govuk / "govuk-frontend.min.css", self.root / "stylesheets")
        shutil.copytree(govuk / "assets", self.root / "assets")
        page = GOVUK_PAGE.replace("{version}", GOVUK_FRONTEND_VERSION)
        (self.root / "index.html").write_text(page)
        handler = functools.partial(QuietHandler, directory=str(self.root))
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"

    def __enter__(self) -> "GovukPage":
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
        shutil.rmtree(self.root, ignore_errors=True)


# --- Measuring ---


def figure(name: str, value: float | None, unit: str) -> None:
    """A BENCH line as page_weight prints it, except that sizes in CSS px keep their
    fraction and ratios three significant digits (ours to Kolibri's bytes is ~0.01)."""
    if value is None:
        print(f"# {name}: not measured", flush=True)
    elif unit == "px":
        print(f"BENCH {name} {round(value, 2):g} px", flush=True)
    elif unit == "ratio":
        print(f"BENCH {name} {value:.3g} ratio", flush=True)
    else:
        bench(name, value, unit)


def slow_3g_settled_ms(browser: Browser, url: str, state: dict | None = None) -> float:
    """Median time to the end of the last response under Slow 3G, cold cache.

    The `load` event is not the end for a single-page application: Kolibri asks for
    its data and its fonts after it. This waits until nothing has been in flight for
    SLOW_QUIET_S and takes the latest `responseEnd` of Resource Timing (or the end of
    `load`, if later), from the start of navigation.
    """
    times = []
    for _ in range(SLOW_RUNS):
        context = browser.new_context(storage_state=state, locale=LOCALE)
        try:
            page = context.new_page()
            page.set_default_timeout(SLOW_NAV_TIMEOUT_MS)
            cdp = context.new_cdp_session(page)
            traffic = Traffic()
            traffic.attach(cdp)
            cdp.send("Network.enable")
            cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
            cdp.send("Network.emulateNetworkConditions", SLOW_3G)
            page.goto(url, wait_until="load")
            deadline = time.monotonic() + SLOW_SETTLE_TIMEOUT_S
            while True:
                quiet = time.monotonic() - traffic.last_event >= SLOW_QUIET_S
                if quiet and not traffic.pending():
                    break
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{url} still loading: {traffic.pending()}")
                page.wait_for_timeout(200)
            times.append(
                page.evaluate(
                    "() => Math.max("
                    "performance.getEntriesByType('navigation')[0].loadEventEnd,"
                    " ...performance.getEntriesByType('resource')"
                    ".map((entry) => entry.responseEnd))"
                )
            )
        finally:
            context.close()
    runs = ", ".join(str(round(ms)) for ms in times)
    print(f"# Slow 3G, last byte of {path_of(url)} (ms): {runs}", flush=True)
    return statistics.median(times)


def violations_on(
    browser: Browser, url: str, state: dict | None = None, ready: str | None = None
) -> list[dict]:
    """axe-core's WCAG 2.2 AA violations on the page once it has loaded."""
    context = browser.new_context(storage_state=state, locale=LOCALE, bypass_csp=True)
    try:
        page = context.new_page()
        page.set_default_timeout(NAV_TIMEOUT_MS)
        page.goto(url, wait_until="networkidle")
        if ready:
            page.wait_for_function(ready)
            page.wait_for_load_state("networkidle")
        return axe_violations(page)
    finally:
        context.close()


def print_violations(name: str, violations: list[dict]) -> None:
    for violation in violations:
        targets = "; ".join(violation["targets"][:3])
        print(
            f"#   axe {name}: {violation['id']} ({violation['impact']}):"
            f" {violation['help']} [{targets}]",
            flush=True,
        )


def measure_page(
    browser: Browser,
    name: str,
    url: str,
    state: dict | None = None,
    ready: str | None = None,
) -> Measured:
    weight = weigh(browser, url, state)
    print(f"# {name}: {path_of(url)}", flush=True)
    for hop in weight.hops:
        print(f"#   {hop.bytes:>8} bytes  {hop.method} {path_of(hop.url)}", flush=True)
    slow = slow_3g_load_ms(browser, url, state)
    settled = slow_3g_settled_ms(browser, url, state)
    violations = violations_on(browser, url, state, ready)
    print_violations(name, violations)
    return Measured(name, weight, slow, settled, violations)


def print_measured(measured: Measured) -> None:
    figure(f"{measured.name}_bytes", measured.weight.bytes, "bytes")
    figure(f"{measured.name}_requests", measured.weight.requests, "requests")
    figure(f"{measured.name}_slow3g_load_ms", measured.slow_3g_ms, "ms")
    figure(f"{measured.name}_slow3g_last_byte_ms", measured.slow_3g_settled_ms, "ms")
    figure(f"{measured.name}_axe_violations", len(measured.violations), "violations")


def heaviest_lesson(browser: Browser, base: str, state: dict) -> str:
    """The lesson with the most bytes for the signed-in learner (as in page_weight)."""
    course_count, lessons = find_lessons(browser, base)
    if not lessons:
        raise RuntimeError("no lessons found from the course list")
    weights = [weigh(browser, url, state) for url in lessons]
    heaviest = max(weights, key=lambda weight: weight.bytes)
    print(
        f"# {len(lessons)} lessons in {course_count} courses;"
        f" heaviest signed in: {path_of(heaviest.url)}",
        flush=True,
    )
    return heaviest.url


def kolibri_sign_in(browser: Browser, base: str) -> tuple[str, dict]:
    """Sign in through Kolibri's own form; return where the learner lands and the state.

    Kolibri asks for the username, then (as set above) for the password, and sends a
    learner to Learn. The welcome dialog shown on the first sign-in is closed, so the
    measured page is the one a learner sees every day after.
    """
    context = browser.new_context(locale=LOCALE)
    try:
        page = context.new_page()
        page.set_default_timeout(NAV_TIMEOUT_MS)
        page.goto(base + "/", wait_until="networkidle")
        page.fill("input[autocomplete=username]", KOLIBRI_LEARNER)
        page.click("button.login-btn")
        page.fill("input[type=password]", KOLIBRI_LEARNER_PASSWORD)
        page.press("input[type=password]", "Enter")
        page.wait_for_url("**/learn/**")
        page.wait_for_load_state("networkidle")
        welcome = page.get_by_role("button", name="Continue")
        if welcome.count():
            welcome.first.click()
            page.wait_for_timeout(500)
        landing = page.url
        return landing, context.storage_state()
    finally:
        context.close()


def kolibri_library_state(browser: Browser, url: str, state: dict) -> str:
    """The text of Kolibri's library, to show in the output that it is empty."""
    context = browser.new_context(storage_state=state, locale=LOCALE)
    try:
        page = context.new_page()
        page.set_default_timeout(NAV_TIMEOUT_MS)
        page.goto(url, wait_until="networkidle")
        page.wait_for_function(KOLIBRI_READY)
        page.wait_for_load_state("networkidle")
        return " ".join(page.inner_text("main").split())[:200]
    finally:
        context.close()


def type_scale(
    browser: Browser,
    url: str,
    elements: dict[str, list[str]],
    width: int,
    state: dict | None = None,
) -> dict[str, dict | None]:
    context = browser.new_context(
        storage_state=state,
        locale=LOCALE,
        viewport={"width": width, "height": VIEWPORT_HEIGHT},
    )
    try:
        page = context.new_page()
        page.set_default_timeout(NAV_TIMEOUT_MS)
        page.goto(url, wait_until="load")
        page.evaluate("document.fonts.ready.then(() => true)")
        return {
            name: page.evaluate(MEASURE_TYPE, selectors)
            for name, selectors in elements.items()
        }
    finally:
        context.close()


def html_classes(browser: Browser, url: str, state: dict) -> str:
    context = browser.new_context(storage_state=state, locale=LOCALE)
    try:
        page: Page = context.new_page()
        page.goto(url, wait_until="load")
        return page.evaluate("document.documentElement.className")
    finally:
        context.close()


def print_type(label: str, width: int, sizes: dict[str, dict | None]) -> None:
    for element, found in sizes.items():
        if found is None:
            print(f"# type {label} {element} at {width}px: no such element", flush=True)
            continue
        figure(f"type_{label}_{element}_{width}_font", found["fontSize"], "px")
        figure(f"type_{label}_{element}_{width}_line", found["lineHeight"], "px")


def type_table(rows: dict[str, dict[str, dict | None]]) -> None:
    """Side by side, as `# ` lines: font size / line height in CSS px."""

    def cell(found: dict | None) -> str:
        if found is None:
            return "-"
        line = "normal" if found["lineHeight"] is None else f"{found['lineHeight']:g}"
        return f"{found['fontSize']:g}/{line}"

    columns = list(rows)
    print("# type scale, font-size/line-height in CSS px:", flush=True)
    print("#   " + "element".ljust(8) + "".join(c.ljust(16) for c in columns))
    for element in GOVUK_ELEMENTS:
        cells = "".join(cell(rows[c].get(element)).ljust(16) for c in columns)
        print("#   " + element.ljust(8) + cells, flush=True)
    for column in columns:
        if column.startswith("ours"):
            chosen = {
                element: found["selector"]
                for element, found in rows[column].items()
                if found is not None
            }
            print(f"#   {column} elements: {chosen}", flush=True)
            break


def sign_in_label(browser: Browser, base: str, width: int, large: bool) -> dict | None:
    """The field label of our sign-in form, anonymous (comfort from the cookie)."""
    state = None
    if large:
        cookie = {
            "name": COMFORT_COOKIE,
            "value": LARGE_TEXT,
            "domain": urlsplit(base).hostname,
            "path": "/",
        }
        state = {"cookies": [cookie], "origins": []}
    css = {"label": OUR_ELEMENTS["label"]}
    found = type_scale(browser, base + LOGIN, css, width, state)["label"]
    if found is not None:
        found["selector"] += " (sign-in page)"
    return found


def set_large_text(server: LiveServer, on: bool) -> None:
    server.shell(
        "from django.contrib.auth import get_user_model\n"
        f"count = get_user_model().objects.filter(username={LEARNER!r})"
        f".update(large_text={on!r})\n"
        "print(count)\n"
    )


def measure(browser: Browser, komak: LiveServer, kolibri: KolibriServer, govuk) -> None:
    # 1. Ours: the heaviest lesson for the signed-in learner.
    state = sign_in(browser, komak.url)
    lesson = heaviest_lesson(browser, komak.url, state)
    ours = measure_page(browser, "ours_lesson", lesson, state)

    # 2. Kolibri: the page its learner lands on.
    landing, kolibri_state = kolibri_sign_in(browser, kolibri.url)
    print(f"# Kolibri {KOLIBRI_VERSION}: the learner lands on {landing}", flush=True)
    library = kolibri_library_state(browser, landing, kolibri_state)
    print(
        "# Kolibri's library is EMPTY: no channels, as Kolibri Studio cannot be"
        f" reached from here. Its page says: {library!r}",
        flush=True,
    )
    # The HTML of the learner app; its router then shows the library (the `#/...`).
    app_url = landing.split("#", 1)[0]
    theirs = measure_page(
        browser, "kolibri_learn", app_url, kolibri_state, KOLIBRI_READY
    )

    # 3. GOV.UK's page, for its type scale (and, for completeness, its weight).
    govuk_measured = measure_page(browser, "govuk_type_page", govuk.url)

    for measured in (ours, theirs, govuk_measured):
        print_measured(measured)
    figure(
        "ours_vs_kolibri_bytes_ratio",
        ours.weight.bytes / theirs.weight.bytes,
        "ratio",
    )
    figure(
        "ours_vs_kolibri_requests_ratio",
        ours.weight.requests / theirs.weight.requests,
        "ratio",
    )
    figure(
        "ours_vs_kolibri_slow3g_ratio",
        ours.slow_3g_ms / theirs.slow_3g_ms,
        "ratio",
    )
    figure(
        "ours_vs_kolibri_slow3g_last_byte_ratio",
        ours.slow_3g_settled_ms / theirs.slow_3g_settled_ms,
        "ratio",
    )

    # The type scale, GOV.UK beside ours, then ours with "larger text" on.
    rows: dict[str, dict[str, dict | None]] = {}
    for width in VIEWPORT_WIDTHS:
        rows[f"govuk@{width}"] = type_scale(browser, govuk.url, GOVUK_ELEMENTS, width)
        rows[f"ours@{width}"] = type_scale(browser, lesson, OUR_ELEMENTS, width, state)
    set_large_text(komak, True)
    try:
        classes = html_classes(browser, lesson, state)
        if LARGE_TEXT not in classes.split():
            raise RuntimeError(f"larger text did not apply: <html class={classes!r}>")
        for width in VIEWPORT_WIDTHS:
            rows[f"ours-large@{width}"] = type_scale(
                browser, lesson, OUR_ELEMENTS, width, state
            )
    finally:
        set_large_text(komak, False)
    # A lesson without a question has no field label: take the sign-in form's.
    for column, sizes in rows.items():
        if column.startswith("ours") and sizes["label"] is None:
            width = int(column.split("@")[1])
            large = column.startswith("ours-large")
            sizes["label"] = sign_in_label(browser, komak.url, width, large)

    for column, sizes in rows.items():
        label, width = column.split("@")
        print_type(label.replace("-", "_"), int(width), sizes)
    type_table(rows)


def main() -> None:
    started = time.monotonic()
    executable = chromium()
    kolibri_command = kolibri_installed()
    dist = govuk_frontend_installed()
    print(
        f"# Kolibri {KOLIBRI_VERSION} (PyPI), govuk-frontend {GOVUK_FRONTEND_VERSION}"
        f" (npm), axe-core {AXE_VERSION}",
        flush=True,
    )
    with (
        LiveServer() as komak,
        KolibriServer(kolibri_command) as kolibri,
        GovukPage(dist) as govuk,
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(
            executable_path=executable, args=BROWSER_ARGS
        )
        try:
            measure(browser, komak, kolibri, govuk)
        finally:
            browser.close()
    # Kept on failure: daphne.log and Kolibri's logs there explain what broke.
    shutil.rmtree(komak.workdir, ignore_errors=True)
    shutil.rmtree(kolibri.home, ignore_errors=True)
    print(f"# took {time.monotonic() - started:.0f} s", flush=True)


if __name__ == "__main__":
    main()

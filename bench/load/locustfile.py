"""Load scenarios for `make load` (locust, headless, for a bounded time):

- **learners**: demo learners signed in, browsing the course list, courses and
  lessons, and recording progress through the progress API (`/uz/learning/progress/`)
  as the lesson page's script does: `open` when a lesson is read, `time` every so
  often, `complete` at the end; JSON with the CSRF token in `X-CSRFToken`.
- **call rooms**: many consultation calls at once, each with its client and its
  specialist on their own WebSocket (`/ws/consultations/<booking>/`,
  docs/signaling.md): both join, the specialist admits, then they trade ICE
  candidates in turn. Each relayed message's latency is the time from one side's
  send to the other side's receipt, through the channel layer (Redis when the
  workers are several).

The rooms are bookings made by `manage.py demo_call_rooms` (the ids arrive in
LOAD_ROOMS_FILE); the demo client and the demo specialist each sign in once per
locust process (the specialist with the demo authenticator code), and every room
uses their sessions. At the end the figures are printed per scenario and per
request: requests per second, p50/p95/p99 in milliseconds and errors.

Environment: LOAD_LEARNERS and LOAD_ROOMS (how many of each), LOAD_ROOMS_FILE,
LOAD_ROOM_MESSAGES_PER_SECOND (per room, both sides together).
"""

import itertools
import json
import logging
import os
import re
import sys
import time
import uuid
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from random import SystemRandom
from urllib.parse import urlsplit

import gevent
import requests
import websocket
from gevent.lock import Semaphore
from locust import HttpUser, User, between, constant_pacing, events, task
from locust.stats import StatsEntry

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")

import django  # noqa: E402

django.setup()

from allauth.mfa import app_settings as mfa_settings  # noqa: E402
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value  # noqa: E402

from cms.setup import COURSES_SLUG  # noqa: E402
from demo.people import DEMO_PASSWORD, DEMO_TOTP_SECRET  # noqa: E402

LANGUAGE = "uz"
LOGIN_PATH = f"/{LANGUAGE}/accounts/login/"
MFA_PATH = f"/{LANGUAGE}/accounts/2fa/authenticate/"
PROGRESS_PATH = f"/{LANGUAGE}/learning/progress/"
COURSE_INDEX_PATH = f"/{LANGUAGE}/{COURSES_SLUG}/"
DEMO_LEARNERS = ("learner", "client", "socialworker")
RELAY_TIMEOUT_SECONDS = 5.0
# Which page to read next: no secret, but the one generator ruff accepts (S311).
chance = SystemRandom()
TOKEN_PATTERN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
LESSON_PATTERN = re.compile(r'data-lesson="(\d+)"')
FIELD_ERROR_PATTERN = re.compile(r'class="field-error"[^>]*>([^<]*)<')


def _int_env(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def _float_env(name: str, default: float) -> float:
    return float(os.environ.get(name, default))


def _csrf_token(html: str) -> str:
    match = TOKEN_PATTERN.search(html)
    if match is None:
        raise RuntimeError("no CSRF token on the page")
    return match.group(1)


def _totp_codes() -> list[str]:
    """The demo staff's codes for now and one step either side (allauth accepts
    those; a code already used is refused), computed as `manage.py demo_totp`."""
    counter = int(time.time()) // mfa_settings.TOTP_PERIOD
    return [
        format_hotp_value(hotp_value(DEMO_TOTP_SECRET, counter + offset))
        for offset in (0, 1, -1)
    ]


def _links_below(html: str, prefix: str) -> list[str]:
    """Links one level below `prefix` (a course below the list, a lesson below its
    course), in page order, without repeats."""
    pattern = re.compile(rf'href="({re.escape(prefix)}[^/"#?]+/)"')
    return list(dict.fromkeys(pattern.findall(html)))


# --- Learners ---------------------------------------------------------------------


class SiteMap:
    """The courses and lessons, read once per process from the course list."""

    lock = Semaphore()
    courses: list[str] = []
    lessons: list[str] = []

    @classmethod
    def ensure(cls, client) -> None:
        with cls.lock:
            if cls.lessons:
                return
            index = client.get(COURSE_INDEX_PATH, name="learner: course list")
            cls.courses = _links_below(index.text, COURSE_INDEX_PATH)
            for course in cls.courses:
                page = client.get(course, name="learner: course page")
                cls.lessons += _links_below(page.text, course)
            if not cls.lessons:
                raise RuntimeError(f"no lessons found below {COURSE_INDEX_PATH}")


class Learner(HttpUser):
    """A signed-in learner reading lessons and recording progress."""

    fixed_count = _int_env("LOAD_LEARNERS", 20)
    wait_time = between(0.5, 2.0)
    usernames = itertools.cycle(DEMO_LEARNERS)

    def on_start(self):
        SiteMap.ensure(self.client)
        cookies = Sessions.of(next(self.usernames), self.sign_in)
        host = urlsplit(self.host).hostname
        for name, value in cookies.items():
            self.client.cookies.set(name, value, domain=host, path="/")
        self.csrf_token = cookies.get("csrftoken", "")
        self.lesson_id = None
        self.visit = str(uuid.uuid4())

    def sign_in(self, username: str) -> dict[str, str]:
        login = self.client.get(LOGIN_PATH, name="learner: sign in")
        with self.client.post(
            LOGIN_PATH,
            data={
                "login": username,
                "password": DEMO_PASSWORD,
                "csrfmiddlewaretoken": _csrf_token(login.text),
            },
            headers={"Referer": self.host + LOGIN_PATH},
            name="learner: sign in",
            catch_response=True,
        ) as response:
            # A right password redirects away from the sign-in page.
            if response.status_code != 200 or LOGIN_PATH in response.url:
                said = FIELD_ERROR_PATTERN.findall(response.text)
                response.failure(f"not signed in ({response.status_code}): {said}")
        return self.client.cookies.get_dict()

    @task(2)
    def course_list(self):
        self.client.get(COURSE_INDEX_PATH, name="learner: course list")

    @task(2)
    def course_page(self):
        self.client.get(chance.choice(SiteMap.courses), name="learner: course page")

    @task(5)
    def lesson(self):
        """Open a lesson as the page does: read it, then send `open`."""
        with self.client.get(
            chance.choice(SiteMap.lessons),
            name="learner: lesson page",
            catch_response=True,
        ) as response:
            match = LESSON_PATTERN.search(response.text)
            if response.status_code != 200 or match is None:
                response.failure(f"{response.status_code}, no data-lesson on the page")
                return
        self.lesson_id = int(match.group(1))
        self.visit = str(uuid.uuid4())
        self.progress("open")

    @task(4)
    def time_spent(self):
        if self.lesson_id is not None:
            self.progress("time", seconds=chance.randint(10, 60))

    @task(1)
    def complete(self):
        if self.lesson_id is not None:
            self.progress("complete")

    def progress(self, kind: str, **fields):
        event = {
            "id": str(uuid.uuid4()),
            "lesson": self.lesson_id,
            "visit": self.visit,
            "type": kind,
            "at": datetime.now(UTC).isoformat(),
            **fields,
        }
        with self.client.post(
            PROGRESS_PATH,
            json={"events": [event]},
            headers={
                "X-CSRFToken": self.csrf_token,
                "Referer": self.host + PROGRESS_PATH,
            },
            name="learner: progress",
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}: {response.text[:200]}")


# --- Call rooms -------------------------------------------------------------------


class Sessions:
    """Signed-in cookies per demo username, one sign-in each per locust process.

    Every load user comes from one address, and allauth lets one address sign in
    only so often (30 a minute by default): the users of one username share its
    session, as family members share a phone."""

    locks: dict[str, Semaphore] = {}
    cookies: dict[str, dict[str, str]] = {}

    @classmethod
    def of(cls, username: str, sign_in) -> dict[str, str]:
        lock = cls.locks.setdefault(username, Semaphore())
        with lock:
            if username not in cls.cookies:
                cls.cookies[username] = sign_in(username)
            return cls.cookies[username]


def _sign_in(host: str, username: str) -> dict[str, str]:
    """Sign in with the password and, for staff, the demo authenticator code."""
    session = requests.Session()
    page = session.get(host + LOGIN_PATH, timeout=30)
    response = session.post(
        host + LOGIN_PATH,
        data={
            "login": username,
            "password": DEMO_PASSWORD,
            "csrfmiddlewaretoken": _csrf_token(page.text),
        },
        headers={"Referer": host + LOGIN_PATH},
        timeout=30,
    )
    for code in _totp_codes():
        if MFA_PATH not in response.url:
            break
        response = session.post(
            host + MFA_PATH,
            data={"code": code, "csrfmiddlewaretoken": _csrf_token(response.text)},
            headers={"Referer": host + MFA_PATH},
            timeout=30,
        )
    if LOGIN_PATH in response.url or MFA_PATH in response.url:
        raise RuntimeError(f"{username} could not sign in at {host}")
    return session.cookies.get_dict()


def _room_ids() -> list[int]:
    path = Path(os.environ.get("LOAD_ROOMS_FILE") or "")
    if not path.is_file():
        return []
    return json.loads(path.read_text())["bookings"]


class CallRoom(User):
    """One consultation call: the client's and the specialist's sockets, trading
    ICE candidates in turn once the client is admitted. A room whose socket drops
    counts the loss once and opens again, as the call page reconnects."""

    fixed_count = _int_env("LOAD_ROOMS", 20)
    wait_time = constant_pacing(1.0 / _float_env("LOAD_ROOM_MESSAGES_PER_SECOND", 1.0))
    bookings = itertools.cycle(_room_ids() or [0])

    def on_start(self):
        self.booking = next(self.bookings)
        if not self.booking:
            raise RuntimeError("no rooms: set LOAD_ROOMS_FILE (make load does)")
        self.sockets: dict[str, websocket.WebSocket] = {}
        self.sent: dict[str, float] = {}
        self.readers = []
        self.stopping = False
        self.broken = False
        self.sequence = itertools.count(1)
        self.sides = itertools.cycle(("client", "specialist"))
        self.open_room()

    def open_room(self):
        """Both sockets in, both joined, the client admitted, readers running."""
        self.broken = False
        try:
            for username in ("specialist", "client"):
                self.sockets[username] = self.connect(username)
            started = time.perf_counter()
            for ws in self.sockets.values():
                ws.send(json.dumps({"type": "join"}))
            self.sockets["specialist"].send(json.dumps({"type": "admit"}))
            for ws in self.sockets.values():
                self.wait_for(ws, "admitted")
            self.fire("call: join and admit", started)
        except Exception as error:
            self.fire("call: join and admit", time.perf_counter(), error=error)
            self.broken = True
            return
        self.readers = [
            gevent.spawn(self.read, username, ws)
            for username, ws in self.sockets.items()
        ]

    def close_room(self, *, count_lost: bool = True):
        for ws in self.sockets.values():
            try:
                ws.send(json.dumps({"type": "leave"}))
                ws.close()
            except Exception:  # noqa: S110 - closing anyway; a dead socket is fine
                pass
        self.sockets = {}
        gevent.killall(self.readers, timeout=2)
        self.readers = []
        if count_lost:
            for started in self.sent.values():
                self.fire("call: relay", started, error=ConnectionError("socket lost"))
        self.sent.clear()

    def connect(self, username: str) -> websocket.WebSocket:
        url = self.host.replace("http", "ws", 1) + f"/ws/consultations/{self.booking}/"
        # Signing in is not timed here: the learners' scenario times it.
        session = Sessions.of(username, partial(_sign_in, self.host))["sessionid"]
        started = time.perf_counter()
        try:
            ws = websocket.create_connection(
                url,
                cookie=f"sessionid={session}",
                origin=self.host,
                timeout=10,
            )
            welcome = self.message(ws)
            if welcome.get("type") != "welcome":
                raise RuntimeError(f"expected welcome, got {welcome}")
        except Exception as error:
            self.fire("call: connect", started, error=error)
            raise
        self.fire("call: connect", started)
        return ws

    @staticmethod
    def message(ws: websocket.WebSocket) -> dict:
        frame = ws.recv()
        if not frame:
            raise ConnectionError(f"socket closed (code {ws.status})")
        return json.loads(frame)

    def wait_for(self, ws: websocket.WebSocket, kind: str) -> dict:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            message = self.message(ws)
            if message.get("type") == kind:
                return message
        raise RuntimeError(f"no {kind} message within 10 s")

    def read(self, username: str, ws: websocket.WebSocket):
        """Match each relayed candidate to its send and record the latency."""
        while not self.stopping:
            try:
                message = self.message(ws)
            except websocket.WebSocketTimeoutException:
                continue
            except Exception as error:
                if not self.stopping and not self.broken:
                    self.broken = True
                    self.fire(
                        "call: socket lost", time.perf_counter(), error=repr(error)
                    )
                return
            if message.get("type") == "error":
                self.fire("call: relay", time.perf_counter(), error=message)
            if message.get("type") != "ice":
                continue
            started = self.sent.pop(message.get("candidate") or "", None)
            if started is not None:
                self.fire("call: relay", started)

    @task
    def relay(self):
        if self.broken:
            self.close_room()
            self.open_room()
            return
        sender = next(self.sides)
        candidate = f"load:{self.booking}:{next(self.sequence)}"
        self.sent[candidate] = time.perf_counter()
        try:
            self.sockets[sender].send(
                json.dumps(
                    {
                        "type": "ice",
                        "candidate": candidate,
                        "sdpMid": "0",
                        "sdpMLineIndex": 0,
                    }
                )
            )
        except Exception:
            self.broken = True
            return
        now = time.perf_counter()
        for key, started in list(self.sent.items()):
            if now - started > RELAY_TIMEOUT_SECONDS and self.sent.pop(key, None):
                self.fire(
                    "call: relay",
                    started,
                    error=TimeoutError(f"not relayed in {RELAY_TIMEOUT_SECONDS} s"),
                )

    def on_stop(self):
        self.stopping = True
        # Messages still on their way when the time is up are not counted.
        self.close_room(count_lost=False)

    def fire(self, name: str, started: float, *, error=None):
        events.request.fire(
            request_type="WS",
            name=name,
            response_time=(time.perf_counter() - started) * 1000,
            response_length=0,
            exception=error,
            context={},
        )


# --- The figures ------------------------------------------------------------------

SCENARIOS = (("learners", "learner: "), ("call rooms", "call: "))


def _line(label: str, entry: StatsEntry) -> str:
    percentile = entry.get_response_time_percentile
    return (
        f"{label:<28} {entry.num_requests:>8} {entry.total_rps:>8.1f} "
        f"{percentile(0.5):>7.0f} {percentile(0.95):>7.0f} {percentile(0.99):>7.0f} "
        f"{entry.num_failures:>7}"
    )


@events.init.add_listener
def quieter_summary(environment, **kwargs):
    """Locust's own end-of-run tables go to var/load/locust_*.csv (`--csv`); the
    terminal gets the figures below."""
    logging.getLogger("locust.stats_logger").disabled = True


@events.quitting.add_listener
def print_figures(environment, **kwargs):
    stats = environment.stats
    header = (
        f"{'scenario / request':<28} {'requests':>8} {'req/s':>8} "
        f"{'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'errors':>7}"
    )
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    lines = [
        "",
        f"Load against {environment.host}; this machine: {os.cpu_count()} CPUs, "
        f"load average {load} at the end",
        header,
        "-" * len(header),
    ]
    for scenario, prefix in SCENARIOS:
        entries = [
            entry for entry in stats.entries.values() if entry.name.startswith(prefix)
        ]
        if not entries:
            continue
        total = StatsEntry(stats, scenario, "", use_response_times_cache=False)
        for entry in entries:
            total.extend(entry)
        lines.append(_line(scenario, total))
        for entry in sorted(entries, key=lambda entry: entry.name):
            name = entry.name.removeprefix(prefix)
            lines.append(_line(f"  {entry.method} {name}", entry))
    # One line per kind of error: the first line of the message, without the
    # headers and page that some carry.
    kinds: dict[str, int] = {}
    for error in stats.errors.values():
        said = str(error.error).split(" -+-+- ")[0].splitlines()[0][:120]
        key = f"{error.name}: {said}"
        kinds[key] = kinds.get(key, 0) + error.occurrences
    for key, count in sorted(kinds.items(), key=lambda item: -item[1]):
        lines.append(f"error x{count}: {key}")
    print("\n".join(lines))

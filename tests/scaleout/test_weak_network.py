"""Ko'mak over a weak network: 300 ms round trip, 5 % loss, 700 kbit/s.

The link is built by tests/support/weak_network.py from namespaces this module
makes: a real Daphne with the demo content runs in the server namespace on
10.231.0.6, on PostgreSQL (a scratch database, through its Unix socket, which no
network namespace hides) and Redis (a private redis-server in the server namespace),
as in the scale-out profile. Every client runs in a thread inside the far namespace,
so each of its packets crosses the veth pairs, the rate limit (`tbf`), the loss rule
(nftables `numgen`) and the 150 ms-per-way delay stage. The kernel of the machine the
tests were written on has no `netem`, hence the user-space delay stage.

Proven here:
- lesson pages load: home, course and lesson pages with the lesson's CSS and JS all
  answer 200 with the right content (times and bytes are logged, not asserted
  beyond a generous bound);
- progress events arrive exactly once: a signed-in learner posts batches the way
  static/js/progress.js does, resending the same event ids after a timeout or a lost
  answer, and the database holds each event once and counts time once;
- a call connects with audio: two aiortc peers signal through that Daphne, the
  client in the far namespace and the specialist in the server's, and each decodes
  audio frames from the other across the link.

Needs root, `ip`, `tc`, `nft`, /dev/net/tun, PostgreSQL and redis-server: skips
without them, fails in CI.
"""

import asyncio
import contextlib
import http.client
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest

from deploy.scaleout import daphne_command
from tests.support.bookings import joinable_booking_id
from tests.support.live import REPO, LiveServer, http_answers, wait_answering
from tests.support.mfa import http_sign_in
from tests.support.parts import require
from tests.support.rtc import RtcPeer
from tests.support.services import ScratchPostgresDatabase, require_postgres
from tests.support.weak_network import (
    FAR_ADDRESS,
    SERVER_ADDRESS,
    WeakLink,
    missing_tools,
    run_in_namespace,
)

pytestmark = pytest.mark.e2e
logger = logging.getLogger(__name__)

SERVER_PORT = 8000
PAGE_SANITY_SECONDS = 60  # a page that takes longer than this is broken, not slow
CALL_CONNECT_TIMEOUT = 60
AUDIO_TIMEOUT = 40
MIN_AUDIO_FRAMES = 25  # half a second of 20 ms frames
# progress.js gives up on a request when the network fails; a short client timeout
# stands for that, so that answers slowed or lost on the link cause real resends.
PROGRESS_TIMEOUT = 1.5
PROGRESS_ATTEMPTS = 30
POSTGRES_SOCKET_DIR = Path(
    os.environ.get("KOMAK_TEST_POSTGRES_SOCKET_DIR", "/var/run/postgresql")
)


class NamespacedServer(LiveServer):
    """A LiveServer whose Daphne runs in the server namespace, on its veth address."""

    def __init__(self, namespace: str):
        super().__init__(
            extra_env={
                "DJANGO_ALLOWED_HOSTS": f"{SERVER_ADDRESS},127.0.0.1,localhost",
            }
        )
        self.namespace = namespace
        self.daphne_env = self.env
        self.port = SERVER_PORT
        self.url = f"http://{SERVER_ADDRESS}:{SERVER_PORT}"

    def start(self, timeout: float = 60, asgi_app: str = "cms.asgi:application"):
        log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [
                "ip",
                "netns",
                "exec",
                self.namespace,
                *daphne_command(SERVER_PORT, SERVER_ADDRESS, asgi_app),
            ],
            cwd=REPO,
            env=self.daphne_env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        wait_answering(
            self.process,
            self.log_path,
            lambda: run_in_namespace(
                self.namespace, http_answers, self.url + "/healthz"
            ),
            timeout=timeout,
        )


class NamespacedRedis:
    """A private redis-server in the server namespace: Daphne reaches it over TCP on
    that namespace's own loopback (as the scale-out profile does), and management
    commands in the machine's namespace through its Unix socket, a file path that no
    network namespace hides."""

    def __init__(self, namespace: str, directory: Path):
        self.namespace = namespace
        self.socket = directory / "redis.sock"
        self.socket_url = f"unix://{self.socket}"
        self.tcp_url = "redis://127.0.0.1:6379/0"
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> "NamespacedRedis":
        self.process = subprocess.Popen(
            [
                "ip",
                "netns",
                "exec",
                self.namespace,
                "redis-server",
                "--bind",
                "127.0.0.1",
                "--port",
                "6379",
                "--unixsocket",
                str(self.socket),
                "--unixsocketperm",
                "700",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.socket.parent),
            ],  # fmt: skip
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while not self.socket.exists():
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.__exit__()
                raise RuntimeError("redis-server did not open its socket")
            time.sleep(0.1)
        return self

    def __exit__(self, *exc) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture(scope="module")
def weak():
    """The weak link, and behind it Daphne on PostgreSQL (a scratch database,
    reached through its Unix socket) and Redis, as in the scale-out profile."""
    missing = missing_tools()
    require(not missing, f"the weak-network tests need {', '.join(missing)}")
    require_postgres()
    require(
        (POSTGRES_SOCKET_DIR / ".s.PGSQL.5432").exists(),
        f"PostgreSQL has no Unix socket in {POSTGRES_SOCKET_DIR}",
    )
    require(shutil.which("redis-server") is not None, "redis-server is not installed")
    with (
        WeakLink(rate_kbit=700, one_way_ms=150, loss_percent=5) as link,
        ScratchPostgresDatabase() as database,
    ):
        server = NamespacedServer(link.server)
        with NamespacedRedis(link.server, server.workdir) as redis:
            socket_dir = urllib.parse.quote(str(POSTGRES_SOCKET_DIR), safe="")
            server.env.update(
                DATABASE_URL=f"postgres://postgres@{socket_dir}/{database.name}",
                DATABASE_CONN_MAX_AGE="0",
                REDIS_URL=redis.socket_url,
            )
            server.daphne_env = {**server.env, "REDIS_URL": redis.tcp_url}
            try:
                server.prepare()
                server.start()
                yield link, server, demo_pages(server)
            finally:
                server.stop()
        logger.info("weak link dropped %s packets", link.dropped_packets())


def report(capsys, line: str) -> None:
    """Figures for the test output, shown even when pytest captures output."""
    with capsys.disabled():
        sys.stderr.write(f"\nWEAK {line}")


# --- Lesson pages load ---------------------------------------------------------------

DEMO_PAGES_CODE = """
import json
from learning.models import CoursePage, LessonPage
course = CoursePage.objects.live().public().filter(locale__language_code="uz").first()
lesson = LessonPage.objects.live().public().child_of(course).first()
print(json.dumps({
    "course": [course.get_url(), course.title],
    "lesson": [lesson.get_url(), lesson.title, lesson.pk],
}))
"""


def demo_pages(server: LiveServer) -> dict:
    return json.loads(server.shell(DEMO_PAGES_CODE))


def timed_get(opener, url: str) -> tuple[int, bytes, float]:
    """Status, body and seconds of one GET."""
    started = time.monotonic()
    with opener.open(url, timeout=PAGE_SANITY_SECONDS) as response:
        body = response.read()
        return response.status, body, time.monotonic() - started


def assets_of(html: str) -> list[str]:
    """The project's own stylesheets and scripts a page links to."""
    links = re.findall(r'<link[^>]+href="(/static/[^"]+\.css)"', html)
    scripts = re.findall(r'<script[^>]+src="(/static/[^"]+\.js)"', html)
    return links + scripts


class WeakNetworkPageTests:
    def test_home_course_and_lesson_pages_load_with_their_css_and_js(
        self, weak, capsys
    ):
        link, server, pages = weak
        course_path, course_title = pages["course"]
        lesson_path, lesson_title, _ = pages["lesson"]

        def browse() -> list[tuple[str, int, bytes, float]]:
            opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
            fetched = []
            for name, path in (
                ("home", "/"),
                ("course", course_path),
                ("lesson", lesson_path),
            ):
                fetched.append((name, *timed_get(opener, server.url + path)))
            for asset in assets_of(fetched[-1][2].decode()):
                fetched.append((asset, *timed_get(opener, server.url + asset)))
            return fetched

        fetched = run_in_namespace(link.far, browse)
        for name, status, body, seconds in fetched:
            report(
                capsys, f"page {name}: {status}, {len(body)} bytes in {seconds:.2f} s"
            )
        assert [status for _, status, _, _ in fetched] == [200] * len(fetched)
        pages = {name: body.decode() for name, _, body, _ in fetched[:3]}
        assert "<html" in pages["home"]
        assert course_title in pages["course"]
        assert lesson_title in pages["lesson"]
        assert "data-lesson" in pages["lesson"]
        assets = {name: body for name, _, body, _ in fetched[3:]}
        assert any(name.endswith(".css") for name in assets)
        assert any(name.endswith(".js") for name in assets)
        # Every byte of the CSS and JS arrived intact despite the loss.
        static_root = Path(server.env["STATIC_ROOT"])
        for name, body in assets.items():
            assert body == (static_root / name.removeprefix("/static/")).read_bytes()
        total = sum(len(body) for _, _, body, _ in fetched)
        seconds = sum(seconds for _, _, _, seconds in fetched)
        report(
            capsys, f"pages total: {total} bytes in {seconds:.2f} s over the weak link"
        )
        assert seconds < PAGE_SANITY_SECONDS


# --- Progress events arrive exactly once --------------------------------------------

NEW_LEARNER_CODE = """
import secrets
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from demo.people import DEMO_PASSWORD
name = "weak" + secrets.token_hex(4)
user = get_user_model().objects.create_user(username=name, password=DEMO_PASSWORD)
user.groups.add(Group.objects.get(name="Learner"))
print(name)
"""

STORED_EVENTS_CODE = """
import json
from learning.models import LessonProgress, ProgressEvent
ids = {ids!r}
rows = ProgressEvent.objects.filter(event_id__in=ids, user__username={username!r})
progress = LessonProgress.objects.get(user__username={username!r}, lesson_id={lesson})
print(json.dumps({{
    "ids": [str(row.event_id) for row in rows],
    "seconds": progress.seconds_spent,
}}))
"""


def event(kind: str, *, lesson: int, visit: str, **fields) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "lesson": lesson,
        "visit": visit,
        "type": kind,
        "at": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
        **fields,
    }


class ProgressSender:
    """Posts batches as progress.js does: a batch stays queued until the server
    answers 2xx (or refuses it for good), and is sent again, same ids, after a
    network failure, a timeout or a 408/429/5xx."""

    def __init__(self, base_url: str, cookies: dict[str, str]):
        self.host = base_url.removeprefix("http://")
        self.base_url = base_url
        self.cookies = cookies
        self.attempts = 0
        self.failures: list[str] = []

    def post(self, batch: list[dict], *, drop_answer: bool = False) -> dict:
        """Send until stored; with `drop_answer` the first confirmation is thrown
        away, as when the answer is lost on the way back, and the batch is resent."""
        body = json.dumps({"events": batch}).encode()
        headers = {
            "Content-Type": "application/json",
            "X-CSRFToken": self.cookies["csrftoken"],
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            "Origin": self.base_url,
            "Referer": self.base_url + "/",
        }
        for _ in range(PROGRESS_ATTEMPTS):
            self.attempts += 1
            connection = http.client.HTTPConnection(self.host, timeout=PROGRESS_TIMEOUT)
            try:
                connection.request("POST", "/uz/learning/progress/", body, headers)
                response = connection.getresponse()
                answer = json.loads(response.read() or b"{}")
                if 200 <= response.status < 300 and drop_answer:
                    drop_answer = False
                    self.failures.append("answer lost")
                    continue
                if 200 <= response.status < 300:
                    return answer
                if response.status in {408, 429} or response.status >= 500:
                    self.failures.append(f"status {response.status}")
                    continue
                raise AssertionError(f"refused for good: {response.status} {answer}")
            except (OSError, http.client.HTTPException) as error:
                self.failures.append(type(error).__name__)
                time.sleep(0.5)
            finally:
                connection.close()
        raise AssertionError(f"not stored after {PROGRESS_ATTEMPTS} attempts")


class WeakNetworkProgressTests:
    def test_resent_events_are_stored_exactly_once(self, weak, capsys):
        link, server, pages = weak
        lesson = pages["lesson"][2]
        username = server.shell(NEW_LEARNER_CODE)
        visit = str(uuid.uuid4())
        batches = [
            [event("open", lesson=lesson, visit=visit)]
            + [event("time", lesson=lesson, visit=visit, seconds=30) for _ in range(4)],
            [event("time", lesson=lesson, visit=visit, seconds=30) for _ in range(5)],
            [event("video", lesson=lesson, visit=visit, position=42.5)]
            + [event("time", lesson=lesson, visit=visit, seconds=30) for _ in range(3)],
        ]
        all_events = [item for batch in batches for item in batch]
        time_seconds = sum(item.get("seconds", 0) for item in all_events)

        def learner_session() -> dict:
            started = time.monotonic()
            _, jar = http_sign_in(server.url, username)
            cookies = {cookie.name: cookie.value for cookie in jar}
            sign_in_seconds = time.monotonic() - started
            if "csrftoken" not in cookies:
                opener = urllib.request.build_opener(
                    urllib.request.ProxyHandler({}),
                    urllib.request.HTTPCookieProcessor(jar),
                )
                opener.open(server.url + "/uz/", timeout=30).read()
                cookies = {cookie.name: cookie.value for cookie in jar}
            sender = ProgressSender(server.url, cookies)
            answers = [
                sender.post(batch, drop_answer=index == 0)
                for index, batch in enumerate(batches)
            ]
            # The device missed every confirmation and sends its whole queue again.
            again = sender.post(all_events)
            return {
                "answers": answers,
                "again": again,
                "attempts": sender.attempts,
                "failures": sender.failures,
                "sign_in_seconds": sign_in_seconds,
            }

        started = time.monotonic()
        outcome = run_in_namespace(link.far, learner_session)
        report(
            capsys,
            f"progress: {len(all_events)} events in {len(batches)} batches, "
            f"{outcome['attempts']} posts ({outcome['failures']}), sign-in "
            f"{outcome['sign_in_seconds']:.2f} s, all in "
            f"{time.monotonic() - started:.2f} s",
        )
        # The batch whose confirmation was lost: its resend stored nothing new.
        assert outcome["answers"][0] == {
            "accepted": 0,
            "duplicates": len(batches[0]),
            "answers": [],
        }
        assert outcome["again"]["accepted"] == 0
        assert outcome["again"]["duplicates"] == len(all_events)
        ids = [item["id"] for item in all_events]
        stored = json.loads(
            server.shell(
                STORED_EVENTS_CODE.format(ids=ids, username=username, lesson=lesson)
            )
        )
        assert sorted(stored["ids"]) == sorted(ids)
        assert stored["seconds"] == time_seconds


# --- A call connects with audio -----------------------------------------------------


def run_peer(
    *,
    base_url: str,
    booking_id: int,
    username: str,
    ready: threading.Barrier,
) -> dict:
    """One side of the call in its own event loop: connect, hear audio, then wait for
    the other side to have heard too before hanging up."""

    async def scenario() -> dict:
        peer = RtcPeer(base_url=base_url, booking_id=booking_id, username=username)
        try:
            await peer.start()
            seconds = await peer.wait_connected(CALL_CONNECT_TIMEOUT)
            await peer.wait_frames(
                audio=MIN_AUDIO_FRAMES, video=0, timeout=AUDIO_TIMEOUT
            )
            heard_at = time.monotonic() - peer.started_at
            await asyncio.to_thread(ready.wait, AUDIO_TIMEOUT + CALL_CONNECT_TIMEOUT)
            local, remote = peer.selected_candidate_types()
            connection = peer.peer.getTransceivers()[0].receiver.transport.transport
            pair = connection._connection._nominated[1]
            return {
                "connected_after": seconds,
                "admitted_to_connected": peer.seconds_admitted_to_connected(),
                "heard_after": heard_at,
                "frames": dict(peer.frames),
                "pair": (local, remote),
                "addresses": (pair.local_candidate.host, pair.remote_candidate.host),
            }
        except BaseException:
            ready.abort()
            raise
        finally:
            with contextlib.suppress(Exception):
                await peer.close()

    return asyncio.run(scenario())


class WeakNetworkCallTests:
    def test_aiortc_peers_connect_with_audio_across_the_link(self, weak, capsys):
        link, server, _ = weak
        booking_id = joinable_booking_id(server, fresh=True)
        ready = threading.Barrier(2)
        results: dict = {}

        def side(namespace: str, username: str) -> None:
            try:
                results[username] = run_in_namespace(
                    namespace,
                    run_peer,
                    base_url=server.url,
                    booking_id=booking_id,
                    username=username,
                    ready=ready,
                )
            except BaseException as error:
                results[username] = error

        threads = [
            threading.Thread(target=side, args=(link.far, "client")),
            threading.Thread(target=side, args=(link.server, "specialist")),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(CALL_CONNECT_TIMEOUT + 2 * AUDIO_TIMEOUT)
        assert set(results) == {"client", "specialist"}, "a side of the call hung"
        for username in ("client", "specialist"):
            if isinstance(results[username], BaseException):
                raise results[username]
        client, specialist = results["client"], results["specialist"]
        for username, result in results.items():
            report(
                capsys,
                f"call {username}: connected {result['connected_after']:.2f} s after "
                f"start ({result['admitted_to_connected']:.2f} s after admission), "
                f"{MIN_AUDIO_FRAMES} audio frames by {result['heard_after']:.2f} s, "
                f"frames {result['frames']}, pair {result['pair']} "
                f"{result['addresses']}",
            )
        # Media went straight between the namespace addresses, across the link.
        assert client["addresses"] == (FAR_ADDRESS, SERVER_ADDRESS)
        assert specialist["addresses"] == (SERVER_ADDRESS, FAR_ADDRESS)
        for result in (client, specialist):
            assert result["frames"]["audio"] >= MIN_AUDIO_FRAMES

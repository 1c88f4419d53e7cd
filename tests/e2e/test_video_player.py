"""The demo lesson's video in a real Chromium on emulated Slow 3G (DevTools: 400 kbit/s,
2 s latency): it plays on the lowest rung, plays in Data saver mode (sound only) and
remembers it, plays through hls.js where the browser has no native HLS, and resumes
where the learner stopped.

The demo video is made by `seed_demo` and transcoded by a real django-q2 cluster
started here beside the test server's Daphne, as `make run` does.
"""

import re
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from cms.demo_users import DEMO_PASSWORD
from tests.support.homes import home_path
from tests.support.i18n import uz
from tests.support.live import REPO

pytestmark = pytest.mark.e2e

LESSON_PATH = "/uz/kurslar/oila-bilan-videoqongiroq/tayyorgarlik/"
LOCALE = "uz-UZ"
SLOW_3G = {
    "offline": False,
    "latency": 2000,
    "downloadThroughput": 400 * 1000 / 8,
    "uploadThroughput": 400 * 1000 / 8,
}
# A browser without native HLS (desktop Firefox, older Chrome): hls.js takes over.
NO_NATIVE_HLS = """
const canPlayType = HTMLMediaElement.prototype.canPlayType;
HTMLMediaElement.prototype.canPlayType = function (type) {
  return /mpegurl/i.test(type) ? "" : canPlayType.call(this, type);
};
"""


@pytest.fixture(scope="module")
def video_server(live_komak):
    """The shared test server, once its demo video has been transcoded by a
    django-q2 cluster."""
    database = live_komak.env["SQLITE_PATH"]
    log_path = live_komak.workdir / "qcluster.log"
    with log_path.open("w") as log:
        cluster = subprocess.Popen(
            [sys.executable, "manage.py", "qcluster"],
            cwd=REPO,
            env=live_komak.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 240
            status = None
            while time.monotonic() < deadline:
                with sqlite3.connect(database, timeout=20) as connection:
                    row = connection.execute(
                        "SELECT status FROM videos_lessonvideo ORDER BY id LIMIT 1"
                    ).fetchone()
                status = row[0] if row else None
                if status in {"ready", "failed"}:
                    break
                time.sleep(1)
        finally:
            cluster.send_signal(signal.SIGTERM)
            try:
                cluster.wait(timeout=30)
            except subprocess.TimeoutExpired:
                cluster.kill()
    assert status == "ready", log_path.read_text()[-3000:]
    return live_komak


def sign_in(page, base_url):
    page.goto(base_url + "/uz/accounts/login/")
    page.fill("#id_login", "learner")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_url(base_url + home_path("learner"))


class Session:
    """A signed-in learner's tab that records the media requests it makes."""

    def __init__(self, browser, base_url, *, native_hls=True):
        self.context = browser.new_context(locale=LOCALE)
        if not native_hls:
            self.context.add_init_script(NO_NATIVE_HLS)
        self.page = self.context.new_page()
        self.base_url = base_url
        self.requests: list[str] = []
        self.page.on("request", lambda request: self.requests.append(request.url))
        sign_in(self.page, base_url)

    def slow_3g(self):
        cdp = self.context.new_cdp_session(self.page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", SLOW_3G)
        return cdp

    def open_lesson(self):
        self.page.goto(self.base_url + LESSON_PATH, timeout=90_000)
        self.page.wait_for_selector("[data-video-player][data-ready]", timeout=60_000)
        return self.page.locator("[data-video-player]")

    def current_time(self) -> float:
        return self.page.evaluate(
            "document.querySelector('[data-video-player] video').currentTime"
        )

    def play_until(self, seconds: float, timeout: float = 90) -> float:
        """Press the player's Play button and wait until `seconds` have played.
        (Polled from here: the site's CSP forbids the eval behind wait_for_function.)
        """
        self.page.get_by_role("button", name=uz("Play")).click()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            position = self.current_time()
            if position > seconds:
                return position
            time.sleep(0.1)
        raise AssertionError(f"only {self.current_time()} s played in {timeout} s")

    def segments(self) -> list[str]:
        return [url for url in self.requests if url.endswith(".m4s")]

    def close(self):
        self.context.close()


class VideoPlayerTests:
    def test_plays_on_slow_3g_from_the_lowest_rung(
        self, video_server, chromium_browser
    ):
        session = Session(chromium_browser, video_server.url)
        try:
            session.slow_3g()
            player = session.open_lesson()
            assert player.get_attribute("data-ready") == "native"
            # The cost of playing is shown before playing: "About 262 KB, low quality".
            size = player.locator("[data-size]").inner_text()
            lowest = player.locator("input[type=radio]").first
            assert lowest.is_checked()
            assert size == lowest.get_attribute("data-summary")
            assert uz("low quality") in size
            assert re.search(r"\d.*(KB|MB)", size), size
            # Nothing of the video itself is downloaded before play.
            assert session.segments() == []
            session.play_until(1.0)
            segments = session.segments()
            assert segments
            assert all("/234p/" in url for url in segments), segments
            # Captions in the learner's language are showing.
            mode = session.page.evaluate(
                "Array.from(document.querySelector('[data-video-player] video')"
                ".textTracks).filter(t => t.language === 'uz').map(t => t.mode)"
            )
            assert mode == ["showing"]
        finally:
            session.close()

    def test_data_saver_plays_sound_only_and_is_remembered(
        self, video_server, chromium_browser
    ):
        session = Session(chromium_browser, video_server.url)
        try:
            player = session.open_lesson()
            player.get_by_label(
                uz("Data saver: sound and text only"), exact=False
            ).check()
            session.page.reload()
            session.page.wait_for_selector("[data-video-player][data-ready]")
            saver = session.page.locator("[data-video-player] input[data-saver]")
            assert saver.is_checked()
            assert session.page.locator("[data-transcript]").is_visible()
            session.slow_3g()
            session.requests.clear()
            session.play_until(1.0)
            segments = session.segments()
            assert segments
            assert all("/audio/" in url for url in segments), segments
        finally:
            session.page.evaluate("localStorage.removeItem('komak.video.saver')")
            session.close()

    def test_hls_js_plays_where_there_is_no_native_hls(
        self, video_server, chromium_browser
    ):
        session = Session(chromium_browser, video_server.url, native_hls=False)
        try:
            session.slow_3g()
            player = session.open_lesson()
            assert player.get_attribute("data-ready") == "hls.js"
            assert any("/vendor/hls.js/" in url for url in session.requests)
            session.play_until(1.0)
            segments = session.segments()
            assert segments
            assert all("/234p/" in url for url in segments), segments
        finally:
            session.close()

    def test_the_position_is_saved_and_the_learner_resumes(
        self, video_server, chromium_browser
    ):
        session = Session(chromium_browser, video_server.url)
        try:
            session.open_lesson()
            lesson_id = session.page.locator("[data-lesson]").get_attribute(
                "data-lesson"
            )
            reached = session.play_until(4.0)
            with session.page.expect_request(
                lambda request: (
                    request.method == "POST"
                    and "/uz/learning/progress/" in request.url
                    and '"video"' in (request.post_data or "")
                )
            ):
                session.page.get_by_role("button", name=uz("Pause")).click()
            summary = None
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                summary = session.page.evaluate(
                    f"fetch('/uz/learning/progress/{lesson_id}/').then(r => r.json())"
                )
                if summary["furthest_video_position"] >= 3.5:
                    break
                time.sleep(0.5)
            assert summary["furthest_video_position"] >= 3.5
            # A new device (no local storage): the server's position is used.
            session.page.evaluate("localStorage.clear()")
            session.page.reload()
            session.page.wait_for_selector("[data-video-player][data-ready]")
            resume = float(
                session.page.locator("[data-video-player]").get_attribute("data-resume")
            )
            assert resume >= 3.5
            after = session.play_until(resume - 0.5)
            assert after >= resume - 0.5
            assert reached >= 4.0
        finally:
            session.close()

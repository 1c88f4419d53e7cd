"""The demo lesson's video in a real Chromium on emulated Slow 3G (DevTools: 400 kbit/s,
2 s latency): it plays on the lowest rung, plays in Data saver mode (sound only) and
remembers it, plays through hls.js where the browser has no native HLS, and resumes
where the learner stopped. On a phone (issue 18): captions drawn at body text size,
one play control, controls that fit 320 px, a data saver as large as the other
choices, and the browser's own controls when JavaScript is off.

The demo video is made by `seed_demo` and transcoded by a real django-q2 cluster
started here beside the test server's Daphne, as `make run` does.
"""

import json
import re
import time

import pytest

from demo.people import DEMO_PASSWORD
from tests.e2e.test_learner_journey import new_learner
from tests.e2e.test_progress_queue_browser import STORE_JS
from tests.support.homes import home_path
from tests.support.i18n import uz
from tests.support.waiting import eventually

pytestmark = pytest.mark.e2e

LESSON_PATH = "/uz/kurslar/oila-bilan-videoqongiroq/tayyorgarlik/"
LOCALE = "uz-UZ"
SLOW_3G = {
    "offline": False,
    "latency": 2000,
    "downloadThroughput": 400 * 1000 / 8,
    "uploadThroughput": 400 * 1000 / 8,
}
# A browser without native HLS (desktop Firefox, older Chrome): hls.js plays.
NO_NATIVE_HLS = """
const canPlayType = HTMLMediaElement.prototype.canPlayType;
HTMLMediaElement.prototype.canPlayType = function (type) {
  return /mpegurl/i.test(type) ? "" : canPlayType.call(this, type);
};
"""
# A browser without Media Source Extensions (an older iPhone): its own HLS plays.
NO_MEDIA_SOURCE = """
delete window.MediaSource;
delete window.ManagedMediaSource;
"""
# Daphne's access log: one line per answer the server sent.
ACCESS_LINE = re.compile(r'"(?:GET|HEAD) (\S+)" (\d{3}) ')


def sign_in(page, base_url, username="learner"):
    page.goto(base_url + "/uz/accounts/login/")
    page.fill("#id_login", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_url(base_url + home_path(username))


class Session:
    """A signed-in learner's tab that records the media requests it makes."""

    def __init__(
        self,
        browser,
        base_url,
        *,
        native_hls=True,
        media_source=True,
        username="learner",
    ):
        self.context = browser.new_context(locale=LOCALE)
        if not native_hls:
            self.context.add_init_script(NO_NATIVE_HLS)
        if not media_source:
            self.context.add_init_script(NO_MEDIA_SOURCE)
        self.page = self.context.new_page()
        self.base_url = base_url
        self.requests: list[str] = []
        self.page.on("request", lambda request: self.requests.append(request.url))
        sign_in(self.page, base_url, username)

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
            assert player.get_attribute("data-ready") == "hls.js"
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

    @pytest.mark.parametrize(
        ("browser_has", "engine"),
        [
            ({"native_hls": False}, "hls.js"),  # desktop Firefox, older Chrome
            ({"media_source": False}, "native"),  # an older iPhone
        ],
        ids=["no-native-hls", "no-media-source"],
    )
    def test_plays_the_lowest_rung_with_what_the_browser_has(
        self, video_server, chromium_browser, browser_has, engine
    ):
        session = Session(chromium_browser, video_server.url, **browser_has)
        try:
            session.slow_3g()
            player = session.open_lesson()
            assert player.get_attribute("data-ready") == engine
            fetched_hls_js = any("/vendor/hls.js/" in url for url in session.requests)
            assert fetched_hls_js == (engine == "hls.js")
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


# What the server keeps of a learner's sittings: its LessonVisit rows and the visit
# each progress event was recorded under.
VISITS_CODE = """
import json
from learning.models import LessonVisit, ProgressEvent
visits = LessonVisit.objects.filter(user__username={username!r})
events = ProgressEvent.objects.filter(user__username={username!r}).order_by("pk")
print(json.dumps({{
    "visits": [str(visit.visit_id) for visit in visits],
    "events": [[str(e.event_id), e.kind, str(e.visit_id)] for e in events],
}}))
"""


def server_visits(server, username) -> dict:
    return json.loads(server.shell(VISITS_CODE.format(username=username)))


def sent_events(request) -> list[dict]:
    """The events in one POST to the progress endpoint."""
    return json.loads(request.post_data or "{}").get("events", [])


def is_video_post(request) -> bool:
    return (
        request.method == "POST"
        and "/uz/learning/progress/" in request.url
        and any(event["type"] == "video" for event in sent_events(request))
    )


class OneSittingOneVisitTests:
    """Issue 17: the lesson's text and its video are one sitting. The player records
    its positions in the page's visit, through the page's one progress queue, so a
    learner who reads a lesson and plays its video leaves one LessonVisit, and the
    positions wait through a dropped connection like the other steps."""

    def test_reading_and_playing_the_video_is_one_visit(
        self, video_server, chromium_browser
    ):
        username = new_learner(video_server)
        session = Session(chromium_browser, video_server.url, username=username)
        try:
            session.open_lesson()
            # The lesson's "open" step has reached the server: the sitting began.
            opened = eventually(
                lambda: [
                    event
                    for event in server_visits(video_server, username)["events"]
                    if event[1] == "open"
                ]
            )
            assert len(opened) == 1
            visit = opened[0][2]
            session.play_until(2.0)
            with session.page.expect_request(is_video_post) as posted:
                session.page.get_by_role("button", name=uz("Pause")).click()
            positions = [
                event for event in sent_events(posted.value) if event["type"] == "video"
            ]
            assert positions
            assert {event["visit"] for event in positions} == {visit}

            def with_a_position():
                found = server_visits(video_server, username)
                kinds = {event[1] for event in found["events"]}
                return found if "video" in kinds else None

            kept = eventually(with_a_position)
            assert kept["visits"] == [visit]
            assert {event[2] for event in kept["events"]} == {visit}
        finally:
            session.close()

    def test_a_position_saved_offline_waits_and_is_sent_once(
        self, video_server, chromium_browser
    ):
        username = new_learner(video_server)
        session = Session(chromium_browser, video_server.url, username=username)
        try:
            session.open_lesson()
            eventually(lambda: server_visits(video_server, username)["visits"])
            session.play_until(2.0)
            session.context.set_offline(True)
            session.page.get_by_role("button", name=uz("Pause")).click()
            waiting = eventually(
                lambda: [
                    row
                    for row in session.page.evaluate(STORE_JS, "waiting")
                    if row["type"] == "video"
                ]
            )
            # Still offline: the server has not had it; the page says it waits.
            ids = {row["id"] for row in waiting}
            on_server = server_visits(video_server, username)["events"]
            assert not ids & {event[0] for event in on_server}
            status = session.page.locator("[data-sync-status]")
            eventually(lambda: status.inner_text().strip())

            session.context.set_offline(False)
            eventually(lambda: not session.page.evaluate(STORE_JS, "waiting"))
            kept = server_visits(video_server, username)
            stored_ids = [event[0] for event in kept["events"]]
            for event_id in ids:
                assert stored_ids.count(event_id) == 1
            assert len(kept["visits"]) == 1
        finally:
            session.close()


def answered_since(log_path, offset: int) -> list[str]:
    """The paths the server answered (200 or 206) after `offset` bytes of its log."""
    with open(log_path, "rb") as log:
        log.seek(offset)
        text = log.read().decode("utf-8", "replace")
    return [
        match.group(1)
        for match in ACCESS_LINE.finditer(text)
        if match.group(2) in {"200", "206"}
    ]


def segment_at(page, playlist_url: str, seconds: float) -> str:
    """The name of the media segment of this playlist that holds `seconds`."""
    text = page.evaluate("(url) => fetch(url).then((r) => r.text())", playlist_url)
    start = 0.0
    duration = None
    for line in text.splitlines():
        if line.startswith("#EXTINF:"):
            duration = float(line.removeprefix("#EXTINF:").split(",")[0])
        elif line and not line.startswith("#") and duration is not None:
            if start <= seconds < start + duration:
                return line
            start += duration
    raise AssertionError(f"no segment holds {seconds} s in {playlist_url}")


class PlayInOneRoundTripTests:
    """Issue 14: once the lesson page has settled, pressing Play fetches the first
    media segment and nothing else (the playlists, the init segment and the captions
    are in the HTTP cache by then), and no file comes over the network twice. What
    reached the server is read from its own access log, so a file the browser took
    from its cache is not counted, whatever the browser's tools say."""

    def test_play_fetches_only_segments_and_nothing_twice(
        self, video_server, chromium_browser
    ):
        log_path = video_server.log_path
        session = Session(chromium_browser, video_server.url)
        try:
            start = log_path.stat().st_size
            player = session.open_lesson()
            assert player.get_attribute("data-ready") == "hls.js"
            session.page.wait_for_load_state("networkidle")
            settled = answered_since(log_path, start)
            playlist = next(
                path for path in settled if path.endswith("/234p/index.m3u8")
            )
            rung = playlist.removesuffix("index.m3u8")
            # Settled: the master and chosen playlists, the init segment and the
            # captions are in; no media segment yet.
            assert any(path.endswith("/master.m3u8") for path in settled), settled
            assert rung + "init.mp4" in settled, settled
            assert any("/captions/" in path for path in settled), settled
            assert not [path for path in settled if path.endswith(".m4s")], settled
            at_play = log_path.stat().st_size
            session.play_until(0.5)
            after_play = answered_since(log_path, at_play)
            assert after_play, "nothing reached the server after Play"
            # The first segment asked for is the one where the learner resumes.
            resume = float(player.get_attribute("data-resume"))
            assert after_play[0] == rung + segment_at(
                session.page, video_server.url + playlist, resume
            ), (resume, after_play)
            assert all(
                path.startswith(rung) and path.endswith(".m4s") for path in after_play
            ), after_play
            everything = answered_since(log_path, start)
            twice = sorted({path for path in everything if everything.count(path) > 1})
            assert twice == [], twice
        finally:
            session.close()


# Chromium draws a cue inside the <video>'s user-agent shadow tree, which page scripts
# cannot reach; DevTools can (DOM.getDocument with pierce), and CSS.getComputedStyleFor
# Node gives the style the cue is actually drawn with.
def shown_cues(page) -> list[dict]:
    """The caption cues Chromium is drawing now: their text, computed font size and
    box height in CSS px."""
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument", {"depth": -1, "pierce": True})["root"]
        cue_nodes = []

        def walk(node):
            attributes = node.get("attributes", [])
            pairs = dict(zip(attributes[::2], attributes[1::2], strict=True))
            if pairs.get("pseudo") == "cue":
                cue_nodes.append(node)
            for key in ("children", "shadowRoots"):
                for child in node.get(key, []):
                    walk(child)

        def text_of(node) -> str:
            if node.get("nodeType") == 3:
                return node.get("nodeValue", "")
            return "".join(text_of(child) for child in node.get("children", []))

        walk(root)
        cues = []
        for node in cue_nodes:
            style = cdp.send("CSS.getComputedStyleForNode", {"nodeId": node["nodeId"]})
            computed = {item["name"]: item["value"] for item in style["computedStyle"]}
            box = cdp.send("DOM.getBoxModel", {"nodeId": node["nodeId"]})["model"]
            cues.append(
                {
                    "text": text_of(node),
                    "font_size": float(computed["font-size"].removesuffix("px")),
                    "height": box["height"],
                }
            )
        return cues
    finally:
        cdp.detach()


ACTIVE_CUE_TEXT = """
(() => {
  const video = document.querySelector('[data-video-player] video');
  for (const track of video.textTracks) {
    if (track.mode === 'showing' && track.activeCues && track.activeCues.length) {
      return track.activeCues[0].text;
    }
  }
  return null;
})()
"""

# Every control of ours and its box, for the size and fit checks.
CONTROL_BOXES = """
(() => {
  const player = document.querySelector('[data-video-player]');
  const controls = player.querySelectorAll(
    '[data-video-controls] button, [data-video-controls] input[type=range],'
    + ' [data-video-controls] label.video-option');
  return Array.from(controls, (element) => {
    const box = element.getBoundingClientRect();
    return { name: (element.innerText || element.getAttribute('aria-label')
               || element.id).trim(),
             left: box.left, right: box.right, top: box.top,
             width: box.width, height: box.height };
  });
})()
"""
GROUP_OVERFLOW = """
(() => {
  const selectors = ['html', 'body', '[data-video-player]', '[data-video-controls]',
    '.video-main', '.video-choice', '.video-speed'];
  return selectors.map((selector) => {
    const element = document.querySelector(selector);
    return { selector, extra: element.scrollWidth - element.clientWidth };
  });
})()
"""


def anonymous_page(browser, *, width, height, javascript=True):
    """A phone-sized tab that is not signed in (the demo lesson is public)."""
    context = browser.new_context(
        viewport={"width": width, "height": height},
        locale=LOCALE,
        java_script_enabled=javascript,
    )
    return context.new_page()


class PhonePlayerTests:
    """Issue 18: the player on a phone. Captions at body text size, one play control,
    speed and quality controls that fit 320 px, a data-saver choice as large as the
    others; without JavaScript the browser's own controls."""

    @pytest.mark.parametrize(
        ("comfort", "body_text"), [(None, 20), ("text-large", 24)], ids=str
    )
    def test_captions_are_drawn_at_body_text_size(
        self, video_server, chromium_browser, comfort, body_text
    ):
        """Measured on the cue Chromium draws, not on our stylesheet: the video is
        played until a caption cue is active and paused, then the cue element in the
        video's user-agent shadow tree (reached through DevTools, since page scripts
        cannot) gives its computed font size and its box. Without our ::cue rule
        Chromium draws it at 5 % of the video's height, 9 px on this phone."""
        page = anonymous_page(chromium_browser, width=360, height=740)
        if comfort:
            page.context.add_cookies(
                [
                    {
                        "name": "komak_comfort",
                        "value": comfort,
                        "url": video_server.url,
                    }
                ]
            )
        try:
            page.goto(video_server.url + LESSON_PATH)
            page.wait_for_selector("[data-video-player][data-ready]")
            root_size = page.evaluate(
                "parseFloat(getComputedStyle(document.documentElement).fontSize)"
            )
            assert root_size == body_text
            page.get_by_role("button", name=uz("Play")).click()
            cue_text = eventually(
                lambda: page.evaluate(ACTIVE_CUE_TEXT),
                timeout=60,
                every=0.1,
                what="a caption cue became active",
            )
            page.get_by_role("button", name=uz("Pause")).click()
            cue_text = page.evaluate(ACTIVE_CUE_TEXT)
            cues = [cue for cue in shown_cues(page) if cue["text"].strip()]
            assert cues, "Chromium draws no cue"
            assert cue_text and cues[0]["text"].split()[0] in cue_text
            for cue in cues:
                assert cue["font_size"] >= 19, cue
                assert cue["font_size"] >= body_text, cue
                assert cue["height"] >= 19, cue
        finally:
            page.context.close()

    def test_one_play_control_with_javascript(self, video_server, chromium_browser):
        page = anonymous_page(chromium_browser, width=360, height=740)
        try:
            page.goto(video_server.url + LESSON_PATH)
            page.wait_for_selector("[data-video-player][data-ready]")
            video = page.locator("[data-video-player] video")
            # No native controls: their Play would be a second one.
            assert video.get_attribute("controls") is None
            assert video.evaluate("video => video.controls") is False
            play = page.get_by_role("button", name=uz("Play"))
            assert play.count() == 1
            assert play.is_visible()
            # It plays from the keyboard, and the same button is then the pause.
            play.focus()
            page.keyboard.press("Enter")
            pause = page.get_by_role("button", name=uz("Pause"))
            pause.wait_for(timeout=30_000)
            assert page.get_by_role("button", name=uz("Play")).count() == 0
            pause.click()
            page.get_by_role("button", name=uz("Play")).wait_for()
        finally:
            page.context.close()

    def test_the_slider_and_ten_seconds_back_replace_the_native_seek_bar(
        self, video_server, chromium_browser
    ):
        page = anonymous_page(chromium_browser, width=360, height=740)
        try:
            page.goto(video_server.url + LESSON_PATH)
            page.wait_for_selector("[data-video-player][data-ready]")
            slider = page.get_by_role("slider", name=uz("Where in the video"))
            slider.focus()
            page.keyboard.press("End")
            end = float(slider.input_value())
            assert end >= 20  # the demo video is about half a minute long
            assert slider.get_attribute("aria-valuetext")
            page.get_by_role("button", name=uz("10 seconds back")).click()
            chosen = float(slider.input_value())
            assert end - 11 <= chosen <= end - 9
            page.get_by_role("button", name=uz("Play")).click()
            position = 0.0
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and position == 0:
                position = page.evaluate(
                    "document.querySelector('[data-video-player] video').currentTime"
                )
                time.sleep(0.05)
            # Playing starts where the slider was put, not at the beginning (the
            # first position seen once it moves).
            assert chosen - 0.5 <= position < chosen + 5
        finally:
            page.context.close()

    def test_the_controls_fit_a_320_px_phone(self, video_server, chromium_browser):
        page = anonymous_page(chromium_browser, width=320, height=640)
        try:
            page.goto(video_server.url + LESSON_PATH)
            page.wait_for_selector("[data-video-player][data-ready]")
            for group in page.evaluate(GROUP_OVERFLOW):
                assert group["extra"] <= 0, group
            controls = page.evaluate(CONTROL_BOXES)
            # Play, back, position, two qualities, data saver, three speeds.
            assert len(controls) == 9, controls
            for control in controls:
                assert control["width"] >= 47.5 and control["height"] >= 47.5, control
                assert control["left"] >= 0 and control["right"] <= 320, control
            # The three speeds in one row.
            speeds = page.locator("[data-speed]")
            tops = {round(speeds.nth(index).bounding_box()["y"]) for index in range(3)}
            assert len(tops) == 1, tops
        finally:
            page.context.close()

    def test_the_data_saver_is_as_large_as_the_other_choices(
        self, video_server, chromium_browser
    ):
        page = anonymous_page(chromium_browser, width=320, height=640)
        try:
            page.goto(video_server.url + LESSON_PATH)
            page.wait_for_selector("[data-video-player][data-ready]")
            saver_label = page.locator("label.video-saver")
            saver_label.scroll_into_view_if_needed()
            saver = saver_label.bounding_box()
            quality = page.locator("label.video-option").first.bounding_box()
            assert saver["height"] >= 48
            assert saver["width"] == quality["width"]
            box = page.locator("input[data-saver]").bounding_box()
            radio = page.locator("input[type=radio][data-playlist]").first
            radio_box = radio.bounding_box()
            assert box["width"] == radio_box["width"] >= 24
            assert box["height"] == radio_box["height"] >= 24
            # The whole box is the target: a tap on its far edge ticks it.
            page.mouse.click(
                saver["x"] + saver["width"] - 4, saver["y"] + saver["height"] / 2
            )
            assert page.locator("input[data-saver]").is_checked()
        finally:
            page.evaluate("localStorage.removeItem('komak.video.saver')")
            page.context.close()

    def test_without_javascript_the_native_controls_play(
        self, video_server, chromium_browser
    ):
        page = anonymous_page(chromium_browser, width=360, height=740, javascript=False)
        try:
            page.goto(video_server.url + LESSON_PATH)
            video = page.locator("[data-video-player] video")
            assert video.get_attribute("controls") is not None
            # None of our buttons is shown: no button that does nothing.
            assert page.get_by_role("button", name=uz("Play")).count() == 0
            assert page.locator("[data-video-controls] button:visible").count() == 0
            assert not page.locator("[data-video-controls]").is_visible()
        finally:
            page.context.close()

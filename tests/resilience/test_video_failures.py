"""A video never says "Being prepared" for ever.

When the task that prepares a video dies with its worker or its whole cluster, the
video is prepared again, and after the last attempt (django-q2's `max_attempts`) it
is marked failed with a reason the trainer reads in the admin. The ORM broker hands
a killed task out again by itself; the Redis broker loses it, and the sweeper
(`videos_stalled_recover`, scheduled every 5 minutes) finds the video.

The first tests build the stalled states in the test database; the last two run a
real `manage.py qcluster` and kill it: its worker at every attempt, and the whole
cluster on the Redis broker.
"""

import datetime
import io
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django_q.models import Schedule

from tests.accounts.factories import user_create
from tests.support.i18n import uz_n
from tests.support.live import REPO
from tests.support.scaleout import SCALE_OUT_REDIS_URL
from tests.support.services import require_redis
from tests.support.videos import process_writing_under
from videos import services
from videos.models import LessonVideo, VideoStatus
from videos.samples import moving_pattern_write
from videos.services import (
    video_transcode,
    video_transcode_retry,
    videos_stalled_recover,
)
from videos.wagtail_hooks import video_viewset

REASON_ONE = (
    "Preparing the video stopped %(count)d time before it was finished, so Koʻmak "
    "stopped trying. The file may be too long or damaged: press “Try again”, or "
    "upload the file again."
)
REASON_MANY = REASON_ONE.replace("time before", "times before")
LONG_AGO = datetime.timedelta(hours=1)


def reason(count: int) -> str:
    return uz_n(REASON_ONE, REASON_MANY, count, count=count)


def video_make(**fields) -> LessonVideo:
    return LessonVideo.objects.create(
        title="Kesilgan video", source="videos/sources/kesilgan.mp4", **fields
    )


def stalled(interrupted: int, **fields) -> LessonVideo:
    return video_make(
        status=VideoStatus.PROCESSING,
        started_at=timezone.now() - LONG_AGO,
        attempts=interrupted + 1,
        interrupted_attempts=interrupted,
        progress_percent=40,
        **fields,
    )


def enqueued(callbacks) -> int:
    """Transcoding tasks queued on commit (not run: only counted)."""
    return sum(
        1
        for callback in callbacks
        if "_enqueue" in getattr(callback, "__qualname__", "")
    )


@pytest.mark.django_db
class HandedOutAgainTests:
    """The ORM broker hands out a task whose worker died: `video_transcode` sees
    that the attempt before never finished."""

    def test_after_the_last_attempt_the_video_fails_with_a_reason(self):
        video = stalled(interrupted=2)
        assert video_transcode(video_id=video.pk) == VideoStatus.FAILED
        video.refresh_from_db()
        assert video.status == VideoStatus.FAILED
        assert video.failure_reason == reason(3)
        assert (video.interrupted_attempts, video.attempts) == (3, 3)

    def test_before_the_last_attempt_it_starts_again_and_counts(self):
        video = stalled(interrupted=0)
        with mock.patch.object(
            services, "media_probe", side_effect=OSError("stopped here")
        ):
            video_transcode(video_id=video.pk)
        video.refresh_from_db()
        assert (video.interrupted_attempts, video.attempts) == (1, 2)

    def test_an_attempt_still_running_elsewhere_is_left_alone(self):
        video = stalled(interrupted=2)
        LessonVideo.objects.filter(pk=video.pk).update(started_at=timezone.now())
        assert video_transcode(video_id=video.pk) == VideoStatus.PROCESSING
        video.refresh_from_db()
        assert (video.status, video.interrupted_attempts) == (
            VideoStatus.PROCESSING,
            2,
        )


@pytest.mark.django_db
class SweeperTests:
    def test_a_lost_task_is_queued_again(self, django_capture_on_commit_callbacks):
        video = stalled(interrupted=0)
        with django_capture_on_commit_callbacks() as callbacks:
            assert videos_stalled_recover() == {"requeued": 1, "failed": 0}
        video.refresh_from_db()
        assert (video.status, video.interrupted_attempts) == (VideoStatus.QUEUED, 1)
        assert enqueued(callbacks) == 1

    def test_after_the_last_attempt_it_is_marked_failed(
        self, django_capture_on_commit_callbacks
    ):
        video = stalled(interrupted=2)
        with django_capture_on_commit_callbacks() as callbacks:
            assert videos_stalled_recover() == {"requeued": 0, "failed": 1}
        video.refresh_from_db()
        assert video.status == VideoStatus.FAILED
        assert video.failure_reason == reason(3)
        assert video.progress_percent == 0
        assert enqueued(callbacks) == 0

    def test_work_in_progress_and_finished_videos_are_left_alone(self):
        running = video_make(
            status=VideoStatus.PROCESSING,
            started_at=timezone.now() - datetime.timedelta(minutes=5),
        )
        ready = video_make(
            status=VideoStatus.READY, started_at=timezone.now() - LONG_AGO
        )
        failed = video_make(
            status=VideoStatus.FAILED,
            failure_reason="Disk full",
            started_at=timezone.now() - LONG_AGO,
        )
        assert videos_stalled_recover() == {"requeued": 0, "failed": 0}
        for video, status in (
            (running, VideoStatus.PROCESSING),
            (ready, VideoStatus.READY),
            (failed, VideoStatus.FAILED),
        ):
            video.refresh_from_db()
            assert (video.status, video.interrupted_attempts) == (status, 0)

    def test_a_second_sweeper_that_read_the_same_row_does_nothing(
        self, django_capture_on_commit_callbacks
    ):
        # Two clusters on one database sweep at the same moment: both read the
        # stalled row, only the first one's conditional update matches it.
        video = stalled(interrupted=0)
        seen_by_both = services._stalled_rows(timezone.now())
        with django_capture_on_commit_callbacks() as callbacks:
            videos_stalled_recover()
            with mock.patch.object(
                services, "_stalled_rows", return_value=seen_by_both
            ):
                assert videos_stalled_recover() == {"requeued": 0, "failed": 0}
        video.refresh_from_db()
        assert video.interrupted_attempts == 1
        assert enqueued(callbacks) == 1

    def test_a_video_queued_long_ago_is_queued_again_once(
        self, django_capture_on_commit_callbacks
    ):
        video = video_make(status=VideoStatus.QUEUED)
        LessonVideo.objects.filter(pk=video.pk).update(
            updated_at=timezone.now() - datetime.timedelta(hours=7)
        )
        with django_capture_on_commit_callbacks() as callbacks:
            assert videos_stalled_recover() == {"requeued": 1, "failed": 0}
            assert videos_stalled_recover() == {"requeued": 0, "failed": 0}
        assert enqueued(callbacks) == 1

    def test_a_video_queued_again_by_a_trainer_is_not_forgotten(
        self, django_capture_on_commit_callbacks
    ):
        video = stalled(interrupted=2)
        videos_stalled_recover()
        with django_capture_on_commit_callbacks() as callbacks:
            assert video_transcode_retry(video=video)
            assert videos_stalled_recover() == {"requeued": 0, "failed": 0}
        video.refresh_from_db()
        # "Try again" gives the video its attempts back.
        assert (video.status, video.interrupted_attempts) == (VideoStatus.QUEUED, 0)
        assert enqueued(callbacks) == 1

    def test_the_trainer_reads_the_reason_in_the_admin(self, client):
        stalled(interrupted=2)
        videos_stalled_recover()
        client.force_login(user_create(roles=("Trainer",)))
        html = client.get(reverse(video_viewset.get_url_name("list"))).content.decode()
        assert reason(3) in html.replace("&quot;", '"').replace("&#x27;", "'")

    def test_the_sweeper_is_scheduled_with_the_other_tasks(self):
        call_command("schedule_tasks", stdout=io.StringIO())
        schedule = Schedule.objects.get(name="videos: recover stalled videos")
        assert schedule.schedule_type == Schedule.MINUTES
        assert schedule.minutes == 5
        assert import_string(schedule.func)() == str({"requeued": 0, "failed": 0})


# --- A real cluster, killed -----------------------------------------------------------

QUEUE_VIDEO = """
from django.core.files import File
from videos.services import video_create
with open({path!r}, "rb") as handle:
    video = video_create(title="Killed cluster", source=File(handle, name="clip.mp4"))
print(video.pk)
"""


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    """A migrated SQLite database, copied by each test."""
    folder = tmp_path_factory.mktemp("migrated")
    env = cluster_env(folder / "db.sqlite3", folder / "media", timeout=10)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input"],
        cwd=REPO,
        env=env,
        check=True,
        capture_output=True,
        timeout=600,
    )
    return folder / "db.sqlite3"


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    # Small, so that an attempt left alone finishes well within the timeout.
    folder = tmp_path_factory.mktemp("clip")
    return moving_pattern_write(folder / "clip.mp4", seconds=4, width=480, height=270)


def cluster_env(database: Path, media: Path, *, timeout: int, redis_url: str = ""):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="tests.resilience.worker_settings",
        SQLITE_PATH=str(database),
        MEDIA_ROOT=str(media),
        PYTHONUNBUFFERED="1",
        KOMAK_TEST_Q_TIMEOUT=str(timeout),
        KOMAK_TEST_Q_NAME=f"komak-test-{uuid.uuid4().hex[:8]}",
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


class Cluster:
    """`manage.py qcluster` in its own process group."""

    def __init__(self, env: dict, log: Path):
        self.log = log
        self.handle = log.open("a")
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "qcluster"],
            cwd=REPO,
            env=env,
            stdout=self.handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill(self) -> None:
        """SIGKILL to the sentinel, its workers, monitor and pusher at once."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=20)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()
        self.handle.close()


def row(database: Path, video_id: int) -> dict:
    with sqlite3.connect(database, timeout=20) as connection:
        connection.row_factory = sqlite3.Row
        return dict(
            connection.execute(
                "SELECT status, attempts, interrupted_attempts, failure_reason, "
                "ladder_dir FROM videos_lessonvideo WHERE id = ?",
                (video_id,),
            ).fetchone()
        )


def wait_for_attempt(database, media, video_id, attempt: int, timeout=60) -> int:
    """Wait until attempt number `attempt` is writing its ladder; its worker's pid."""
    ladders = media / "videos" / "ladders" / str(video_id)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = row(database, video_id)
        if state["status"] == "processing" and state["attempts"] == attempt:
            for building in ladders.glob("building-*"):
                pid = process_writing_under(building)
                if pid is not None:
                    return pid
        if state["status"] in {"ready", "failed"}:
            raise AssertionError(f"attempt {attempt} never began: {state}")
        time.sleep(0.02)
    raise AssertionError(f"attempt {attempt} never began: {row(database, video_id)}")


def wait_for_end(database, video_id, timeout: float) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = row(database, video_id)
        if state["status"] in {"ready", "failed"}:
            return state
        time.sleep(0.2)
    return row(database, video_id)


def setup_run(migrated, tmp_path, clip, **env_options):
    database = tmp_path / "db.sqlite3"
    media = tmp_path / "media"
    shutil.copy(migrated, database)
    env = cluster_env(database, media, **env_options)
    queued = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            QUEUE_VIDEO.format(path=str(clip)),
        ],
        cwd=REPO,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return database, media, env, int(queued.stdout.strip().splitlines()[-1])


@pytest.mark.e2e
class KilledClusterTests:
    def test_a_worker_killed_at_every_attempt_ends_failed_with_a_reason(
        self, migrated, clip, tmp_path
    ):
        database, media, env, video_id = setup_run(migrated, tmp_path, clip, timeout=8)
        cluster = Cluster(env, tmp_path / "qcluster.log")
        try:
            for attempt in (1, 2, 3):
                os.kill(
                    wait_for_attempt(database, media, video_id, attempt), signal.SIGKILL
                )
            # The broker hands the task out a fourth time, after `retry` (9 s).
            state = wait_for_end(database, video_id, timeout=60)
            assert cluster.process.poll() is None, "the cluster itself should live on"
        finally:
            cluster.stop()
        assert state["status"] == "failed", cluster.log.read_text()[-3000:]
        assert (state["attempts"], state["interrupted_attempts"]) == (3, 3)
        # Written in the cluster's language, Uzbek (LANGUAGE_CODE).
        assert state["failure_reason"] == reason(3)
        ladders = media / "videos" / "ladders" / str(video_id)
        assert list(ladders.glob("building-*")) == []

    def test_a_cluster_killed_on_the_redis_broker_is_recovered_by_the_sweeper(
        self, migrated, clip, tmp_path
    ):
        require_redis()
        database, media, env, video_id = setup_run(
            migrated, tmp_path, clip, timeout=12, redis_url=SCALE_OUT_REDIS_URL
        )
        first = Cluster(env, tmp_path / "qcluster.log")
        try:
            wait_for_attempt(database, media, video_id, 1)
            first.kill()
        finally:
            first.stop()
        second = Cluster(env, tmp_path / "qcluster.log")
        try:
            # The Redis broker gave the task away and lost it with the cluster:
            # nothing will prepare this video by itself.
            time.sleep(14)  # timeout (12 s) + the grace (1 s): now it is stalled
            assert row(database, video_id)["status"] == "processing"
            swept = subprocess.run(
                [
                    sys.executable,
                    "manage.py",
                    "shell",
                    "-c",
                    "from videos.tasks import videos_stalled_recover; "
                    "print(videos_stalled_recover())",
                ],
                cwd=REPO,
                env=env,
                check=True,
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert "'requeued': 1" in swept.stdout
            state = wait_for_end(database, video_id, timeout=90)
        finally:
            second.stop()
        assert state["status"] == "ready", (tmp_path / "qcluster.log").read_text()[
            -3000:
        ]
        assert (state["attempts"], state["interrupted_attempts"]) == (2, 1)
        published = media / state["ladder_dir"]
        assert (published / "master.m3u8").is_file()
        assert list(published.parent.glob("building-*")) == []

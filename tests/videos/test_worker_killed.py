"""A django-q2 worker killed in the middle of transcoding: the task is handed out
again by the broker, starts afresh, and the video ends up ready with nothing
half-written left behind.

Real parts throughout: a SQLite database migrated for this test, the video queued by
the same service the admin uses, `manage.py qcluster` in its own process group, and
SIGKILL sent to the worker process that has the half-written ladder open.
"""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.live import REPO
from tests.support.videos import process_writing_under

pytestmark = pytest.mark.e2e

QUEUE_VIDEO = """
from django.core.files import File
from videos.services import video_create
with open({path!r}, "rb") as handle:
    video = video_create(title="Killed worker", source=File(handle, name="hd.mp4"))
print(video.pk)
"""


def run_manage(env, *args, timeout=180):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=True,
    )


def video_row(database: Path, video_id: int) -> tuple[str, int, int, str]:
    with sqlite3.connect(database, timeout=20) as connection:
        return connection.execute(
            "SELECT status, progress_percent, attempts, ladder_dir "
            "FROM videos_lessonvideo WHERE id = ?",
            (video_id,),
        ).fetchone()


def test_a_killed_worker_task_is_retried_and_finishes(clips, tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL"}
    }
    database = tmp_path / "db.sqlite3"
    media = tmp_path / "media"
    env.update(
        DJANGO_SETTINGS_MODULE="tests.videos.worker_settings",
        SQLITE_PATH=str(database),
        MEDIA_ROOT=str(media),
        PYTHONUNBUFFERED="1",
    )
    run_manage(env, "migrate", "--no-input")
    output = run_manage(env, "shell", "-c", QUEUE_VIDEO.format(path=str(clips["hd"])))
    video_id = int(output.stdout.strip().splitlines()[-1])
    ladders = media / "videos" / "ladders" / str(video_id)

    log = (tmp_path / "qcluster.log").open("w")
    cluster = subprocess.Popen(
        [sys.executable, "manage.py", "qcluster"],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        killed_pid = None
        killed_folder = None
        deadline = time.monotonic() + 60
        while killed_pid is None and time.monotonic() < deadline:
            status, percent, _, _ = video_row(database, video_id)
            building = sorted(ladders.glob("building-*")) if ladders.exists() else []
            if status == "processing" and percent >= 10 and building:
                killed_pid = process_writing_under(building[0])
                killed_folder = building[0]
            else:
                time.sleep(0.05)
        assert killed_pid is not None, "the worker never got halfway"
        assert killed_pid != cluster.pid
        os.kill(killed_pid, signal.SIGKILL)
        status, percent, attempts, ladder_dir = video_row(database, video_id)
        assert (status, attempts, ladder_dir) == ("processing", 1, "")
        assert percent < 100

        # The broker hands the task out again after `retry` (25 s).
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            status, percent, attempts, ladder_dir = video_row(database, video_id)
            if status in {"ready", "failed"}:
                break
            time.sleep(0.5)
        assert cluster.poll() is None, "the cluster itself should survive"
    finally:
        os.killpg(cluster.pid, signal.SIGTERM)
        try:
            cluster.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(cluster.pid, signal.SIGKILL)
        log.close()
    assert status == "ready", (tmp_path / "qcluster.log").read_text()[-3000:]
    assert attempts == 2
    assert percent == 100
    published = media / ladder_dir
    assert (published / "master.m3u8").is_file()
    assert (published / "720p" / "index.m3u8").is_file()
    assert not killed_folder.exists()
    assert list(ladders.glob("building-*")) == []

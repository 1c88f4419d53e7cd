"""A lesson video that is ready to play without transcoding, and lessons showing it.

`ready_video_create` writes a small published ladder (playlists, one segment, a
poster, the download) and a caption file under MEDIA_ROOT, as `video_transcode`
would, so that tests of who may fetch the files need no encoder. Also run inside a
`manage.py shell` of a real server (tests/scaleout/).
"""

import os
import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from wagtail.models import PageViewRestriction

from tests.learning.factories import course_create
from videos.models import LessonVideo, VideoCaption, VideoStatus

# Long enough (over 256 bytes) for nginx to compress the captions and playlists.
CAPTION = b"WEBVTT\n\n" + b"".join(
    b"00:%02d.000 --> 00:%02d.500\nAssalomu alaykum, telefonni oling.\n\n"
    % (second, second)
    for second in range(10)
)
SEGMENT = bytes(range(256)) * 64  # 16 KB: big enough for byte ranges
PLAYLIST = (
    "#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:2\n"
    '#EXT-X-MAP:URI="init.mp4"\n'
    + "#EXTINF:2.0,\nseg000.m4s\n" * 20
    + "#EXT-X-ENDLIST\n"
)
MASTER = (
    "#EXTM3U\n"
    '#EXT-X-STREAM-INF:BANDWIDTH=165000,RESOLUTION=416x234,CODECS="avc1.4d401e"\n'
    "234p.m3u8\n"
    '#EXT-X-STREAM-INF:BANDWIDTH=48000,CODECS="mp4a.40.2"\naudio.m3u8\n'
)
FILES = {
    "master.m3u8": MASTER.encode(),
    "234p.m3u8": PLAYLIST.encode(),
    "audio.m3u8": PLAYLIST.encode(),
    "init.mp4": b"\x00\x00\x00\x18ftypiso6",
    "seg000.m4s": SEGMENT,
    "poster.jpg": b"\xff\xd8\xff\xe0 a poster \xff\xd9",
    "download.mp4": SEGMENT[::-1],
}


def ready_video_create(*, title: str = "Sinov videosi") -> LessonVideo:
    video = LessonVideo.objects.create(
        title=title,
        source="videos/sources/none.mp4",
        status=VideoStatus.READY,
        progress_percent=100,
        duration=2.0,
        renditions=[
            {
                "name": "234p",
                "kind": "video",
                "playlist": "234p.m3u8",
                "total_bytes": len(SEGMENT),
                "height": 234,
            },
            {
                "name": "audio",
                "kind": "audio",
                "playlist": "audio.m3u8",
                "total_bytes": len(SEGMENT),
                "height": 0,
            },
        ],
        download_bytes=len(SEGMENT),
    )
    ladder_dir = f"videos/ladders/{video.pk}/{uuid.uuid4().hex}"
    folder = Path(settings.MEDIA_ROOT) / ladder_dir
    folder.mkdir(parents=True)
    for name, data in FILES.items():
        (folder / name).write_bytes(data)
    video.ladder_dir = ladder_dir
    video.save(update_fields=["ladder_dir"])
    VideoCaption.objects.create(
        video=video, language="uz", file=ContentFile(CAPTION, name="uz.vtt")
    )
    return video


def lesson_showing(video, *, live: bool = True, restriction: str = "", groups=()):
    """A new course with one lesson whose body shows `video`: published or a draft,
    and the course behind a view restriction ("login" or "groups") if asked."""
    course, lessons = course_create(lessons=1, live=live)
    lesson = lessons[0]
    lesson.body.append(("video", {"video": video, "title": "Video", "description": ""}))
    if live:
        lesson.save_revision().publish()
    else:
        lesson.save()
    if restriction:
        view_restriction = PageViewRestriction.objects.create(
            page=course, restriction_type=restriction
        )
        view_restriction.groups.set(groups)
    return lesson


def ladder_url(video, name: str) -> str:
    return f"/videos/ladders/{video.pk}/{Path(video.ladder_dir).name}/{name}"


def caption_url(video) -> str:
    caption = video.captions.get(language="uz")
    return f"/videos/captions/{caption.pk}/uz.vtt"


def process_writing_under(folder: Path) -> int | None:
    """The pid of the process with a file open under `folder`: the task worker
    writing a ladder, found through /proc."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            for fd in (entry / "fd").iterdir():
                if str(folder) in os.readlink(fd):
                    return int(entry.name)
        except OSError:
            continue
    return None


def demo_video_transcoded(server) -> None:
    """Wait until a real test server's demo video (made by `seed_demo`) has been
    transcoded by a django-q2 cluster started for it, as `make run` does; fail with
    the cluster's log if it is not ready in four minutes."""
    import signal
    import sqlite3
    import subprocess
    import sys
    import time

    from tests.support.live import REPO

    database = server.env["SQLITE_PATH"]
    log_path = server.workdir / "qcluster.log"
    with log_path.open("w") as log:
        cluster = subprocess.Popen(
            [sys.executable, "manage.py", "qcluster"],
            cwd=REPO,
            env=server.env,
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

"""The transcoding service on a real small clip: published only when complete, a
failure recorded with its reason, a retry, and the lesson page's player."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.urls import reverse

from cms.page_cache import page_cache_clear
from tests.accounts.factories import user_create
from tests.learning.factories import course_create
from tests.support.html import inline_scripts
from tests.support.i18n import uz
from videos.models import LessonVideo, VideoStatus
from videos.services import (
    video_create,
    video_transcode,
    video_transcode_request,
    video_transcode_retry,
)

pytestmark = pytest.mark.django_db

VTT_UZ = (
    b"WEBVTT\n\n00:00.000 --> 00:02.000\nAssalomu alaykum!\n\n"
    b"00:04.000 --> 00:05.500\nTelefonni oling.\n"
)
VTT_RU = b"WEBVTT\n\n00:00.000 --> 00:02.000\nZdravstvuyte!\n"


@pytest.fixture
def ready_video(clips, media_root):
    with clips["small"].open("rb") as handle:
        video = video_create(
            title="Sinov videosi",
            source=File(handle, name="small.mp4"),
            captions={
                "ru": ContentFile(VTT_RU, name="ru.vtt"),
                "uz": ContentFile(VTT_UZ, name="uz.vtt"),
            },
        )
    assert video_transcode(video_id=video.pk) == VideoStatus.READY
    video.refresh_from_db()
    return video


def ladder_folders(media_root, video) -> list[Path]:
    return sorted((Path(media_root) / "videos" / "ladders" / str(video.pk)).iterdir())


class TranscodeServiceTests:
    def test_a_video_becomes_ready_with_rungs_up_to_its_size(self, ready_video):
        assert ready_video.status == VideoStatus.READY
        assert ready_video.progress_percent == 100
        assert ready_video.attempts == 1
        assert ready_video.duration == pytest.approx(6, abs=0.1)
        assert [r["name"] for r in ready_video.renditions] == ["234p", "360p", "audio"]

    def test_the_ladder_is_published_whole_and_nothing_half_written_stays(
        self, ready_video, media_root
    ):
        folders = ladder_folders(media_root, ready_video)
        assert [folder.name for folder in folders] == [
            Path(ready_video.ladder_dir).name
        ]
        assert not folders[0].name.startswith("building-")
        assert (folders[0] / "master.m3u8").is_file()

    def test_a_half_written_ladder_from_a_killed_attempt_is_removed(
        self, ready_video, media_root
    ):
        root = Path(media_root) / "videos" / "ladders" / str(ready_video.pk)
        leftover = root / "building-0123abcd"
        (leftover / "234p").mkdir(parents=True)
        (leftover / "234p" / "seg000.m4s").write_bytes(b"half")
        old_ladder = ready_video.ladder_dir
        LessonVideo.objects.filter(pk=ready_video.pk).update(status=VideoStatus.FAILED)
        assert video_transcode(video_id=ready_video.pk) == VideoStatus.READY
        ready_video.refresh_from_db()
        assert ready_video.ladder_dir != old_ladder
        assert [folder.name for folder in ladder_folders(media_root, ready_video)] == [
            Path(ready_video.ladder_dir).name
        ]

    def test_an_unreadable_source_fails_with_its_reason(self, ready_video):
        Path(ready_video.source.path).write_bytes(b"not a video any more" * 100)
        LessonVideo.objects.filter(pk=ready_video.pk).update(status=VideoStatus.QUEUED)
        assert video_transcode(video_id=ready_video.pk) == VideoStatus.FAILED
        ready_video.refresh_from_db()
        assert ready_video.status == VideoStatus.FAILED
        assert ready_video.failure_reason == uz(
            "This file is not a video we can read. Upload an MP4, WebM or MOV file."
        )
        # The ladder made earlier stays published until a new one is complete.
        assert ready_video.ladder_dir

    def test_only_a_failed_video_can_be_retried(
        self, ready_video, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks() as callbacks:
            assert not video_transcode_retry(video=ready_video)
        assert callbacks == []
        LessonVideo.objects.filter(pk=ready_video.pk).update(
            status=VideoStatus.FAILED, failure_reason="x"
        )
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            assert video_transcode_retry(video=ready_video)
        # One task; the video made ready again also clears the page cache.
        assert len([c for c in callbacks if c is not page_cache_clear]) == 1
        ready_video.refresh_from_db()
        # django-q2 runs in sync mode in tests: the retry ran to the end.
        assert ready_video.status == VideoStatus.READY
        assert ready_video.attempts == 2

    def test_a_ready_video_is_not_queued_again(
        self, ready_video, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks() as callbacks:
            assert not video_transcode_request(video=ready_video)
        assert callbacks == []

    def test_retry_in_the_admin(self, ready_video, client):
        client.force_login(user_create(roles=("Trainer",)))
        LessonVideo.objects.filter(pk=ready_video.pk).update(
            status=VideoStatus.FAILED, failure_reason="Disk full"
        )
        listing = client.get(reverse("wagtailsnippets_videos_lessonvideo:list"))
        html = listing.content.decode()
        assert "Disk full" in html
        retry_url = reverse(
            "wagtailsnippets_videos_lessonvideo:retry", args=[ready_video.pk]
        )
        assert retry_url in html
        response = client.post(retry_url)
        assert response.status_code == 302
        ready_video.refresh_from_db()
        assert ready_video.status == VideoStatus.QUEUED

    def test_the_listing_shows_the_percent_while_processing(self, ready_video, client):
        client.force_login(user_create(roles=("Trainer",)))
        LessonVideo.objects.filter(pk=ready_video.pk).update(
            status=VideoStatus.PROCESSING, progress_percent=45
        )
        html = client.get(
            reverse("wagtailsnippets_videos_lessonvideo:list")
        ).content.decode()
        assert uz("Being prepared: %(percent)s%%", percent=45) in html


def lesson_with(video):
    _, lessons = course_create(lessons=1)
    lesson = lessons[0]
    lesson.body.append(
        ("video", {"video": video, "title": "Quvvatlash", "description": ""})
    )
    lesson.save_revision().publish()
    return lesson


class PlayerPageTests:
    def test_the_lesson_shows_the_player_with_captions_and_transcript(
        self, ready_video, client
    ):
        lesson = lesson_with(ready_video)
        html = client.get(lesson.url, HTTP_ACCEPT_LANGUAGE="uz").content.decode()
        assert "data-video-player" in html
        assert 'type="application/vnd.apple.mpegurl"' in html
        # Captions in the learner's language are the ones switched on when playing.
        assert re.search(r'<track[^>]*srclang="uz"[^>]*data-default', html)
        assert re.search(r'<track[^>]*srclang="ru"', html)
        assert not re.search(r'<track[^>]*srclang="ru"[^>]*data-default', html)
        # The transcript, a new paragraph after a pause of more than 1.5 s.
        assert "<p>Assalomu alaykum!</p><p>Telefonni oling.</p>" in html
        assert uz("Data saver: sound and text only") in html
        assert "0.75×" in html and "1.25×" in html

    def test_the_player_has_no_inline_script_or_style(self, ready_video, client):
        lesson = lesson_with(ready_video)
        html = client.get(lesson.url).content.decode()
        start = html.index("data-video-player")
        block = html[start : html.index("</figure>", start)]
        assert "style=" not in block
        assert inline_scripts(html) == []

    def test_a_video_not_ready_shows_the_placeholder(self, clips, media_root, client):
        with clips["small"].open("rb") as handle:
            video = video_create(
                title="Hali tayyor emas", source=File(handle, name="small.mp4")
            )
        lesson = lesson_with(video)
        html = client.get(lesson.url).content.decode()
        assert "data-video-player" not in html
        assert (
            uz("The video is being prepared. Read the steps and the transcript below.")
            in html
        )


class LadderFileTests:
    """The files of a video that a published, public lesson shows (who else may
    fetch them: tests/videos/test_access.py)."""

    @pytest.fixture(autouse=True)
    def shown_in_a_lesson(self, ready_video):
        lesson_with(ready_video)

    def test_playlists_are_served_with_their_type_and_cached(self, ready_video, client):
        url = reverse(
            "videos_ladder_file",
            args=[ready_video.pk, Path(ready_video.ladder_dir).name, "master.m3u8"],
        )
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/vnd.apple.mpegurl"
        # The way into the video: a minute, so that a lesson made private soon stops
        # playing from caches (issue 12); the files it names never change.
        assert (
            response["Cache-Control"]
            == "public, max-age=60, stale-while-revalidate=86400"
        )
        assert response.content.startswith(b"#EXTM3U")

    def test_segments_are_cached_for_a_year(self, ready_video, client):
        build = Path(ready_video.ladder_dir)
        segment = next((Path(settings.MEDIA_ROOT) / build).rglob("*.m4s"))
        name = segment.relative_to(Path(settings.MEDIA_ROOT) / build).as_posix()
        url = reverse("videos_ladder_file", args=[ready_video.pk, build.name, name])
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "video/iso.segment"
        assert response["Cache-Control"] == "public, max-age=31536000, immutable"
        assert response.content == segment.read_bytes()

    def test_a_byte_range_of_the_download(self, ready_video, client):
        url = reverse(
            "videos_ladder_file",
            args=[ready_video.pk, Path(ready_video.ladder_dir).name, "download.mp4"],
        )
        response = client.get(url, HTTP_RANGE="bytes=0-99")
        assert response.status_code == 206
        assert len(response.content) == 100
        assert response["Content-Range"].startswith("bytes 0-99/")

    def test_nothing_outside_the_published_ladder_is_served(
        self, ready_video, client, media_root
    ):
        build = Path(ready_video.ladder_dir).name
        for name in ("../../sources/x.mp4", "nothing.m3u8"):
            url = reverse("videos_ladder_file", args=[ready_video.pk, build, name])
            assert client.get(url).status_code == 404
        building = reverse(
            "videos_ladder_file",
            args=[ready_video.pk, "building-0123", "master.m3u8"],
        )
        assert client.get(building).status_code == 404

    def test_captions_are_served_as_webvtt(self, ready_video, client):
        caption = ready_video.captions.get(language="uz")
        response = client.get(reverse("videos_caption_file", args=[caption.pk, "uz"]))
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/vtt")
        assert response.content == VTT_UZ

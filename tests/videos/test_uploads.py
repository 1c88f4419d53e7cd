"""Uploads in the admin's "Lesson videos": each kind of bad video and bad captions
file is refused with a clear message, and nothing is stored; a good one is queued."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from cms.page_cache import page_cache_clear
from tests.accounts.factories import user_create
from tests.support.i18n import uz
from videos.models import LessonVideo, VideoCaption, VideoStatus
from videos.probe import ProbeError, media_probe

pytestmark = pytest.mark.django_db

GOOD_VTT = b"WEBVTT\n\n00:00.000 --> 00:02.500\nAssalomu alaykum!\n"
ADD_URL = "wagtailsnippets_videos_lessonvideo:add"


def upload(path: Path, name: str | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name or path.name, path.read_bytes(), "video/mp4")


def form_data(source, captions=()):
    data = {
        "title": "Telefonni quvvatlash",
        "source": source,
        "captions-TOTAL_FORMS": str(len(captions)),
        "captions-INITIAL_FORMS": "0",
        "captions-MIN_NUM_FORMS": "0",
        "captions-MAX_NUM_FORMS": "1000",
    }
    for index, (language, caption) in enumerate(captions):
        data[f"captions-{index}-language"] = language
        data[f"captions-{index}-file"] = caption
        data[f"captions-{index}-ORDER"] = str(index + 1)
        data[f"captions-{index}-id"] = ""
        data[f"captions-{index}-DELETE"] = ""
    return data


@pytest.fixture
def trainer_client(client):
    client.force_login(user_create(roles=("Trainer",)))
    return client


def stored_files(media_root) -> list[Path]:
    root = Path(media_root)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


class VideoAdminAccessTests:
    def test_trainers_find_lesson_videos_and_their_chooser(self, trainer_client):
        listing = trainer_client.get(reverse("wagtailsnippets_videos_lessonvideo:list"))
        assert listing.status_code == 200
        chooser = trainer_client.get(
            reverse("wagtailsnippetchoosers_videos_lessonvideo:choose")
        )
        assert chooser.status_code == 200

    def test_learners_cannot_upload(self, client, clips):
        client.force_login(user_create(roles=("Learner",)))
        response = client.post(reverse(ADD_URL), form_data(upload(clips["small"])))
        assert response.status_code in {302, 403}
        assert not LessonVideo.objects.exists()


class VideoUploadTests:
    def test_a_good_video_is_stored_and_queued(
        self, trainer_client, clips, media_root, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks() as callbacks:
            response = trainer_client.post(
                reverse(ADD_URL),
                form_data(
                    upload(clips["small"]),
                    [("uz", SimpleUploadedFile("uz.vtt", GOOD_VTT, "text/vtt"))],
                ),
            )
        assert response.status_code == 302, response.content.decode()[:2000]
        video = LessonVideo.objects.get()
        assert video.status == VideoStatus.QUEUED
        assert video.captions.get().language == "uz"
        assert len(stored_files(media_root)) == 2
        # One task was queued on commit (tests run django-q2 in sync mode: the
        # callback is not run here, only counted); the captions also clear the
        # page cache.
        assert len([c for c in callbacks if c is not page_cache_clear]) == 1

    @pytest.mark.parametrize(
        ("clip", "message"),
        [
            (
                "silent",
                "This video has no sound. Learners need to hear the "
                "explanation: upload a video with sound.",
            ),
            (
                "sound_only",
                "This file has no picture. Upload a video with picture and sound.",
            ),
        ],
    )
    def test_a_video_without_sound_or_picture_is_refused(
        self, trainer_client, clips, media_root, clip, message
    ):
        response = trainer_client.post(
            reverse(ADD_URL), form_data(upload(clips[clip], "lesson.mp4"))
        )
        assert response.status_code == 200
        assert escape(uz(message)) in response.content.decode()
        assert not LessonVideo.objects.exists()
        assert stored_files(media_root) == []

    def test_a_file_that_is_not_a_video_is_refused(self, trainer_client, media_root):
        fake = SimpleUploadedFile("lesson.mp4", b"this is a letter, not a video " * 50)
        response = trainer_client.post(reverse(ADD_URL), form_data(fake))
        assert response.status_code == 200
        assert (
            uz("This file is not a video we can read. Upload an MP4, WebM or MOV file.")
            in response.content.decode()
        )
        assert not LessonVideo.objects.exists()
        assert stored_files(media_root) == []

    def test_a_truncated_video_is_refused(self, trainer_client, clips, media_root):
        data = clips["small"].read_bytes()
        broken = SimpleUploadedFile("lesson.mp4", data[: len(data) // 2])
        response = trainer_client.post(reverse(ADD_URL), form_data(broken))
        assert response.status_code == 200
        assert not LessonVideo.objects.exists()
        assert stored_files(media_root) == []

    def test_a_video_too_long_is_refused(
        self, trainer_client, clips, media_root, settings
    ):
        settings.VIDEO_MAX_SECONDS = 5  # the clip lasts 6 s
        response = trainer_client.post(
            reverse(ADD_URL), form_data(upload(clips["small"]))
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert (
            uz(
                "The video is too long (%(minutes)s minutes). A lesson video may be at "
                "most %(limit)s minutes: split it into shorter parts.",
                minutes=0.1,
                limit=0,
            )
            in html
        )
        assert not LessonVideo.objects.exists()
        assert stored_files(media_root) == []

    def test_a_video_too_large_is_refused(
        self, trainer_client, clips, media_root, settings
    ):
        settings.VIDEO_MAX_UPLOAD_BYTES = 100_000
        response = trainer_client.post(reverse(ADD_URL), form_data(upload(clips["hd"])))
        assert response.status_code == 200
        with translation.override("uz"):
            expected = uz(
                "The file is too large (%(size)s). A video may be at most %(limit)s.",
                size=filesizeformat(clips["hd"].stat().st_size),
                limit=filesizeformat(100_000),
            )
        assert escape(expected) in response.content.decode()
        assert not LessonVideo.objects.exists()
        assert stored_files(media_root) == []


class CaptionUploadTests:
    @pytest.mark.parametrize(
        ("content", "message", "params"),
        [
            (
                b"00:00.000 --> 00:02.000\nSalom\n",
                "This is not a WebVTT file: its first line must be WEBVTT.",
                {},
            ),
            (
                b"WEBVTT\n\n00:00 --> 00:02\nSalom\n",
                "Line %(line)s: the times are not written like 00:00:01.000 --> "
                "00:00:04.000.",
                {"line": 3},
            ),
            (
                b"WEBVTT\n\n00:03.000 --> 00:02.000\nSalom\n",
                "Line %(line)s: the cue ends before it starts.",
                {"line": 3},
            ),
            (
                b"WEBVTT\n\n00:03.000 --> 00:04.000\nBir\n\n"
                b"00:01.000 --> 00:02.000\nIkki\n",
                "Line %(line)s: the cues are not in time order.",
                {"line": 6},
            ),
            (b"WEBVTT\n\nNOTE nothing here\n", "The captions file has no cues.", {}),
            (
                "WEBVTT\n\n00:00.000 --> 00:01.000\nSalom\n".encode("utf-16"),
                "The captions file must be saved as UTF-8 text.",
                {},
            ),
            (
                b"WEBVTT\n\n00:00.000 --> 00:01.000\n\xff\xfe bad\n",
                "The captions file must be saved as UTF-8 text.",
                {},
            ),
        ],
    )
    def test_a_bad_captions_file_is_refused_and_nothing_is_stored(
        self, trainer_client, clips, media_root, content, message, params
    ):
        caption = SimpleUploadedFile("uz.vtt", content, "text/vtt")
        response = trainer_client.post(
            reverse(ADD_URL),
            form_data(upload(clips["small"]), [("uz", caption)]),
        )
        assert response.status_code == 200
        assert escape(uz(message, **params)) in response.content.decode()
        assert not LessonVideo.objects.exists()
        assert not VideoCaption.objects.exists()
        assert stored_files(media_root) == []


class ProbeTests:
    def test_probe_reads_length_size_and_streams(self, clips, settings):
        result = media_probe(source=str(clips["hd"]), size=clips["hd"].stat().st_size)
        assert result.duration == pytest.approx(10, abs=0.1)
        assert (result.width, result.height) == (1280, 720)
        assert result.audio_channels == 1

    def test_an_empty_file_is_refused(self):
        with pytest.raises(ProbeError):
            media_probe(source="/dev/null", size=0)

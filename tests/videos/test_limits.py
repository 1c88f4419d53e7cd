"""Upload limits of lesson videos and captions (issue 13), on tiny real clips written
with PyAV in the test: a picture larger than Full HD, too many frames per second,
codecs the transcoder does not take, a header that lies about the length, a file past
the size limit (which stops being written at the limit) and captions with too many
cues. Each refusal says which limit in the trainer's language and stores nothing; the
same checks in the transcoding task mark the video failed with that reason."""

from pathlib import Path

import av
import pytest
from django.core.files import File
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.template.defaultfilters import filesizeformat
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from core.uploads import LimitedUploadHandler, OversizedUpload, upload_limits
from tests.accounts.factories import user_create
from tests.support.i18n import uz
from tests.videos.limit_media import clip_write, duration_header_falsify
from tests.videos.test_uploads import form_data
from videos.models import LessonVideo, VideoCaption, VideoStatus
from videos.probe import ProbeError, media_probe
from videos.services import video_transcode
from videos.webvtt import WebVttError, webvtt_parse

pytestmark = pytest.mark.django_db

ADD_URL = "wagtailsnippets_videos_lessonvideo:add"
TOO_LARGE_PICTURE = (
    "The picture of this video is too large (%(width)s × %(height)s pixels). A video "
    "may be at most %(long)s × %(short)s pixels, or %(short)s × %(long)s when filmed "
    "upright. Save it smaller, for example as 720p, and upload it again."
)
TOO_MANY_FRAMES = (
    "This video has too many pictures per second (%(rate)s). A video may have at "
    "most %(limit)s. Save it with fewer, for example 30 per second, and upload it "
    "again."
)
PICTURE_CODEC = (
    "Koʻmak cannot convert the picture of this video: it is stored as “%(codec)s”. "
    "Save the video as MP4 (H.264) and upload it again."
)
SOUND_CODEC = (
    "Koʻmak cannot convert the sound of this video: it is stored as “%(codec)s”. "
    "Save the video as MP4 (H.264 with AAC sound) and upload it again."
)
TOO_LONG = (
    "The video is too long (%(minutes)s minutes). A lesson video may be at most "
    "%(limit)s minutes: split it into shorter parts."
)
TOO_MANY_CUES = (
    "The captions file has too many cues (pieces of text with their times): at most "
    "%(limit)s are allowed. Join short cues, or split the video into parts."
)
CAPTIONS_TOO_LARGE = (
    "The captions file is too large (%(size)s). A captions file may be at most "
    "%(limit)s: captions are plain text."
)
FULL_HD = {"long": 1920, "short": 1080}


@pytest.fixture(scope="module")
def limit_clips(tmp_path_factory):
    folder = tmp_path_factory.mktemp("limit-clips")
    lying_mkv = clip_write(folder / "lying.mkv", seconds=6, container_format="matroska")
    lying_mp4 = clip_write(folder / "lying.mp4", seconds=6)
    return {
        "wide": clip_write(folder / "wide.mp4", width=1922, height=1080, fps=5),
        "tall": clip_write(folder / "tall.mp4", width=1080, height=1922, fps=5),
        "thick": clip_write(folder / "thick.mp4", width=1920, height=1082, fps=5),
        "full_hd": clip_write(folder / "full_hd.mp4", width=1920, height=1080, fps=5),
        "upright": clip_write(folder / "upright.mp4", width=1080, height=1920, fps=5),
        "fast": clip_write(folder / "fast.mp4", seconds=2, fps=90),
        "sixty": clip_write(folder / "sixty.mp4", seconds=2, fps=60),
        "mpeg2": clip_write(folder / "mpeg2.mp4", video_codec="mpeg2video"),
        "mp2_sound": clip_write(
            folder / "mp2.mkv", audio_codec="mp2", container_format="matroska"
        ),
        "lying_mkv": duration_header_falsify(lying_mkv, by=6),
        "lying_mp4": duration_header_falsify(lying_mp4, by=6),
        "short": clip_write(folder / "short.mp4", seconds=2),
    }


def probe(path: Path):
    return media_probe(source=str(path), size=path.stat().st_size)


def upload(path: Path) -> SimpleUploadedFile:
    return SimpleUploadedFile(path.name, path.read_bytes(), "video/mp4")


def stored_files(media_root) -> list[Path]:
    root = Path(media_root)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


@pytest.fixture
def trainer_client(client):
    client.force_login(user_create(roles=("Trainer",)))
    return client


def assert_refused(response, media_root, message: str) -> None:
    assert response.status_code == 200
    assert escape(message) in response.content.decode()
    assert not LessonVideo.objects.exists()
    assert not VideoCaption.objects.exists()
    assert stored_files(media_root) == []


class PictureSizeTests:
    @pytest.mark.parametrize(
        ("clip", "width", "height"),
        [("wide", 1922, 1080), ("tall", 1080, 1922), ("thick", 1920, 1082)],
    )
    def test_a_picture_past_full_hd_is_refused_with_its_size(
        self, trainer_client, limit_clips, media_root, clip, width, height
    ):
        response = trainer_client.post(
            reverse(ADD_URL), form_data(upload(limit_clips[clip]))
        )
        assert_refused(
            response,
            media_root,
            uz(TOO_LARGE_PICTURE, width=width, height=height, **FULL_HD),
        )

    @pytest.mark.parametrize("clip", ["full_hd", "upright"])
    def test_full_hd_lying_or_upright_is_accepted(self, limit_clips, clip):
        result = probe(limit_clips[clip])
        assert {result.width, result.height} == {1920, 1080}

    def test_the_limit_is_a_setting(self, limit_clips, settings):
        settings.VIDEO_MAX_LONG_SIDE = 1280
        settings.VIDEO_MAX_SHORT_SIDE = 720
        with pytest.raises(ProbeError) as refused:
            probe(limit_clips["full_hd"])
        assert refused.value.message == uz(
            TOO_LARGE_PICTURE, width=1920, height=1080, long=1280, short=720
        )


class FrameRateTests:
    def test_ninety_frames_per_second_are_refused(
        self, trainer_client, limit_clips, media_root
    ):
        response = trainer_client.post(
            reverse(ADD_URL), form_data(upload(limit_clips["fast"]))
        )
        assert_refused(response, media_root, uz(TOO_MANY_FRAMES, rate=90, limit=60))

    def test_sixty_frames_per_second_are_accepted(self, limit_clips):
        assert probe(limit_clips["sixty"]).frame_rate == pytest.approx(60, abs=0.5)

    def test_the_frame_rate_is_counted_not_read_from_the_header(
        self, limit_clips, settings
    ):
        settings.VIDEO_MAX_FRAME_RATE = 24
        with av.open(str(limit_clips["short"])) as container:
            assert container.streams.video[0].average_rate == 10
        assert probe(limit_clips["short"]).frame_rate == pytest.approx(10, abs=0.1)
        with pytest.raises(ProbeError) as refused:
            probe(limit_clips["sixty"])
        assert refused.value.message == uz(TOO_MANY_FRAMES, rate=60, limit=24)


class CodecTests:
    @pytest.mark.parametrize(
        ("clip", "message", "codec"),
        [("mpeg2", PICTURE_CODEC, "mpeg2video"), ("mp2_sound", SOUND_CODEC, "mp2")],
    )
    def test_a_codec_off_the_list_is_refused_by_name(
        self, trainer_client, limit_clips, media_root, clip, message, codec
    ):
        response = trainer_client.post(
            reverse(ADD_URL), form_data(upload(limit_clips[clip]))
        )
        assert_refused(response, media_root, uz(message, codec=codec))

    def test_the_list_is_a_setting(self, limit_clips, settings):
        settings.VIDEO_VIDEO_CODECS = ("h264", "mpeg2video")
        assert probe(limit_clips["mpeg2"]).video_codec == "mpeg2video"
        settings.VIDEO_VIDEO_CODECS = ("vp9",)
        with pytest.raises(ProbeError):
            probe(limit_clips["short"])


class DurationTests:
    @pytest.mark.parametrize("clip", ["lying_mkv", "lying_mp4"])
    def test_a_header_that_lies_about_the_length_does_not_get_through(
        self, trainer_client, limit_clips, media_root, settings, clip
    ):
        path = limit_clips[clip]
        with av.open(str(path)) as container:
            # The file's header says one second, its packets play for six.
            assert container.duration / av.time_base == pytest.approx(1, abs=0.05)
        settings.VIDEO_MAX_SECONDS = 3 * 60
        assert probe(path).duration == pytest.approx(6, abs=0.1)
        settings.VIDEO_MAX_SECONDS = 3
        response = trainer_client.post(reverse(ADD_URL), form_data(upload(path)))
        # Reading stopped just past the 3 s limit (0.1 minutes), not at the
        # header's 1 s (0.0 minutes).
        assert_refused(response, media_root, uz(TOO_LONG, minutes=0.1, limit=0))

    def test_the_default_is_an_hour(self, limit_clips):
        assert probe(limit_clips["lying_mp4"]).duration == pytest.approx(6, abs=0.1)
        from videos.conf import DEFAULTS

        assert DEFAULTS["VIDEO_MAX_SECONDS"] == 60 * 60


class FileSizeTests:
    def test_past_the_limit_the_file_stops_being_written_and_is_refused(
        self, trainer_client, limit_clips, media_root, settings, monkeypatch
    ):
        # Every upload goes to a temporary file: count what reaches it.
        settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0
        settings.VIDEO_MAX_UPLOAD_BYTES = 10_000
        written = []
        receive = TemporaryFileUploadHandler.receive_data_chunk

        def counting(handler, raw_data, start):
            written.append(len(raw_data))
            return receive(handler, raw_data, start)

        monkeypatch.setattr(TemporaryFileUploadHandler, "receive_data_chunk", counting)
        clip = limit_clips["full_hd"]
        size = clip.stat().st_size
        assert size > 50_000
        response = trainer_client.post(reverse(ADD_URL), form_data(upload(clip)))
        with translation.override("uz"):
            expected = uz(
                "The file is too large (%(size)s). A video may be at most %(limit)s.",
                size=filesizeformat(size),
                limit=filesizeformat(10_000),
            )
        assert_refused(response, media_root, expected)
        assert sum(written) <= 10_000

    def test_the_default_is_two_gigabytes(self):
        from videos.conf import DEFAULTS

        assert DEFAULTS["VIDEO_MAX_UPLOAD_BYTES"] == 2 * 1024**3


class UploadHandlerTests:
    """core.uploads on its own: Django's multipart parser with our handler first."""

    def parse(self, *, size: int, limit: int | None):
        @upload_limits(lambda field: limit if field == "source" else None)
        def view(request):
            raise AssertionError("not called")

        request = RequestFactory().post(
            "/upload/",
            {
                "title": "x",
                "source": SimpleUploadedFile("v.mp4", b"v" * size),
                "note": SimpleUploadedFile("n.txt", b"n" * size),
            },
        )
        request.resolver_match = type("Match", (), {"func": view})()
        temporary = TemporaryFileUploadHandler(request)
        request.upload_handlers = [LimitedUploadHandler(request), temporary]
        return request.FILES, request.POST

    def test_a_file_past_its_limit_arrives_empty_with_its_real_size(self):
        files, post = self.parse(size=300_000, limit=100_000)
        source = files["source"]
        assert isinstance(source, OversizedUpload)
        assert source.size == 300_000
        assert source.read() == b""
        # Fields without a limit and the other form fields are untouched.
        assert files["note"].size == 300_000
        assert post["title"] == "x"

    def test_a_file_within_its_limit_is_kept_whole(self):
        files, _post = self.parse(size=100_000, limit=100_000)
        assert not isinstance(files["source"], OversizedUpload)
        assert files["source"].read() == b"v" * 100_000

    def test_a_view_without_limits_is_left_alone(self):
        files, _post = self.parse(size=300_000, limit=None)
        assert files["source"].size == 300_000
        assert not isinstance(files["source"], OversizedUpload)


class TaskLimitTests:
    def test_the_task_marks_a_video_past_a_limit_failed_with_the_reason(
        self, limit_clips, media_root, client
    ):
        # A file stored without the form (an older upload, a limit since lowered).
        with limit_clips["wide"].open("rb") as handle:
            video = LessonVideo.objects.create(
                title="Katta", source=File(handle, name="wide.mp4")
            )
        assert video_transcode(video_id=video.pk) == VideoStatus.FAILED
        video.refresh_from_db()
        reason = uz(TOO_LARGE_PICTURE, width=1922, height=1080, **FULL_HD)
        assert video.failure_reason == reason
        assert not video.ladder_dir
        client.force_login(user_create(roles=("Trainer",)))
        listing = client.get(reverse("wagtailsnippets_videos_lessonvideo:list"))
        assert escape(reason) in listing.content.decode()


def cues(count: int) -> bytes:
    blocks = [
        f"00:{second // 60:02d}:{second % 60:02d}.000 --> "
        f"00:{second // 60:02d}:{second % 60:02d}.500\nSo‘z {second}\n"
        for second in range(count)
    ]
    return ("WEBVTT\n\n" + "\n".join(blocks)).encode()


class CaptionLimitTests:
    def test_too_many_cues_are_refused(
        self, trainer_client, limit_clips, media_root, settings
    ):
        settings.VIDEO_MAX_CAPTION_CUES = 3
        caption = SimpleUploadedFile("uz.vtt", cues(4), "text/vtt")
        response = trainer_client.post(
            reverse(ADD_URL), form_data(upload(limit_clips["short"]), [("uz", caption)])
        )
        assert_refused(response, media_root, uz(TOO_MANY_CUES, limit=3))

    def test_as_many_cues_as_allowed_are_read(self, settings):
        assert len(webvtt_parse(cues(3), max_cues=3)) == 3
        with pytest.raises(WebVttError):
            webvtt_parse(cues(4), max_cues=3)

    def test_a_captions_file_past_its_size_is_refused_unwritten(
        self, trainer_client, limit_clips, media_root, settings
    ):
        settings.VIDEO_MAX_CAPTION_BYTES = 1000
        data = cues(200)
        assert len(data) > 1000
        caption = SimpleUploadedFile("uz.vtt", data, "text/vtt")
        response = trainer_client.post(
            reverse(ADD_URL), form_data(upload(limit_clips["short"]), [("uz", caption)])
        )
        with translation.override("uz"):
            expected = uz(
                CAPTIONS_TOO_LARGE,
                size=filesizeformat(len(data)),
                limit=filesizeformat(1000),
            )
        assert_refused(response, media_root, expected)

    def test_the_defaults(self):
        from videos.conf import DEFAULTS

        assert DEFAULTS["VIDEO_MAX_CAPTION_CUES"] == 5000
        assert DEFAULTS["VIDEO_MAX_CAPTION_BYTES"] == 512 * 1024

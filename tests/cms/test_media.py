"""Uploads are sent only by views that checked who asks (core/media.py): behind nginx
as an `X-Accel-Redirect` to its internal location, in the embedded profile by Daphne
itself with byte ranges. Image renditions are public; originals and anything else
in the media folder have no address.
"""

import io
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.test import RequestFactory
from PIL import Image as PillowImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection, CollectionViewRestriction

from core.media import media_file_response
from tests.support.sign_in_here import assert_sign_in_here
from tests.support.videos import (
    SEGMENT,
    caption_url,
    ladder_url,
    lesson_showing,
    ready_video_create,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


@pytest.fixture
def behind_nginx(settings):
    settings.MEDIA_ACCEL_REDIRECT = True


@pytest.fixture
def video():
    video = ready_video_create()
    lesson_showing(video)
    return video


def file_in_media(media_root, name: str, data: bytes = SEGMENT) -> Path:
    path = Path(media_root) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def wire_header(response, name: str) -> bytes:
    """The header's value as Daphne puts it on the wire (Latin-1 bytes)."""
    return response.headers[name].encode("latin-1")


class AccelRedirectTests:
    def test_a_segment_is_handed_to_nginx_with_its_headers(
        self, video, client, behind_nginx
    ):
        response = client.get(ladder_url(video, "seg000.m4s"))
        assert response.status_code == 200
        assert response.content == b""
        assert response["X-Accel-Redirect"] == (
            f"/_protected/{video.ladder_dir}/seg000.m4s"
        )
        assert response["Content-Type"] == "video/iso.segment"
        assert response["Cache-Control"] == "public, max-age=31536000, immutable"

    def test_the_download_keeps_its_attachment_name(self, video, client, behind_nginx):
        response = client.get(ladder_url(video, "download.mp4"))
        assert response["X-Accel-Redirect"].endswith("/download.mp4")
        assert response["Content-Disposition"] == 'attachment; filename="video.mp4"'

    def test_a_caption_is_handed_to_nginx(self, video, client, behind_nginx):
        caption = video.captions.get()
        response = client.get(caption_url(video))
        assert response["X-Accel-Redirect"] == f"/_protected/{caption.file.name}"
        assert response["Content-Type"] == "text/vtt; charset=utf-8"

    def test_nobody_is_handed_to_nginx_without_the_check(self, client, behind_nginx):
        hidden = ready_video_create(title="Hech qayerda")
        response = client.get(ladder_url(hidden, "seg000.m4s"))
        assert response.status_code == 404
        assert "X-Accel-Redirect" not in response

    def test_a_name_outside_ascii_goes_as_raw_utf8(self, media_root, behind_nginx):
        path = file_in_media(media_root, "videos/captions/2026/12/ёж yoʻl.vtt")
        request = RequestFactory().get("/")
        response = media_file_response(
            request, path=path, content_type="text/vtt", cache_control="private"
        )
        # nginx maps the header's bytes to the file name as they are (no %XX).
        assert wire_header(response, "X-Accel-Redirect") == (
            "/_protected/videos/captions/2026/12/ёж yoʻl.vtt".encode()
        )

    @pytest.mark.parametrize("name", ["a?b.vtt", "100%.vtt"])
    def test_a_name_nginx_would_misread_is_sent_by_daphne(
        self, media_root, behind_nginx, name
    ):
        path = file_in_media(media_root, f"documents/{name}", b"WEBVTT\n")
        request = RequestFactory().get("/")
        response = media_file_response(
            request, path=path, content_type="text/vtt", cache_control="private"
        )
        assert "X-Accel-Redirect" not in response
        assert response.content == b"WEBVTT\n"


class EmbeddedStreamingTests:
    def test_the_whole_file(self, video, client):
        response = client.get(ladder_url(video, "seg000.m4s"))
        assert response.status_code == 200
        assert response["Accept-Ranges"] == "bytes"
        assert response.content == SEGMENT
        assert "X-Accel-Redirect" not in response

    def test_a_byte_range(self, video, client):
        response = client.get(
            ladder_url(video, "seg000.m4s"), HTTP_RANGE="bytes=100-199"
        )
        assert response.status_code == 206
        assert response.content == SEGMENT[100:200]
        assert response["Content-Range"] == f"bytes 100-199/{len(SEGMENT)}"

    def test_the_last_bytes(self, video, client):
        response = client.get(ladder_url(video, "seg000.m4s"), HTTP_RANGE="bytes=-10")
        assert response.status_code == 206
        assert response.content == SEGMENT[-10:]

    def test_an_open_range_to_the_end(self, video, client):
        response = client.get(
            ladder_url(video, "seg000.m4s"), HTTP_RANGE=f"bytes={len(SEGMENT) - 5}-"
        )
        assert response.content == SEGMENT[-5:]

    def test_a_range_beyond_the_end_is_refused(self, video, client):
        response = client.get(
            ladder_url(video, "seg000.m4s"), HTTP_RANGE=f"bytes={len(SEGMENT)}-"
        )
        assert response.status_code == 416
        assert response["Content-Range"] == f"bytes */{len(SEGMENT)}"

    def test_a_malformed_range_gets_the_whole_file(self, video, client):
        response = client.get(ladder_url(video, "seg000.m4s"), HTTP_RANGE="bytes=a-b")
        assert response.status_code == 200
        assert response.content == SEGMENT


def image_create(name: str = "rasm.png"):
    buffer = io.BytesIO()
    PillowImage.new("RGB", (64, 48), "#0b5e4a").save(buffer, format="PNG")
    return get_image_model().objects.create(
        title="Rasm", file=ImageFile(buffer, name=name)
    )


class ImageRenditionTests:
    def test_a_rendition_is_public_and_cached_for_a_day(self, client):
        rendition = image_create().get_rendition("fill-32x32")
        assert rendition.url.startswith("/media/images/")
        response = client.get(rendition.url)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png"
        assert response["Cache-Control"] == "public, max-age=86400"
        assert response.content == Path(rendition.file.path).read_bytes()

    def test_the_uploaded_original_has_no_address(self, client):
        image = image_create()
        assert image.file.url.startswith("/media/original_images/")
        assert client.get(image.file.url).status_code == 404

    def test_a_file_in_the_folder_that_is_no_rendition_is_not_served(
        self, client, media_root
    ):
        file_in_media(media_root, "images/stray.png")
        assert client.get("/media/images/stray.png").status_code == 404

    def test_nothing_else_under_media_has_an_address(self, video, client):
        for name in (f"{video.ladder_dir}/seg000.m4s", video.captions.get().file.name):
            assert client.get(f"/media/{name}").status_code == 404


class DocumentTests:
    def test_a_public_document_is_handed_to_nginx(self, client, behind_nginx):
        document = get_document_model().objects.create(
            title="Yoʻriqnoma", file=ContentFile(b"%PDF-1.4 test", name="guide.pdf")
        )
        response = client.get(document.url)
        assert response.status_code == 200
        assert response["X-Accel-Redirect"] == f"/_protected/{document.file.name}"
        # nginx keeps these from Django's answer.
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == 'inline; filename="guide.pdf"'

    def test_a_private_collection_s_document_asks_for_a_sign_in_first(
        self, client, behind_nginx
    ):
        private = Collection.get_first_root_node().add_child(name="Xodimlar uchun")
        CollectionViewRestriction.objects.create(
            collection=private, restriction_type=CollectionViewRestriction.LOGIN
        )
        document = get_document_model().objects.create(
            title="Ichki",
            file=ContentFile(b"%PDF-1.4 inner", name="inner.pdf"),
            collection=private,
        )
        response = client.get(document.url)
        assert_sign_in_here(response, document.url)
        assert "X-Accel-Redirect" not in response
        assert b"%PDF" not in response.content

    def test_documents_are_streamed_in_the_embedded_profile(self, client):
        document = get_document_model().objects.create(
            title="Yoʻriqnoma", file=ContentFile(b"%PDF-1.4 test", name="guide.pdf")
        )
        response = client.get(document.url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == b"%PDF-1.4 test"

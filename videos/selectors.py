"""Reads of the videos app: what the player needs, and which ladder file a URL
means."""

import enum
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail.models import Page, ReferenceIndex

from .models import LessonVideo, VideoCaption, VideoStatus
from .webvtt import WebVttError, transcript_paragraphs, webvtt_parse


def quality_label(name: str) -> str:
    labels = {
        "234p": _("low quality"),
        "360p": _("medium quality"),
        "720p": _("high quality"),
        "audio": _("sound only"),
    }
    return labels.get(name, name)


@dataclass
class Quality:
    name: str
    label: str
    playlist_url: str
    total_bytes: int
    height: int


@dataclass
class CaptionTrack:
    language: str
    label: str
    url: str
    default: bool


@dataclass
class PlayerData:
    video: LessonVideo
    master_url: str
    poster_url: str
    download_url: str
    download_bytes: int
    duration: float
    qualities: list[Quality]  # video rungs, lowest first
    audio: Quality
    captions: list[CaptionTrack]
    transcript_language: str = ""
    transcript: list[str] = field(default_factory=list)


# Reader's language → the captions' language it is made from, in the reader's script.
CAPTION_SCRIPTS = {"uz-cyrl": "uz"}


def _ladder_url(video: LessonVideo, name: str) -> str:
    return reverse(
        "videos_ladder_file",
        kwargs={
            "video_id": video.pk,
            "build": Path(video.ladder_dir).name,
            "name": name,
        },
    )


def video_player_get(*, video: LessonVideo | None, language: str) -> PlayerData | None:
    """What the lesson page's player needs, or None while the video is not ready.

    Captions in `language` are on by default; without them, the first captions are.
    The transcript comes from the same captions. A reader of Uzbek in Cyrillic gets
    the Uzbek captions at their Cyrillic address (`caption_url`), in their script.
    """
    if video is None or not video.is_ready:
        return None
    qualities = []
    audio = None
    for rendition in video.renditions:
        quality = Quality(
            name=rendition["name"],
            label=quality_label(rendition["name"]),
            playlist_url=_ladder_url(video, rendition["playlist"]),
            total_bytes=rendition["total_bytes"],
            height=rendition["height"],
        )
        if rendition["kind"] == "audio":
            audio = quality
        else:
            qualities.append(quality)
    qualities.sort(key=lambda quality: quality.height)
    captions = list(video.captions.all())
    written_in = CAPTION_SCRIPTS.get(language, language)
    default = next(
        (caption for caption in captions if caption.language == written_in),
        captions[0] if captions else None,
    )
    tracks = []
    for caption in captions:
        served_as = language if caption.language == written_in else caption.language
        tracks.append(
            CaptionTrack(
                language=served_as,
                label=caption.get_language_display(),
                url=caption_url(caption=caption, language=served_as),
                default=caption is default,
            )
        )
    transcript = []
    if default is not None:
        transcript = caption_transcript_get(caption=default)
    return PlayerData(
        video=video,
        master_url=_ladder_url(video, "master.m3u8"),
        poster_url=_ladder_url(video, "poster.jpg"),
        download_url=_ladder_url(video, "download.mp4"),
        download_bytes=video.download_bytes,
        duration=video.duration or 0,
        qualities=qualities,
        audio=audio,
        captions=tracks,
        transcript_language=default.language if default else "",
        transcript=transcript,
    )


def caption_url(*, caption: VideoCaption, language: str) -> str:
    """Where the captions are served in `language`: their own, or Uzbek Cyrillic for
    Uzbek ones. One address per language, so that every cache keeps each apart."""
    return reverse(
        "videos_caption_file",
        kwargs={"caption_id": caption.pk, "language": language},
    )


def caption_transcript_get(*, caption: VideoCaption) -> list[str]:
    try:
        with caption.file.open("rb") as handle:
            return transcript_paragraphs(webvtt_parse(handle.read()))
    except (OSError, WebVttError):
        return []


def ladder_file_path(*, video_id: int, build: str, name: str) -> Path | None:
    """The file behind a ladder URL, only inside the video's published ladder."""
    video = (
        LessonVideo.objects.filter(pk=video_id, status=VideoStatus.READY)
        .only("ladder_dir")
        .first()
    )
    if video is None or not video.ladder_dir or Path(video.ladder_dir).name != build:
        return None
    root = (Path(settings.MEDIA_ROOT) / video.ladder_dir).resolve()
    path = (root / name).resolve()
    if root not in path.parents or not path.is_file():
        return None
    return path


def caption_file_get(*, caption_id: int, language: str) -> VideoCaption | None:
    """The captions behind a caption address: in their own language, or Uzbek ones
    asked for in Uzbek Cyrillic."""
    return VideoCaption.objects.filter(
        pk=caption_id, language=CAPTION_SCRIPTS.get(language, language)
    ).first()


class VideoAccess(enum.Enum):
    """Who may fetch a video's files, which is also who may cache them."""

    PUBLIC = "public"  # a published page without a view restriction shows it
    PRIVATE = "private"  # this person only: a restricted page they may view, or staff


def video_access_get(*, video_id: int, request) -> VideoAccess | None:
    """Whether the person making `request` may fetch the files of a video (its
    playlists, segments, poster, download and captions), or None.

    A video is shown by the pages whose blocks choose it, which Wagtail's reference
    index lists. It may be fetched where one of those pages is published and its
    view restrictions (a signed-in-only or a group's course, a password) let this
    request see it, as Wagtail checks before it serves the page itself. Trainers and
    coordinators, who upload and preview videos in the admin, may fetch any.
    """
    page_ids = [
        int(object_id)
        for object_id in ReferenceIndex.objects.filter(
            base_content_type=ContentType.objects.get_for_model(Page),
            to_content_type=ContentType.objects.get_for_model(LessonVideo),
            to_object_id=str(video_id),
        ).values_list("object_id", flat=True)
    ]
    if page_ids:
        pages = Page.objects.live().filter(pk__in=page_ids)
        if pages.public().exists():
            return VideoAccess.PUBLIC
        for page in pages:
            if all(
                restriction.accept_request(request)
                for restriction in page.get_view_restrictions()
            ):
                return VideoAccess.PRIVATE
    if request.user.has_perm("videos.view_lessonvideo"):
        return VideoAccess.PRIVATE
    return None

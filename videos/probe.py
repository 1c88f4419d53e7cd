"""Look inside an uploaded file with PyAV before anything is stored.

A trainer's upload is refused with a plain, translated reason when it is not a video
PyAV can read, has no picture or no sound, is too long or too large. The first frame
of picture and sound is decoded too, so a file with a valid header but broken content
is refused here rather than failing later in the task queue.
"""

from dataclasses import dataclass
from typing import BinaryIO

import av
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from .conf import video_setting


class ProbeError(ValueError):
    """An upload that cannot become a lesson video; `message` says why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ProbeResult:
    duration: float
    width: int
    height: int
    frame_rate: float
    video_codec: str
    audio_codec: str
    audio_channels: int
    audio_sample_rate: int


def _first_frame_decodes(container, stream) -> bool:
    for packet in container.demux(stream):
        for _frame in packet.decode():
            return True
    return False


def media_probe(*, source: str | BinaryIO, size: int) -> ProbeResult:
    """Check an upload (a path or an open file) of `size` bytes; raise ProbeError."""
    max_bytes = video_setting("VIDEO_MAX_UPLOAD_BYTES")
    if size > max_bytes:
        raise ProbeError(
            _("The file is too large (%(size)s). A video may be at most %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(max_bytes)}
        )
    if size == 0:
        raise ProbeError(_("The file is empty."))
    try:
        container = av.open(source, mode="r")
    except (av.FFmpegError, UnicodeDecodeError, ValueError) as error:
        raise ProbeError(
            _("This file is not a video we can read. Upload an MP4, WebM or MOV file.")
        ) from error
    with container:
        video = next(
            (
                stream
                for stream in container.streams.video
                # A music file's cover picture is a "video" stream of one frame.
                if not stream.disposition & av.stream.Disposition.attached_pic
            ),
            None,
        )
        audio = next(iter(container.streams.audio), None)
        if video is None:
            raise ProbeError(
                _("This file has no picture. Upload a video with picture and sound.")
            )
        if audio is None:
            raise ProbeError(
                _(
                    "This video has no sound. Learners need to hear the explanation: "
                    "upload a video with sound."
                )
            )
        duration = _duration(container, video, audio)
        if duration is None:
            raise ProbeError(_("The length of this video cannot be read."))
        max_seconds = video_setting("VIDEO_MAX_SECONDS")
        if duration > max_seconds:
            raise ProbeError(
                _(
                    "The video is too long (%(minutes)s minutes). A lesson video may "
                    "be at most %(limit)s minutes: split it into shorter parts."
                )
                % {"minutes": round(duration / 60, 1), "limit": max_seconds // 60}
            )
        if duration < video_setting("VIDEO_MIN_SECONDS"):
            raise ProbeError(_("The video is too short."))
        width = video.codec_context.width
        height = video.codec_context.height
        if not width or not height:
            raise ProbeError(_("The picture size of this video cannot be read."))
        try:
            decodes = _first_frame_decodes(container, video)
            container.seek(0)
            decodes = decodes and _first_frame_decodes(container, audio)
        except av.FFmpegError:
            decodes = False
        if not decodes:
            raise ProbeError(
                _("This video is damaged: its picture or sound cannot be played.")
            )
        rate = video.average_rate or video.guessed_rate or 25
        return ProbeResult(
            duration=duration,
            width=width,
            height=height,
            frame_rate=float(rate),
            video_codec=video.codec_context.name,
            audio_codec=audio.codec_context.name,
            audio_channels=audio.codec_context.channels,
            audio_sample_rate=audio.codec_context.sample_rate,
        )


def _duration(container, *streams) -> float | None:
    if container.duration:
        return container.duration / av.time_base
    lengths = [
        float(stream.duration * stream.time_base)
        for stream in streams
        if stream.duration and stream.time_base
    ]
    return max(lengths) if lengths else None

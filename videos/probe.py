"""Look inside an uploaded file with PyAV before anything is stored.

A trainer's upload is refused with a plain, translated reason when it is not a video
PyAV can read, has no picture or no sound, is stored in a format the transcoder does
not take, has a picture larger than Full HD or too many frames per second, is too long
or too large. The first frame of picture and sound is decoded too, so a file with a
valid header but broken content is refused here rather than failing later in the task
queue.

The length and the frame rate are counted from the packets themselves (every packet
of picture and sound is read, none decoded): a header can say one second while the
file plays for hours. The reading is bounded: it stops as soon as the video is known
to be too long, and after a number of packets no acceptable video has.
"""

from dataclasses import dataclass
from typing import BinaryIO

import av
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from .conf import video_setting

# Sound packets per second a real file may have beside its picture (AAC has about
# 47, MP3 38, Opus 50; PCM in Matroska about 43): anything denser is not a video.
SOUND_PACKETS_PER_SECOND = 400
# Counted frame rates are allowed this much over the limit (rounding of timestamps).
FRAME_RATE_TOLERANCE = 1.01


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


@dataclass
class _Timeline:
    start: float | None = None
    end: float = 0.0
    video_start: float | None = None
    video_end: float = 0.0
    video_packets: int = 0
    stopped_early: bool = False

    @property
    def duration(self) -> float | None:
        if self.start is None:
            return None
        # Sound often starts a little before zero (the encoder's priming samples).
        return self.end - max(self.start, 0.0)

    @property
    def frame_rate(self) -> float | None:
        if self.video_start is None or self.video_end <= self.video_start:
            return None
        return self.video_packets / (self.video_end - self.video_start)


def _first_frame(container, stream):
    for packet in container.demux(stream):
        for frame in packet.decode():
            return frame
    return None


def _codec_name(stream) -> str:
    # The codec's own name (mp3, av1), not the decoder's (mp3float, libdav1d).
    try:
        return stream.codec_context.codec.canonical_name
    except (av.FFmpegError, AttributeError, ValueError):
        return ""


def _codecs_check(video, audio) -> None:
    video_codec = _codec_name(video)
    if video_codec not in video_setting("VIDEO_VIDEO_CODECS"):
        raise ProbeError(
            _(
                "Koʻmak cannot convert the picture of this video: it is stored as "
                "“%(codec)s”. Save the video as MP4 (H.264) and upload it again."
            )
            % {"codec": video_codec or "?"}
        )
    audio_codec = _codec_name(audio)
    if audio_codec not in video_setting("VIDEO_AUDIO_CODECS"):
        raise ProbeError(
            _(
                "Koʻmak cannot convert the sound of this video: it is stored as "
                "“%(codec)s”. Save the video as MP4 (H.264 with AAC sound) and "
                "upload it again."
            )
            % {"codec": audio_codec or "?"}
        )


def _picture_size_check(width: int, height: int) -> None:
    long_side = video_setting("VIDEO_MAX_LONG_SIDE")
    short_side = video_setting("VIDEO_MAX_SHORT_SIDE")
    if max(width, height) > long_side or min(width, height) > short_side:
        raise ProbeError(
            _(
                "The picture of this video is too large (%(width)s × %(height)s "
                "pixels). A video may be at most %(long)s × %(short)s pixels, or "
                "%(short)s × %(long)s when filmed upright. Save it smaller, for "
                "example as 720p, and upload it again."
            )
            % {"width": width, "height": height, "long": long_side, "short": short_side}
        )


def _too_long(minutes: float, max_seconds: int) -> ProbeError:
    return ProbeError(
        _(
            "The video is too long (%(minutes)s minutes). A lesson video may "
            "be at most %(limit)s minutes: split it into shorter parts."
        )
        % {"minutes": round(minutes, 1), "limit": max_seconds // 60}
    )


def _timeline(container, video, audio, *, max_seconds: float) -> _Timeline:
    """When the picture and the sound really start and end, from every packet's
    timestamp; stops once past `max_seconds` or past the packets such a video may
    have."""
    max_fps = video_setting("VIDEO_MAX_FRAME_RATE")
    budget = int(
        max_seconds * (max_fps * FRAME_RATE_TOLERANCE + SOUND_PACKETS_PER_SECOND)
    )
    timeline = _Timeline()
    container.seek(0)
    for count, packet in enumerate(container.demux(video, audio)):
        if count > budget:
            raise ProbeError(
                _("This video is damaged: its picture or sound cannot be played.")
            )
        timestamp = packet.pts if packet.pts is not None else packet.dts
        if timestamp is None or packet.time_base is None or not packet.size:
            continue  # the empty packet that ends each stream
        start = float(timestamp * packet.time_base)
        end = float((timestamp + (packet.duration or 0)) * packet.time_base)
        timeline.start = start if timeline.start is None else min(timeline.start, start)
        timeline.end = max(timeline.end, end)
        if packet.stream.index == video.index:
            timeline.video_packets += 1
            if timeline.video_start is None or start < timeline.video_start:
                timeline.video_start = start
            timeline.video_end = max(timeline.video_end, end)
        if timeline.duration > max_seconds:
            timeline.stopped_early = True
            break
    return timeline


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
        return _streams_probe(container)


def _streams_probe(container) -> ProbeResult:
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
    _codecs_check(video, audio)
    width = video.codec_context.width
    height = video.codec_context.height
    if not width or not height:
        raise ProbeError(_("The picture size of this video cannot be read."))
    # The header's size first (no decoding for a 4K file), then the decoded one.
    _picture_size_check(width, height)
    try:
        picture = _first_frame(container, video)
        container.seek(0)
        sound = _first_frame(container, audio)
    except av.FFmpegError:
        picture = sound = None
    if picture is None or sound is None:
        raise ProbeError(
            _("This video is damaged: its picture or sound cannot be played.")
        )
    width, height = picture.width, picture.height
    _picture_size_check(width, height)
    max_seconds = video_setting("VIDEO_MAX_SECONDS")
    try:
        timeline = _timeline(container, video, audio, max_seconds=max_seconds)
    except av.FFmpegError as error:
        raise ProbeError(
            _("This video is damaged: its picture or sound cannot be played.")
        ) from error
    duration = timeline.duration
    if duration is None or timeline.frame_rate is None:
        raise ProbeError(_("The length of this video cannot be read."))
    if timeline.stopped_early or duration > max_seconds:
        # Reading stopped at the limit: the header may know how far it goes on.
        header = container.duration / av.time_base if container.duration else 0
        raise _too_long(max(duration, header) / 60, max_seconds)
    if duration < video_setting("VIDEO_MIN_SECONDS"):
        raise ProbeError(_("The video is too short."))
    max_fps = video_setting("VIDEO_MAX_FRAME_RATE")
    if timeline.frame_rate > max_fps * FRAME_RATE_TOLERANCE:
        raise ProbeError(
            _(
                "This video has too many pictures per second (%(rate)s). A video "
                "may have at most %(limit)s. Save it with fewer, for example 30 "
                "per second, and upload it again."
            )
            % {"rate": round(timeline.frame_rate), "limit": max_fps}
        )
    return ProbeResult(
        duration=duration,
        width=width,
        height=height,
        frame_rate=timeline.frame_rate,
        video_codec=_codec_name(video),
        audio_codec=_codec_name(audio),
        audio_channels=audio.codec_context.channels,
        audio_sample_rate=audio.codec_context.sample_rate,
    )

"""Limits of the video pipeline; a Django setting of the same name overrides each."""

from django.conf import settings


def video_setting(name: str):
    return getattr(settings, name, DEFAULTS[name])


DEFAULTS = {
    # An upload larger than this stops being written at this size (core/uploads.py)
    # and is refused; nginx's client_max_body_size must stay a little above it.
    "VIDEO_MAX_UPLOAD_BYTES": 2 * 1024 * 1024 * 1024,
    # Counted from the packets' own timestamps, not from the file's header.
    "VIDEO_MAX_SECONDS": 60 * 60,
    "VIDEO_MIN_SECONDS": 1,
    # Full HD, lying (1920 × 1080) or upright (1080 × 1920): the longer side of the
    # picture may be at most the first, the shorter at most the second.
    "VIDEO_MAX_LONG_SIDE": 1920,
    "VIDEO_MAX_SHORT_SIDE": 1080,
    # Frames per second, counted over the whole video.
    "VIDEO_MAX_FRAME_RATE": 60,
    # What the transcoder decodes well (FFmpeg's codec names, as PyAV reports them).
    "VIDEO_VIDEO_CODECS": ("h264", "hevc", "vp8", "vp9", "av1", "mpeg4"),
    "VIDEO_AUDIO_CODECS": (
        "aac",
        "mp3",
        "opus",
        "vorbis",
        "flac",
        "ac3",
        "eac3",
        "alac",
        "pcm_s16le",
        "pcm_s24le",
        "pcm_f32le",
    ),
    "VIDEO_MAX_CAPTION_BYTES": 512 * 1024,
    # A cue every second for an hour and a half.
    "VIDEO_MAX_CAPTION_CUES": 5000,
    # An attempt older than django-q2's timeout and retry plus this many seconds is
    # dead (videos.services.videos_stalled_recover).
    "VIDEO_STALLED_GRACE_SECONDS": 60,
    # A video queued this long ago and never started lost its task: queue it again.
    "VIDEO_QUEUED_STALE_SECONDS": 6 * 60 * 60,
}

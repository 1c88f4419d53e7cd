"""Limits of the video pipeline; a Django setting of the same name overrides each."""

from django.conf import settings


def video_setting(name: str):
    return getattr(settings, name, DEFAULTS[name])


DEFAULTS = {
    # An upload larger or longer than this is refused before anything is stored.
    "VIDEO_MAX_UPLOAD_BYTES": 500 * 1024 * 1024,
    "VIDEO_MAX_SECONDS": 20 * 60,
    "VIDEO_MIN_SECONDS": 1,
    "VIDEO_MAX_CAPTION_BYTES": 512 * 1024,
    # An attempt older than django-q2's timeout and retry plus this many seconds is
    # dead (videos.services.videos_stalled_recover).
    "VIDEO_STALLED_GRACE_SECONDS": 60,
    # A video queued this long ago and never started lost its task: queue it again.
    "VIDEO_QUEUED_STALE_SECONDS": 6 * 60 * 60,
}

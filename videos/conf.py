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
}

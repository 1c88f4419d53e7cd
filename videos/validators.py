"""Field validators that run in the admin's forms before an upload is stored.

An upload past its size limit arrives as `core.uploads.OversizedUpload` (no bytes, its
real size): the size check comes first and refuses it."""

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from .conf import video_setting
from .probe import ProbeError, media_probe
from .webvtt import WebVttError, webvtt_parse


def _is_new_upload(value) -> bool:
    # A stored file is a committed FieldFile; a fresh upload is not yet committed.
    return not getattr(value, "_committed", True)


def video_file_validate(value) -> None:
    """Probe a newly uploaded video with PyAV; refuse it with the probe's reason."""
    if not _is_new_upload(value):
        return
    upload = value.file
    try:
        if hasattr(upload, "temporary_file_path"):
            media_probe(source=upload.temporary_file_path(), size=upload.size)
        else:
            upload.seek(0)
            media_probe(source=upload.file, size=upload.size)
    except ProbeError as error:
        raise ValidationError(error.message, code="video_refused") from error
    finally:
        upload.seek(0)


def caption_file_validate(value) -> None:
    """Parse a newly uploaded WebVTT file; refuse it with what is wrong and where."""
    if not _is_new_upload(value):
        return
    upload = value.file
    max_bytes = video_setting("VIDEO_MAX_CAPTION_BYTES")
    if upload.size > max_bytes:
        raise ValidationError(
            _(
                "The captions file is too large (%(size)s). A captions file may be "
                "at most %(limit)s: captions are plain text."
            )
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(max_bytes)},
            code="captions_refused",
        )
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    try:
        webvtt_parse(data, max_cues=video_setting("VIDEO_MAX_CAPTION_CUES"))
    except WebVttError as error:
        raise ValidationError(error.message, code="captions_refused") from error

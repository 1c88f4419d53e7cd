"""Serving a video's ladder files and captions to those who may see the video.

Each file is checked like the lesson that shows it (`selectors.video_access_get`):
someone who may not see the lesson gets 404, as for a page that is not there. The
file itself is sent by `core.media.media_file_response`: by nginx after an
`X-Accel-Redirect` in the scale-out profile, by Daphne in the embedded one (with byte
ranges for the download and for players that ask).

A ladder folder's name is unique per build, so its segments, init segments, poster
and download never change and are cached for a year. Playlists, the way into a
video, are fresh for a minute, so that a lesson made private soon stops playing
from caches (with one stale answer allowed while the browser checks again). Files
anyone may see are `public` for shared caches; the rest `private`.
"""

from django.http import Http404, HttpResponse
from django.views.decorators.http import require_safe

from core.media import media_file_response, media_path
from core.transliteration import in_reader_script

from .selectors import (
    CAPTION_SCRIPTS,
    VideoAccess,
    caption_file_get,
    ladder_file_path,
    video_access_get,
)
from .webvtt import webvtt_words_rewrite

CONTENT_TYPES = {
    ".m3u8": "application/vnd.apple.mpegurl",
    ".m4s": "video/iso.segment",
    ".mp4": "video/mp4",
    ".jpg": "image/jpeg",
    ".json": "application/json",
}
YEAR = 365 * 24 * 3600
PLAYLIST_SECONDS = 60
CAPTION_SECONDS = 300


# After its short freshness, a browser may still answer once from its copy of a
# playlist or caption file while it asks the server again in the background
# (stale-while-revalidate, RFC 5861): pressing Play after ten minutes of reading the
# lesson then still costs one round trip (player.js), and the next look sees a change.
STALE_SECONDS = 24 * 3600


def _cache_control(access: VideoAccess, seconds: int) -> str:
    if seconds == YEAR:
        return f"{access.value}, max-age={seconds}, immutable"
    return f"{access.value}, max-age={seconds}, stale-while-revalidate={STALE_SECONDS}"


@require_safe
def ladder_file(request, video_id: int, build: str, name: str):
    access = video_access_get(video_id=video_id, request=request)
    path = ladder_file_path(video_id=video_id, build=build, name=name)
    if access is None or path is None:
        raise Http404
    seconds = PLAYLIST_SECONDS if path.suffix == ".m3u8" else YEAR
    return media_file_response(
        request,
        path=path,
        content_type=CONTENT_TYPES.get(path.suffix, "application/octet-stream"),
        cache_control=_cache_control(access, seconds),
        download_name="video.mp4" if path.name == "download.mp4" else "",
    )


@require_safe
def caption_file(request, caption_id: int, language: str):
    caption = caption_file_get(caption_id=caption_id, language=language)
    if caption is None:
        raise Http404
    access = video_access_get(video_id=caption.video_id, request=request)
    path = media_path(caption.file.name)
    if access is None or path is None:
        raise Http404
    # Captions can be replaced by the trainer: cached for five minutes only. The
    # language is in the address, so a cache needs no Vary to keep them apart.
    cache_control = _cache_control(access, CAPTION_SECONDS)
    if language in CAPTION_SCRIPTS:
        # Written in the reader's script as they are sent, like the lesson page
        # (core/transliteration.py); captions are small, checked when uploaded.
        text = path.read_text(encoding="utf-8-sig")
        response = HttpResponse(
            webvtt_words_rewrite(
                text, lambda words: in_reader_script(words, language=language)
            ),
            content_type="text/vtt; charset=utf-8",
        )
        response["Cache-Control"] = cache_control
        response["X-Content-Type-Options"] = "nosniff"
    else:
        response = media_file_response(
            request,
            path=path,
            content_type="text/vtt; charset=utf-8",
            cache_control=cache_control,
        )
    response["Content-Language"] = language
    return response

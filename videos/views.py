"""Serving a video's ladder files and captions.

In the embedded profile Daphne serves them; a front web server can serve
`/videos/ladders/` straight from MEDIA_ROOT/videos/ladders/ instead (docs/video.md).
A ladder folder's name is unique per build, so its files never change and are cached
for a year; a byte range is honoured for the download and for players that ask.
"""

import re

from django.http import Http404, HttpResponse
from django.views.decorators.http import require_safe

from .selectors import caption_file_get, ladder_file_path

CONTENT_TYPES = {
    ".m3u8": "application/vnd.apple.mpegurl",
    ".m4s": "video/iso.segment",
    ".mp4": "video/mp4",
    ".jpg": "image/jpeg",
    ".json": "application/json",
}
RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
YEAR = 365 * 24 * 3600


def _file_response(request, data: bytes, content_type: str, max_age: int):
    total = len(data)
    status = 200
    match = RANGE.match(request.headers.get("Range", ""))
    headers = {"Accept-Ranges": "bytes"}
    if match and (match.group(1) or match.group(2)):
        if match.group(1):
            start = int(match.group(1))
            end = int(match.group(2)) if match.group(2) else total - 1
        else:
            start = max(0, total - int(match.group(2)))
            end = total - 1
        end = min(end, total - 1)
        if start > end or start >= total:
            return HttpResponse(
                status=416, headers={"Content-Range": f"bytes */{total}"}
            )
        headers["Content-Range"] = f"bytes {start}-{end}/{total}"
        data = data[start : end + 1]
        status = 206
    response = HttpResponse(data, content_type=content_type, status=status)
    for name, value in headers.items():
        response[name] = value
    response["Cache-Control"] = f"public, max-age={max_age}" + (
        ", immutable" if max_age == YEAR else ""
    )
    return response


@require_safe
def ladder_file(request, video_id: int, build: str, name: str):
    path = ladder_file_path(video_id=video_id, build=build, name=name)
    if path is None:
        raise Http404
    content_type = CONTENT_TYPES.get(path.suffix, "application/octet-stream")
    response = _file_response(request, path.read_bytes(), content_type, YEAR)
    if path.name == "download.mp4":
        response["Content-Disposition"] = 'attachment; filename="video.mp4"'
    return response


@require_safe
def caption_file(request, caption_id: int, language: str):
    caption = caption_file_get(caption_id=caption_id, language=language)
    if caption is None:
        raise Http404
    with caption.file.open("rb") as handle:
        data = handle.read()
    # Captions can be replaced by the trainer: cached for five minutes only.
    return _file_response(request, data, "text/vtt; charset=utf-8", 300)

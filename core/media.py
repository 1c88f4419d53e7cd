"""Sending uploaded files once a view has decided that the reader may have them.

Nothing under MEDIA_ROOT is served as a folder. A view checks who asks (a lesson's
video files: videos/views.py; documents: Wagtail's own view with collection
privacy) and then calls `media_file_response`:

- behind nginx (`MEDIA_ACCEL_REDIRECT`), the answer is empty with
  `X-Accel-Redirect: MEDIA_ACCEL_PREFIX<path under MEDIA_ROOT>`; nginx serves the
  file from its `internal` location (deploy/nginx/komak.conf), with byte ranges, and
  keeps this answer's Content-Type, Content-Disposition and Cache-Control;
- otherwise (the embedded profile, `make run`) Daphne sends the file itself, honouring
  one byte range (`Range: bytes=a-b`), as players and resumed downloads ask.

This module is also Wagtail's SENDFILE_BACKEND, so documents take the same path, and
it serves the renditions of Wagtail images, which are public (originals are not).
"""

import re
from pathlib import Path

from django.conf import settings
from django.http import Http404, HttpResponse
from django.views.decorators.http import require_safe
from wagtail.images import get_image_model
from wagtail.utils import sendfile_streaming_backend

RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
# A name nginx would read differently from the file's: "?" starts its arguments and
# it does not decode %XX in X-Accel-Redirect. Such files are sent by Daphne instead.
NOT_FOR_NGINX = re.compile(r"[?%\x00-\x1f\x7f]")
RENDITION_FOLDER = "images"
RENDITION_TYPES = {
    ".avif": "image/avif",
    ".gif": "image/gif",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".svg": "image/svg+xml",
    ".webp": "image/webp",
}
DAY = 24 * 3600
# Sent with every image rendition (raster images ignore it).
SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'; sandbox"


def media_path(name: str) -> Path | None:
    """The file `name` (relative) inside MEDIA_ROOT, or None when it is not a file
    there (a `..` that climbs out included)."""
    root = Path(settings.MEDIA_ROOT).resolve()
    path = (root / name).resolve()
    if root not in path.parents or not path.is_file():
        return None
    return path


def accel_redirect_uri(path: Path) -> str | None:
    """The internal URI nginx serves `path` at, or None when nginx cannot be told.

    nginx maps the header's bytes to the file system as they are, so a name outside
    ASCII goes as raw UTF-8 (Django writes header values as Latin-1: each byte one
    character), never %-encoded.
    """
    relative = path.resolve().relative_to(Path(settings.MEDIA_ROOT).resolve())
    name = relative.as_posix()
    if NOT_FOR_NGINX.search(name):
        return None
    uri = settings.MEDIA_ACCEL_PREFIX + name
    return uri.encode("utf-8").decode("latin-1")


def _ranged_response(request, path: Path, content_type: str) -> HttpResponse:
    """The file, or the one byte range the request asks for (206), or 416."""
    total = path.stat().st_size
    start, end = 0, total - 1
    status = 200
    headers = {"Accept-Ranges": "bytes"}
    match = RANGE.match(request.headers.get("Range", ""))
    if match and (match.group(1) or match.group(2)):
        if match.group(1):
            start = int(match.group(1))
            if match.group(2):
                end = min(int(match.group(2)), total - 1)
        else:
            start = max(0, total - int(match.group(2)))
        if start > end or start >= total:
            return HttpResponse(
                status=416, headers={"Content-Range": f"bytes */{total}"}
            )
        headers["Content-Range"] = f"bytes {start}-{end}/{total}"
        status = 206
    with path.open("rb") as handle:
        handle.seek(start)
        data = handle.read(end - start + 1) if total else b""
    return HttpResponse(data, content_type=content_type, status=status, headers=headers)


def media_file_response(
    request,
    *,
    path: Path,
    content_type: str,
    cache_control: str,
    download_name: str = "",
) -> HttpResponse:
    """Send `path` (a file under MEDIA_ROOT the view has allowed) with these
    headers: through nginx when MEDIA_ACCEL_REDIRECT is on, by Daphne otherwise."""
    uri = accel_redirect_uri(path) if settings.MEDIA_ACCEL_REDIRECT else None
    if uri is not None:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = uri
    else:
        response = _ranged_response(request, path, content_type)
    response["Cache-Control"] = cache_control
    response["X-Content-Type-Options"] = "nosniff"
    if download_name:
        response["Content-Disposition"] = f'attachment; filename="{download_name}"'
    return response


def sendfile(request, filename, **kwargs) -> HttpResponse:
    """Wagtail's SENDFILE_BACKEND (documents, after Wagtail checked the collection's
    privacy): `X-Accel-Redirect` behind nginx, Wagtail's streaming otherwise.
    Wagtail sets the type, disposition and length afterwards."""
    path = Path(filename)
    uri = accel_redirect_uri(path) if settings.MEDIA_ACCEL_REDIRECT else None
    if uri is None:
        return sendfile_streaming_backend.sendfile(request, filename, **kwargs)
    response = HttpResponse()
    response["X-Accel-Redirect"] = uri
    # Documents can be replaced or made private: caches keep them for a short while.
    response["Cache-Control"] = "private, max-age=300"
    return response


@require_safe
def image_rendition_file(request, name: str):
    """A rendition of a Wagtail image (`/media/images/<file>`): public, as the pages
    that show them; an uploaded original (`original_images/`) is never served.
    nginx serves this folder itself; Daphne does in the embedded profile."""
    relative = f"{RENDITION_FOLDER}/{name}"
    rendition_model = get_image_model().get_rendition_model()
    if not rendition_model.objects.filter(file=relative).exists():
        raise Http404
    path = media_path(relative)
    if path is None:
        raise Http404
    content_type = RENDITION_TYPES.get(path.suffix.lower(), "application/octet-stream")
    response = media_file_response(
        request,
        path=path,
        content_type=content_type,
        cache_control=f"public, max-age={DAY}",
    )
    # An SVG opened on its own would run any script an uploader put in it, on our
    # origin; this policy forbids scripts and outside fetches (as nginx sends it).
    response["Content-Security-Policy"] = SVG_POLICY
    return response

"""HTML and other text answers compressed: brotli where the browser accepts it, gzip
otherwise, in every profile (Daphne alone, or behind nginx, which passes an answer
already compressed through as it is).

Why not Django's GZipMiddleware alone: it has no brotli (about a fifth smaller than
gzip on our pages), and it compresses every answer, also the streamed ones (video
segments, images, uploads, WhiteNoise's files, which come precompressed from
collectstatic). Here only whole text answers are compressed.

BREACH (an attacker who can inject text into a compressed page and watch its size
guesses a secret on the same page): the secrets on our pages are the CSRF token,
which Django masks afresh for every response, and the CSP nonce, new for every
response; docs/security.md, "Compression".
"""

import gzip
import re

import brotli
from django.utils.cache import patch_vary_headers

COMPRESSIBLE_TYPES = frozenset(
    {
        "text/html",
        "text/plain",
        "text/csv",
        "text/css",
        "text/javascript",
        "application/javascript",
        "application/json",
        "application/manifest+json",
        "application/xml",
        "image/svg+xml",
    }
)
# Below this many bytes compression saves less than its headers cost.
MIN_BYTES = 200
# Brotli quality 5 and gzip level 6: both a few milliseconds for a page, most of the
# gain of the slowest levels.
BROTLI_QUALITY = 5
GZIP_LEVEL = 6
_CODING = re.compile(r"^\s*([\w*-]+)\s*(?:;\s*q\s*=\s*([0-9.]+))?\s*$")


def accepted_codings(header: str) -> set[str]:
    """The content codings an Accept-Encoding header accepts (q=0 refuses one)."""
    accepted = set()
    for part in header.split(","):
        match = _CODING.match(part)
        if match is None:
            continue
        coding, quality = match.group(1).lower(), match.group(2)
        try:
            if quality is not None and float(quality) <= 0:
                continue
        except ValueError:
            continue
        accepted.add(coding)
    return accepted


def compressed(content: bytes, coding: str) -> bytes:
    if coding == "br":
        return brotli.compress(content, quality=BROTLI_QUALITY)
    return gzip.compress(content, compresslevel=GZIP_LEVEL, mtime=0)


class CompressionMiddleware:
    """Compress text answers with brotli or gzip (see the module docstring).

    Goes high in MIDDLEWARE, above every middleware that reads or rewrites a page
    (the admin's nonce stamping, the Cyrillic writer, the page cache), so that it
    compresses what they made.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.streaming or response.has_header("Content-Encoding"):
            return response
        content_type = response.get("Content-Type", "").split(";")[0].strip().lower()
        if content_type not in COMPRESSIBLE_TYPES:
            return response
        # The answer depends on the header even when it is sent as it is.
        patch_vary_headers(response, ("Accept-Encoding",))
        if len(response.content) < MIN_BYTES:
            return response
        codings = accepted_codings(request.headers.get("Accept-Encoding", ""))
        if "br" in codings:
            coding = "br"
        elif "gzip" in codings or "*" in codings:
            coding = "gzip"
        else:
            return response
        content = compressed(response.content, coding)
        if len(content) >= len(response.content):
            return response
        response.content = content
        response.headers["Content-Length"] = str(len(content))
        response.headers["Content-Encoding"] = coding
        # A strong ETag names the bytes sent; these bytes are new (RFC 9110, 8.8.1).
        etag = response.get("ETag")
        if etag and etag.startswith('"'):
            response.headers["ETag"] = "W/" + etag
        return response

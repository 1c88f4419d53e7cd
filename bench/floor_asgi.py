"""The ASGI application of the first-paint benchmark: Ko'mak's own, plus the floor.

`/__bench_floor__?bytes=N` answers a page of N bytes that needs nothing else to
paint: no stylesheet, script, image or redirect, and random letters that no
compression could shrink, sent as they are. On an emulated link it paints after
one request of the size of the page measured beside it, from the same Daphne: the
least any page of that size can take (bench/first_paint.py).

Never routed in production: only the benchmark names this module.
"""

import base64
import os
from urllib.parse import parse_qs

from cms.asgi import application as komak_application

FLOOR_PATH = "/__bench_floor__"
MAX_BYTES = 2 * 1024 * 1024
_HEAD = b'<!DOCTYPE html><html lang="uz"><meta charset="utf-8"><title>Floor</title><p>'
_TAIL = b"</p></html>"


def floor_page(size: int) -> bytes:
    filler = max(size - len(_HEAD) - len(_TAIL), 1)
    letters = base64.b64encode(os.urandom(filler))[:filler]
    return _HEAD + letters + _TAIL


async def application(scope, receive, send):
    if scope["type"] != "http" or scope["path"] != FLOOR_PATH:
        await komak_application(scope, receive, send)
        return
    query = parse_qs(scope.get("query_string", b"").decode())
    size = min(int(query.get("bytes", ["10000"])[0]), MAX_BYTES)
    body = floor_page(size)
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [
                (b"content-type", b"text/html; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                (b"cache-control", b"no-store"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})

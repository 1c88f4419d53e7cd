"""Through nginx, as `make scale-up` runs it: two Daphne workers with proxy headers
on PostgreSQL and Redis, behind Debian's nginx with deploy/nginx/komak.conf.

One stack for the module: pages come from both workers, the call's WebSocket is
upgraded, static files come compressed with long cache headers, a lesson's video
files only reach people who may see the lesson (nginx streams them after Django's
`X-Accel-Redirect`), nothing under /media/ is served as a folder, and the audit trail
holds the client's address, not a forged one.
"""

import asyncio
import gzip
import http.client
import json
import time
import urllib.parse
from pathlib import Path

import psycopg
import pytest

from deploy.scaleout import brotli_available
from tests.support.bookings import joinable_booking_id
from tests.support.mfa import http_sign_in
from tests.support.parts import require
from tests.support.scaleout import APP_ROLE, ScaleOutStack
from tests.support.videos import CAPTION, SEGMENT

pytestmark = pytest.mark.e2e

# Loopback is all of 127/8: a client talking from 127.0.0.x is told apart from nginx,
# which reaches the workers from 127.0.0.1.
CLIENT_ADDRESS = "127.0.0.7"
SOCKET_ADDRESS = "127.0.0.8"
FORGED = "203.0.113.9"

VIDEOS_CODE = """
import json
from wagtail.models import PageViewRestriction
from tests.support.videos import lesson_showing, ready_video_create
public = ready_video_create(title="Hammaga")
lesson_showing(public)
signed_in = ready_video_create(title="Faqat kirganlarga")
lesson_showing(signed_in, restriction=PageViewRestriction.LOGIN)
draft = ready_video_create(title="Qoralamada")
lesson_showing(draft, live=False)
print(json.dumps({
    name: {
        "ladder": f"/videos/ladders/{video.pk}/{video.ladder_dir.rsplit('/', 1)[1]}/",
        "dir": video.ladder_dir,
        "caption": f"/videos/captions/{video.captions.get().pk}/uz.vtt",
    }
    for name, video in (("public", public), ("signed_in", signed_in), ("draft", draft))
}))
"""


@pytest.fixture(scope="module")
def stack():
    with ScaleOutStack() as running:
        yield running


@pytest.fixture(scope="module")
def videos(stack):
    return json.loads(stack.shell(VIDEOS_CODE))


@pytest.fixture(scope="module")
def learner_cookie(stack):
    _, jar = http_sign_in(stack.url, "learner")
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)


OWNERS = "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'"


def fetch(stack, path: str, *, source="127.0.0.1", method="GET", body=None, **headers):
    """One request to nginx from `source`; the raw answer (nothing decompressed)."""
    connection = http.client.HTTPConnection(
        "127.0.0.1", stack.port, timeout=30, source_address=(source, 0)
    )
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        response.body = response.read()
        return response
    finally:
        connection.close()


def query(stack, sql: str, params=()):
    with psycopg.connect(stack.database.url) as connection:
        return connection.execute(sql, params).fetchall()


class PagesTests:
    def test_pages_load_from_both_workers(self, stack):
        before = len(stack.upstreams_logged())
        for _ in range(6):
            response = fetch(stack, "/uz/")
            assert response.status == 200
            assert b"<html" in response.body
        served_by = set(stack.upstreams_logged()[before:])
        assert served_by == {f"127.0.0.1:{port}" for port in stack.worker_ports}

    def test_pages_are_compressed(self, stack):
        response = fetch(stack, "/uz/", **{"Accept-Encoding": "gzip"})
        assert response.getheader("Content-Encoding") == "gzip"
        assert b"<html" in gzip.decompress(response.body)

    def test_database_connections_do_not_pile_up(self, stack):
        for _ in range(20):
            assert fetch(stack, "/uz/").status == 200
        time.sleep(0.5)
        held = query(
            stack,
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND backend_type = 'client backend' AND pid <> pg_backend_pid()",
        )[0][0]
        # Each request under ASGI has its own connection: kept for reuse, they would
        # stay open until PostgreSQL refuses clients.
        assert held <= 2

    def test_the_site_connects_with_row_rights_only(self, stack):
        # What the workers' environment connects as: not the tables' owner.
        connected_as = stack.shell(
            "from django.db import connection\n"
            "with connection.cursor() as cursor:\n"
            "    cursor.execute('SELECT current_user')\n"
            "    print(cursor.fetchone()[0])"
        )
        assert connected_as == APP_ROLE
        owners = {row[0] for row in query(stack, OWNERS)}
        assert APP_ROLE not in owners
        rights = query(
            stack,
            "SELECT has_table_privilege(%(role)s, 'audit_auditrecord', 'INSERT'),"
            " has_table_privilege(%(role)s, 'audit_auditrecord', 'TRUNCATE'),"
            " has_database_privilege(%(role)s, current_database(), 'CREATE')",
            {"role": APP_ROLE},
        )[0]
        assert rights == (True, False, False)

    def test_debug_is_off(self, stack):
        response = fetch(stack, "/uz/no-such-page/")
        assert response.status == 404
        assert b"technical_404" not in response.body
        assert b"URLconf" not in response.body


class WebSocketTests:
    def test_a_call_socket_is_upgraded_and_accepted_for_a_participant(self, stack):
        booking_id = joinable_booking_id(stack.server, fresh=True)
        _, jar = http_sign_in(stack.url, "client")
        session = next(cookie.value for cookie in jar if cookie.name == "sessionid")

        async def welcome():
            from websockets.asyncio.client import connect

            socket = await connect(
                stack.url.replace("http://", "ws://")
                + f"/ws/consultations/{booking_id}/",
                origin=stack.url,
                additional_headers={
                    "Cookie": f"sessionid={session}",
                    "X-Forwarded-For": FORGED,
                },
                proxy=None,
                open_timeout=10,
                local_addr=(SOCKET_ADDRESS, 0),
            )
            try:
                return json.loads(await asyncio.wait_for(socket.recv(), 10))
            finally:
                await socket.close()

        message = asyncio.run(welcome())
        assert message["type"] == "welcome"
        assert message["role"] == "client"
        # The consumer's audit record has the socket's own address (core/proxy.py).
        rows = query(
            stack,
            "SELECT host(ip_address) FROM audit_auditrecord WHERE action = %s "
            "AND target_id = %s ORDER BY sequence DESC LIMIT 1",
            ("call_join", str(booking_id)),
        )
        assert rows == [(SOCKET_ADDRESS,)]


@pytest.fixture(scope="module")
def hashed_css(stack):
    manifest = json.loads(
        (Path(stack.env["STATIC_ROOT"]) / "staticfiles.json").read_text()
    )
    name = next(
        hashed for plain, hashed in manifest["paths"].items() if plain.endswith(".css")
    )
    return "/static/" + name


class StaticFileTests:
    def test_hashed_files_are_cached_for_a_year(self, stack, hashed_css):
        response = fetch(stack, hashed_css)
        assert response.status == 200
        assert response.getheader("Content-Type") == "text/css"
        assert response.getheader("Cache-Control") == (
            "public, max-age=31536000, immutable"
        )

    def test_names_without_a_hash_are_not(self, stack, hashed_css):
        plain = ".".join(
            part for part in hashed_css.split(".") if not _looks_hashed(part)
        )
        response = fetch(stack, plain)
        assert response.status == 200
        assert response.getheader("Cache-Control") == "public, max-age=300"

    def test_gzip(self, stack, hashed_css):
        response = fetch(stack, hashed_css, **{"Accept-Encoding": "gzip"})
        assert response.getheader("Content-Encoding") == "gzip"
        assert gzip.decompress(response.body).strip()

    def test_brotli_where_debian_has_the_module(self, stack, hashed_css):
        require(
            brotli_available(),
            "nginx's brotli modules are not installed "
            "(apt-get install libnginx-mod-http-brotli-filter "
            "libnginx-mod-http-brotli-static)",
        )
        response = fetch(stack, hashed_css, **{"Accept-Encoding": "br, gzip"})
        assert response.getheader("Content-Encoding") == "br"

    def test_es_modules_have_a_javascript_type(self, stack):
        static_root = Path(stack.env["STATIC_ROOT"])
        module = next(static_root.rglob("*.mjs")).relative_to(static_root)
        response = fetch(stack, f"/static/{module.as_posix()}")
        assert response.status == 200
        assert response.getheader("Content-Type") == "text/javascript"


def _looks_hashed(part: str) -> bool:
    return len(part) == 12 and all(char in "0123456789abcdef" for char in part)


class VideoFileTests:
    def test_a_public_lesson_s_playlist_and_segment(self, stack, videos):
        ladder = videos["public"]["ladder"]
        playlist = fetch(stack, ladder + "234p.m3u8", **{"Accept-Encoding": "gzip"})
        assert playlist.status == 200
        assert playlist.getheader("Content-Type") == "application/vnd.apple.mpegurl"
        assert playlist.getheader("Cache-Control") == (
            "public, max-age=60, stale-while-revalidate=86400"
        )
        assert playlist.getheader("Content-Encoding") == "gzip"
        assert gzip.decompress(playlist.body).startswith(b"#EXTM3U")
        segment = fetch(stack, ladder + "seg000.m4s")
        assert segment.status == 200
        assert segment.body == SEGMENT
        assert segment.getheader("Cache-Control") == (
            "public, max-age=31536000, immutable"
        )
        assert segment.getheader("Content-Type") == "video/iso.segment"

    def test_nginx_streams_the_file_after_django_s_check(self, stack, videos):
        segment = fetch(
            stack, videos["public"]["ladder"] + "seg000.m4s", Range="bytes=16-31"
        )
        # nginx's own file answer: its byte range and ETag (Daphne's has neither).
        assert segment.status == 206
        assert segment.body == SEGMENT[16:32]
        assert segment.getheader("ETag")
        assert "X-Accel-Redirect" not in dict(segment.getheaders())

    def test_captions_are_compressed_webvtt(self, stack, videos):
        caption = fetch(
            stack, videos["public"]["caption"], **{"Accept-Encoding": "gzip"}
        )
        assert caption.status == 200
        assert caption.getheader("Content-Type") == "text/vtt; charset=utf-8"
        assert gzip.decompress(caption.body) == CAPTION

    def test_a_signed_in_only_lesson_s_video_is_not_for_strangers(
        self, stack, videos, learner_cookie
    ):
        segment = videos["signed_in"]["ladder"] + "seg000.m4s"
        assert fetch(stack, segment).status == 404
        response = fetch(stack, segment, Cookie=learner_cookie)
        assert response.status == 200
        assert response.body == SEGMENT
        assert response.getheader("Cache-Control").startswith("private,")

    def test_a_draft_lesson_s_video_is_for_nobody(self, stack, videos, learner_cookie):
        for name in ("master.m3u8", "seg000.m4s"):
            url = videos["draft"]["ladder"] + name
            assert fetch(stack, url, Cookie=learner_cookie).status == 404
        assert fetch(stack, videos["draft"]["caption"]).status == 404


class MediaFolderTests:
    def test_the_internal_location_is_not_reachable_from_outside(self, stack, videos):
        url = "/_protected/" + videos["public"]["dir"] + "/seg000.m4s"
        assert fetch(stack, url).status == 404

    @pytest.mark.parametrize(
        "name",
        ["seg000.m4s", "master.m3u8", "../../../../staticfiles.json", ""],
    )
    def test_nothing_under_media_is_served_as_a_folder(self, stack, videos, name):
        url = "/media/" + videos["public"]["dir"] + "/" + name
        assert fetch(stack, url).status == 404

    def test_uploads_outside_the_renditions_have_no_address(self, stack):
        for url in ("/media/", "/media/original_images/", "/media/documents/x.pdf"):
            assert fetch(stack, url).status == 404


class ClientAddressTests:
    def test_the_audit_trail_holds_the_client_s_address_not_a_forged_one(self, stack):
        login = "/uz/accounts/login/"
        page = fetch(stack, login, source=CLIENT_ADDRESS)
        token = page.body.decode().split('name="csrfmiddlewaretoken" value="')[1]
        token = token.split('"', 1)[0]
        cookie = next(
            line.split(";", 1)[0]
            for line in page.msg.get_all("Set-Cookie")
            if line.startswith("csrftoken=")
        )
        body = urllib.parse.urlencode(
            {"login": "nobody-here", "password": "wrong", "csrfmiddlewaretoken": token}
        )
        response = fetch(
            stack,
            login,
            source=CLIENT_ADDRESS,
            method="POST",
            body=body,
            Cookie=cookie,
            **{
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Forwarded-For": FORGED,
            },
        )
        assert response.status == 200  # the form again, with its error
        rows = query(
            stack,
            "SELECT host(ip_address) FROM audit_auditrecord WHERE action = %s "
            "ORDER BY sequence DESC LIMIT 1",
            ("sign_in_failed",),
        )
        assert rows == [(CLIENT_ADDRESS,)]

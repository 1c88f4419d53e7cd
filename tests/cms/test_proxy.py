"""The client's address behind our proxies (core/proxy.py, TRUSTED_PROXY_COUNT): the
hop the outermost proxy appended, never what the client wrote to the left of it; the
same for Django, the call consumer's scope and allauth's limits.
"""

import pytest
from allauth.core.internal.httpkit import get_client_ip
from asgiref.sync import async_to_sync
from django.test import RequestFactory

from core.proxy import TrustedProxyMiddleware, forwarded_client


class ForwardedClientTests:
    @pytest.mark.parametrize(
        ("header", "count", "client"),
        [
            ("198.51.100.7", 1, "198.51.100.7"),
            # The client forged the leftmost address; nginx appended the real one.
            ("203.0.113.9, 198.51.100.7", 1, "198.51.100.7"),
            # A load balancer before nginx: two hops are ours.
            ("203.0.113.9, 198.51.100.7, 10.0.0.2", 2, "198.51.100.7"),
            # Fewer hops than proxies: the leftmost is the nearest one can get.
            ("198.51.100.7", 2, "198.51.100.7"),
            ("2001:db8::1", 1, "2001:db8::1"),
            ("203.0.113.9,198.51.100.7", 1, "198.51.100.7"),
        ],
    )
    def test_the_right_hop(self, header, count, client):
        assert forwarded_client(header, count) == client

    @pytest.mark.parametrize(
        ("header", "count"),
        [
            ("198.51.100.7", 0),  # Daphne alone: the header is anyone's to write
            ("", 1),
            (" , ", 1),
            ("203.0.113.9, not-an-address", 1),
            ("198.51.100.7:4431", 1),
        ],
    )
    def test_nothing_to_believe(self, header, count):
        assert forwarded_client(header, count) is None


def scope_seen(scope: dict) -> dict:
    """The scope the application behind the middleware gets."""
    seen = {}

    async def app(scope, receive, send):
        seen.update(scope)

    async def call():
        await TrustedProxyMiddleware(app)(scope, None, None)

    async_to_sync(call)()
    return seen


def scope_with(kind: str, *forwarded: bytes) -> dict:
    headers = [(b"host", b"127.0.0.1")] + [
        (b"x-forwarded-for", value) for value in forwarded
    ]
    # As Daphne's --proxy-headers leaves it: the leftmost address.
    return {"type": kind, "client": ["203.0.113.9", 0], "headers": headers}


class MiddlewareTests:
    @pytest.mark.parametrize("kind", ["http", "websocket"])
    def test_the_scope_gets_the_client_behind_nginx(self, settings, kind):
        settings.TRUSTED_PROXY_COUNT = 1
        seen = scope_seen(scope_with(kind, b"203.0.113.9, 198.51.100.7"))
        assert seen["client"] == ("198.51.100.7", 0)

    def test_several_header_lines_are_one_list(self, settings):
        settings.TRUSTED_PROXY_COUNT = 1
        seen = scope_seen(scope_with("http", b"203.0.113.9", b"198.51.100.7"))
        assert seen["client"] == ("198.51.100.7", 0)

    def test_without_proxies_the_scope_is_left_alone(self, settings):
        settings.TRUSTED_PROXY_COUNT = 0
        seen = scope_seen(scope_with("http", b"198.51.100.7"))
        assert seen["client"] == ["203.0.113.9", 0]

    def test_without_the_header_the_peer_stays(self, settings):
        settings.TRUSTED_PROXY_COUNT = 1
        seen = scope_seen(scope_with("http"))
        assert seen["client"] == ["203.0.113.9", 0]

    def test_lifespan_passes_untouched(self, settings):
        settings.TRUSTED_PROXY_COUNT = 1
        assert scope_seen({"type": "lifespan"}) == {"type": "lifespan"}


class AllauthAgreesTests:
    def test_allauth_limits_count_the_same_address(self, settings):
        settings.TRUSTED_PROXY_COUNT = settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
        request = RequestFactory().post(
            "/uz/accounts/login/",
            HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.7",
            REMOTE_ADDR="198.51.100.7",
        )
        assert get_client_ip(request) == "198.51.100.7"
        assert get_client_ip(request) == forwarded_client(
            request.headers["X-Forwarded-For"], settings.TRUSTED_PROXY_COUNT
        )

    def test_one_setting_drives_both(self):
        from django.conf import settings

        assert settings.ALLAUTH_TRUSTED_PROXY_COUNT == settings.TRUSTED_PROXY_COUNT

"""The client's address behind reverse proxies (`TRUSTED_PROXY_COUNT`).

Behind nginx every connection to Daphne comes from nginx, and each proxy on the way
appends the address it saw to `X-Forwarded-For`. Only the proxies we run are
believed: with `TRUSTED_PROXY_COUNT = n` the client is the n-th address from the
right (the one the outermost of our proxies saw); anything left of it was written by
the client and may be forged. With 0 (Daphne alone, `make run`) the header is
ignored.

Daphne's `--proxy-headers` takes the *leftmost* address, which a client can forge,
so `TrustedProxyMiddleware` sets the ASGI scope's `client` again for HTTP and
WebSockets: Django's `REMOTE_ADDR` (the audit trail's addresses) and the call
consumer's scope both come from it. allauth reads the same hop for its limits
(`ALLAUTH_TRUSTED_PROXY_COUNT`, settings/base.py).
"""

import ipaddress

from django.conf import settings


def forwarded_client(forwarded_for: str, trusted_proxy_count: int) -> str | None:
    """The client's address in an `X-Forwarded-For` value, or None.

    With fewer addresses than proxies (a request that skipped the outer ones), the
    leftmost is the nearest one can get. A value that is not an IP address is None.
    """
    if trusted_proxy_count <= 0:
        return None
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    if not hops:
        return None
    candidate = hops[-min(trusted_proxy_count, len(hops))]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None


def request_client_address(request) -> str | None:
    """The client's address for a Django request, the same one
    `TrustedProxyMiddleware` gives Django under Daphne; for limits counted per
    address (allauth's, through `accounts.adapter.AccountAdapter.get_client_ip`, and
    our own). Read from the request itself, so it holds however the request came in."""
    forwarded = forwarded_client(
        request.headers.get("X-Forwarded-For", ""), settings.TRUSTED_PROXY_COUNT
    )
    return forwarded or request.META.get("REMOTE_ADDR") or None


def scope_forwarded_for(scope: dict) -> str:
    """Every `X-Forwarded-For` line of an ASGI scope, joined as one list."""
    return ",".join(
        value.decode("latin-1")
        for name, value in scope.get("headers", [])
        if name.lower() == b"x-forwarded-for"
    )


class TrustedProxyMiddleware:
    """ASGI middleware: `scope["client"]` is the client behind our proxies."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] in ("http", "websocket") and settings.TRUSTED_PROXY_COUNT:
            address = forwarded_client(
                scope_forwarded_for(scope), settings.TRUSTED_PROXY_COUNT
            )
            if address is not None:
                scope = {**scope, "client": (address, 0)}
        return await self.app(scope, receive, send)

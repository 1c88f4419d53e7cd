"""ASGI entry point served by Daphne: HTTP through Django, WebSockets via Channels."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")

# Django must be set up before anything imports models, so this comes first.
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from accounts.middleware import StaffWebSocketMiddleware  # noqa: E402
from consultations.routing import websocket_urlpatterns  # noqa: E402
from core.proxy import TrustedProxyMiddleware  # noqa: E402
from urgent.routing import websocket_urlpatterns as urgent_sockets  # noqa: E402

# The client's address behind nginx (TRUSTED_PROXY_COUNT), for pages and sockets alike.
application = TrustedProxyMiddleware(
    ProtocolTypeRouter(
        {
            "http": django_asgi_app,
            "websocket": AllowedHostsOriginValidator(
                AuthMiddlewareStack(
                    StaffWebSocketMiddleware(
                        URLRouter(websocket_urlpatterns + urgent_sockets)
                    )
                )
            ),
        }
    )
)

"""WebSocket routes of urgent help."""

from django.urls import path

from . import consumers

websocket_urlpatterns = [
    path("ws/urgent/duty/", consumers.DutyConsumer.as_asgi()),
    path("ws/urgent/mine/", consumers.ClientConsumer.as_asgi()),
]

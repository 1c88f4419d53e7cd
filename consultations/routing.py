"""WebSocket routes of the consultations app."""

from django.urls import path

from . import consumers

websocket_urlpatterns = [
    path(
        "ws/consultations/<int:booking_id>/",
        consumers.ConsultationConsumer.as_asgi(),
    ),
    path("ws/ping/", consumers.PingConsumer.as_asgi()),
]

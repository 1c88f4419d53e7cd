"""URLs of urgent help (under each language's prefix)."""

from django.urls import path

from . import views

urlpatterns = [
    path("help/", views.help_ask, name="urgent_help"),
    path("help/status/", views.help_status, name="urgent_status"),
    path("help/close/", views.help_cancel, name="urgent_cancel"),
    path("", views.dashboard, name="urgent_dashboard"),
    path("<int:request_id>/take/", views.take, name="urgent_take"),
    path("<int:request_id>/close/", views.close, name="urgent_close"),
]

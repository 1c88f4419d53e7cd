"""URLs of check-ins (under /<language>/checkins/)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.index, name="wellbeing_index"),
    path("a/<str:token>/", views.answer, name="wellbeing_answer"),
    path("session/<int:booking_id>/", views.client_checkins, name="wellbeing_client"),
    path("session/<int:booking_id>/stop/", views.stop, name="wellbeing_stop"),
]

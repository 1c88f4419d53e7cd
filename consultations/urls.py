"""URLs of the consultations app."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.index, name="consultations_index"),
]

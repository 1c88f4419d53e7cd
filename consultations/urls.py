"""URLs of the consultations app, gathered from its parts."""

from django.urls import include, path

urlpatterns = [
    path("", include("consultations.urls_booking")),
    path("", include("consultations.urls_precall")),
    path("", include("consultations.urls_call")),
]

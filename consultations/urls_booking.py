"""URLs of booking: directory, booking steps, appointments, consent, calendar files."""

from django.urls import path

from .views import booking

urlpatterns = [
    path("", booking.index, name="consultations_index"),
]

"""URLs of the call page."""

from django.urls import path

from .views import call

urlpatterns = [
    path("<int:booking_id>/call/", call.call, name="consultations_call"),
]

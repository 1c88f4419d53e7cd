"""URLs of the pre-call check: the page, the offer to the echo peer, the result."""

from django.urls import path

from .views import precall

urlpatterns = [
    path(
        "<int:booking_id>/check/",
        precall.precall_page,
        name="consultations_precall",
    ),
    path(
        "<int:booking_id>/check/offer/",
        precall.precall_offer,
        name="consultations_precall_offer",
    ),
    path(
        "<int:booking_id>/check/result/",
        precall.precall_result,
        name="consultations_precall_result",
    ),
]

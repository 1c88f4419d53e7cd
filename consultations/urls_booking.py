"""URLs of booking: directory, booking steps, appointments, consent, calendar files."""

from django.urls import path

from .views import booking

urlpatterns = [
    path("", booking.index, name="consultations_index"),
    path("book/", booking.book_topic, name="consultations_book"),
    path(
        "book/specialist/",
        booking.book_specialist,
        name="consultations_book_specialist",
    ),
    path("book/time/", booking.book_time, name="consultations_book_time"),
    path("book/confirm/", booking.book_confirm, name="consultations_book_confirm"),
    path("consent/", booking.consent, name="consultations_consent"),
    path(
        "consent/withdraw/",
        booking.consent_withdraw,
        name="consultations_consent_withdraw",
    ),
    path("appointments/", booking.appointments, name="consultations_appointments"),
    path("today/", booking.today, name="consultations_today"),
    path("home/", booking.home, name="consultations_home"),
    path(
        "<int:booking_id>/calendar.ics",
        booking.calendar,
        name="consultations_calendar",
    ),
    path("<int:booking_id>/cancel/", booking.cancel, name="consultations_cancel"),
    path(
        "<int:booking_id>/reschedule/",
        booking.reschedule,
        name="consultations_reschedule",
    ),
    path("<int:booking_id>/no-show/", booking.no_show, name="consultations_no_show"),
    path("<int:booking_id>/notes/", booking.notes, name="consultations_notes"),
]

"""URLs of booking: directory, booking steps, consent, appointments, calendar files,
the specialist's day and session notes."""

from django.urls import path

from .views import appointments, consent, directory, notes, specialist_day

urlpatterns = [
    path("", directory.index, name="consultations_index"),
    path("book/", directory.book_topic, name="consultations_book"),
    path(
        "book/specialist/",
        directory.book_specialist,
        name="consultations_book_specialist",
    ),
    path("book/time/", directory.book_time, name="consultations_book_time"),
    path("book/confirm/", directory.book_confirm, name="consultations_book_confirm"),
    path("consent/", consent.consent, name="consultations_consent"),
    path(
        "consent/withdraw/",
        consent.consent_withdraw,
        name="consultations_consent_withdraw",
    ),
    path(
        "appointments/",
        appointments.appointments,
        name="consultations_appointments",
    ),
    path("today/", specialist_day.today, name="consultations_today"),
    path("home/", appointments.home, name="consultations_home"),
    path(
        "<int:booking_id>/calendar.ics",
        appointments.calendar,
        name="consultations_calendar",
    ),
    path("<int:booking_id>/cancel/", appointments.cancel, name="consultations_cancel"),
    path(
        "<int:booking_id>/reschedule/",
        appointments.reschedule,
        name="consultations_reschedule",
    ),
    path(
        "<int:booking_id>/no-show/",
        specialist_day.no_show,
        name="consultations_no_show",
    ),
    path("<int:booking_id>/notes/", notes.notes, name="consultations_notes"),
]

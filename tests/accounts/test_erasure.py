"""Erasing an account through the `account_erasing` signal (accounts/erasure.py):
each app that holds data about people answers for its own (consultations
anonymised, consent records kept; certificates nameless), the rest linked to the
account is deleted, and a receiver that fails rolls the whole erasure back."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from accounts.erasure import account_erasing, kept_labels
from accounts.services import user_account_delete
from audit.models import AuditAction, AuditRecord
from consultations import services as consultation_services
from consultations.models import Booking, BookingStatus, ConsentRecord, SessionNote
from consultations.signals import consultations_erase
from learning.apps import _certificates_forget_on_erasure
from learning.models import Certificate, Enrolment, ProgressEvent
from learning.program_services import certificate_issue
from tests.consultations.factories import (
    booking_create,
    client_create,
    specialist_create,
)
from tests.learning.factories import (
    bank_course_create,
    course_create,
    enrolment_create,
    program_create,
)

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def person():
    """A client with consent, an upcoming talk with a specialist's note, a
    certificate from a program, and a lesson opened."""
    person = client_create(full_name="Dilnoza Karimova")
    specialist = specialist_create()
    booking = booking_create(
        client=person, specialist=specialist, starts_in=timedelta(days=3)
    )
    consultation_services.session_note_save(
        booking=booking, author=specialist.user, text="Yolgʻizlik."
    )
    course, _lessons = bank_course_create()
    enrolment = enrolment_create(program=program_create(courses=[course]), user=person)
    certificate_issue(enrolment=enrolment)
    _course, (lesson, *_rest) = course_create(lessons=1)
    ProgressEvent.objects.create(
        user=person,
        lesson=lesson,
        event_id="5d0c8f5e-1b7a-4a55-9d43-0c2c6b0e7a01",
        visit_id="5d0c8f5e-1b7a-4a55-9d43-0c2c6b0e7a02",
        kind="open",
        occurred_at=timezone.now(),
    )
    return person


def failing_receiver(sender, user, **kwargs):
    raise RuntimeError("this app could not erase its data")


class ErasureReceiverTests:
    def test_each_app_that_anonymises_or_keeps_data_is_connected(self):
        sync_receivers, _async_receivers = account_erasing._live_receivers(User)
        assert consultations_erase in sync_receivers
        assert _certificates_forget_on_erasure in sync_receivers

    def test_consultations_keeps_its_consent_records(self, person):
        answers = account_erasing.send(sender=User, user=person, request=None)
        assert kept_labels(answers) == {"consultations.consentrecord"}


class ErasureTests:
    def test_each_app_s_data_is_anonymised_kept_or_deleted(self, person):
        booking = Booking.objects.get(client=person)
        certificate = Certificate.objects.get(user=person)
        user_account_delete(user=person)

        booking.refresh_from_db()
        assert (booking.client_id, booking.topic) == (None, "")
        assert booking.status == BookingStatus.CANCELLED
        assert booking.anonymised_at is not None
        assert not SessionNote.objects.filter(booking=booking).exists()
        consent = ConsentRecord.objects.get(user=person)
        assert consent.withdrawn_at is not None

        certificate.refresh_from_db()
        assert (certificate.user_id, certificate.enrolment_id) == (None, None)
        assert certificate.holder_name == ""
        assert not Enrolment.objects.filter(user=person).exists()
        assert not ProgressEvent.objects.filter(user=person).exists()

        person.refresh_from_db()
        assert (person.full_name, person.is_active) == ("", False)

    def test_a_failing_receiver_rolls_the_whole_erasure_back(self, person):
        booking = Booking.objects.get(client=person)
        certificate = Certificate.objects.get(user=person)
        # Connected last, so it runs after consultations and learning have done
        # their part: their changes must be undone too.
        account_erasing.connect(failing_receiver, dispatch_uid="test.failing")
        try:
            with pytest.raises(RuntimeError):
                user_account_delete(user=person)
        finally:
            account_erasing.disconnect(dispatch_uid="test.failing")

        booking.refresh_from_db()
        assert booking.client_id == person.pk
        assert booking.topic == "loneliness"
        assert booking.status == BookingStatus.CONFIRMED
        assert booking.anonymised_at is None
        assert SessionNote.objects.filter(booking=booking).exists()
        assert ConsentRecord.objects.get(user=person).withdrawn_at is None

        certificate.refresh_from_db()
        assert certificate.user_id == person.pk
        assert certificate.holder_name == "Dilnoza Karimova"
        assert Enrolment.objects.filter(user=person).exists()
        assert ProgressEvent.objects.filter(user=person).exists()

        person.refresh_from_db()
        assert (person.full_name, person.is_active) == ("Dilnoza Karimova", True)
        assert not AuditRecord.objects.filter(
            action=AuditAction.ACCOUNT_DELETE
        ).exists()

"""The consultations' rules where they are decided (consultations/selectors.py and
the services), without a page in between: who is a participant of a booking, who
may be in its call, what each person may do with a booking, when a session may be
marked as not taken place, and claiming a reminder once.
"""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.utils import timezone

from audit.models import AuditAction, AuditRecord
from consultations import reminders, selectors
from consultations.models import Booking, BookingStatus
from consultations.services import BookingError, booking_mark_no_show, consent_withdraw
from tests.accounts.factories import user_create
from tests.consultations.factories import booking_make, client_create, specialist_create

pytestmark = pytest.mark.django_db

MISSING_ID = 987_654


def request_for(user, path="/uz/consultations/1/cancel/"):
    request = RequestFactory().get(path)
    request.user = user
    return request


def refusals() -> list[tuple]:
    return list(
        AuditRecord.objects.filter(action=AuditAction.ACCESS_DENIED)
        .order_by("sequence")
        .values_list("actor_id", "target_type", "target_id", "detail")
    )


@pytest.fixture
def booking():
    """A confirmed talk in two days, of a client who has accepted the terms."""
    return booking_make(
        client_create(),
        specialist_create(),
        timezone.now() + timedelta(days=2),
    )


PEOPLE = {
    "another specialist": lambda: specialist_create().user,
    "a trainer": lambda: user_create(roles=("Trainer",)),
    "a coordinator": lambda: user_create(roles=("Coordinator",)),
    "a learner": lambda: user_create(roles=("Learner",)),
    "a social worker": lambda: user_create(roles=("Learner", "Social worker")),
}


class ParticipantTests:
    def test_the_client_is_a_participant(self, booking):
        found = selectors.booking_for_participant(
            booking_id=booking.pk, user=booking.client
        )
        assert found == booking

    def test_the_bookings_specialist_is_a_participant(self, booking):
        found = selectors.booking_for_participant(
            booking_id=booking.pk, user=booking.specialist.user
        )
        assert found == booking

    @pytest.mark.parametrize("who", sorted(PEOPLE))
    def test_anyone_else_is_answered_as_if_the_booking_did_not_exist(
        self, booking, who
    ):
        person = PEOPLE[who]()
        stranger = selectors.booking_for_participant(
            booking_id=booking.pk, user=person, request=request_for(person)
        )
        missing = selectors.booking_for_participant(
            booking_id=MISSING_ID, user=person, request=request_for(person)
        )
        assert stranger is None and missing is None
        # The same record for both, but for the id asked for: nothing tells them
        # apart.
        (first, second) = refusals()
        assert first[:2] == second[:2] == (person.pk, "consultations.booking")
        assert (first[2], second[2]) == (str(booking.pk), str(MISSING_ID))
        assert first[3] == second[3] == {"path": "/uz/consultations/1/cancel/"}

    def test_a_visitor_is_not_a_participant(self, booking):
        assert (
            selectors.booking_for_participant(
                booking_id=booking.pk, user=AnonymousUser()
            )
            is None
        )
        assert selectors.booking_for_participant(booking_id=booking.pk, user=None) is (
            None
        )

    def test_an_anonymised_booking_has_no_participants(self, booking):
        Booking.objects.filter(pk=booking.pk).update(anonymised_at=timezone.now())
        for user in (booking.client, booking.specialist.user):
            assert (
                selectors.booking_for_participant(booking_id=booking.pk, user=user)
                is None
            )

    def test_a_lookup_without_a_request_leaves_no_record(self, booking):
        """The socket records its own refusals, with the close code."""
        person = PEOPLE["a trainer"]()
        assert (
            selectors.booking_for_participant(booking_id=booking.pk, user=person)
            is None
        )
        assert refusals() == []

    def test_a_participants_lookup_leaves_no_refusal(self, booking):
        selectors.booking_for_participant(
            booking_id=booking.pk,
            user=booking.client,
            request=request_for(booking.client),
        )
        assert refusals() == []


class SpecialistOnlyTests:
    def test_the_client_is_refused_like_a_stranger(self, booking):
        client = booking.client
        assert (
            selectors.booking_for_specialist(
                booking_id=booking.pk, user=client, request=request_for(client)
            )
            is None
        )
        assert len(refusals()) == 1

    def test_a_stranger_leaves_one_record_not_two(self, booking):
        person = PEOPLE["another specialist"]()
        selectors.booking_for_specialist(
            booking_id=booking.pk, user=person, request=request_for(person)
        )
        assert len(refusals()) == 1

    def test_the_specialist_gets_the_booking(self, booking):
        user = booking.specialist.user
        found = selectors.booking_for_specialist(
            booking_id=booking.pk, user=user, request=request_for(user)
        )
        assert found == booking
        assert refusals() == []


class CallAccessTests:
    def open_booking(self):
        return booking_make(
            client_create(),
            specialist_create(),
            timezone.now() + timedelta(minutes=5),
        )

    def test_both_participants_inside_the_window(self):
        booking = self.open_booking()
        client = selectors.call_access_get(booking_id=booking.pk, user=booking.client)
        specialist = selectors.call_access_get(
            booking_id=booking.pk, user=booking.specialist.user
        )
        assert (client.allowed, client.role) == (True, "client")
        assert (specialist.allowed, specialist.role) == (True, "specialist")

    @pytest.mark.parametrize("who", sorted(PEOPLE))
    def test_anyone_else_learns_nothing(self, who):
        booking = self.open_booking()
        access = selectors.call_access_get(booking_id=booking.pk, user=PEOPLE[who]())
        assert access == selectors.CallAccess(refusal=selectors.REFUSED_NOT_PARTICIPANT)

    def test_a_visitor_is_signed_out(self):
        booking = self.open_booking()
        access = selectors.call_access_get(booking_id=booking.pk, user=AnonymousUser())
        assert access.refusal == selectors.REFUSED_SIGNED_OUT
        assert access.booking is None

    def test_too_early(self, booking):
        access = selectors.call_access_get(booking_id=booking.pk, user=booking.client)
        assert access.refusal == selectors.REFUSED_NOT_OPEN
        assert access.booking == booking

    def test_a_client_without_consent_but_not_the_specialist(self):
        booking = self.open_booking()
        consent_withdraw(user=booking.client)
        client = selectors.call_access_get(booking_id=booking.pk, user=booking.client)
        specialist = selectors.call_access_get(
            booking_id=booking.pk, user=booking.specialist.user
        )
        assert client.refusal == selectors.REFUSED_NO_CONSENT
        assert specialist.allowed

    def test_the_page_records_its_opening_only_when_allowed(self):
        booking = self.open_booking()
        person = PEOPLE["a coordinator"]()
        selectors.call_page_open(
            booking_id=booking.pk, user=person, request=request_for(person)
        )
        selectors.call_page_open(
            booking_id=booking.pk,
            user=booking.client,
            request=request_for(booking.client),
        )
        actions = list(
            AuditRecord.objects.filter(
                action__in=[AuditAction.ACCESS_DENIED, AuditAction.CALL_OPEN]
            )
            .order_by("sequence")
            .values_list("action", "actor_id", "detail")
        )
        assert actions == [
            (AuditAction.ACCESS_DENIED, person.pk, {"path": request_for(person).path}),
            (AuditAction.CALL_OPEN, booking.client_id, {"role": "client"}),
        ]


class BookingRowTests:
    def test_the_client_may_change_a_talk_days_ahead(self, booking):
        row = selectors.booking_row_get(booking=booking, as_specialist=False)
        assert (row.can_cancel, row.can_reschedule, row.can_check) == (True,) * 3
        assert not row.can_mark_no_show
        assert row.other_name == booking.specialist.user.get_full_name()

    def test_after_the_start_only_the_specialist_may_mark_it_missed(self, booking):
        later = booking.starts_at + timedelta(minutes=1)
        client = selectors.booking_row_get(
            booking=booking, as_specialist=False, now=later
        )
        specialist = selectors.booking_row_get(
            booking=booking, as_specialist=True, now=later
        )
        assert not client.can_mark_no_show and specialist.can_mark_no_show
        assert not client.can_cancel and not specialist.can_cancel

    def test_the_specialist_may_cancel_until_the_start(self, booking):
        soon = booking.starts_at - timedelta(minutes=30)
        client = selectors.booking_row_get(
            booking=booking, as_specialist=False, now=soon
        )
        specialist = selectors.booking_row_get(
            booking=booking, as_specialist=True, now=soon
        )
        assert (client.can_cancel, client.too_late_to_change) == (False, True)
        assert specialist.can_cancel


class NoShowRuleTests:
    def test_refused_before_the_start(self, booking):
        with pytest.raises(BookingError) as refused:
            booking_mark_no_show(booking=booking, by_user=booking.specialist.user)
        assert refused.value.code == "no_show_not_allowed"
        booking.refresh_from_db()
        assert booking.status == BookingStatus.CONFIRMED
        assert not AuditRecord.objects.filter(
            action=AuditAction.BOOKING_NO_SHOW
        ).exists()

    @pytest.mark.parametrize(
        "status", [BookingStatus.CANCELLED, BookingStatus.COMPLETED]
    )
    def test_refused_unless_confirmed(self, booking, status):
        Booking.objects.filter(pk=booking.pk).update(status=status)
        after = booking.starts_at + timedelta(minutes=5)
        with pytest.raises(BookingError):
            booking_mark_no_show(booking=booking, now=after)
        booking.refresh_from_db()
        assert booking.status == status

    def test_a_stale_copy_is_checked_against_the_row(self, booking):
        """Cancelled meanwhile: the copy in hand still says confirmed."""
        Booking.objects.filter(pk=booking.pk).update(status=BookingStatus.CANCELLED)
        after = booking.starts_at + timedelta(minutes=5)
        with pytest.raises(BookingError):
            booking_mark_no_show(booking=booking, now=after)

    def test_allowed_from_the_start(self, booking):
        marked = booking_mark_no_show(
            booking=booking, by_user=booking.specialist.user, now=booking.starts_at
        )
        assert marked.status == BookingStatus.NO_SHOW
        record = AuditRecord.objects.get(action=AuditAction.BOOKING_NO_SHOW)
        assert record.actor_id == booking.specialist.user_id


class ReminderClaimTests:
    def test_a_reminder_is_claimed_once(self, booking):
        now = timezone.now()
        first = reminders.booking_reminder_claim(
            booking_id=booking.pk, kind=reminders.DAY, now=now
        )
        second = reminders.booking_reminder_claim(
            booking_id=booking.pk, kind=reminders.DAY, now=now
        )
        assert (first, second) == (True, False)

    def test_the_hour_claim_settles_the_day_one(self, booking):
        now = timezone.now()
        assert reminders.booking_reminder_claim(
            booking_id=booking.pk, kind=reminders.HOUR, now=now
        )
        assert not reminders.booking_reminder_claim(
            booking_id=booking.pk, kind=reminders.DAY, now=now
        )

    def test_a_cancelled_talk_is_not_claimed(self, booking):
        Booking.objects.filter(pk=booking.pk).update(status=BookingStatus.CANCELLED)
        assert not reminders.booking_reminder_claim(
            booking_id=booking.pk, kind=reminders.DAY, now=timezone.now()
        )

"""Who may open the call page, and when."""

import json
import re
from datetime import timedelta

import pytest
from django.urls import reverse

from consultations.models import (
    BookingStatus,
    ConsentRecord,
    ConsentTerms,
    SpecialistProfile,
)
from tests.accounts.factories import user_create
from tests.consultations.factories import booking_create
from tests.support.i18n import uz
from tests.support.sign_in_here import assert_sign_in_here

pytestmark = pytest.mark.django_db


def make_booking(*, starts_in=timedelta(minutes=5), consent=True, **fields):
    client = user_create()
    specialist = SpecialistProfile.objects.create(
        user=user_create(roles=("Specialist",)), kind="psychologist", bio="Salom"
    )
    if consent:
        terms = ConsentTerms.objects.create(version=f"v{client.pk}", text="Shartlar")
        ConsentRecord.objects.create(user=client, terms=terms)
    return booking_create(
        client=client, specialist=specialist, starts_in=starts_in, **fields
    )


def url(booking):
    return reverse("consultations_call", args=[booking.pk])


class CallPageTests:
    def test_client_and_specialist_open_it_in_the_window(self, client):
        booking = make_booking()
        for person in (booking.client, booking.specialist.user):
            client.force_login(person)
            response = client.get(url(booking))
            assert response.status_code == 200
            html = response.content.decode()
            assert f'data-ws-path="/ws/consultations/{booking.pk}/"' in html
            assert 'id="call-strings"' in html

    def test_roles_are_told_to_the_script(self, client):
        booking = make_booking()
        client.force_login(booking.specialist.user)
        assert 'data-role="specialist"' in client.get(url(booking)).content.decode()
        client.force_login(booking.client)
        assert 'data-role="client"' in client.get(url(booking)).content.decode()

    @pytest.mark.parametrize("who", ["another client", "learner", "another specialist"])
    def test_anyone_else_gets_404(self, client, who):
        booking = make_booking()
        other = make_booking()
        stranger = {
            "another client": other.client,
            "learner": user_create(),
            "another specialist": other.specialist.user,
        }[who]
        client.force_login(stranger)
        assert client.get(url(booking)).status_code == 404

    def test_anonymous_is_asked_to_sign_in(self, client):
        booking = make_booking()
        html = assert_sign_in_here(client.get(url(booking)), url(booking))
        assert booking.client.full_name not in html
        assert booking.specialist.user.full_name not in html

    def test_unknown_booking_is_404(self, client):
        client.force_login(user_create())
        assert (
            client.get(reverse("consultations_call", args=[999999])).status_code == 404
        )

    def test_too_early_is_explained(self, client):
        booking = make_booking(starts_in=timedelta(hours=2))
        client.force_login(booking.client)
        response = client.get(url(booking))
        assert response.status_code == 403
        assert uz("Check my connection") in response.content.decode()
        assert "data-ws-path" not in response.content.decode()

    def test_after_the_end_or_cancelled_is_closed(self, client):
        ended = make_booking(starts_in=timedelta(hours=-2))
        cancelled = make_booking(status=BookingStatus.CANCELLED)
        for booking in (ended, cancelled):
            client.force_login(booking.client)
            response = client.get(url(booking))
            assert response.status_code == 403
            assert (
                uz("This session has ended or was cancelled.")
                in response.content.decode()
            )

    def test_client_without_consent_cannot_join(self, client):
        booking = make_booking(consent=False)
        client.force_login(booking.client)
        response = client.get(url(booking))
        assert response.status_code == 403
        assert "data-ws-path" not in response.content.decode()


class CallPageGraceTests:
    """A call under way may be reloaded until 30 minutes after its end, as its
    socket may reconnect (consultations/call_rights.py)."""

    def overrun(self, *, ended_ago: timedelta, admitted: bool):
        booking = make_booking(starts_in=-(timedelta(minutes=45) + ended_ago))
        if admitted:
            booking.admitted_at = booking.starts_at
            booking.save(update_fields=["admitted_at"])
        return booking

    def test_an_overrunning_call_can_be_reloaded(self, client):
        booking = self.overrun(ended_ago=timedelta(minutes=20), admitted=True)
        client.force_login(booking.client)
        assert client.get(url(booking)).status_code == 200

    def test_not_after_the_grace(self, client):
        booking = self.overrun(ended_ago=timedelta(minutes=31), admitted=True)
        client.force_login(booking.client)
        assert client.get(url(booking)).status_code == 403

    def test_a_call_never_started_has_no_grace(self, client):
        booking = self.overrun(ended_ago=timedelta(minutes=5), admitted=False)
        client.force_login(booking.specialist.user)
        assert client.get(url(booking)).status_code == 403

    def test_the_page_has_the_words_for_each_end(self, client):
        booking = make_booking()
        client.force_login(booking.client)
        html = client.get(url(booking)).content.decode()
        for words in (
            "This talk was cancelled.",
            "The time for this talk has ended.",
        ):
            assert uz(words) in html

    def test_the_chat_field_stops_at_the_servers_limit_and_says_so(self, client):
        """Issue 18: messages were cut at 1,000 characters without a word."""
        from consultations.signaling import MAX_CHAT_CHARS

        booking = make_booking()
        client.force_login(booking.client)
        html = client.get(url(booking)).content.decode()
        assert f'maxlength="{MAX_CHAT_CHARS}"' in html
        assert 'aria-describedby="chat-limit"' in html
        limit = re.search(r'<p[^>]*id="chat-limit"[^>]*>([^<]*)</p>', html)
        assert limit is not None
        assert limit.group(1) == uz(
            "One message can be up to %(limit)s characters.", limit=MAX_CHAT_CHARS
        )
        # And the words the script shows when a message reaches the limit.
        strings = re.search(
            r'<script id="call-strings" type="application/json">(.*?)</script>', html
        )
        assert json.loads(strings.group(1))["chatFull"] == uz(
            "This is as long as one message can be. Send it, then write the rest "
            "in the next message."
        )

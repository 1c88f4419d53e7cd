"""Nobody but the client and their specialist learns that a consultation exists
(issue 11): the admin has no screen for bookings, consent records or notes, those
models stay out of Wagtail's reference index (whose "usage" pages would list them),
and no consultations admin page a coordinator or a trainer can open names a client.

What was found when this was checked: the "Consultations" menu holds specialists,
their weekly hours and time off, and the consent terms; none lists bookings or
clients, and the usage pages of a specialist or a version of the terms showed
nothing, because bookings and consent records were never indexed. These tests keep
it so."""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from wagtail.admin.viewsets import viewsets
from wagtail.models import ReferenceIndex

from consultations import services
from consultations.models import (
    Booking,
    ConsentRecord,
    ConsentTerms,
    SessionNote,
    TimeOff,
)
from tests.accounts.factories import user_create
from tests.consultations.factories import (
    booking_make,
    client_create,
    slot_at,
    specialist_create,
)
from tests.support.i18n import uz

pytestmark = pytest.mark.django_db

PRIVATE_MODELS = (Booking, ConsentRecord, SessionNote)
CLIENT_NAME = "Maftuna Yashirinova"
CLIENT_USERNAME = "maftuna_client"
CLIENT_PHONE = "+998901112233"
CONSULTATION_VIEWSETS = (
    "consultations_specialists",
    "consultations_weekly_hours",
    "consultations_time_off",
    "consultations_consent_terms",
)


@pytest.fixture
def consultation():
    """A client with consent, a booking with a pre-call check, a note and time off."""
    specialist = specialist_create(full_name="Aziz Tursunov")
    person = client_create(
        full_name=CLIENT_NAME, username=CLIENT_USERNAME, phone_number=CLIENT_PHONE
    )
    booking = booking_make(person, specialist, slot_at())
    services.booking_precall_record(
        booking=booking, rtt_ms=100, loss_percent=1.0, relay=False, connected=True
    )
    services.session_note_save(
        booking=booking, author=specialist.user, text="Yolgʻizlik."
    )
    TimeOff.objects.create(
        specialist=specialist,
        starts_at=timezone.now() + timedelta(days=10),
        ends_at=timezone.now() + timedelta(days=11),
        reason="Taʼtil",
    )
    return booking


def registered_viewsets() -> list:
    """Wagtail fills its registry of admin viewsets when the admin's URLs load."""
    reverse("wagtailadmin_home")
    assert len(viewsets.viewsets) > 10
    return viewsets.viewsets


def consultation_admin_urls() -> list[str]:
    """Every page of the consultations viewsets, for every object they hold."""
    urls = []
    for viewset in registered_viewsets():
        if viewset.name not in CONSULTATION_VIEWSETS:
            continue
        urls.append(reverse(f"{viewset.name}:index"))
        for instance in viewset.model.objects.all():
            for view in ("inspect", "edit", "usage", "history", "delete", "copy"):
                try:
                    urls.append(reverse(f"{viewset.name}:{view}", args=[instance.pk]))
                except NoReverseMatch:
                    continue
    return urls


def names_the_client(page: str) -> bool:
    return any(
        secret in page
        for secret in (CLIENT_NAME, CLIENT_USERNAME, CLIENT_PHONE, "Maftuna")
    )


class NoConsultationScreenTests:
    def test_no_admin_viewset_or_snippet_for_bookings_consent_or_notes(self):
        models = {getattr(viewset, "model", None) for viewset in registered_viewsets()}
        assert ConsentTerms in models  # the registry is the real one
        assert models & set(PRIVATE_MODELS) == set()

    @pytest.mark.parametrize("model", PRIVATE_MODELS)
    def test_kept_out_of_the_reference_index(self, model, consultation):
        assert not ReferenceIndex.model_is_indexable(model)
        content_type = ContentType.objects.get_for_model(model)
        assert not ReferenceIndex.objects.filter(
            base_content_type=content_type
        ).exists()
        assert not ReferenceIndex.objects.filter(content_type=content_type).exists()

    def test_every_consultations_admin_url_is_tried(self, consultation):
        # The test below is only as good as this list.
        urls = consultation_admin_urls()
        for namespace in CONSULTATION_VIEWSETS:
            assert reverse(f"{namespace}:index") in urls
        specialist = consultation.specialist
        terms = ConsentTerms.objects.get()
        assert reverse("consultations_specialists:usage", args=[specialist.pk]) in urls
        assert reverse("consultations_consent_terms:usage", args=[terms.pk]) in urls


class CoordinatorScreensTests:
    def test_no_consultations_admin_page_names_the_client(self, client, consultation):
        client.force_login(user_create(roles=("Coordinator",)))
        opened = 0
        for url in consultation_admin_urls():
            response = client.get(url)
            if response.status_code == 200:
                opened += 1
                assert not names_the_client(response.content.decode()), url
        assert opened >= 10  # the coordinator really saw the pages

    def test_the_specialists_pages_show_the_specialist_but_no_booking(
        self, client, consultation
    ):
        client.force_login(user_create(roles=("Coordinator",)))
        specialist = consultation.specialist
        usage = client.get(
            reverse("consultations_specialists:usage", args=[specialist.pk])
        ).content.decode()
        assert "Aziz Tursunov" in usage
        assert not names_the_client(usage)
        assert f"#{consultation.pk} " not in usage

    def test_the_admin_search_does_not_find_the_client(self, client, consultation):
        client.force_login(user_create(roles=("Coordinator",)))
        search = reverse("wagtailadmin_pages:search")
        response = client.get(search, {"q": "Yashirinova"})
        assert response.status_code == 200
        assert not names_the_client(response.content.decode())


class SpecialistDeletionTests:
    REFUSED = (
        "This specialist cannot be deleted because their sessions are kept. "
        "To stop new bookings, untick “takes bookings” instead."
    )

    @pytest.mark.parametrize("method", ["get", "post"])
    def test_a_specialist_with_sessions_is_kept_with_a_plain_message(
        self, client, consultation, method
    ):
        specialist = consultation.specialist
        client.force_login(user_create(roles=("Coordinator",)))
        url = reverse("consultations_specialists:delete", args=[specialist.pk])
        response = getattr(client, method)(url, follow=True)
        assert response.redirect_chain[-1][0] == reverse(
            "consultations_specialists:edit", args=[specialist.pk]
        )
        page = response.content.decode()
        assert uz(self.REFUSED) in page
        assert not names_the_client(page)
        assert Booking.objects.filter(specialist=specialist).exists()
        assert type(specialist).objects.filter(pk=specialist.pk).exists()

    def test_a_specialist_without_sessions_is_deleted(self, client):
        specialist = specialist_create()
        client.force_login(user_create(roles=("Coordinator",)))
        url = reverse("consultations_specialists:delete", args=[specialist.pk])
        assert client.post(url).status_code == 302
        assert not type(specialist).objects.filter(pk=specialist.pk).exists()


class TrainerScreensTests:
    def test_a_trainer_opens_no_consultations_admin_page(self, client, consultation):
        client.force_login(user_create(roles=("Trainer",)))
        for url in consultation_admin_urls():
            response = client.get(url)
            assert response.status_code in (302, 403), url
            assert not names_the_client(response.content.decode()), url

"""The public "Talk to a specialist" directory, the coordinators' admin screens and
the consultations demo data."""

import io
from datetime import timedelta

import pytest
from django.core.files.images import ImageFile
from django.urls import reverse
from django.utils import timezone
from wagtail.images.models import Image

from consultations.models import (
    Booking,
    BookingStatus,
    ConsentTerms,
    SpecialistProfile,
)
from consultations.selectors import consent_given
from demo.consultations import DEMO_TERMS_VERSION, seed_consultations
from tests.accounts.factories import user_create
from tests.consultations.factories import specialist_create
from tests.support.i18n import uz

pytestmark = pytest.mark.django_db


def html(response) -> str:
    return response.content.decode()


def cards(page: str) -> int:
    return page.count("data-specialist=")


@pytest.fixture
def specialists():
    return {
        "aziz": specialist_create(
            full_name="Aziz Tursunov", topics=["grief", "anxiety"], languages=["uz"]
        ),
        "olga": specialist_create(
            full_name="Olga Kim", topics=["pensions"], languages=["ru", "uz"]
        ),
        "berdaq": specialist_create(
            full_name="Berdaq Ismailov", topics=["grief"], languages=["kaa"]
        ),
    }


class DirectoryTests:
    def test_everyone_sees_active_specialists_in_large_cards(self, client, specialists):
        hidden = specialist_create(full_name="On Leave")
        SpecialistProfile.objects.filter(pk=hidden.pk).update(is_active=False)
        response = client.get(reverse("consultations_index"))
        assert response.status_code == 200
        page = html(response)
        assert cards(page) == 3
        assert "On Leave" not in page
        assert "Aziz Tursunov" in page
        assert uz("Psychologist") in page
        assert uz("Grief and loss") in page
        assert uz("Uzbek") in page
        assert "Men psixologman." in page
        assert 'method="get"' in page

    def test_filter_by_topic(self, client, specialists):
        page = html(client.get(reverse("consultations_index"), {"topic": "grief"}))
        assert cards(page) == 2
        assert "Olga Kim" not in page

    def test_filter_by_language(self, client, specialists):
        page = html(client.get(reverse("consultations_index"), {"language": "ru"}))
        assert cards(page) == 1
        assert "Olga Kim" in page

    def test_filter_by_both(self, client, specialists):
        page = html(
            client.get(
                reverse("consultations_index"), {"topic": "grief", "language": "kaa"}
            )
        )
        assert cards(page) == 1
        assert "Berdaq Ismailov" in page

    def test_no_match_says_so(self, client, specialists):
        page = html(
            client.get(
                reverse("consultations_index"), {"topic": "digital", "language": "en"}
            )
        )
        assert cards(page) == 0
        assert (
            uz(
                "No specialist matches this choice yet. Please choose another topic or "
                "language."
            )
            in page
        )

    def test_unknown_filter_value_is_explained_next_to_the_field(
        self, client, specialists
    ):
        page = html(client.get(reverse("consultations_index"), {"topic": "magic"}))
        assert "field-error" in page
        assert cards(page) == 3

    def test_card_starts_a_booking_with_that_specialist(self, client, specialists):
        page = html(client.get(reverse("consultations_index")))
        assert (
            f"{reverse('consultations_book')}?specialist={specialists['aziz'].pk}"
            in page
        )

    def test_photo_has_its_description(self, client, settings, tmp_path):
        from PIL import Image as PillowImage

        settings.MEDIA_ROOT = tmp_path
        buffer = io.BytesIO()
        PillowImage.new("RGB", (64, 64), "#0b5e4a").save(buffer, format="PNG")
        photo = Image.objects.create(
            title="Aziz", file=ImageFile(buffer, name="aziz.png")
        )
        profile = specialist_create(full_name="Aziz Tursunov")
        profile.photo = photo
        profile.photo_alt = "Aziz koʻk koʻylakda jilmayib turibdi"
        profile.save()
        page = html(client.get(reverse("consultations_index")))
        assert 'alt="Aziz koʻk koʻylakda jilmayib turibdi"' in page


class AdminScreensTests:
    def test_superuser_manages_specialists_hours_time_off_and_terms(self, client):
        specialist_create(full_name="Aziz Tursunov")
        admin = user_create(is_staff=True, is_superuser=True)
        client.force_login(admin)
        for name in (
            "consultations_specialists",
            "consultations_weekly_hours",
            "consultations_time_off",
            "consultations_consent_terms",
        ):
            for view in ("index", "add"):
                response = client.get(reverse(f"{name}:{view}"))
                assert response.status_code == 200, (name, view)
        page = html(client.get(reverse("consultations_specialists:index")))
        assert "Aziz Tursunov" in page

    def test_specialist_form_offers_topics_as_tick_boxes(self, client):
        user = user_create(roles=("Specialist",), full_name="Yangi Mutaxassis")
        client.force_login(user_create(is_staff=True, is_superuser=True))
        response = client.post(
            reverse("consultations_specialists:add"),
            {
                "user": user.pk,
                "kind": "social_worker",
                "languages": ["uz", "kaa"],
                "topics": ["pensions", "disability"],
                "bio": "Nafaqa masalalarida yordam beraman.",
                "session_minutes": 30,
                "buffer_minutes": 10,
                "is_active": "on",
            },
        )
        assert response.status_code == 302, html(response)[:2000]
        profile = SpecialistProfile.objects.get(user=user)
        assert profile.topics == ["pensions", "disability"]
        assert profile.languages == ["uz", "kaa"]


class SeedConsultationsTests:
    @pytest.fixture
    def users(self):
        return {
            "specialist": user_create(
                username="specialist", roles=("Specialist",), full_name="Aziz Tursunov"
            ),
            "client": user_create(
                username="client", roles=("Learner",), full_name="Dilnoza Karimova"
            ),
        }

    def open_bookings(self, now=None):
        now = now or timezone.now()
        return [
            booking
            for booking in Booking.objects.filter(client__username="client")
            if booking.is_joinable(now)
        ]

    def test_demo_specialist_terms_and_bookings(self, users):
        seed_consultations(users)
        profile = SpecialistProfile.objects.get(user=users["specialist"])
        assert profile.kind == "psychologist"
        assert profile.languages == ["uz", "ru"]
        assert set(profile.topics) == {
            "loneliness",
            "family_conflict",
            "grief",
            "anxiety",
        }
        assert (profile.session_minutes, profile.buffer_minutes) == (45, 15)
        hours = list(
            profile.weekly_hours.values_list("weekday", "start_time", "end_time")
        )
        assert [weekday for weekday, _, _ in hours] == [0, 1, 2, 3, 4, 5]
        assert all(f"{s:%H:%M}-{e:%H:%M}" == "09:00-18:00" for _, s, e in hours)
        assert ConsentTerms.objects.get().version == DEMO_TERMS_VERSION
        assert consent_given(user=users["client"])

        now = timezone.now()
        [open_booking] = self.open_bookings(now)
        assert open_booking.status == BookingStatus.CONFIRMED
        assert open_booking.ends_at - open_booking.starts_at == timedelta(minutes=45)
        assert open_booking.starts_at.second == 0
        assert timedelta(0) < open_booking.starts_at - now <= timedelta(minutes=5)
        future = Booking.objects.filter(
            client=users["client"], starts_at__gt=now + timedelta(days=2)
        ).get()
        local = timezone.localtime(future.starts_at)
        assert f"{local:%H:%M}" == "10:00"
        assert (local.date() - timezone.localdate(now)).days in (3, 4)
        past = Booking.objects.get(
            client=users["client"], status=BookingStatus.COMPLETED
        )
        assert (timezone.localdate(now) - timezone.localdate(past.starts_at)).days == 7

    def test_twice_in_a_row_leaves_one_open_booking(self, users):
        seed_consultations(users)
        seed_consultations(users)
        assert len(self.open_bookings()) == 1
        assert Booking.objects.count() == 3
        assert SpecialistProfile.objects.count() == 1
        assert ConsentTerms.objects.count() == 1

    def test_a_new_open_booking_once_the_old_window_has_passed(self, users):
        earlier = timezone.now() - timedelta(hours=3)
        seed_consultations(users, now=earlier)
        seed_consultations(users)
        assert len(self.open_bookings()) == 1
        assert Booking.objects.filter(status=BookingStatus.CONFIRMED).count() == 3

    def test_existing_terms_are_kept(self, users):
        ConsentTerms.objects.create(version="2025-9", text="Eski shartlar.")
        seed_consultations(users)
        assert list(ConsentTerms.objects.values_list("version", flat=True)) == [
            "2025-9"
        ]
        assert consent_given(user=users["client"])

    def test_the_demo_client_sees_the_call_link(self, client, users):
        seed_consultations(users)
        client.force_login(users["client"])
        page = html(client.get(reverse("consultations_appointments")))
        [booking] = self.open_bookings()
        assert f'href="/uz/consultations/{booking.pk}/call/"' in page

"""The pages of urgent help (urgent/views.py): the client's button, confirmation and
status, the duty pool's list on the specialist's home page and the urgent help page,
taking a request, and 404 for everyone who may not see requests."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditAction, AuditRecord
from tests.accounts.factories import user_create
from tests.support.i18n import uz, uz_n
from tests.support.pages import page_tree_restore
from tests.urgent.factories import (
    client_create,
    coordinator_create,
    specialist_off_duty,
    specialist_on_duty,
)
from urgent import services
from urgent.models import UrgentRequest

pytestmark = pytest.mark.django_db

HOME = "/uz/"
HELP_NOW = "I need help now"


def signed_in(user) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


@pytest.fixture
def home():
    return page_tree_restore()


class ClientButtonTests:
    def test_the_home_page_offers_the_button_to_a_client(self, home):
        page = signed_in(client_create()).get(HOME)
        assert page.status_code == 200
        assert uz(HELP_NOW) in page.text
        assert reverse("urgent_help") in page.text

    def test_the_appointments_page_offers_it_too(self):
        page = signed_in(client_create()).get(reverse("consultations_appointments"))
        assert uz(HELP_NOW) in page.text

    def test_staff_and_strangers_do_not_see_it(self, home):
        assert uz(HELP_NOW) not in Client().get(HOME).text
        assert uz(HELP_NOW) not in signed_in(specialist_on_duty()).get(HOME).text


class AskTests:
    def test_one_tap_leads_to_one_confirmation(self):
        browser = signed_in(client_create())
        page = browser.get(reverse("urgent_help"))
        assert page.status_code == 200
        assert uz("Yes, I need help now") in page.text
        assert 'method="post"' in page.text
        assert 'href="tel:103"' in page.text  # the emergency numbers, always
        assert UrgentRequest.objects.count() == 0  # nothing made by the GET

    def test_a_double_tap_makes_one_request(self):
        client = client_create()
        browser = signed_in(client)
        first = browser.post(reverse("urgent_help"))
        second = browser.post(reverse("urgent_help"))
        assert first.status_code == second.status_code == 302
        assert first["Location"] == second["Location"] == reverse("urgent_status")
        assert UrgentRequest.objects.filter(client=client).count() == 1
        assert (
            AuditRecord.objects.filter(action=AuditAction.URGENT_REQUEST).count() == 1
        )

    def test_with_a_request_open_the_confirmation_leads_to_the_status(self):
        client = client_create()
        services.urgent_request_create(client=client)
        page = signed_in(client).get(reverse("urgent_help"))
        assert page.status_code == 302
        assert page["Location"] == reverse("urgent_status")

    def test_the_status_says_in_words_who_has_it(self):
        client = client_create()
        browser = signed_in(client)
        browser.post(reverse("urgent_help"))
        waiting = browser.get(reverse("urgent_status"))
        assert (
            uz(
                "We have your request. A specialist will take it in a moment. "
                "Please keep your phone near you."
            )
            in waiting.text
        )
        urgent = UrgentRequest.objects.get(client=client)
        services.urgent_request_take(
            request_id=urgent.pk,
            by_user=specialist_on_duty(full_name="Aziz Tursunov"),
        )
        has_it = uz(
            "%(name)s has your request and will call you now. "
            "Please keep your phone near you.",
            name="Aziz Tursunov",
        )
        taken = browser.get(reverse("urgent_status"))
        assert has_it in taken.text
        words = browser.get(reverse("urgent_status") + "?fragment=1")
        assert has_it in words.text
        assert "<html" not in words.text

    def test_the_client_can_close_it(self):
        client = client_create()
        browser = signed_in(client)
        browser.post(reverse("urgent_help"))
        answer = browser.post(reverse("urgent_cancel"))
        assert answer.status_code == 302
        assert UrgentRequest.objects.get(client=client).closed_at is not None
        assert (
            uz("Your last request for help is closed.")
            in browser.get(reverse("urgent_status")).text
        )

    def test_staff_get_404(self):
        for user in (specialist_on_duty(), coordinator_create()):
            browser = signed_in(user)
            assert browser.get(reverse("urgent_help")).status_code == 404
            assert browser.post(reverse("urgent_help")).status_code == 404
            assert browser.get(reverse("urgent_status")).status_code == 404
        assert UrgentRequest.objects.count() == 0

    def test_signed_out_goes_to_sign_in(self):
        answer = Client().post(reverse("urgent_help"))
        assert answer.status_code == 302
        assert "/accounts/login/" in answer["Location"]


class DutyListTests:
    def request_waiting(self, minutes=3, **fields):
        urgent, _ = services.urgent_request_create(client=client_create(**fields))
        UrgentRequest.objects.filter(pk=urgent.pk).update(
            created=timezone.now() - timedelta(minutes=minutes)
        )
        return urgent

    def test_the_landing_page_of_an_on_duty_specialist_lists_it(self, home):
        urgent = self.request_waiting(
            full_name="Dilnoza Karimova", phone_number="+998901110004"
        )
        specialist = specialist_on_duty()
        page = signed_in(specialist).get(HOME)
        assert "Dilnoza Karimova" in page.text
        assert 'href="tel:+998901110004"' in page.text
        # Read in groups, so that a narrow screen wraps between them.
        assert uz("Call %(phone)s", phone="+998 90 111 00 04") in page.text
        assert uz("Waiting: %(minutes)s min", minutes=3) in page.text
        assert reverse("urgent_take", args=[urgent.pk]) in page.text
        assert 'data-socket="/ws/urgent/duty/"' in page.text
        (shown,) = AuditRecord.objects.filter(action=AuditAction.URGENT_SHOWN)
        assert shown.actor_id == specialist.pk
        assert shown.detail == {"requests": [urgent.pk]}

    def test_off_duty_specialists_and_clients_see_nothing_and_get_404(self, home):
        self.request_waiting(full_name="Dilnoza Karimova")
        for user in (specialist_off_duty(), client_create(), user_create(roles=())):
            browser = signed_in(user)
            assert "Dilnoza Karimova" not in browser.get(HOME).text
            assert browser.get(reverse("urgent_dashboard")).status_code == 404
            assert (
                browser.get(reverse("urgent_dashboard") + "?fragment=1").status_code
                == 404
            )
        assert not AuditRecord.objects.filter(action=AuditAction.URGENT_SHOWN).exists()

    def test_a_coordinator_sees_the_list_and_escalations(self):
        urgent = self.request_waiting(minutes=10, full_name="Dilnoza Karimova")
        services.urgent_requests_escalate()
        page = signed_in(coordinator_create()).get(reverse("urgent_dashboard"))
        assert page.status_code == 200
        assert "Dilnoza Karimova" in page.text
        assert uz("Nobody took it in time: coordinators were told.") in page.text
        assert urgent.pk

    def test_the_fragment_keeps_the_page_to_return_to(self):
        self.request_waiting()
        browser = signed_in(specialist_on_duty())
        fragment = browser.get(reverse("urgent_dashboard") + "?fragment=1&page=/uz/")
        assert 'name="next" value="/uz/"' in fragment.text
        outside = browser.get(
            reverse("urgent_dashboard") + "?fragment=1&page=//evil.example/"
        )
        assert "evil.example" not in outside.text

    def test_taking_it_and_a_second_taker_told_in_words(self):
        urgent = self.request_waiting(
            full_name="Dilnoza Karimova", phone_number="+998901110004"
        )
        first = signed_in(specialist_on_duty(full_name="Aziz Tursunov"))
        second = signed_in(specialist_on_duty())
        taken = first.post(
            reverse("urgent_take", args=[urgent.pk]), {"next": HOME}, follow=False
        )
        assert taken.status_code == 302
        assert taken["Location"] == HOME
        refused = second.post(reverse("urgent_take", args=[urgent.pk]))
        assert refused.status_code == 409
        assert (
            uz(
                "%(name)s has already taken this request. You need not call.",
                name="Aziz Tursunov",
            )
            in refused.text
        )
        assert 'role="alert"' in refused.text
        urgent.refresh_from_db()
        assert urgent.taken_by.full_name == "Aziz Tursunov"
        after = first.get(reverse("urgent_dashboard"))
        assert uz("Taken by %(name)s", name="Aziz Tursunov") in after.text

    def test_taking_refuses_strangers_and_outside_next(self):
        urgent = self.request_waiting()
        assert (
            signed_in(specialist_off_duty())
            .post(reverse("urgent_take", args=[urgent.pk]))
            .status_code
            == 404
        )
        answer = signed_in(specialist_on_duty()).post(
            reverse("urgent_take", args=[urgent.pk]),
            {"next": "https://evil.example/"},
        )
        assert answer["Location"] == reverse("urgent_dashboard")

    def test_a_missing_request(self):
        browser = signed_in(specialist_on_duty())
        assert browser.post(reverse("urgent_take", args=[999999])).status_code == 404

    def test_the_taker_closes_it(self):
        urgent = self.request_waiting()
        specialist = specialist_on_duty()
        browser = signed_in(specialist)
        browser.post(reverse("urgent_take", args=[urgent.pk]))
        assert (
            browser.post(reverse("urgent_close", args=[urgent.pk])).status_code == 302
        )
        urgent.refresh_from_db()
        assert urgent.closed_at is not None
        other = signed_in(specialist_on_duty())
        again = self.request_waiting()
        browser.post(reverse("urgent_take", args=[again.pk]))
        assert other.post(reverse("urgent_close", args=[again.pk])).status_code == 403


class AdminTests:
    def test_coordinators_see_escalations_on_the_admin_home(self):
        urgent, _ = services.urgent_request_create(client=client_create())
        UrgentRequest.objects.filter(pk=urgent.pk).update(
            created=timezone.now() - timedelta(hours=1)
        )
        services.urgent_requests_escalate()
        page = signed_in(coordinator_create()).get(reverse("wagtailadmin_home"))
        assert page.status_code == 200
        assert (
            uz_n(
                "%(counter)s request for urgent help was not taken in time.",
                "%(counter)s requests for urgent help were not taken in time.",
                1,
                counter=1,
            )
            in page.text
        )

    def test_coordinators_keep_the_rota_in_the_admin(self):
        from urgent.models import DutyShift

        specialist = specialist_off_duty()
        browser = signed_in(coordinator_create())
        add_url = reverse("wagtailsnippets_urgent_dutyshift:add")
        assert browser.get(add_url).status_code == 200
        now = timezone.localtime()
        answer = browser.post(
            add_url,
            {
                "specialist": specialist.pk,
                "starts_at": (now - timedelta(hours=1)).strftime("%Y-%m-%d %H:%M"),
                "ends_at": (now + timedelta(hours=1)).strftime("%Y-%m-%d %H:%M"),
            },
        )
        assert answer.status_code == 302, answer.text[:2000]
        assert DutyShift.objects.filter(specialist=specialist).count() == 1

    def test_a_shift_ending_before_it_starts_is_refused_in_words(self):
        from urgent.models import DutyShift

        specialist = specialist_off_duty()
        browser = signed_in(coordinator_create())
        now = timezone.localtime()
        answer = browser.post(
            reverse("wagtailsnippets_urgent_dutyshift:add"),
            {
                "specialist": specialist.pk,
                "starts_at": now.strftime("%Y-%m-%d %H:%M"),
                "ends_at": (now - timedelta(hours=1)).strftime("%Y-%m-%d %H:%M"),
            },
        )
        assert answer.status_code == 200
        assert uz("The duty must end after it starts.") in answer.text
        assert not DutyShift.objects.exists()

    def test_trainers_cannot_keep_the_rota(self):
        browser = signed_in(user_create(roles=("Trainer",)))
        add_url = reverse("wagtailsnippets_urgent_dutyshift:add")
        assert browser.get(add_url).status_code in (302, 403)

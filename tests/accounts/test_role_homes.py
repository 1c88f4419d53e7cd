"""Each role's home after signing in and the header's links (accounts/homes.py,
issue 18): who lands where, that an explicit safe ?next= wins and a forged one is
ignored, and that the header offers each role its own short set of links."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from accounts import homes
from accounts.mfa import totp_enrol
from tests.accounts.factories import PASSWORD, user_create
from tests.consultations.factories import (
    booking_create,
    client_create,
    specialist_create,
)
from tests.support.i18n import uz
from tests.support.mfa import MFA_PAGE, candidate_codes
from tests.urgent.factories import specialist_on_duty
from urgent import services as urgent_services

pytestmark = pytest.mark.django_db

LOGIN_PAGE = "/uz/accounts/login/"
SECRET = "JBSWY3DPEHPK3PXP"


def sign_in(browser: Client, user, *, next_url: str | None = None):
    data = {"login": user.username, "password": PASSWORD}
    if next_url is not None:
        data["next"] = next_url
    return browser.post(LOGIN_PAGE, data)


def pass_code(browser: Client):
    """The second step; a code already used in an earlier test is refused, so the
    neighbouring steps' codes are tried too."""
    for code in candidate_codes(SECRET):
        response = browser.post(MFA_PAGE, {"code": code})
        if response.status_code == 302:
            return response
    raise AssertionError("no code accepted")


def signed_in(user) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


def nav_links(html: str) -> list[str]:
    """The `data-link` keys of the header's role links, in order."""
    nav = re.search(r'<nav aria-label="[^"]*">(.*?)</nav>', html, re.S).group(1)
    return re.findall(r'data-link="([^"]+)"', nav)


def nav_link_count(html: str) -> int:
    nav = re.search(r'<nav aria-label="[^"]*">(.*?)</nav>', html, re.S).group(1)
    return nav.count("<a ")


class LandingUrlTests:
    def test_each_role_has_its_own_home(self):
        social_worker = user_create(roles=("Learner", "Social worker"))
        booked = user_create(roles=("Learner",))
        booking_create(client=booked, specialist=specialist_create())
        expected = {
            user_create(roles=("Learner",)): reverse("learning_my_learning"),
            client_create(): reverse("consultations_home"),
            booked: reverse("consultations_home"),
            specialist_create().user: reverse("consultations_today"),
            social_worker: reverse("learning_my_training"),
            user_create(roles=("Trainer",)): reverse("wagtailadmin_home"),
            user_create(roles=("Coordinator",)): reverse("wagtailadmin_home"),
            user_create(roles=(), is_staff=True, is_superuser=True): reverse(
                "wagtailadmin_home"
            ),
            # No role yet: the home page in the active language (Uzbek here).
            user_create(roles=()): "/uz/",
        }
        for user, url in expected.items():
            assert homes.home_url_for(user) == url, user.username

    def test_a_withdrawn_consent_alone_is_no_longer_a_client(
        self, django_capture_on_commit_callbacks
    ):
        from consultations.services import consent_withdraw

        user = client_create()
        assert homes.home_role(user) == homes.CLIENT
        with django_capture_on_commit_callbacks(execute=True):
            consent_withdraw(user=user)
        # A new request reads the person afresh, as the next page does.
        fresh = type(user).objects.get(pk=user.pk)
        assert homes.home_url_for(fresh) == reverse("learning_my_learning")


@pytest.mark.usefixtures("fresh_limits")
class RoleCacheTests:
    """The role is kept in the shared cache (one query on the first page, none
    after) and forgotten when what decides it changes."""

    def fresh(self, user):
        return type(user).objects.get(pk=user.pk)

    def test_the_second_page_asks_the_database_nothing(self, django_assert_num_queries):
        user = user_create()
        first = self.fresh(user)
        with django_assert_num_queries(1):
            assert homes.home_role(first) == homes.LEARNER_HOME
        fresh = self.fresh(user)
        with django_assert_num_queries(0):
            assert homes.home_role(fresh) == homes.LEARNER_HOME

    def test_a_new_group_is_seen_at_once(self):
        user = user_create()
        assert homes.home_role(self.fresh(user)) == homes.LEARNER_HOME
        user.groups.add(*user_create(roles=("Social worker",)).groups.all())
        assert homes.home_role(self.fresh(user)) == homes.SOCIAL_WORKER_HOME

    def test_a_group_given_from_its_side_is_seen_at_once(self):
        from django.contrib.auth.models import Group

        user = user_create()
        assert homes.home_role(self.fresh(user)) == homes.LEARNER_HOME
        Group.objects.get(name="Coordinator").user_set.add(user)
        assert homes.home_role(self.fresh(user)) == homes.ADMIN

    def test_a_first_booking_makes_a_client_at_once(self):
        specialist = specialist_create()
        user = user_create()
        assert homes.home_role(self.fresh(user)) == homes.LEARNER_HOME
        booking_create(client=user, specialist=specialist)
        assert homes.home_role(self.fresh(user)) == homes.CLIENT

    def test_an_account_that_reuses_an_id_does_not_get_the_old_role(self):
        coordinator = user_create(roles=("Coordinator",))
        assert homes.home_role(self.fresh(coordinator)) == homes.ADMIN
        user_id = coordinator.pk
        coordinator.delete()
        # What SQLite does after a rollback: the next account gets the same id.
        learner = user_create(pk=user_id)
        assert homes.home_role(self.fresh(learner)) == homes.LEARNER_HOME

    def test_several_roles_staff_first(self):
        trainer_specialist = specialist_create().user
        trainer_specialist.groups.add(*user_create(roles=("Trainer",)).groups.all())
        assert homes.home_url_for(trainer_specialist) == reverse("wagtailadmin_home")
        social_client = client_create()
        social_client.groups.add(*user_create(roles=("Social worker",)).groups.all())
        assert homes.home_url_for(social_client) == reverse("learning_my_training")

    def test_visitors_have_the_public_home_in_their_language(self):
        from django.contrib.auth.models import AnonymousUser
        from django.utils import translation

        for language in ("uz", "uz-cyrl", "ru"):
            with translation.override(language):
                assert homes.home_url_for(AnonymousUser()) == f"/{language}/"


class SignInRedirectTests:
    def test_a_learner_lands_on_her_learning(self):
        response = sign_in(Client(), user_create(roles=("Learner",)))
        assert response.status_code == 302
        assert response["Location"] == reverse("learning_my_learning")

    def test_a_client_lands_on_her_talks(self):
        response = sign_in(Client(), client_create())
        assert response["Location"] == reverse("consultations_home")

    def test_an_explicit_next_wins(self):
        response = sign_in(Client(), client_create(), next_url="/uz/search/")
        assert response["Location"] == "/uz/search/"

    def test_a_next_to_another_site_is_ignored(self):
        for forged in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
            response = sign_in(Client(), client_create(), next_url=forged)
            assert response["Location"] == reverse("consultations_home"), forged

    def test_a_specialist_lands_on_today_after_her_code(self):
        specialist = specialist_create().user
        totp_enrol(user=specialist, secret=SECRET)
        browser = Client()
        assert sign_in(browser, specialist)["Location"] == MFA_PAGE
        passed = pass_code(browser)
        assert passed["Location"] == reverse("consultations_today")

    def test_a_trainer_lands_on_the_dashboard_after_her_code(self):
        trainer = user_create(roles=("Trainer",))
        totp_enrol(user=trainer, secret=SECRET)
        browser = Client()
        assert sign_in(browser, trainer)["Location"] == MFA_PAGE
        passed = pass_code(browser)
        assert passed["Location"] == reverse("wagtailadmin_home")


class HeaderLinkTests:
    def page(self, user=None):
        browser = signed_in(user) if user else Client()
        response = browser.get(reverse("search"))
        assert response.status_code == 200
        return response.content.decode()

    def test_each_role_gets_its_links(self):
        cases = [
            (None, ["courses", "consultations"]),
            (user_create(roles=("Learner",)), ["learning", "courses"]),
            (client_create(), ["appointments", "book"]),
            (specialist_create().user, ["today", "sessions"]),
            (
                user_create(roles=("Learner", "Social worker")),
                ["my_training", "learning"],
            ),
            (user_create(roles=("Coordinator",)), ["dashboard", "courses"]),
        ]
        for user, keys in cases:
            html = self.page(user)
            assert nav_links(html) == keys, user
            assert nav_link_count(html) <= 5, user

    def test_a_client_header_has_my_appointments(self):
        html = self.page(client_create())
        assert uz("My appointments") in html
        assert f'href="{reverse("consultations_appointments")}"' in html


class ClientHomeTests:
    def test_an_open_talk_offers_join_and_the_check(self):
        client = client_create()
        booking = booking_create(client=client, specialist=specialist_create())
        html = signed_in(client).get(reverse("consultations_home")).content.decode()
        assert reverse("consultations_call", args=[booking.pk]) in html
        assert reverse("consultations_precall", args=[booking.pk]) in html
        assert reverse("consultations_book") in html
        assert uz("I need help now") in html

    def test_a_later_talk_offers_no_join_yet(self):
        client = client_create()
        booking = booking_create(
            client=client, specialist=specialist_create(), starts_in=timedelta(days=1)
        )
        html = signed_in(client).get(reverse("consultations_home")).content.decode()
        assert reverse("consultations_call", args=[booking.pk]) not in html
        assert reverse("consultations_precall", args=[booking.pk]) in html

    def test_without_a_talk_it_offers_booking(self):
        html = signed_in(client_create()).get(reverse("consultations_home")).text
        assert uz("You have no talks booked.") in html
        assert reverse("consultations_book") in html


class SpecialistHomeTests:
    def test_today_lists_urgent_requests_for_the_on_duty_specialist(self):
        urgent, _ = urgent_services.urgent_request_create(
            client=client_create(full_name="Dilnoza Karimova")
        )
        page = signed_in(specialist_on_duty()).get(reverse("consultations_today"))
        assert page.status_code == 200
        assert "Dilnoza Karimova" in page.text
        assert reverse("urgent_take", args=[urgent.pk]) in page.text

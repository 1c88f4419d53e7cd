"""Staff accounts behind two factors, sign-in throttling, idle staff sessions and
password rules, through the real allauth sign-in pages."""

import time
from io import StringIO

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import decrypt
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils.html import escape

from accounts.mfa import totp_enrol
from accounts.middleware import LAST_SEEN_SESSION_KEY
from audit.models import AuditAction, AuditRecord
from demo.people import DEMO_TOTP_SECRET
from tests.accounts.factories import PASSWORD, user_create
from tests.support.i18n import uz
from tests.support.mfa import MFA_PAGE, candidate_codes, totp_code

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_limits")]

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
ACTIVATE_PAGE = "/uz/accounts/2fa/totp/activate/"
LOGIN_PAGE = "/uz/accounts/login/"
STAFF_KINDS = ["Specialist", "Trainer", "Coordinator", "admin"]


def staff_create(kind: str):
    if kind == "admin":
        return user_create(roles=(), is_staff=True, is_superuser=True)
    return user_create(roles=(kind,))


def password_sign_in(client: Client, user, password: str = PASSWORD, **extra):
    return client.post(
        LOGIN_PAGE, {"login": user.username, "password": password}, **extra
    )


def signed_in_user_id(client: Client):
    return client.session.get("_auth_user_id")


class SecondFactorTests:
    @pytest.mark.parametrize("kind", STAFF_KINDS)
    def test_staff_without_an_app_must_set_one_up_before_anything_else(
        self, client, kind
    ):
        staff = staff_create(kind)
        password_sign_in(client, staff)

        for path in (
            "/",
            "/admin/",
            "/uz/accounts/profile/",
            "/uz/consultations/today/",
        ):
            response = client.get(path)
            assert response.status_code == 302, path
            assert response["Location"] == ACTIVATE_PAGE, path

    @pytest.mark.parametrize("kind", STAFF_KINDS)
    def test_setting_up_the_app_opens_the_site_and_the_admin(
        self, client, kind, django_capture_on_commit_callbacks
    ):
        staff = staff_create(kind)
        password_sign_in(client, staff)
        # allauth asks for the password again before a factor is added.
        asked = client.get(ACTIVATE_PAGE)
        assert asked.status_code == 302
        assert asked["Location"].startswith("/uz/accounts/reauthenticate/")
        client.post(asked["Location"], {"password": PASSWORD})
        page = client.get(ACTIVATE_PAGE)
        assert page.status_code == 200
        secret = client.session["mfa.totp.secret"]
        assert secret in page.content.decode()

        wrong = client.post(ACTIVATE_PAGE, {"code": "000000"})
        assert wrong.status_code == 200
        assert not Authenticator.objects.filter(user=staff).exists()

        # allauth announces the new authenticator once the transaction commits.
        with django_capture_on_commit_callbacks(execute=True):
            done = client.post(ACTIVATE_PAGE, {"code": totp_code(secret)})
        assert done.status_code == 302
        assert Authenticator.objects.filter(
            user=staff, type=Authenticator.Type.TOTP
        ).exists()
        # Who set up which second factor is in the audit trail.
        added = AuditRecord.objects.filter(
            action=AuditAction.MFA_CHANGE, actor_id=staff.pk, detail__change="added"
        )
        assert Authenticator.Type.TOTP in {
            record.detail["authenticator"] for record in added
        }
        assert client.get("/uz/").status_code == 200
        if kind != "Specialist":  # specialists do not work in the admin
            assert client.get("/admin/").status_code == 200

    @pytest.mark.parametrize("kind", STAFF_KINDS)
    def test_staff_with_an_app_must_give_its_code(self, client, kind):
        staff = staff_create(kind)
        totp_enrol(user=staff, secret=SECRET)

        response = password_sign_in(client, staff)
        assert response.status_code == 302
        assert response["Location"] == MFA_PAGE
        assert signed_in_user_id(client) is None
        assert client.get("/admin/").status_code == 302

        refused = client.post(MFA_PAGE, {"code": "123456"})
        assert refused.status_code == 200
        assert escape(uz("Incorrect code.")) in refused.content.decode()
        assert signed_in_user_id(client) is None

        passed = client.post(MFA_PAGE, {"code": totp_code(SECRET)})
        assert passed.status_code == 302
        assert signed_in_user_id(client) == str(staff.pk)
        assert client.get("/uz/").status_code == 200
        if kind != "Specialist":
            assert client.get("/admin/").status_code == 200

    def test_a_code_is_accepted_only_once(self, client):
        staff = staff_create("Specialist")
        totp_enrol(user=staff, secret=SECRET)
        code = totp_code(SECRET)
        password_sign_in(client, staff)
        client.post(MFA_PAGE, {"code": code})
        assert signed_in_user_id(client) == str(staff.pk)

        other = Client()
        password_sign_in(other, staff)
        other.post(MFA_PAGE, {"code": code})
        assert signed_in_user_id(other) is None

    def test_learners_and_clients_sign_in_with_the_password_alone(self, client):
        learner = user_create(roles=("Learner",))
        response = password_sign_in(client, learner)
        assert response.status_code == 302
        assert response["Location"] == "/uz/learning/my/"  # a learner's home
        assert signed_in_user_id(client) == str(learner.pk)
        assert client.get("/uz/").status_code == 200

    def test_a_staff_session_from_another_sign_in_path_is_ended(self, client):
        # Django's own login (here Client.login) skips allauth's second step.
        staff = staff_create("Coordinator")
        totp_enrol(user=staff, secret=SECRET)
        assert client.login(username=staff.username, password=PASSWORD)

        response = client.get("/admin/")
        assert response.status_code == 302
        assert response["Location"].startswith(LOGIN_PAGE)
        assert signed_in_user_id(client) is None

    def test_the_admins_own_sign_in_page_sends_to_allauth(self, client):
        response = client.get("/admin/login/?next=/admin/pages/")
        assert response.status_code == 302
        assert response["Location"] == f"{LOGIN_PAGE}?next=/admin/pages/"
        staff = staff_create("Coordinator")
        posted = client.post(
            "/admin/login/", {"username": staff.username, "password": PASSWORD}
        )
        assert posted.status_code == 302
        assert signed_in_user_id(client) is None

    def test_the_admin_redirects_to_allauths_sign_in(self, client):
        response = client.get("/admin/")
        assert response.status_code == 302
        assert response["Location"].startswith(LOGIN_PAGE)


class SignInThrottlingTests:
    def test_five_failures_lock_the_account_even_for_the_right_password(self, client):
        person = user_create()
        for _ in range(5):
            refused = password_sign_in(client, person, "not-the-password")
            assert refused.status_code == 200
        locked = password_sign_in(client, person)
        assert locked.status_code in (200, 429)
        assert signed_in_user_id(client) is None
        assert escape(uz("Too many failed login attempts. Try again later.")) in (
            locked.content.decode()
        )
        # Another account from the same address is not locked by it.
        other = user_create()
        password_sign_in(client, other)
        assert signed_in_user_id(client) == str(other.pk)

    def test_twenty_failures_from_one_address_stop_it_but_not_others(self):
        people = [user_create() for _ in range(5)]
        guesser = Client(REMOTE_ADDR="203.0.113.7")
        for attempt in range(20):
            guesser.post(
                LOGIN_PAGE,
                {"login": people[attempt % 4].username, "password": "guess"},
            )
        blocked = password_sign_in(guesser, people[4])
        assert signed_in_user_id(guesser) is None
        assert blocked.status_code in (200, 429)

        elsewhere = Client(REMOTE_ADDR="198.51.100.9")
        password_sign_in(elsewhere, people[4])
        assert signed_in_user_id(elsewhere) == str(people[4].pk)


class IdleStaffSessionTests:
    def set_last_seen(self, client: Client, seconds_ago: float) -> None:
        session = client.session
        session[LAST_SEEN_SESSION_KEY] = time.time() - seconds_ago
        session.save()

    def test_staff_session_expires_in_fifteen_minutes_and_moves_with_activity(
        self, client
    ):
        client.force_login(staff_create("Specialist"))
        assert client.get("/uz/").status_code == 200
        assert client.session.get_expiry_age() == 15 * 60

    def test_staff_signed_out_after_fifteen_idle_minutes(self, client):
        staff = staff_create("Trainer")
        client.force_login(staff)
        client.get("/uz/")
        self.set_last_seen(client, 15 * 60 + 5)

        response = client.get("/admin/")
        assert response.status_code == 302
        assert response["Location"].startswith(LOGIN_PAGE)
        assert signed_in_user_id(client) is None

    def test_staff_still_signed_in_after_fourteen_minutes(self, client):
        staff = staff_create("Trainer")
        client.force_login(staff)
        client.get("/uz/")
        self.set_last_seen(client, 14 * 60)
        assert client.get("/admin/").status_code == 200
        assert signed_in_user_id(client) == str(staff.pk)

    def test_learners_keep_long_sessions(self, client):
        learner = user_create()
        client.force_login(learner)
        self.set_last_seen(client, 60 * 60)
        assert client.get("/uz/").status_code == 200
        assert signed_in_user_id(client) == str(learner.pk)
        assert client.session.get_expiry_age() > 24 * 60 * 60


class PasswordRuleTests:
    @pytest.mark.parametrize(
        ("password", "message"),
        [
            ("password123", "This password is too common."),
            ("48201937", "This password is entirely numeric."),
            (
                "qz7#",
                "This password is too short. It must contain at least %(min_length)d characters.",  # noqa: E501
            ),
        ],
    )
    def test_weak_password_is_refused_at_sign_up_with_a_clear_message(
        self, client, password, message
    ):
        response = client.post(
            "/uz/accounts/signup/",
            {
                "full_name": "Karim Aliyev",
                "username": "karim",
                "password1": password,
                "password2": password,
            },
        )
        assert response.status_code == 200
        expected = uz(message, min_length=8) if "%" in message else uz(message)
        assert escape(expected) in response.content.decode()
        assert not get_user_model().objects.filter(username="karim").exists()


@pytest.mark.django_db(transaction=True)
class StaffWebSocketTests:
    """The call's socket follows the staff session rules too."""

    @pytest.fixture(autouse=True)
    def specialist_group(self):
        # A transactional test starts from an empty database: no role groups.
        from django.contrib.auth.models import Group

        Group.objects.get_or_create(name="Specialist")

    def answer(self, user, *, second_factor: bool, idle_seconds: float = 0):
        from asgiref.sync import async_to_sync
        from channels.testing import WebsocketCommunicator

        from cms.asgi import application
        from consultations.models import SpecialistProfile
        from tests.consultations.factories import booking_create

        profile = SpecialistProfile.objects.create(user=user, kind="psychologist")
        booking = booking_create(client=user_create(), specialist=profile)
        browser = Client()
        if second_factor:
            browser.force_login(user)
        else:
            assert browser.login(username=user.username, password=PASSWORD)
        session = browser.session
        session[LAST_SEEN_SESSION_KEY] = time.time() - idle_seconds
        session.save()
        cookie = f"sessionid={browser.cookies['sessionid'].value}".encode()

        async def connect():
            socket = WebsocketCommunicator(
                application,
                f"/ws/consultations/{booking.pk}/",
                headers=[
                    (b"origin", b"http://127.0.0.1:8000"),
                    (b"host", b"127.0.0.1"),
                    (b"cookie", cookie),
                ],
            )
            await socket.connect()
            first = await socket.receive_output()
            await socket.disconnect()
            return first

        return async_to_sync(connect)()

    def test_a_specialist_with_the_second_factor_is_welcomed(self):
        first = self.answer(staff_create("Specialist"), second_factor=True)
        assert first["type"] == "websocket.send"
        assert '"welcome"' in first["text"]

    def test_a_specialist_without_it_is_refused(self):
        first = self.answer(staff_create("Specialist"), second_factor=False)
        assert first == {"type": "websocket.close", "code": 4403}

    def test_an_idle_staff_session_is_refused(self):
        first = self.answer(
            staff_create("Specialist"), second_factor=True, idle_seconds=16 * 60
        )
        assert first == {"type": "websocket.close", "code": 4403}


class DemoStaffTests:
    def test_seed_demo_gives_demo_staff_the_demo_key_and_learners_none(self):
        from demo.management.commands.seed_demo import Command

        specialist = user_create(roles=("Specialist",), username="specialist")
        learner = user_create(roles=("Learner",), username="learner")
        admin = user_create(roles=(), username="admin", is_staff=True)
        Command().seed_second_factors()

        for staff in (specialist, admin):
            app = Authenticator.objects.get(user=staff, type=Authenticator.Type.TOTP)
            assert decrypt(app.data["secret"]) == DEMO_TOTP_SECRET
        assert not Authenticator.objects.filter(user=learner).exists()

    def test_demo_totp_prints_a_code_the_sign_in_accepts(self, client):
        staff = staff_create("Coordinator")
        totp_enrol(user=staff, secret=DEMO_TOTP_SECRET)
        printed = StringIO()
        call_command("demo_totp", stdout=printed)
        code = printed.getvalue().split()[0]
        assert code in candidate_codes(DEMO_TOTP_SECRET)

        password_sign_in(client, staff)
        client.post(MFA_PAGE, {"code": code})
        assert signed_in_user_id(client) == str(staff.pk)

    def test_demo_totp_is_refused_in_production(self, settings):
        settings.KOMAK_DEMO_DATA_ALLOWED = False
        with pytest.raises(CommandError):
            call_command("demo_totp", stdout=StringIO())

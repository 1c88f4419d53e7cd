"""Security headers on real responses: Content-Security-Policy without
'unsafe-inline' on the site (the admin's narrow exception for styles), the
Permissions-Policy that opens camera and microphone only on call pages, the other
headers, the server error page, WebSocket origins, and `check --deploy` with the
production settings in a fresh process."""

import os
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from cryptography.fernet import Fernet
from django.template.loader import render_to_string
from django.urls import path

from cms.asgi import application
from cms.middleware import admin_inline_scripts_stamp
from consultations.models import SpecialistProfile
from tests.accounts.factories import user_create
from tests.consultations.factories import booking_create

pytestmark = pytest.mark.django_db
REPO = Path(__file__).resolve().parents[2]


def boom(request):
    raise RuntimeError("a deliberate server error")


# The root URLs plus one view that fails, for the server error page.
urlpatterns = [path("boom/", boom)]


def directives(header: str) -> dict[str, list[str]]:
    parsed = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            parsed[words[0]] = words[1:]
    return parsed


@pytest.fixture
def specialist_booking():
    specialist = SpecialistProfile.objects.create(
        user=user_create(roles=("Specialist",)), kind="psychologist", bio="Listens."
    )
    booking = booking_create(client=user_create(), specialist=specialist)
    return specialist.user, booking


PUBLIC_PAGES = [
    "/uz/",
    "/uz/consultations/",
    "/uz/accounts/login/",
    "/uz/accounts/signup/",
]


class ContentSecurityPolicyTests:
    @pytest.mark.parametrize("url", [*PUBLIC_PAGES, "/no-such-page/"])
    def test_public_pages_forbid_inline_code_and_framing(self, client, url):
        response = client.get(url)
        policy = directives(response["Content-Security-Policy"])
        assert "'unsafe-inline'" not in response["Content-Security-Policy"]
        assert "'unsafe-eval'" not in response["Content-Security-Policy"]
        assert policy["default-src"] == ["'self'"]
        assert policy["script-src"][0] == "'self'"
        assert policy["object-src"] == ["'none'"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert policy["base-uri"] == ["'none'"]
        assert "'self'" in policy["connect-src"]
        assert "ws://127.0.0.1:*" in policy["connect-src"]
        assert "blob:" in policy["media-src"]

    def test_signed_in_pages_too(self, client, specialist_booking):
        user, booking = specialist_booking
        client.force_login(user)
        for url in (
            f"/uz/consultations/{booking.pk}/call/",
            f"/uz/consultations/{booking.pk}/check/",
            "/uz/consultations/today/",
            "/uz/accounts/profile/",
        ):
            response = client.get(url)
            assert response.status_code == 200, url
            assert "'unsafe-inline'" not in response["Content-Security-Policy"], url

    def test_an_inline_style_carries_the_pages_nonce(self, client, specialist_booking):
        user, booking = specialist_booking
        client.force_login(user)
        response = client.get(f"/uz/consultations/{booking.pk}/check/")
        nonce = response.wsgi_request.csp_nonce
        policy = directives(response["Content-Security-Policy"])
        assert f"'nonce-{nonce}'" in policy["style-src"]
        assert f'<style nonce="{nonce}">' in response.content.decode()

    def test_the_admin_has_no_unsafe_inline_either(self, client):
        client.force_login(user_create(roles=("Coordinator",)))
        for url in ("/admin/", "/admin/images/", "/admin/documents/"):
            response = client.get(url)
            assert response.status_code == 200, url
            header = response["Content-Security-Policy"]
            assert "'unsafe-inline'" not in header, url
            assert directives(header)["frame-ancestors"] == ["'none'"], url
            assert "blob:" in directives(header)["img-src"], url

    def test_the_admin_nonce_goes_to_wagtails_initialisers_only(self):
        nonce = "n0nce"
        chooser = 'new ImageChooser("id_cover", {"modalUrl": "/admin/choose/"});'
        panel = (
            "\n(function() {\n    var panel = new InlinePanel(JSON.parse("
            '"{\\u0022type\\u0022: \\u0022InlinePanel\\u0022}"));\n})();\n'
        )
        html = "".join(
            f"<script>{code}</script>"
            for code in (
                chooser,
                panel,
                "alert(document.cookie)",
                'initDateChooser("id_a", {"x": 1}); alert(1);',
                'initDateChooser("id_a", {}); fetch("//evil.example", {});',
            )
        )
        stamped = admin_inline_scripts_stamp(html, nonce)
        assert f'<script nonce="{nonce}">{chooser}</script>' in stamped
        assert f'<script nonce="{nonce}">{panel}</script>' in stamped
        assert stamped.count("nonce=") == 2

    @pytest.mark.urls("tests.security.test_headers")
    def test_server_error_page_has_no_inline_style_and_the_policy(self):
        from django.test import Client

        response = Client(raise_request_exception=False).get("/boom/")
        assert response.status_code == 500
        body = response.content.decode()
        assert "style=" not in body
        assert "<style" not in body
        assert "/static/css/error.css" in body
        assert "'unsafe-inline'" not in response["Content-Security-Policy"]

    def test_error_pages_render_without_context(self):
        assert "error.css" in render_to_string("500.html")


class PermissionsPolicyTests:
    def test_camera_and_microphone_denied_on_ordinary_pages(self, client):
        for url in PUBLIC_PAGES:
            header = client.get(url)["Permissions-Policy"]
            assert "camera=()" in header, url
            assert "microphone=()" in header, url
            assert "geolocation=()" in header, url

    def test_allowed_for_this_site_on_the_call_and_the_check(
        self, client, specialist_booking
    ):
        user, booking = specialist_booking
        client.force_login(user)
        for url in (
            f"/uz/consultations/{booking.pk}/call/",
            f"/uz/consultations/{booking.pk}/check/",
        ):
            header = client.get(url)["Permissions-Policy"]
            assert "camera=(self)" in header, url
            assert "microphone=(self)" in header, url
            assert "display-capture=()" in header, url
        appointments = client.get("/uz/consultations/today/")["Permissions-Policy"]
        assert "camera=()" in appointments

    def test_denied_on_a_call_page_the_person_may_not_open(
        self, client, specialist_booking
    ):
        _, booking = specialist_booking
        client.force_login(user_create())
        response = client.get(f"/uz/consultations/{booking.pk}/call/")
        assert response.status_code in (403, 404)
        assert "camera=()" in response["Permissions-Policy"]


class OtherHeaderTests:
    def test_referrer_content_type_and_framing(self, client):
        response = client.get("/uz/")
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["X-Frame-Options"] == "DENY"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"


class WebSocketOriginTests:
    def connect(self, origin: bytes):
        async def attempt():
            socket = WebsocketCommunicator(
                application,
                "/ws/ping/",
                headers=[(b"origin", origin), (b"host", b"127.0.0.1")],
            )
            connected, _ = await socket.connect()
            await socket.disconnect()
            return connected

        return async_to_sync(attempt)()

    def test_a_foreign_origin_is_refused(self):
        assert self.connect(b"https://evil.example") is False

    def test_this_sites_origin_is_accepted(self):
        assert self.connect(b"http://127.0.0.1:8000") is True


def production_env() -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_DEBUG"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="cms.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS="komak.example.uz",
        WAGTAILADMIN_BASE_URL="https://komak.example.uz",
        FIELD_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        # The audit trail's keys and checkpoint folder (docs/privacy.md).
        AUDIT_PSEUDONYM_KEY=secrets.token_urlsafe(48),
        AUDIT_CHAIN_KEY=secrets.token_urlsafe(48),
        AUDIT_CHECKPOINT_DIR=tempfile.mkdtemp(prefix="komak-audit-checkpoints-"),
        # Production refuses the logging SMS backend (accounts/checks.py).
        KOMAK_SMS_BACKEND="accounts.sms.EskizSmsBackend",
        KOMAK_ESKIZ_EMAIL="sms@komak.example.uz",
        KOMAK_ESKIZ_PASSWORD=secrets.token_urlsafe(16),
        KOMAK_ESKIZ_SENDER="4546",
        KOMAK_NOTIFICATION_BACKENDS=(
            "core.notifications.EmailBackend,accounts.sms.EskizSmsBackend"
        ),
        # And the console e-mail backend (accounts.E006).
        DJANGO_EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
    )
    return env


HEADERS_SCRIPT = """
from django.test import Client
response = Client().get("/healthz", secure=True, HTTP_HOST="komak.example.uz")
print(response.status_code)
print(response["Strict-Transport-Security"])
print(response["Content-Security-Policy"])
"""


class ProductionSettingsTests:
    def test_check_deploy_reports_no_issue(self):
        result = subprocess.run(
            [
                sys.executable,
                "manage.py",
                "check",
                "--deploy",
                "--fail-level",
                "DEBUG",
            ],
            cwd=REPO,
            env=production_env(),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        assert "System check identified no issues" in result.stdout

    def test_hsts_and_tls_only_websockets(self):
        result = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", HEADERS_SCRIPT],
            cwd=REPO,
            env=production_env(),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        status, hsts, csp = result.stdout.strip().splitlines()[-3:]
        assert status == "200"
        assert hsts == "max-age=31536000; includeSubDomains; preload"
        policy = directives(csp)
        assert policy["connect-src"] == ["'self'", "wss://komak.example.uz:*"]
        assert "upgrade-insecure-requests" in policy
        assert "'unsafe-inline'" not in csp

"""The Eskiz.uz SMS backend (accounts/sms.py) against a real local HTTP server that
plays the gateway and records what it was sent, and the deploy check that keeps
the logging backend out of production (accounts/checks.py).
"""

import json
import logging
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
from django.core import checks
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from accounts.checks import notification_backends_check, sms_backend_check
from accounts.sms import TOKEN_CACHE_KEY, EskizSmsBackend, SmsGatewayError
from core.notifications import Message
from tests.accounts.factories import user_create

PHONE = "+998901112233"
MESSAGE = Message(
    subject="Code",
    text="Koʻmak sign-in code: 482913.",
    sms_text="Koʻmak sign-in code: 482913.",
)
ESKIZ = "accounts.sms.EskizSmsBackend"
LOGGING = "core.notifications.LoggingSmsBackend"


@dataclass
class Answer:
    status: int = 200
    body: dict | str = field(default_factory=dict)
    delay: float = 0.0


@dataclass
class Gateway:
    """What the fake gateway answers per path (a list is used up in order, the
    last answer then repeats) and every request it got."""

    answers: dict = field(default_factory=dict)
    requests: list = field(default_factory=list)
    url: str = ""

    def answer_for(self, path: str) -> Answer:
        answers = self.answers.get(path) or [Answer(404, {"message": "no route"})]
        return answers.pop(0) if len(answers) > 1 else answers[0]


def login_ok(issued: str = "token-1") -> Answer:
    return Answer(200, {"message": "token_generated", "data": {"token": issued}})


def sent_ok() -> Answer:
    return Answer(200, {"id": "4385062", "message": "Waiting for SMS provider"})


@pytest.fixture
def gateway():
    state = Gateway(
        answers={"/api/auth/login": [login_ok()], "/api/message/sms/send": [sent_ok()]}
    )

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length", 0))
            fields = parse_qs(self.rfile.read(length).decode())
            state.requests.append(
                {
                    "path": self.path,
                    "authorization": self.headers.get("Authorization"),
                    "fields": {name: values[0] for name, values in fields.items()},
                }
            )
            answer = state.answer_for(self.path)
            time.sleep(answer.delay)
            body = (
                answer.body if isinstance(answer.body, str) else json.dumps(answer.body)
            )
            self.send_response(answer.status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            try:
                self.wfile.write(body.encode())
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up waiting

        def log_message(self, format, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def eskiz(settings, gateway):
    cache.delete(TOKEN_CACHE_KEY)
    settings.KOMAK_SMS_BACKEND = ESKIZ
    settings.KOMAK_ESKIZ_BASE_URL = gateway.url + "/"
    settings.KOMAK_ESKIZ_EMAIL = "sms@komak.example.uz"
    settings.KOMAK_ESKIZ_PASSWORD = "gateway-password"
    settings.KOMAK_ESKIZ_SENDER = "4546"
    settings.KOMAK_ESKIZ_TIMEOUT_SECONDS = 0.5
    yield gateway
    cache.delete(TOKEN_CACHE_KEY)


@dataclass
class Person:
    phone_number: str | None = PHONE


def paths(gateway) -> list[str]:
    return [request["path"] for request in gateway.requests]


class EskizSendTests:
    def test_signs_in_then_sends_the_text_to_the_number(self, eskiz):
        assert EskizSmsBackend().send(user=Person(), message=MESSAGE) is True
        login, send = eskiz.requests
        assert login["path"] == "/api/auth/login"
        assert login["fields"] == {
            "email": "sms@komak.example.uz",
            "password": "gateway-password",
        }
        assert login["authorization"] is None
        assert send["path"] == "/api/message/sms/send"
        assert send["authorization"] == "Bearer token-1"
        assert send["fields"] == {
            "mobile_phone": "998901112233",
            "message": MESSAGE.sms_text,
            "from": "4546",
        }

    def test_the_token_is_shared_through_the_cache(self, eskiz):
        EskizSmsBackend().send(user=Person(), message=MESSAGE)
        EskizSmsBackend().send(user=Person(), message=MESSAGE)
        assert paths(eskiz) == [
            "/api/auth/login",
            "/api/message/sms/send",
            "/api/message/sms/send",
        ]

    def test_an_expired_token_is_renewed_once(self, eskiz):
        cache.set(TOKEN_CACHE_KEY, "old-token")
        eskiz.answers["/api/auth/login"] = [login_ok("token-2")]
        eskiz.answers["/api/message/sms/send"] = [
            Answer(401, {"message": "Expired"}),
            sent_ok(),
        ]
        assert EskizSmsBackend().send(user=Person(), message=MESSAGE) is True
        assert [r["authorization"] for r in eskiz.requests] == [
            "Bearer old-token",
            None,
            "Bearer token-2",
        ]
        assert cache.get(TOKEN_CACHE_KEY) == "token-2"

    def test_no_number_sends_nothing(self, eskiz):
        assert EskizSmsBackend().send(user=Person(None), message=MESSAGE) is False
        assert eskiz.requests == []


class EskizRefusalTests:
    def test_a_refused_message_raises_with_the_status_and_no_number_or_text(
        self, eskiz
    ):
        eskiz.answers["/api/message/sms/send"] = [
            Answer(400, {"status": "error", "message": "Bad number 998901112233"})
        ]
        with pytest.raises(SmsGatewayError) as raised:
            EskizSmsBackend().send(user=Person(), message=MESSAGE)
        error = raised.value
        assert error.status == 400
        assert "Bad number" in error.answer
        assert "998901112233" not in str(error)
        assert "482913" not in str(error)

    def test_a_refused_sign_in_raises_and_sends_nothing(self, eskiz):
        eskiz.answers["/api/auth/login"] = [Answer(401, {"message": "Unauthorized"})]
        with pytest.raises(SmsGatewayError) as raised:
            EskizSmsBackend().send(user=Person(), message=MESSAGE)
        assert raised.value.status == 401
        assert paths(eskiz) == ["/api/auth/login"]

    def test_a_token_refused_twice_raises(self, eskiz):
        eskiz.answers["/api/message/sms/send"] = [Answer(401, {"message": "No"})]
        with pytest.raises(SmsGatewayError) as raised:
            EskizSmsBackend().send(user=Person(), message=MESSAGE)
        assert raised.value.status == 401
        assert paths(eskiz).count("/api/message/sms/send") == 2

    def test_a_sign_in_answer_without_a_token_raises(self, eskiz):
        eskiz.answers["/api/auth/login"] = [Answer(200, {"message": "ok"})]
        with pytest.raises(SmsGatewayError, match="no token"):
            EskizSmsBackend().send(user=Person(), message=MESSAGE)

    def test_an_answer_that_is_not_json_raises(self, eskiz):
        eskiz.answers["/api/auth/login"] = [Answer(200, "<html>maintenance</html>")]
        with pytest.raises(SmsGatewayError, match="no JSON"):
            EskizSmsBackend().send(user=Person(), message=MESSAGE)

    def test_a_gateway_that_does_not_answer_in_time_raises_soon(self, eskiz):
        eskiz.answers["/api/message/sms/send"] = [Answer(delay=2.0)]
        started = time.monotonic()
        with pytest.raises(SmsGatewayError) as raised:
            EskizSmsBackend().send(user=Person(), message=MESSAGE)
        assert time.monotonic() - started < 1.5
        assert raised.value.status is None

    def test_an_unreachable_gateway_raises(self, eskiz, settings):
        with socket.socket() as unused:
            unused.bind(("127.0.0.1", 0))
            port = unused.getsockname()[1]
        settings.KOMAK_ESKIZ_BASE_URL = f"http://127.0.0.1:{port}"
        with pytest.raises(SmsGatewayError, match="did not answer"):
            EskizSmsBackend().send(user=Person(), message=MESSAGE)

    @pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://eskiz.uz", ""])
    def test_a_base_url_that_is_not_http_is_refused(self, settings, url):
        settings.KOMAK_ESKIZ_BASE_URL = url
        with pytest.raises(ImproperlyConfigured):
            EskizSmsBackend()


def wait_for(condition, seconds=5.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


@pytest.mark.django_db
class SignInCodeThroughEskizTests:
    def test_the_code_goes_out_without_holding_up_the_page(
        self, client, eskiz, settings
    ):
        cache.clear()
        settings.KOMAK_ESKIZ_TIMEOUT_SECONDS = 10
        user_create(phone_number=PHONE)
        # The gateway takes 3 seconds; the page must not wait for it.
        eskiz.answers["/api/message/sms/send"] = [Answer(200, {"id": "1"}, 3.0)]
        started = time.monotonic()
        response = client.post(reverse("accounts_phone_code_request"), {"phone": PHONE})
        assert time.monotonic() - started < 2.0
        assert response.status_code == 302
        assert wait_for(lambda: "/api/message/sms/send" in paths(eskiz))
        sent = eskiz.requests[-1]["fields"]
        assert sent["mobile_phone"] == "998901112233"
        assert len([c for c in sent["message"] if c.isdigit()]) >= 6

    def test_a_refusing_gateway_is_logged_and_the_page_is_the_usual_one(
        self, client, eskiz, caplog
    ):
        from django.test import Client

        cache.clear()
        caplog.set_level(logging.ERROR, logger="accounts.otp")
        user_create(phone_number=PHONE)
        eskiz.answers["/api/message/sms/send"] = [Answer(503, {"message": "Down"})]
        known = client.post(reverse("accounts_phone_code_request"), {"phone": PHONE})
        unknown = Client().post(
            reverse("accounts_phone_code_request"), {"phone": "+998907778899"}
        )
        assert (known.status_code, known["Location"]) == (
            unknown.status_code,
            unknown["Location"],
        )

        def logged():
            return [
                record
                for record in caplog.records
                if "could not be sent" in record.getMessage()
            ]

        assert wait_for(logged)
        (record,) = logged()
        assert isinstance(record.exc_info[1], SmsGatewayError)
        assert record.exc_info[1].status == 503
        assert PHONE not in record.getMessage()


class SmsBackendDeployCheckTests:
    def errors(self) -> list[str]:
        return [message.id for message in sms_backend_check()]

    def test_the_logging_backend_is_refused_in_production(self, settings):
        settings.DEBUG = False
        settings.KOMAK_SMS_BACKEND = LOGGING
        (error,) = sms_backend_check()
        assert error.id == "accounts.E002"
        assert error.level == checks.ERROR
        assert "KOMAK_ESKIZ" in error.hint

    def test_the_logging_backend_is_fine_with_debug(self, settings):
        settings.DEBUG = True
        settings.KOMAK_SMS_BACKEND = LOGGING
        assert self.errors() == []

    def test_a_configured_eskiz_passes(self, settings, eskiz):
        settings.DEBUG = False
        assert self.errors() == []

    @pytest.mark.parametrize(
        "missing", ["KOMAK_ESKIZ_EMAIL", "KOMAK_ESKIZ_PASSWORD", "KOMAK_ESKIZ_SENDER"]
    )
    def test_eskiz_without_its_account_is_refused(self, settings, eskiz, missing):
        settings.DEBUG = False
        setattr(settings, missing, "")
        (error,) = sms_backend_check()
        assert error.id == "accounts.E003"
        assert missing in error.msg

    @pytest.mark.parametrize(
        "path",
        ["accounts.sms.NoSuchBackend", "nonsense", "accounts.sms.TOKEN_CACHE_KEY"],
    )
    def test_a_backend_that_cannot_be_loaded_is_refused(self, settings, path):
        settings.DEBUG = False
        settings.KOMAK_SMS_BACKEND = path
        assert self.errors() == ["accounts.E001"]

    def test_it_runs_with_the_deploy_checks_only(self, settings):
        settings.DEBUG = False
        settings.KOMAK_SMS_BACKEND = LOGGING
        deploy = checks.run_checks(include_deployment_checks=True)
        everyday = checks.run_checks(include_deployment_checks=False)
        assert "accounts.E002" in [message.id for message in deploy]
        assert "accounts.E002" not in [message.id for message in everyday]


class ReminderBackendsDeployCheckTests:
    def test_reminders_by_the_logging_sms_backend_are_refused_in_production(
        self, settings
    ):
        settings.DEBUG = False
        settings.KOMAK_NOTIFICATION_BACKENDS = [
            "core.notifications.EmailBackend",
            LOGGING,
        ]
        (error,) = notification_backends_check()
        assert error.id == "accounts.E005"
        assert "KOMAK_NOTIFICATION_BACKENDS" in error.hint

    def test_email_and_eskiz_pass_and_debug_allows_the_log(self, settings):
        settings.DEBUG = False
        settings.KOMAK_NOTIFICATION_BACKENDS = [
            "core.notifications.EmailBackend",
            "accounts.sms.EskizSmsBackend",
        ]
        assert notification_backends_check() == []
        settings.DEBUG = True
        settings.KOMAK_NOTIFICATION_BACKENDS = [LOGGING]
        assert notification_backends_check() == []

    def test_a_backend_that_cannot_be_loaded_is_refused(self, settings):
        settings.DEBUG = False
        settings.KOMAK_NOTIFICATION_BACKENDS = ["core.notifications.Nope"]
        assert [error.id for error in notification_backends_check()] == [
            "accounts.E004"
        ]

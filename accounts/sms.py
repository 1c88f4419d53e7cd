"""SMS through Eskiz.uz (notify.eskiz.uz), the common Uzbek SMS gateway.

Its REST API: `POST /api/auth/login` with the account's e-mail and password gives
a bearer token (valid about a month); `POST /api/message/sms/send` with
`mobile_phone` (digits only, 998…), `message` and `from` (the approved sender name)
queues one SMS. The token is kept in Django's cache, so every worker shares it, and
is fetched again once when the gateway answers 401.

Set `KOMAK_SMS_BACKEND=accounts.sms.EskizSmsBackend` and the `KOMAK_ESKIZ_*`
variables (docs/deployment.md). Any answer outside 2xx, a time-out or an unreachable
gateway raises `SmsGatewayError`; nothing of the message (it may hold a sign-in
code) or of the number goes into the error.
"""

import json
import re
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured

from core.notifications import Message, NotificationBackend

TOKEN_CACHE_KEY = "accounts:eskiz-token"  # noqa: S105  (a cache key, not a secret)
TOKEN_CACHE_SECONDS = 25 * 24 * 60 * 60  # Eskiz tokens last 30 days
ANSWER_CHARS = 300  # of the gateway's answer kept in the error
LONG_NUMBER = re.compile(r"\d{7,}")  # a phone number the gateway might echo


class SmsGatewayError(Exception):
    """The gateway did not take the message. `status` is the HTTP status (None when
    there was no answer: a time-out or a refused connection) and `answer` the start
    of the gateway's reply, for the log."""

    def __init__(self, what: str, *, status: int | None = None, answer: str = ""):
        detail = f"{what} (HTTP {status})" if status is not None else what
        if answer:
            detail += f": {answer}"
        super().__init__(detail)
        self.status = status
        self.answer = answer

    @classmethod
    def redacted(cls, text: str) -> str:
        return LONG_NUMBER.sub("…", text[:ANSWER_CHARS])


class EskizSmsBackend(NotificationBackend):
    """Sends `message.sms_text` to the person's phone number through Eskiz.uz.

    `network = True` tells the sign-in code sender (accounts/otp.py) to hand the
    message to a background thread, so that a known number's page is not slower
    than an unknown one's (docs/sign-in.md, "Timing")."""

    network = True

    def __init__(self):
        self.base_url = settings.KOMAK_ESKIZ_BASE_URL.rstrip("/")
        if urllib.parse.urlsplit(self.base_url).scheme not in ("https", "http"):
            raise ImproperlyConfigured("KOMAK_ESKIZ_BASE_URL must be an http(s) URL.")
        self.email = settings.KOMAK_ESKIZ_EMAIL
        self.password = settings.KOMAK_ESKIZ_PASSWORD
        self.sender = settings.KOMAK_ESKIZ_SENDER
        self.timeout = settings.KOMAK_ESKIZ_TIMEOUT_SECONDS

    def send(self, *, user, message: Message) -> bool:
        phone_number = getattr(user, "phone_number", None)
        if not phone_number:
            return False
        fields = {
            "mobile_phone": phone_number.lstrip("+"),
            "message": message.sms_text,
            "from": self.sender,
        }
        token = cache.get(TOKEN_CACHE_KEY) or self.token_fetch()
        try:
            self.post("/api/message/sms/send", fields, token=token)
        except SmsGatewayError as error:
            if error.status != 401:
                raise
            # The token ran out or was revoked: one new one, one more try.
            self.post("/api/message/sms/send", fields, token=self.token_fetch())
        return True

    def token_fetch(self) -> str:
        answer = self.post(
            "/api/auth/login", {"email": self.email, "password": self.password}
        )
        token = (answer.get("data") or {}).get("token")
        if not isinstance(token, str) or not token:
            raise SmsGatewayError("Eskiz gave no token")
        cache.set(TOKEN_CACHE_KEY, token, TOKEN_CACHE_SECONDS)
        return token

    def post(self, path: str, fields: dict, *, token: str | None = None) -> dict:
        """POST form fields; the JSON answer of a 2xx, else SmsGatewayError."""
        # Only http(s): the base URL is checked in __init__.
        request = urllib.request.Request(  # noqa: S310
            self.base_url + path,
            data=urllib.parse.urlencode(fields).encode(),
            method="POST",
            headers={"Accept": "application/json"},
        )
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                body = response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            answer = SmsGatewayError.redacted(error.read().decode("utf-8", "replace"))
            raise SmsGatewayError(
                f"Eskiz refused {path}", status=error.code, answer=answer
            ) from error
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise SmsGatewayError(f"Eskiz did not answer {path}: {error}") from error
        try:
            return json.loads(body) if body.strip() else {}
        except ValueError as error:
            raise SmsGatewayError(
                f"Eskiz answered {path} with no JSON",
                answer=SmsGatewayError.redacted(body),
            ) from error

"""Sending a short message to a person by every channel they can receive.

Backends are pluggable through the `KOMAK_NOTIFICATION_BACKENDS` setting (dotted paths);
by default e-mail for people who gave an address and a logged SMS for people with a
phone number. A real SMS gateway is another backend with the same `send()`.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

DEFAULT_BACKENDS = [
    "core.notifications.EmailBackend",
    "core.notifications.LoggingSmsBackend",
]

sms_logger = logging.getLogger("komak.sms")
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Message:
    """One notification: a subject and long text for e-mail, a short text for SMS."""

    subject: str
    text: str
    sms_text: str


class NotificationBackend:
    """The interface: `send()` returns whether the message went out to this person."""

    def send(self, *, user, message: Message) -> bool:
        raise NotImplementedError


class EmailBackend(NotificationBackend):
    def send(self, *, user, message: Message) -> bool:
        if not user.email:
            return False
        sent = send_mail(
            subject=message.subject,
            message=message.text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[user.email],
        )
        return sent == 1


class LoggingSmsBackend(NotificationBackend):
    """Writes the SMS to the `komak.sms` log instead of a gateway (development,
    demo)."""

    def send(self, *, user, message: Message) -> bool:
        phone_number = getattr(user, "phone_number", None)
        if not phone_number:
            return False
        sms_logger.info("SMS to %s: %s", phone_number, message.sms_text)
        return True


def notification_backends() -> list[NotificationBackend]:
    paths = getattr(settings, "KOMAK_NOTIFICATION_BACKENDS", DEFAULT_BACKENDS)
    return [import_string(path)() for path in paths]


def notify(*, user, message: Message) -> int:
    """Send by every backend; returns how many delivered. One failing backend does not
    stop the others; if all that tried failed, the last error is raised so the caller
    can try again later."""
    delivered = 0
    failure: Exception | None = None
    for backend in notification_backends():
        try:
            delivered += int(backend.send(user=user, message=message))
        except Exception as error:  # a gateway may fail in any way
            logger.exception("Notification backend %s failed", type(backend).__name__)
            failure = error
    if delivered == 0 and failure is not None:
        raise failure
    return delivered

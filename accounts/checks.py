"""System checks of the accounts app: a production site must send sign-in codes and
reminders through a real SMS gateway, not write them (and phone numbers) to the log."""

from django.conf import settings
from django.core import checks
from django.utils.module_loading import import_string

from consultations.notifications import LoggingSmsBackend

ESKIZ_SETTINGS = ("KOMAK_ESKIZ_EMAIL", "KOMAK_ESKIZ_PASSWORD", "KOMAK_ESKIZ_SENDER")


def sms_backend_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Registered with `deploy=True` (apps.py): runs with `check --deploy`."""
    if settings.DEBUG:
        return []
    path = getattr(settings, "KOMAK_SMS_BACKEND", "")
    try:
        backend = import_string(path)
    except ImportError:
        backend = None
    if not isinstance(backend, type):
        return [
            checks.Error(
                f"KOMAK_SMS_BACKEND {path!r} cannot be imported.",
                hint="Set it to accounts.sms.EskizSmsBackend (docs/deployment.md).",
                id="accounts.E001",
            )
        ]
    if issubclass(backend, LoggingSmsBackend):
        return [
            checks.Error(
                "KOMAK_SMS_BACKEND writes sign-in codes to the log.",
                hint=(
                    "Set KOMAK_SMS_BACKEND=accounts.sms.EskizSmsBackend and the "
                    "KOMAK_ESKIZ_* variables (docs/deployment.md)."
                ),
                id="accounts.E002",
            )
        ]
    from .sms import EskizSmsBackend

    missing = [name for name in ESKIZ_SETTINGS if not getattr(settings, name, "")]
    if issubclass(backend, EskizSmsBackend) and missing:
        return [
            checks.Error(
                f"The Eskiz SMS backend needs {', '.join(missing)}.",
                hint="See docs/deployment.md.",
                id="accounts.E003",
            )
        ]
    return []


def notification_backends_check(
    app_configs=None, **kwargs
) -> list[checks.CheckMessage]:
    """Registered with `deploy=True` (apps.py): reminders must not go to the log."""
    if settings.DEBUG:
        return []
    errors = []
    for path in getattr(settings, "KOMAK_NOTIFICATION_BACKENDS", []):
        try:
            backend = import_string(path)
        except ImportError:
            errors.append(
                checks.Error(
                    f"KOMAK_NOTIFICATION_BACKENDS: {path!r} cannot be imported.",
                    id="accounts.E004",
                )
            )
            continue
        if isinstance(backend, type) and issubclass(backend, LoggingSmsBackend):
            errors.append(
                checks.Error(
                    "KOMAK_NOTIFICATION_BACKENDS writes reminders and phone numbers "
                    "to the log.",
                    hint=(
                        "Set KOMAK_NOTIFICATION_BACKENDS=consultations."
                        "notifications.EmailBackend,accounts.sms.EskizSmsBackend "
                        "(docs/deployment.md)."
                    ),
                    id="accounts.E005",
                )
            )
    return errors

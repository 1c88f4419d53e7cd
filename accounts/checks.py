"""System checks of the accounts app: a production site must send sign-in codes and
reminders through a real SMS gateway, and e-mail (password-reset links, reminders)
through a real mail server, not write them (and phone numbers) to the log or keep
them in memory.

The production settings go further for SMS: with `KOMAK_REFUSE_LOGGING_SMS` (set in
cms/settings/production.py) the site does not start at all with the logging SMS
backend (`sms_backends_refuse_logging`, run by AccountsConfig.ready), so a missed
`check --deploy` cannot put live codes in the log.
"""

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.core.mail.backends import console, dummy, locmem
from django.utils.module_loading import import_string

from core.notifications import LoggingSmsBackend

ESKIZ_SETTINGS = ("KOMAK_ESKIZ_EMAIL", "KOMAK_ESKIZ_PASSWORD", "KOMAK_ESKIZ_SENDER")
# Django's e-mail backends that deliver nothing: console and file (its subclass)
# write each message, reset links included, to the log or a file; locmem and dummy
# keep or drop it.
UNDELIVERED_EMAIL_BACKENDS = (
    console.EmailBackend,
    locmem.EmailBackend,
    dummy.EmailBackend,
)


def is_logging_sms_backend(path: str) -> bool:
    """Whether the backend at `path` writes messages to the log (E002, E005 and the
    refusal to start all ask this)."""
    try:
        backend = import_string(path)
    except ImportError:
        return False
    return isinstance(backend, type) and issubclass(backend, LoggingSmsBackend)


def sms_backends_refuse_logging() -> None:
    """Under production settings (`KOMAK_REFUSE_LOGGING_SMS`), refuse to start when
    sign-in codes (`KOMAK_SMS_BACKEND`) or reminders (`KOMAK_NOTIFICATION_BACKENDS`)
    would go to the log."""
    if not getattr(settings, "KOMAK_REFUSE_LOGGING_SMS", False):
        return
    paths = [
        ("KOMAK_SMS_BACKEND", getattr(settings, "KOMAK_SMS_BACKEND", "")),
        *(
            ("KOMAK_NOTIFICATION_BACKENDS", path)
            for path in getattr(settings, "KOMAK_NOTIFICATION_BACKENDS", [])
        ),
    ]
    logging = [name for name, path in paths if is_logging_sms_backend(path)]
    if logging:
        raise ImproperlyConfigured(
            f"{' and '.join(dict.fromkeys(logging))} would write sign-in codes, "
            "reminders and phone numbers to the log. Set KOMAK_SMS_BACKEND="
            "accounts.sms.EskizSmsBackend and KOMAK_NOTIFICATION_BACKENDS="
            "core.notifications.EmailBackend,accounts.sms.EskizSmsBackend "
            "with the KOMAK_ESKIZ_* variables (docs/deployment.md)."
        )


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
    if is_logging_sms_backend(path):
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
            import_string(path)
        except ImportError:
            errors.append(
                checks.Error(
                    f"KOMAK_NOTIFICATION_BACKENDS: {path!r} cannot be imported.",
                    id="accounts.E004",
                )
            )
            continue
        if is_logging_sms_backend(path):
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


def email_backend_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Registered with `deploy=True` (apps.py): password-reset links and reminders
    must reach people, not the log, a file or memory."""
    if settings.DEBUG:
        return []
    path = settings.EMAIL_BACKEND
    try:
        backend = import_string(path)
    except ImportError:
        return [
            checks.Error(
                f"EMAIL_BACKEND {path!r} cannot be imported.",
                hint="Set DJANGO_EMAIL_BACKEND (docs/deployment.md).",
                id="accounts.E007",
            )
        ]
    if isinstance(backend, type) and issubclass(backend, UNDELIVERED_EMAIL_BACKENDS):
        return [
            checks.Error(
                f"EMAIL_BACKEND {path!r} delivers no e-mail: password-reset links "
                "and reminders would go to the log, a file or nowhere.",
                hint=(
                    "Set DJANGO_EMAIL_BACKEND=django.core.mail.backends.smtp."
                    "EmailBackend and the DJANGO_EMAIL_* variables "
                    "(docs/deployment.md)."
                ),
                id="accounts.E006",
            )
        ]
    return []

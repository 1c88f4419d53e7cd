"""Production settings: only hardens `base`; refuses to start without a secret and
hosts.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403

if not os.environ.get("DJANGO_SECRET_KEY"):
    raise ImproperlyConfigured("Set DJANGO_SECRET_KEY to a long random value.")
if not os.environ.get("DJANGO_ALLOWED_HOSTS"):
    raise ImproperlyConfigured("Set DJANGO_ALLOWED_HOSTS to the site's host names.")
if not os.environ.get("FIELD_ENCRYPTION_KEYS"):
    # Session notes are health data: never encrypt them with a key derived from
    # SECRET_KEY in production (docs/privacy.md).
    raise ImproperlyConfigured(
        "Set FIELD_ENCRYPTION_KEYS to one or more Fernet keys, comma-separated, "
        "newest first."
    )
# The audit trail: pseudonyms and the chain's HMAC must not hang on SECRET_KEY, and
# the checkpoints must be written somewhere chosen (docs/privacy.md).
if not os.environ.get("AUDIT_PSEUDONYM_KEY"):
    raise ImproperlyConfigured(
        "Set AUDIT_PSEUDONYM_KEY to a long random value, and never change it."
    )
if len(os.environ.get("AUDIT_CHAIN_KEY", "")) < 32:
    raise ImproperlyConfigured(
        "Set AUDIT_CHAIN_KEY to a random value of at least 32 characters (for "
        "example `python -c 'import secrets; print(secrets.token_urlsafe(48))'`), "
        "kept out of the database, and never change it."
    )
if not os.environ.get("AUDIT_CHECKPOINT_DIR"):
    raise ImproperlyConfigured(
        "Set AUDIT_CHECKPOINT_DIR to the directory of the audit checkpoint file, "
        "outside the database and copied off the machine."
    )
# Links in e-mails and the admin's own links are built from it; behind nginx on
# several machines nothing else knows the site's public address (docs/deployment.md).
if not os.environ.get("WAGTAILADMIN_BASE_URL", "").startswith("https://"):
    raise ImproperlyConfigured(
        "Set WAGTAILADMIN_BASE_URL to the site's public address, e.g. "
        "https://komak.uz, the same on every machine."
    )

DEBUG = False
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
KOMAK_DEMO_DATA_ALLOWED = False
KOMAK_DEMO_KEEP_TALK = False
KOMAK_LOAD_FIXTURES_ALLOWED = False
# The site does not start if sign-in codes or reminders would be written to the log
# (accounts/checks.py, `sms_backends_refuse_logging`).
KOMAK_REFUSE_LOGGING_SMS = True

# Content-Security-Policy: the site's WebSockets only over TLS, and any http: link
# that slipped into content is fetched over https (docs/security.md).
_secure_sockets = ["'self'", *websocket_sources(ALLOWED_HOSTS, ("wss",))]  # noqa: F405
CSP_DIRECTIVES = {
    **CSP_DIRECTIVES,  # noqa: F405
    "connect-src": _secure_sockets,
    "upgrade-insecure-requests": True,
}
CONTENT_SECURITY_POLICY = {"DIRECTIVES": CSP_DIRECTIVES}
ADMIN_CSP_DIRECTIVES = {
    **ADMIN_CSP_DIRECTIVES,  # noqa: F405
    "connect-src": _secure_sockets,
    "upgrade-insecure-requests": True,
}

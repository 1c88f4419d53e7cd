"""Settings shared by every profile, read from the environment.

With no variables set this is the *embedded default*: SQLite in `db.sqlite3` at the
repository root, the in-memory channel layer, the django-q2 ORM broker, the local-memory
cache and media in `media/`. Setting `DATABASE_URL` and `REDIS_URL` switches on the
*scale-out profile*: PostgreSQL, `channels_redis`, the django-q2 Redis broker and
Django's Redis cache. See docs/deployment.md.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE
from django.conf.locale import LANG_INFO
from django.utils.translation import gettext_lazy as _

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent


def env_bool(name: str, default: bool = False) -> bool:
    """Read a yes/no environment variable ("1", "true", "yes", "on" mean yes)."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    """Read a comma-separated environment variable into a list without blanks."""
    return [
        item.strip()
        for item in os.environ.get(name, default).split(",")
        if item.strip()
    ]


# Each profile module sets its own fallback; production refuses to start without one.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "daphne",
    # The ground floor every app below stands on; it imports none of them.
    "core",
    "accounts",
    "cms",
    "learning",
    "consultations",
    "audit",
    "videos",
    "wellbeing",
    "urgent",
    "analytics",
    "demo",
    # The admin's words Wagtail leaves untranslated (Uzbek above all); before the
    # wagtail apps, so that its catalog wins over theirs (admin_locale/apps.py).
    "admin_locale",
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    # wagtail.users, with a user viewset that audits who views or lists people
    # (accounts/admin_users.py).
    "accounts.apps.WagtailUsersConfig",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "csp",
    "channels",
    "django_q",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Brotli or gzip for whole text answers (cms/compression.py); above everything
    # that reads or rewrites a page, so that it compresses what they made.
    "cms.compression.CompressionMiddleware",
    "cms.middleware.ContentSecurityPolicyMiddleware",
    "cms.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.transliteration.CyrillicPageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Django's LocaleMiddleware, after authentication to follow the account's language.
    "core.languages.LanguageMiddleware",
    "audit.middleware.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.StaffSessionMiddleware",
    # Inside the staff checks, so that only views' redirects to sign-in become the
    # sign-in form in place (accounts/sign_in_here.py); their own redirects stay.
    "accounts.sign_in_here.SignInHereMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, so that everything above also runs on a cached page (cms/page_cache.py).
    "cms.page_cache.AnonymousPageCacheMiddleware",
]

ROOT_URLCONF = "cms.urls"
ASGI_APPLICATION = "cms.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "cms.context_processors.site_links",
                "accounts.context_processors.comfort",
                "cms.context_processors.main_links",
                "csp.context_processors.nonce",
            ],
        },
    },
]

# Databases: SQLite by default, anything dj-database-url understands otherwise.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL,
            # 0: under Daphne every request runs in a thread of its own, and kept
            # connections pile up until PostgreSQL refuses more (docs/benchmarks.md,
            # "Load"); Django's docs advise against them with ASGI.
            conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
            conn_health_checks=True,
        )
    }
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # A server out of reach fails the request in seconds (a "try again" page,
        # cms/errors.py) instead of holding it for the system's TCP timeout;
        # conn_health_checks above replaces a connection that died meanwhile.
        DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
            "connect_timeout", int(os.environ.get("DATABASE_CONNECT_TIMEOUT", "5"))
        )
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            # A busy timeout lets Daphne and the django-q2 cluster share one file.
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# PostgreSQL: the role that owns the tables. When set, `migrate` connects as it
# (audit/management/commands/migrate.py) while the site connects as DATABASE_URL's
# role, which has only SELECT/INSERT/UPDATE/DELETE (`manage.py postgres_app_role`) and
# so cannot drop or disable the audit trail's append-only trigger.
DATABASE_OWNER_URL = os.environ.get("DATABASE_OWNER_URL", "")

# Redis: channel layer, django-q2 broker and cache share one server, apart by key
# prefix.
REDIS_URL = os.environ.get("REDIS_URL", "")
# Seconds a channel layer read may take: above channels_redis's 5-second wait.
CHANNEL_LAYER_READ_SECONDS = 15
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                # channels_redis waits for a socket's messages with a 5-second
                # BZPOPMIN; redis-py's default read timeout is also 5 s, and when it
                # fires first the consumer dies and the call's socket is closed (an
                # idle call lost its socket within 30 s under load). Read longer.
                "hosts": [
                    {"address": REDIS_URL, "socket_timeout": CHANNEL_LAYER_READ_SECONDS}
                ],
                "prefix": "komak:asgi",
            },
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "komak",
        },
        "pages": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "komak-pages",
        },
    }
    Q_CLUSTER_BROKER = {"redis": REDIS_URL}
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "komak",
        },
        # Files beside the SQLite database rather than local memory: the task
        # cluster's process must be able to clear it too (a lesson video made ready).
        "pages": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": os.environ.get(
                "PAGE_CACHE_DIR",
                os.environ.get("SQLITE_PATH", str(BASE_DIR / "db.sqlite3"))
                + "-page-cache",
            ),
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        },
    }
    Q_CLUSTER_BROKER = {"orm": "default"}

# Anonymous course and lesson pages, kept in the "pages" cache for this many seconds
# (cms/page_cache.py; publishing clears them at once). Off while developing with
# DEBUG, so that a changed template shows at once; 0 turns it off anywhere.
PAGE_CACHE_SECONDS = int(
    os.environ.get("KOMAK_PAGE_CACHE_SECONDS", "0" if DEBUG else "3600")
)
PAGE_CACHE_ALIAS = "pages"
PAGE_CACHE_MODELS = (
    "learning.CourseIndexPage",
    "learning.CoursePage",
    "learning.LessonPage",
)

Q_CLUSTER = {
    "name": "komak",
    "workers": int(os.environ.get("Q_WORKERS", "2")),
    # The longest task is a lesson video's transcode: a 60-minute upload
    # (VIDEO_MAX_SECONDS) takes about 20 minutes on two cores (bench/video.py,
    # docs/video.md), so 40 minutes leaves room for a busy machine.
    "timeout": 2400,
    # Retry must exceed timeout so that a task killed mid-run is handed out again.
    "retry": 2460,
    "max_attempts": 3,
    "catch_up": False,
    "label": "Task queue",
    **Q_CLUSTER_BROKER,
}

# People and sign-in.
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "accounts.backends.PhoneNumberBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"  # noqa: E501
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
ACCOUNT_FORMS = {
    "login": "accounts.forms.LoginForm",
    "signup": "accounts.forms.SignupForm",
    "request_login_code": "accounts.otp.PhoneCodeRequestForm",
    "confirm_login_code": "accounts.otp.PhoneCodeConfirmForm",
}
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_SESSION_REMEMBER = None
# Sign-in with a phone number and a code by SMS (accounts/otp.py, docs/sign-in.md):
# 6 digits, valid 5 minutes, 5 tries. "Remember this phone" keeps the session for
# KOMAK_REMEMBERED_PHONE_DAYS (never for staff). The SMS backend is a dotted path with
# the interface of core.notifications; the default writes the code to the
# server log, so production must set a real gateway.
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 5 * 60
ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS = 5
ACCOUNT_PHONE_VERIFICATION_CODE_FORMAT = {"length": 6, "numeric": True, "dashed": False}
ACCOUNT_LOGIN_BY_CODE_FORMAT = ACCOUNT_PHONE_VERIFICATION_CODE_FORMAT
# Changing one's phone number sends a code to the new number (accounts/phone_change.py)
# with the same lifetime and tries as a sign-in code.
ACCOUNT_PHONE_VERIFICATION_TIMEOUT = ACCOUNT_LOGIN_BY_CODE_TIMEOUT
ACCOUNT_PHONE_VERIFICATION_MAX_ATTEMPTS = ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS
KOMAK_SMS_BACKEND = os.environ.get(
    "KOMAK_SMS_BACKEND", "core.notifications.LoggingSmsBackend"
)
# Reminders go by every backend listed (core/notifications.py): e-mail, and
# SMS through the logging backend in development; `check --deploy` refuses the logging
# one here too (set accounts.sms.EskizSmsBackend in production).
KOMAK_NOTIFICATION_BACKENDS = env_list(
    "KOMAK_NOTIFICATION_BACKENDS",
    "core.notifications.EmailBackend,core.notifications.LoggingSmsBackend",
)
# The Eskiz.uz gateway (accounts/sms.py), for KOMAK_SMS_BACKEND =
# accounts.sms.EskizSmsBackend; `check --deploy` refuses the logging backend.
KOMAK_ESKIZ_BASE_URL = os.environ.get("KOMAK_ESKIZ_BASE_URL", "https://notify.eskiz.uz")
KOMAK_ESKIZ_EMAIL = os.environ.get("KOMAK_ESKIZ_EMAIL", "")
KOMAK_ESKIZ_PASSWORD = os.environ.get("KOMAK_ESKIZ_PASSWORD", "")
KOMAK_ESKIZ_SENDER = os.environ.get("KOMAK_ESKIZ_SENDER", "4546")
KOMAK_ESKIZ_TIMEOUT_SECONDS = float(os.environ.get("KOMAK_ESKIZ_TIMEOUT_SECONDS", "10"))
KOMAK_REMEMBERED_PHONE_DAYS = int(os.environ.get("KOMAK_REMEMBERED_PHONE_DAYS", "90"))
# Guessing passwords: after 5 failed sign-ins for one account, or 20 from one address
# (rural mobile networks put many people behind one address), in 15 minutes, allauth
# refuses further tries for the rest of the window. The cache holds the counts, so
# with REDIS_URL every worker sees them. docs/security.md.
# Asking for a phone code: 3 per number and 20 per address in 15 minutes, and 10 per
# number in a day (the page says so), for known and unknown numbers alike.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "20/15m/ip,5/15m/key",
    "request_login_code": "20/15m/ip,3/15m/key,10/d/key",
    # A code to a new phone number: the same, and 10 a day per person.
    "verify_phone": "20/15m/ip,3/15m/key,10/d/key,10/d/user",
}
# Two factors for staff (accounts/middleware.py): an authenticator app (TOTP) and
# recovery codes. No security keys yet (allauth's sign-in still imports fido2).
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Koʻmak"
# One 30-second step either side: phones' clocks drift.
MFA_TOTP_TOLERANCE = 1
# Staff often have no e-mail address, and Ko'mak does not verify addresses.
MFA_ALLOW_UNVERIFIED_EMAIL = True
MFA_ADAPTER = "accounts.adapter.MFAAdapter"
# A secret that cannot be read (stored in clear: refused) is a plain message there.
MFA_FORMS = {
    "authenticate": "accounts.forms.SecondFactorForm",
    "reauthenticate": "accounts.forms.SecondFactorAgainForm",
}
# Staff sessions end after this many idle seconds; learners keep Django's two weeks.
STAFF_SESSION_IDLE_SECONDS = 15 * 60
# Behind reverse proxies (nginx, perhaps a load balancer before it), how many of them
# append to X-Forwarded-For. The client is the address the outermost one appended,
# the TRUSTED_PROXY_COUNT-th from the right; whatever stands left of it was written by
# the client and is never believed. 0 (Daphne alone): the header is ignored.
# core/proxy.py sets the address Django (REMOTE_ADDR: audit records) and the call
# consumer see; allauth reads the same hop for its limits. docs/deployment.md.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "komak@localhost")

# Languages. The full set (uz-cyrl, kaa) arrives with the inclusion work; Uzbek in
# Latin script is the default.
LANGUAGE_CODE = "uz"
# Uzbek in Latin script (the default) and in Cyrillic script, named like Django's
# sr-latn; Karakalpak by its ISO 639-3 code, as ISO 639-1 has none.
LANGUAGES = [
    ("uz", _("Uzbek")),
    ("uz-cyrl", _("Uzbek (Cyrillic)")),
    ("ru", _("Russian")),
    ("kaa", _("Karakalpak")),
    ("en", _("English")),
]
LANG_INFO.update(
    {
        "uz-cyrl": {
            "bidi": False,
            "code": "uz-cyrl",
            "name": "Uzbek (Cyrillic)",
            "name_local": "Ўзбекча",
            "fallback": ["uz"],
        },
        "kaa": {
            "bidi": False,
            "code": "kaa",
            "name": "Karakalpak",
            "name_local": "Qaraqalpaqsha",
        },
    }
)
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Tashkent"
USE_I18N = True
USE_TZ = True

# Static files and media. WhiteNoise serves static files in the embedded profile.
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
}
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
# A file past its view's limit stops being written (core/uploads.py); the rest as usual.
FILE_UPLOAD_HANDLERS = [
    "core.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Uploads are never served as a folder: Django's views decide who may fetch a file
# (a lesson's video files only where the lesson is visible to that person: videos/
# views.py; documents by Wagtail's own view and collection privacy; image renditions
# are public) and the file is then sent by core/media.py. Behind nginx
# (MEDIA_ACCEL_REDIRECT) the view only answers `X-Accel-Redirect:
# MEDIA_ACCEL_PREFIX<path under MEDIA_ROOT>` and nginx streams the file from its
# `internal` location (deploy/nginx/komak.conf); otherwise Daphne streams it.
MEDIA_ACCEL_REDIRECT = env_bool("MEDIA_ACCEL_REDIRECT", False)
MEDIA_ACCEL_PREFIX = "/_protected/"
WAGTAILDOCS_SERVE_METHOD = "serve_view"
SENDFILE_BACKEND = "core.media"

# Wagtail.
WAGTAIL_SITE_NAME = "Koʻmak"
# The site's address, from which links in reminders (SMS, e-mail) and the admin's own
# links are built. `make run` sets it from PORT; production requires it.
WAGTAILADMIN_BASE_URL = os.environ.get(
    "WAGTAILADMIN_BASE_URL", f"http://127.0.0.1:{os.environ.get('PORT') or '8000'}"
)
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# Sound files too: a recording of the caller in a practice simulation
# (learning/simulation_blocks.py, AUDIO_EXTENSIONS).
WAGTAILDOCS_EXTENSIONS = [
    "csv",
    "docx",
    "m4a",
    "mp3",
    "odt",
    "ogg",
    "opus",
    "pdf",
    "pptx",
    "txt",
    "xlsx",
]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
# SVG too: the illustrations of courses and steps are small drawings
# (demo/pictures/). Templates show an SVG as it is (`preserve-svg`), never
# rasterised; its renditions are sent with a CSP that forbids scripts (core/media.py,
# deploy/nginx/komak.conf).
WAGTAILIMAGES_EXTENSIONS = ["avif", "gif", "jpg", "jpeg", "png", "webp", "svg"]
# Content translation (wagtail-localize): trainers translate pages into Russian,
# Karakalpak and English in the admin. Every other locale is synchronised from Uzbek
# (cms/setup.py): a page not yet translated is there as an alias showing the Uzbek
# text, so every course exists under every language prefix. In Uzbek Cyrillic that
# alias is written in Cyrillic as it is sent (core/transliteration.py); a trainer who
# writes a Cyrillic version by hand translates the page into "Uzbek (Cyrillic)".
WAGTAIL_I18N_ENABLED = True
# "Machine translate" from Uzbek Latin to Uzbek Cyrillic is our transliteration; no
# other pair is offered (no text leaves the server for an outside service).
WAGTAILLOCALIZE_MACHINE_TRANSLATOR = {
    "CLASS": "core.transliteration.CyrillicMachineTranslator",
    "OPTIONS": {},
}
WAGTAIL_CONTENT_LANGUAGES = [
    ("uz", _("Uzbek")),
    ("uz-cyrl", _("Uzbek (Cyrillic)")),
    ("ru", _("Russian")),
    ("kaa", _("Karakalpak")),
    ("en", _("English")),
]
WAGTAILADMIN_PERMITTED_LANGUAGES = [
    ("uz", "Oʻzbekcha"),
    ("ru", "Русский"),
    ("en", "English"),
]
WAGTAIL_PASSWORD_RESET_ENABLED = True
# The admin's own sign-in would skip the second factor: staff sign in through allauth.
WAGTAILADMIN_LOGIN_URL = "account_login"
WAGTAIL_FRONTEND_LOGIN_URL = "account_login"

# Browser-side hardening (docs/security.md). Django's defaults already send
# X-Content-Type-Options and Cross-Origin-Opener-Policy; production.py adds HSTS and
# secure cookies.
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"


def websocket_sources(hosts: list[str], schemes: tuple[str, ...]) -> list[str]:
    """CSP sources for this site's WebSockets: `'self'` covers them in CSP 3, but not
    in every browser still in use, so each allowed host is named (any port)."""
    sources = []
    for host in hosts:
        if host == "*" or host.startswith("["):  # no IPv6 literals in CSP sources
            continue
        name = f"*{host}" if host.startswith(".") else host
        sources += [f"{scheme}://{name}:*" for scheme in schemes]
    return sources


# No 'unsafe-inline' anywhere on the site; a script or style element that must be
# inline carries the request's nonce (`{{ request.csp_nonce }}`). blob: is for media
# and workers made by the video player (hls.js). /admin/ gets ADMIN_CSP_DIRECTIVES.
CSP_DIRECTIVES = {
    "default-src": ["'self'"],
    "script-src": ["'self'", NONCE],
    "style-src": ["'self'", NONCE],
    "img-src": ["'self'"],
    "font-src": ["'self'"],
    "media-src": ["'self'", "blob:"],
    "worker-src": ["'self'", "blob:"],
    "connect-src": ["'self'", *websocket_sources(ALLOWED_HOSTS, ("ws", "wss"))],
    "frame-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
CONTENT_SECURITY_POLICY = {"DIRECTIVES": CSP_DIRECTIVES}
# The admin's policy differs only in images: previews of uploads are blob: and some
# icons data:. Wagtail's own inline initialiser scripts get the nonce there
# (cms/middleware.py); no 'unsafe-inline' for scripts or styles. No Gravatar: it
# would send staff's hashed e-mail addresses to a third party.
ADMIN_CSP_DIRECTIVES = {
    **CSP_DIRECTIVES,
    "img-src": ["'self'", "data:", "blob:"],
}
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# Nor the admin's check for new Wagtail releases (a request to wagtail.org).
WAGTAIL_ENABLE_UPDATE_CHECK = False
ADMIN_CSP_PATH_PREFIX = "/admin/"
# Camera and microphone only where a call needs them (cms/middleware.py): the call
# page and the pre-call check; every other page denies them.
MEDIA_CAPTURE_URL_NAMES = ("consultations_call", "consultations_precall")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
        "aioice": {"level": "WARNING"},
        "aiortc": {"level": "WARNING"},
    },
}
KOMAK_DEMO_DATA_ALLOWED = True
# `make run` keeps one demo talk joinable (demo/talk.py, demo_talk_keep);
# production never does.
KOMAK_DEMO_KEEP_TALK = env_bool("KOMAK_DEMO_KEEP_TALK", False)
# `manage.py demo_call_rooms` (the load test's call rooms) also needs this: a
# scale-out stack with DEBUG off may get them, production never (production.py).
KOMAK_LOAD_FIXTURES_ALLOWED = env_bool("KOMAK_LOAD_FIXTURES", False)

# Privacy (docs/privacy.md). Keys for encrypted fields, comma-separated Fernet keys,
# the first encrypts and all decrypt; empty derives a key from SECRET_KEY, which only
# dev and test may do (production.py refuses). The pseudonym key names people in the
# audit trail; it must never change once records exist.
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS")
AUDIT_PSEUDONYM_KEY = os.environ.get("AUDIT_PSEUDONYM_KEY", "")
# The audit chain's key: every record's HMAC-SHA256 and the checkpoint signatures
# (audit/chain.py). Only ever in the environment, never in the database; empty derives
# one from SECRET_KEY, which only dev and test may do. Never change it once records
# exist (docs/privacy.md).
AUDIT_CHAIN_KEY = os.environ.get("AUDIT_CHAIN_KEY", "")
# Signed checkpoints of the chain's head, appended every 5 minutes to a file outside
# the database (audit/checkpoints.py); one directory per database. Production needs
# it set, on storage kept apart and copied off the machine (docs/privacy.md).
AUDIT_CHECKPOINT_DIR = Path(
    os.environ.get("AUDIT_CHECKPOINT_DIR", str(BASE_DIR / "var" / "audit-checkpoints"))
)
# Consultation data older than this many days (after the session's end) is anonymised.
CONSULTATION_RETENTION_DAYS = int(os.environ.get("CONSULTATION_RETENTION_DAYS", "1095"))
# Booking limits (consultations/services.py, docs/security.md): how many days ahead
# a client may book, and how many upcoming talks one client may hold at once, so
# that one account cannot take a specialist's month.
BOOKING_HORIZON_DAYS = int(os.environ.get("BOOKING_HORIZON_DAYS", "28"))
BOOKING_ACTIVE_CAP = int(os.environ.get("BOOKING_ACTIVE_CAP", "3"))
# `manage.py backup` makes a dated folder here (cms/backups.py, docs/deployment.md).
BACKUP_DIR = Path(os.environ.get("BACKUP_DIR", str(BASE_DIR / "var" / "backups")))

# WebRTC: comma-separated STUN and TURN URLs for the call, and the secret shared with
# coturn (`use-auth-secret`) for short-lived TURN credentials. See docs/signaling.md.
STUN_URLS = env_list("STUN_URLS")
TURN_URLS = env_list("TURN_URLS")
TURN_SECRET = os.environ.get("TURN_SECRET", "")
# Limits of a call and its relay (issue 13; docs/security.md, "Limits"). A TURN
# credential lives at most this long and is renewed over the call's socket.
TURN_CREDENTIAL_TTL_SECONDS = int(os.environ.get("TURN_CREDENTIAL_TTL_SECONDS", "7200"))
# An overrunning call keeps its signaling and relay this long after the booking's end.
CALL_GRACE_MINUTES = int(os.environ.get("CALL_GRACE_MINUTES", "30"))
# Seconds between a call socket's own checks that its right still holds (a backstop
# for a cancellation message the channel layer lost).
CALL_RECHECK_SECONDS = int(os.environ.get("CALL_RECHECK_SECONDS", "60"))
# Pre-call echo checks: per person in a window, and echo peers per Daphne process.
PRECALL_CHECKS_PER_PERSON = int(os.environ.get("PRECALL_CHECKS_PER_PERSON", "3"))
PRECALL_CHECKS_WINDOW_SECONDS = int(
    os.environ.get("PRECALL_CHECKS_WINDOW_SECONDS", "600")
)
PRECALL_MAX_PEERS = int(os.environ.get("PRECALL_MAX_PEERS", "20"))
# Refused call sockets per client address per minute; beyond it the handshake is
# refused without reading the booking.
SOCKET_REFUSALS_PER_MINUTE = int(os.environ.get("SOCKET_REFUSALS_PER_MINUTE", "30"))
# Urgent help (urgent/, issue 15): a request nobody took in this many seconds goes to
# the coordinators, and (when URGENT_ESCALATE_SMS is on) to their phones as well.
URGENT_ESCALATE_AFTER_SECONDS = int(
    os.environ.get("URGENT_ESCALATE_AFTER_SECONDS", "300")
)
URGENT_ESCALATE_SMS = env_bool("URGENT_ESCALATE_SMS", False)
# A request still open this many hours after it was made is closed by the hourly
# tidy (otherwise the client could not ask again); closed ones (who asked, who took
# it, how long it waited) are deleted this many days after they were closed, and
# the needs analytics keep only their aggregates.
URGENT_STALE_HOURS = int(os.environ.get("URGENT_STALE_HOURS", "24"))
URGENT_RETENTION_DAYS = int(
    os.environ.get("URGENT_RETENTION_DAYS", str(CONSULTATION_RETENTION_DAYS))
)
# "Record help with a lesson" (learning/help_views.py): logins that matched nobody a
# social worker serves, per social worker per hour, before the page stops looking.
LESSON_HELP_MISSES_PER_HOUR = int(os.environ.get("LESSON_HELP_MISSES_PER_HOUR", "10"))
# Wellbeing check-ins (wellbeing/, issue 15). A check-in's link stays open this many
# days (at most until the next one), one reminder goes this many hours after the
# link if it is still unanswered, at most this many check-ins wait at once for one
# client and specialist, and answers are deleted this many days after they were given.
WELLBEING_CHECKIN_OPEN_DAYS = int(os.environ.get("WELLBEING_CHECKIN_OPEN_DAYS", "6"))
WELLBEING_REMINDER_HOURS = int(os.environ.get("WELLBEING_REMINDER_HOURS", "48"))
WELLBEING_CHECKIN_MAX_COUNT = int(os.environ.get("WELLBEING_CHECKIN_MAX_COUNT", "12"))
WELLBEING_RETENTION_DAYS = int(
    os.environ.get("WELLBEING_RETENTION_DAYS", str(CONSULTATION_RETENTION_DAYS))
)
# Shown on every check-in page: Uzbekistan's public emergency numbers. Replace or
# extend with a helpline the service has checked (KOMAK_CRISIS_CONTACTS, "Name=number"
# pairs separated by commas; the names are then shown as written).
CRISIS_CONTACTS = [
    {"name": name.strip(), "number": number.strip()}
    for name, _sep, number in (
        pair.partition("=") for pair in env_list("KOMAK_CRISIS_CONTACTS")
    )
] or [
    {"name": _("Ambulance"), "number": "103"},
    {"name": _("Police"), "number": "102"},
    {"name": _("Fire and rescue"), "number": "101"},
]
# Needs analytics (analytics/, issue 15): the schedule recomputes the dashboard's
# tables this often, and no figure about fewer than this many people is shown.
ANALYTICS_REFRESH_MINUTES = int(os.environ.get("ANALYTICS_REFRESH_MINUTES", "60"))
ANALYTICS_MIN_GROUP = max(5, int(os.environ.get("ANALYTICS_MIN_GROUP", "5")))

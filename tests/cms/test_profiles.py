"""The two profiles: the embedded default with no services, and the scale-out profile on
real PostgreSQL and Redis, switched on by DATABASE_URL and REDIS_URL."""

import json
import os
import subprocess
import sys

from tests.support.live import REPO
from tests.support.services import (
    REDIS_TEST_URL,
    ScratchPostgresDatabase,
    require_postgres,
    require_redis,
)

PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.db import connection
print(json.dumps({
    "db": connection.vendor,
    "db_name": str(settings.DATABASES["default"]["NAME"]),
    "channels": settings.CHANNEL_LAYERS["default"]["BACKEND"],
    "cache": settings.CACHES["default"]["BACKEND"],
    "q_broker": sorted(k for k in ("orm", "redis") if k in settings.Q_CLUSTER),
    "media": str(settings.MEDIA_ROOT),
}))
"""


def run_python(code: str, env: dict, settings_module="cms.settings.dev"):
    clean = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}
    }
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env={**clean, "DJANGO_SETTINGS_MODULE": settings_module, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    clean = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env={**clean, "DJANGO_SETTINGS_MODULE": "cms.settings.dev", **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


class EmbeddedProfileTests:
    def test_no_variables_means_sqlite_in_memory_layer_orm_broker_local_cache(self):
        result = run_python(PROBE, {})
        assert result.returncode == 0, result.stderr
        probe = json.loads(result.stdout.strip().splitlines()[-1])
        assert probe["db"] == "sqlite"
        assert probe["db_name"] == str(REPO / "db.sqlite3")
        assert probe["channels"] == "channels.layers.InMemoryChannelLayer"
        assert probe["cache"] == "django.core.cache.backends.locmem.LocMemCache"
        assert probe["q_broker"] == ["orm"]
        assert probe["media"] == str(REPO / "media")


class SiteAddressTests:
    """Issue 18: reminder links pointed at port 8000 whatever PORT was."""

    CODE = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.WAGTAILADMIN_BASE_URL)"
    )

    def test_links_name_the_port_the_site_runs_on(self):
        result = run_python(
            f"import os; os.environ.pop('WAGTAILADMIN_BASE_URL', None); {self.CODE}",
            {"PORT": "8123"},
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.split()[-1] == "http://127.0.0.1:8123"

    def test_an_address_that_is_set_wins(self):
        result = run_python(
            self.CODE, {"PORT": "8123", "WAGTAILADMIN_BASE_URL": "https://komak.uz"}
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.split()[-1] == "https://komak.uz"


class ProductionSettingsTests:
    def test_refuses_to_start_without_secret_key(self):
        result = run_python(
            "import django; django.setup()",
            {"DJANGO_SECRET_KEY": "", "DJANGO_ALLOWED_HOSTS": "komak.uz"},
            settings_module="cms.settings.production",
        )
        assert result.returncode != 0
        assert "DJANGO_SECRET_KEY" in result.stderr

    def test_refuses_to_start_without_allowed_hosts(self):
        env = {"DJANGO_SECRET_KEY": "x" * 60, "DJANGO_ALLOWED_HOSTS": ""}
        result = run_python(
            "import django; django.setup()",
            env,
            settings_module="cms.settings.production",
        )
        assert result.returncode != 0
        assert "DJANGO_ALLOWED_HOSTS" in result.stderr

    def test_starts_with_both_and_is_hardened(self):
        env = {
            "DJANGO_SECRET_KEY": "x" * 60,
            "DJANGO_ALLOWED_HOSTS": "komak.uz",
            "WAGTAILADMIN_BASE_URL": "https://komak.uz",
            # A Fernet key (32 bytes, url-safe base64); production needs one.
            "FIELD_ENCRYPTION_KEYS": "A" * 43 + "=",
            # And the audit trail's keys and checkpoint folder.
            "AUDIT_PSEUDONYM_KEY": "p" * 40,
            "AUDIT_CHAIN_KEY": "c" * 48,
            "AUDIT_CHECKPOINT_DIR": "/tmp",  # noqa: S108 - never written here
            # Production does not start with the logging SMS backend.
            "KOMAK_SMS_BACKEND": "accounts.sms.EskizSmsBackend",
            "KOMAK_NOTIFICATION_BACKENDS": "core.notifications.EmailBackend",
        }
        code = (
            "import django; django.setup(); from django.conf import settings as s; "
            "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.KOMAK_DEMO_DATA_ALLOWED, "
            "s.KOMAK_DEMO_KEEP_TALK)"
        )
        # Not even when the variable of `make run` is set.
        env["KOMAK_DEMO_KEEP_TALK"] = "true"
        result = run_python(code, env, settings_module="cms.settings.production")
        assert result.returncode == 0, result.stderr
        assert result.stdout.split() == ["False", "True", "False", "False"]

    def test_refuses_to_start_without_the_public_https_address(self):
        env = {
            "DJANGO_SECRET_KEY": "x" * 60,
            "DJANGO_ALLOWED_HOSTS": "komak.uz",
            "FIELD_ENCRYPTION_KEYS": "A" * 43 + "=",
            "AUDIT_PSEUDONYM_KEY": "p" * 40,
            "AUDIT_CHAIN_KEY": "c" * 48,
            "AUDIT_CHECKPOINT_DIR": "/tmp",  # noqa: S108 - never written here
            "KOMAK_SMS_BACKEND": "accounts.sms.EskizSmsBackend",
            "KOMAK_NOTIFICATION_BACKENDS": "core.notifications.EmailBackend",
        }
        for address in ("", "http://komak.uz"):
            result = run_python(
                "import django; django.setup()",
                {**env, "WAGTAILADMIN_BASE_URL": address},
                settings_module="cms.settings.production",
            )
            assert result.returncode != 0
            assert "WAGTAILADMIN_BASE_URL" in result.stderr


SCALE_OUT_CHECK = """
import asyncio, json, uuid, django
django.setup()
from django.core.cache import cache, caches
from django.db import connection
from channels.layers import get_channel_layer
from django_q.brokers import get_broker
from learning.models import CoursePage

token = uuid.uuid4().hex
cache.set("profile-check", token, 30)

async def layer_round_trip():
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.send(channel, {"type": "check", "token": token})
    return (await layer.receive(channel))["token"]

broker = get_broker()
broker.enqueue("profile-check-" + token)
queued = broker.queue_size()
task = broker.dequeue()
if task:
    broker.acknowledge(task[0][0])
print(json.dumps({
    "db": connection.vendor,
    "courses": CoursePage.objects.live().filter(locale__language_code="uz").count(),
    "cache_ok": cache.get("profile-check") == token,
    "cache_backend": type(caches["default"]).__name__,
    "layer": type(get_channel_layer()).__name__,
    "layer_ok": asyncio.run(layer_round_trip()) == token,
    "broker": type(broker).__name__,
    "queued": queued,
}))
"""


class ScaleOutProfileTests:
    def test_postgresql_and_redis_serve_the_whole_stack(self, tmp_path):
        require_postgres()
        require_redis()
        with ScratchPostgresDatabase() as database:
            env = {
                "DATABASE_URL": database.url,
                "REDIS_URL": REDIS_TEST_URL,
                "MEDIA_ROOT": str(tmp_path),
            }
            for command in (("migrate", "--no-input"), ("seed_demo",)):
                result = manage(*command, env=env)
                assert result.returncode == 0, result.stderr[-3000:]
            result = run_python(SCALE_OUT_CHECK, env)
            assert result.returncode == 0, result.stderr[-3000:]
            probe = json.loads(result.stdout.strip().splitlines()[-1])
        assert probe["db"] == "postgresql"
        assert probe["courses"] == 6
        assert probe["cache_backend"] == "RedisCache"
        assert probe["cache_ok"] is True
        assert probe["layer"] == "RedisChannelLayer"
        assert probe["layer_ok"] is True
        assert probe["broker"] == "Redis"
        assert probe["queued"] >= 1

"""Production refuses what would leak (accounts/checks.py): `check --deploy` reports
e-mail backends that deliver nothing (password-reset links would go to the log), and
the production settings do not even start with the logging SMS backend. The
production settings run in a fresh process, as a deployment would."""

import subprocess
import sys

import pytest
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from accounts.checks import email_backend_check, sms_backends_refuse_logging
from tests.security.test_headers import REPO, production_env

LOGGING_SMS = "core.notifications.LoggingSmsBackend"
ESKIZ = "accounts.sms.EskizSmsBackend"
UNDELIVERED = [
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
]


def run(args: list[str], **overrides) -> subprocess.CompletedProcess:
    env = production_env()
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return subprocess.run(
        [sys.executable, *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


class EmailBackendDeployCheckTests:
    def test_check_deploy_with_the_console_backend_is_an_error(self):
        result = run(
            ["manage.py", "check", "--deploy"],
            DJANGO_EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",
        )
        assert result.returncode != 0
        assert "accounts.E006" in result.stderr
        assert "password-reset links" in result.stderr

    @pytest.mark.parametrize("path", UNDELIVERED)
    def test_every_backend_that_delivers_nothing_is_refused(self, settings, path):
        settings.DEBUG = False
        settings.EMAIL_BACKEND = path
        (error,) = email_backend_check()
        assert error.id == "accounts.E006"
        assert error.level == checks.ERROR

    def test_smtp_passes(self, settings):
        settings.DEBUG = False
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        assert email_backend_check() == []

    def test_the_console_is_fine_with_debug(self, settings):
        settings.DEBUG = True
        settings.EMAIL_BACKEND = UNDELIVERED[0]
        assert email_backend_check() == []

    def test_a_backend_that_cannot_be_loaded_is_refused(self, settings):
        settings.DEBUG = False
        settings.EMAIL_BACKEND = "no.such.EmailBackend"
        assert [error.id for error in email_backend_check()] == ["accounts.E007"]

    def test_it_runs_with_the_deploy_checks_only(self, settings):
        settings.DEBUG = False
        settings.EMAIL_BACKEND = UNDELIVERED[0]
        deploy = checks.run_checks(include_deployment_checks=True)
        everyday = checks.run_checks(include_deployment_checks=False)
        assert "accounts.E006" in [message.id for message in deploy]
        assert "accounts.E006" not in [message.id for message in everyday]


class LoggingSmsRefusedAtStartTests:
    @pytest.mark.parametrize(
        "overrides",
        [
            {"KOMAK_SMS_BACKEND": LOGGING_SMS},
            {"KOMAK_SMS_BACKEND": None},  # the default is the logging backend
            {
                "KOMAK_NOTIFICATION_BACKENDS": (
                    f"core.notifications.EmailBackend,{LOGGING_SMS}"
                )
            },
        ],
    )
    def test_production_does_not_start_with_it(self, overrides):
        result = run(["-c", "import django; django.setup()"], **overrides)
        assert result.returncode != 0
        assert "ImproperlyConfigured" in result.stderr
        assert "would write sign-in codes" in result.stderr
        assert next(iter(overrides)) in result.stderr

    def test_nor_does_the_server_or_any_command(self):
        result = run(["manage.py", "migrate", "--check"], KOMAK_SMS_BACKEND=LOGGING_SMS)
        assert result.returncode != 0
        assert "KOMAK_SMS_BACKEND" in result.stderr

    def test_production_starts_with_a_gateway(self):
        result = run(
            [
                "-c",
                "import django; django.setup(); from django.conf import settings; "
                "print(settings.KOMAK_SMS_BACKEND)",
            ]
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip().splitlines()[-1] == ESKIZ

    def test_the_refusal_follows_the_production_flag(self, settings):
        settings.KOMAK_SMS_BACKEND = LOGGING_SMS
        settings.KOMAK_REFUSE_LOGGING_SMS = False
        sms_backends_refuse_logging()  # development and tests: the log is fine
        settings.KOMAK_REFUSE_LOGGING_SMS = True
        with pytest.raises(ImproperlyConfigured):
            sms_backends_refuse_logging()
        settings.KOMAK_SMS_BACKEND = ESKIZ
        settings.KOMAK_NOTIFICATION_BACKENDS = ["core.notifications.EmailBackend"]
        sms_backends_refuse_logging()

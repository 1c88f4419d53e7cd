"""App configuration for people and roles."""

from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("People and roles")

    def ready(self):
        from . import signals  # noqa: F401  (connects the receivers)
        from .checks import notification_backends_check, sms_backend_check

        checks.register(sms_backend_check, checks.Tags.security, deploy=True)
        checks.register(notification_backends_check, checks.Tags.security, deploy=True)

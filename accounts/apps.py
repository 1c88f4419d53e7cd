"""App configuration for people and roles, and Wagtail's users app as Ko'mak runs
it (its user screens record who views or lists people: accounts/admin_users.py)."""

from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _
from wagtail.users.apps import WagtailUsersAppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("People and roles")
    default = True

    def ready(self):
        from . import signals  # noqa: F401  (connects the receivers)
        from .checks import (
            email_backend_check,
            notification_backends_check,
            sms_backend_check,
            sms_backends_refuse_logging,
        )

        # Production settings: a sign-in code or a reminder written to the log would
        # leak, so the site does not start with the logging SMS backend at all.
        sms_backends_refuse_logging()
        checks.register(sms_backend_check, checks.Tags.security, deploy=True)
        checks.register(notification_backends_check, checks.Tags.security, deploy=True)
        checks.register(email_backend_check, checks.Tags.security, deploy=True)


class WagtailUsersConfig(WagtailUsersAppConfig):
    """`wagtail.users` with an audited user viewset: Wagtail's own way to customise
    its user screens (the `user_viewset` attribute, this class in INSTALLED_APPS in
    place of "wagtail.users"). Same name and label, so Wagtail's templates,
    migrations and permissions are unchanged."""

    default = False
    user_viewset = "accounts.admin_users.AuditedUserViewSet"

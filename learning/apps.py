"""App configuration for learning."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _certificates_forget_holder(sender, instance, **kwargs):
    """A user row removed outright (by an administrator) leaves her certificates
    verifiable and nameless, as deleting her own account does."""
    from .program_services import certificates_holder_forget

    certificates_holder_forget(user=instance)


def _certificates_forget_on_erasure(sender, user, **kwargs) -> None:
    """`account_erasing` (accounts/erasure.py): a person who erases her own account
    keeps her certificates verifiable by code, without her name. Her progress and
    enrolments go with the account's other linked rows."""
    from .program_services import certificates_holder_forget

    certificates_holder_forget(user=user)


class LearningConfig(AppConfig):
    name = "learning"
    verbose_name = _("Learning")

    def ready(self):
        from django.conf import settings
        from django.db.models.signals import pre_delete

        from accounts.erasure import account_erasing

        account_erasing.connect(
            _certificates_forget_on_erasure,
            dispatch_uid="learning_certificates_forget_on_erasure",
        )
        pre_delete.connect(
            _certificates_forget_holder,
            sender=settings.AUTH_USER_MODEL,
            dispatch_uid="learning_certificates_forget_holder",
        )

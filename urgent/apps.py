from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UrgentConfig(AppConfig):
    name = "urgent"
    verbose_name = _("Urgent help")

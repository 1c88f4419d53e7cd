"""App configuration for the project package; wires the site structure to migrations."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Site")

    def ready(self):
        from .setup import site_structure_ensure_on_migrate

        post_migrate.connect(site_structure_ensure_on_migrate, sender=self)

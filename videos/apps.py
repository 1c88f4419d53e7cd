"""App configuration of the videos app: gives trainers and coordinators the right to
upload videos once the role groups exist."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class VideosConfig(AppConfig):
    name = "videos"
    verbose_name = _("Lesson videos")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from .services import video_permissions_grant_on_migrate

        # `videos` comes after `cms` in INSTALLED_APPS, so the groups exist by then.
        post_migrate.connect(video_permissions_grant_on_migrate, sender=self)

"""App configuration for the project package; wires the site structure to migrations
and the anonymous page cache to the changes that make a cached page old."""

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Site")

    def ready(self):
        from .setup import site_structure_ensure_on_migrate

        post_migrate.connect(site_structure_ensure_on_migrate, sender=self)
        self.page_cache_wire()

    @staticmethod
    def page_cache_wire():
        """Clear the anonymous page cache (cms/page_cache.py) whenever what a cached
        page shows may have changed: a page published, unpublished, moved, deleted
        or made private, or a lesson video, its captions or an image changed (a
        video or an image just uploaded is on no page yet)."""
        from wagtail.images import get_image_model
        from wagtail.models import PageViewRestriction
        from wagtail.signals import page_published, page_unpublished, post_page_move

        from videos.models import LessonVideo, VideoCaption

        from .page_cache import (
            page_cache_clear_for_page,
            page_cache_clear_on_commit,
            page_cache_clear_unless_new,
        )

        for name, signal in (
            ("published", page_published),
            ("unpublished", page_unpublished),
            ("moved", post_page_move),
        ):
            signal.connect(
                page_cache_clear_on_commit, dispatch_uid=f"page-cache-{name}"
            )
        post_delete.connect(page_cache_clear_for_page, dispatch_uid="page-cache-delete")
        for model in (LessonVideo, get_image_model()):
            post_save.connect(
                page_cache_clear_unless_new,
                sender=model,
                dispatch_uid=f"page-cache-save-{model._meta.label}",
            )
        # New captions change a lesson's player; a page made private must not stay
        # readable from the cache.
        for model in (VideoCaption, PageViewRestriction):
            post_save.connect(
                page_cache_clear_on_commit,
                sender=model,
                dispatch_uid=f"page-cache-save-{model._meta.label}",
            )
        for model in (
            LessonVideo,
            VideoCaption,
            get_image_model(),
            PageViewRestriction,
        ):
            post_delete.connect(
                page_cache_clear_on_commit,
                sender=model,
                dispatch_uid=f"page-cache-delete-{model._meta.label}",
            )

"""The admin's "Lesson videos": upload, status, retry, and the chooser that the
lesson's video block uses (a Wagtail snippet viewset)."""

import re

from django.contrib import messages
from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.widgets.button import ListingButton
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from core.uploads import upload_limits

from .conf import video_setting
from .models import LessonVideo, VideoStatus
from .services import video_transcode_request, video_transcode_retry

# The captions' inline forms are named captions-0-file, captions-1-file, ...
CAPTION_FIELD = re.compile(r"captions-\d+-file")


def video_upload_limit(field_name: str) -> int | None:
    """The most bytes an upload of the video form may have, field by field: past it
    the file stops being written and the form refuses it (core/uploads.py)."""
    if field_name == "source":
        return video_setting("VIDEO_MAX_UPLOAD_BYTES")
    if CAPTION_FIELD.fullmatch(field_name):
        return video_setting("VIDEO_MAX_CAPTION_BYTES")
    return None


class LessonVideoViewSet(SnippetViewSet):
    model = LessonVideo
    icon = "media"
    menu_label = gettext_lazy("Lesson videos")
    menu_order = 250
    add_to_admin_menu = True
    list_display = ["title", "status_label", "duration", "created_at"]
    list_filter = ["status"]
    search_fields = ["title"]
    copy_view_enabled = False

    @property
    def add_view(self):
        return upload_limits(video_upload_limit)(super().add_view)

    @property
    def edit_view(self):
        return upload_limits(video_upload_limit)(super().edit_view)

    def retry_view(self, request, pk):
        """Queue a failed video again (a POST; a GET asks to confirm)."""
        video = get_object_or_404(LessonVideo, pk=pk)
        if not request.user.has_perm("videos.change_lessonvideo"):
            raise PermissionDenied
        index_url = reverse(self.get_url_name("list"))
        if request.method == "POST":
            if video_transcode_retry(video=video):
                messages.success(
                    request,
                    _("“%(title)s” will be prepared again.") % {"title": video.title},
                )
            else:
                messages.error(
                    request,
                    _("Only a video whose preparation failed can be retried."),
                )
            return redirect(index_url)
        return TemplateResponse(
            request,
            "videos/retry_confirm.html",
            {"video": video, "index_url": index_url},
        )

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("retry/<str:pk>/", self.retry_view, name="retry"),
        ]


video_viewset = LessonVideoViewSet()
register_snippet(video_viewset)


@hooks.register("register_snippet_listing_buttons")
def video_retry_button(snippet, user, next_url=None):
    if (
        isinstance(snippet, LessonVideo)
        and snippet.status == VideoStatus.FAILED
        and user.has_perm("videos.change_lessonvideo")
    ):
        yield ListingButton(
            _("Try again"),
            url=reverse(video_viewset.get_url_name("retry"), args=[quote(snippet.pk)]),
            icon_name="rotate",
            priority=10,
        )


@hooks.register("after_create_snippet")
def video_queue_after_create(request, instance):
    if isinstance(instance, LessonVideo):
        if instance.uploaded_by_id is None:
            LessonVideo.objects.filter(pk=instance.pk).update(uploaded_by=request.user)
        video_transcode_request(video=instance)


@hooks.register("after_edit_snippet")
def video_queue_after_edit(request, instance):
    if isinstance(instance, LessonVideo):
        video_transcode_request(video=instance)

"""Lesson videos and their captions.

A `LessonVideo` is a Wagtail snippet: trainers upload it in the admin and choose it in
a lesson's video block. Its ladder (HLS playlists, segments, poster, download) lives
in a folder under MEDIA_ROOT whose name is unique per build, and `ladder_dir` points
to it only once it is complete, so a half-written ladder is never served.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable
from wagtail.search import index

from .validators import caption_file_validate, video_file_validate


class VideoStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to be prepared")
    PROCESSING = "processing", _("Being prepared")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class LessonVideo(index.Indexed, ClusterableModel):
    """A video a trainer uploaded, and the ladder the task queue made from it."""

    title = models.CharField(
        verbose_name=_("title"),
        max_length=200,
    )
    source = models.FileField(
        verbose_name=_("video file"),
        upload_to="videos/sources/%Y/%m/",
        validators=[video_file_validate],
        help_text=_(
            "An MP4, WebM or MOV file with picture and sound: at most one hour, "
            "2 GB and Full HD (1920 × 1080, or 1080 × 1920 upright). Koʻmak "
            "prepares smaller copies for slow internet by itself."
        ),
    )
    status = models.CharField(
        verbose_name=_("status"),
        max_length=12,
        choices=VideoStatus.choices,
        default=VideoStatus.QUEUED,
    )
    progress_percent = models.PositiveSmallIntegerField(
        verbose_name=_("prepared (percent)"),
        default=0,
    )
    failure_reason = models.TextField(
        verbose_name=_("why it failed"),
        blank=True,
    )
    attempts = models.PositiveSmallIntegerField(
        verbose_name=_("attempts"),
        default=0,
        help_text=_("How many times preparing this video was started."),
    )
    interrupted_attempts = models.PositiveSmallIntegerField(
        verbose_name=_("interrupted attempts"),
        default=0,
        help_text=_(
            "Attempts that stopped before they finished (the task queue was stopped "
            "or timed out), since the last upload or “Try again”."
        ),
    )
    started_at = models.DateTimeField(
        verbose_name=_("last started"),
        null=True,
        blank=True,
    )
    duration = models.FloatField(
        verbose_name=_("length (seconds)"),
        null=True,
        blank=True,
    )
    ladder_dir = models.CharField(
        verbose_name=_("prepared files"),
        max_length=255,
        blank=True,
        help_text=_("Folder under the media folder; set only when it is complete."),
    )
    ladder_source = models.CharField(
        max_length=255,
        blank=True,
        help_text=_("The source file the prepared files were made from."),
    )
    renditions = models.JSONField(
        verbose_name=_("qualities"),
        default=list,
        blank=True,
    )
    download_bytes = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    panels = [
        FieldPanel("title"),
        FieldPanel("source"),
        MultiFieldPanel(
            [
                FieldPanel("status", read_only=True),
                FieldPanel("progress_percent", read_only=True),
                FieldPanel("failure_reason", read_only=True),
            ],
            heading=_("Preparation for slow internet"),
        ),
        InlinePanel(
            "captions",
            heading=_("Captions and transcripts"),
            label=_("Captions in one language"),
        ),
    ]
    search_fields = [index.SearchField("title"), index.AutocompleteField("title")]

    class Meta:
        verbose_name = _("lesson video")
        verbose_name_plural = _("lesson videos")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_ready(self) -> bool:
        return self.status == VideoStatus.READY and bool(self.ladder_dir)

    def status_label(self) -> str:
        if self.status == VideoStatus.PROCESSING:
            return _("Being prepared: %(percent)s%%") % {
                "percent": self.progress_percent
            }
        if self.status == VideoStatus.FAILED:
            return _("Failed: %(reason)s") % {"reason": self.failure_reason}
        return self.get_status_display()

    status_label.short_description = _("status")


class CaptionLanguage(models.TextChoices):
    UZBEK = "uz", _("Uzbek")
    RUSSIAN = "ru", _("Russian")
    ENGLISH = "en", _("English")
    KARAKALPAK = "kaa", _("Karakalpak")


class VideoCaption(Orderable):
    """Captions of a video in one language (WebVTT); the same cues make the
    transcript shown under the player."""

    video = ParentalKey(
        LessonVideo,
        on_delete=models.CASCADE,
        related_name="captions",
    )
    language = models.CharField(
        verbose_name=_("language"),
        max_length=8,
        choices=CaptionLanguage.choices,
    )
    file = models.FileField(
        verbose_name=_("WebVTT file"),
        upload_to="videos/captions/%Y/%m/",
        validators=[caption_file_validate],
        help_text=_("A .vtt file: the words spoken, with their times."),
    )

    panels = [FieldPanel("language"), FieldPanel("file")]

    class Meta(Orderable.Meta):
        verbose_name = _("captions")
        constraints = [
            models.UniqueConstraint(
                fields=["video", "language"],
                name="videos_one_caption_per_language",
            )
        ]

    def __str__(self) -> str:
        return f"{self.video} ({self.get_language_display()})"

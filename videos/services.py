"""Writes of the videos app: creating videos, asking for and running their
transcoding, retrying failures, and the trainers' permissions.

The ladder is built in `videos/ladders/<id>/building-<uuid>/` and renamed to
`videos/ladders/<id>/<uuid>/` (a rename within one file system is atomic) only when
complete; `ladder_dir` is set after the rename. A worker killed halfway leaves a
`building-` folder that nothing points to, and the next attempt removes it.
"""

import datetime
import logging
import os
import shutil
import uuid
from functools import partial
from pathlib import Path

import av
from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_q.tasks import async_task

from .conf import video_setting
from .models import LessonVideo, VideoCaption, VideoStatus
from .probe import ProbeError, media_probe
from .transcode import ladder_build

logger = logging.getLogger(__name__)

LADDERS = Path("videos") / "ladders"
BUILDING_PREFIX = "building-"
TRANSCODE_TASK = "videos.tasks.video_transcode"


def _ladders_root(video_id: int) -> Path:
    return Path(settings.MEDIA_ROOT) / LADDERS / str(video_id)


def _enqueue(video_id: int) -> None:
    transaction.on_commit(
        lambda: async_task(
            TRANSCODE_TASK, video_id, task_name=f"video-{video_id}-transcode"
        )
    )


def video_create(
    *,
    title: str,
    source: File,
    uploaded_by=None,
    captions: dict[str, File] | None = None,
) -> LessonVideo:
    """Store a video after the same checks as the admin's form, then queue it."""
    video = LessonVideo(title=title, source=source, uploaded_by=uploaded_by)
    video.full_clean()
    with transaction.atomic():
        video.save()
        for language, caption_file in (captions or {}).items():
            caption = VideoCaption(video=video, language=language, file=caption_file)
            caption.full_clean()
            caption.save()
        _enqueue(video.pk)
    return video


def video_transcode_request(*, video: LessonVideo) -> bool:
    """Queue a video whose current source has no ladder yet (after an upload or a
    new file). Returns whether it was queued."""
    with transaction.atomic():
        updated = (
            LessonVideo.objects.filter(pk=video.pk)
            .exclude(status__in=[VideoStatus.QUEUED, VideoStatus.PROCESSING])
            .exclude(ladder_source=video.source.name, status=VideoStatus.READY)
            .update(
                status=VideoStatus.QUEUED,
                progress_percent=0,
                failure_reason="",
                interrupted_attempts=0,
                updated_at=timezone.now(),
            )
        )
        fresh = LessonVideo.objects.filter(
            pk=video.pk, status=VideoStatus.QUEUED, attempts=0
        ).exists()
        if updated or fresh:
            _enqueue(video.pk)
            return True
    return False


def video_transcode_retry(*, video: LessonVideo) -> bool:
    """Queue a failed video again. Returns False when it had not failed."""
    with transaction.atomic():
        updated = LessonVideo.objects.filter(
            pk=video.pk, status=VideoStatus.FAILED
        ).update(
            status=VideoStatus.QUEUED,
            progress_percent=0,
            failure_reason="",
            interrupted_attempts=0,
            updated_at=timezone.now(),
        )
        if updated:
            _enqueue(video.pk)
    return bool(updated)


def _task_timeout() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.Q_CLUSTER.get("timeout") or 600)


def _max_attempts() -> int:
    """How many interrupted attempts a video gets: django-q2's own `max_attempts`,
    which counts only attempts that ended with an error, never a worker killed."""
    return settings.Q_CLUSTER.get("max_attempts") or 3


def _stalled_after() -> datetime.timedelta:
    """An attempt started longer ago than this is dead: django-q2 kills a task after
    `timeout`, and the ORM broker hands it out again after `retry`; the grace lets
    that redelivery come first."""
    seconds = max(
        settings.Q_CLUSTER.get("timeout") or 600,
        settings.Q_CLUSTER.get("retry") or 0,
    )
    return datetime.timedelta(
        seconds=seconds + video_setting("VIDEO_STALLED_GRACE_SECONDS")
    )


def _interrupted_reason(count: int) -> str:
    return ngettext(
        "Preparing the video stopped %(count)d time before it was finished, so "
        "Koʻmak stopped trying. The file may be too long or damaged: press “Try "
        "again”, or upload the file again.",
        "Preparing the video stopped %(count)d times before it was finished, so "
        "Koʻmak stopped trying. The file may be too long or damaged: press “Try "
        "again”, or upload the file again.",
        count,
    ) % {"count": count}


def _progress_save(video_id: int, percent: int) -> None:
    LessonVideo.objects.filter(pk=video_id, status=VideoStatus.PROCESSING).update(
        progress_percent=percent
    )


def _building_remove(video_id: int) -> None:
    """Remove what earlier, killed attempts left half-written."""
    for stale in _ladders_root(video_id).glob(f"{BUILDING_PREFIX}*"):
        shutil.rmtree(stale, ignore_errors=True)


def _fail(video_id: int, reason: str) -> None:
    LessonVideo.objects.filter(pk=video_id).update(
        status=VideoStatus.FAILED, failure_reason=reason, progress_percent=0
    )


def video_transcode(*, video_id: int) -> VideoStatus:
    """Build and publish the ladder of one video (the task queue's job)."""
    with transaction.atomic():
        video = LessonVideo.objects.select_for_update().filter(pk=video_id).first()
        if video is None:
            return VideoStatus.FAILED
        source_name = video.source.name
        if video.status == VideoStatus.READY and video.ladder_source == source_name:
            return VideoStatus.READY
        if (
            video.status == VideoStatus.PROCESSING
            and video.started_at
            and video.started_at > timezone.now() - _task_timeout()
        ):
            # Another worker is on it; if that worker died, the broker hands this
            # task out again after `retry` seconds, when this test no longer holds.
            return VideoStatus.PROCESSING
        if video.status == VideoStatus.PROCESSING:
            # Handed out again: the attempt before never finished (its worker was
            # killed, or it timed out or failed unexpectedly).
            video.interrupted_attempts += 1
        stopped = video.interrupted_attempts >= _max_attempts()
        if stopped:
            video.status = VideoStatus.FAILED
            video.progress_percent = 0
            video.failure_reason = _interrupted_reason(video.interrupted_attempts)
        else:
            video.status = VideoStatus.PROCESSING
            video.progress_percent = 0
            video.failure_reason = ""
            video.attempts += 1
            video.started_at = timezone.now()
        video.save(
            update_fields=[
                "started_at",
                "status",
                "progress_percent",
                "failure_reason",
                "attempts",
                "interrupted_attempts",
                "updated_at",
            ]
        )
    if stopped:
        logger.warning(
            "Video %s failed after %s interrupted attempts",
            video_id,
            video.interrupted_attempts,
        )
        _building_remove(video_id)
        return VideoStatus.FAILED
    root = _ladders_root(video_id)
    root.mkdir(parents=True, exist_ok=True)
    _building_remove(video_id)
    build_id = uuid.uuid4().hex
    building = root / f"{BUILDING_PREFIX}{build_id}"
    try:
        source_path = video.source.path
        probe = media_probe(source=source_path, size=os.path.getsize(source_path))
        ladder = ladder_build(
            source=Path(source_path),
            work_dir=building,
            duration=probe.duration,
            on_progress=lambda percent: _progress_save(video_id, percent),
        )
    except ProbeError as error:
        shutil.rmtree(building, ignore_errors=True)
        _fail(video_id, error.message)
        return VideoStatus.FAILED
    except (av.FFmpegError, OSError, StopIteration) as error:
        logger.exception("Transcoding video %s failed", video_id)
        shutil.rmtree(building, ignore_errors=True)
        _fail(
            video_id,
            _("The video could not be converted (%(error)s).") % {"error": error},
        )
        return VideoStatus.FAILED
    published = root / build_id
    os.rename(building, published)
    with transaction.atomic():
        video = LessonVideo.objects.select_for_update().get(pk=video_id)
        previous = video.ladder_dir
        video.ladder_dir = str(LADDERS / str(video_id) / build_id)
        video.ladder_source = source_name
        video.renditions = ladder.as_dict()["renditions"]
        video.duration = ladder.duration
        video.download_bytes = ladder.download_bytes
        video.progress_percent = 100
        video.status = VideoStatus.READY
        video.save()
        replaced = video.source.name != source_name
        if replaced:
            # A new file was uploaded while this one was being converted.
            video.status = VideoStatus.QUEUED
            video.save(update_fields=["status", "updated_at"])
            _enqueue(video_id)
    if previous and previous != video.ladder_dir:
        shutil.rmtree(Path(settings.MEDIA_ROOT) / previous, ignore_errors=True)
    return VideoStatus.READY


def _stalled_rows(now: datetime.datetime) -> list[tuple]:
    return list(
        LessonVideo.objects.filter(
            status=VideoStatus.PROCESSING, started_at__lt=now - _stalled_after()
        ).values_list("pk", "started_at", "interrupted_attempts")
    )


def videos_stalled_recover(*, now: datetime.datetime | None = None) -> dict:
    """Find videos whose preparation died without a trace and act on them: the task
    queue's `videos: recover stalled videos` schedule.

    With the Redis broker (the scale-out profile) a task whose cluster was killed is
    gone for good, and its video would say "Being prepared" for ever. An attempt
    older than `_stalled_after()` counts as interrupted: the video is queued again,
    or marked failed with a reason once it has had `_max_attempts()`. A video queued
    long ago whose task was lost (Redis restarted without its data) is queued again.

    Safe with several clusters on one database: each change is a conditional UPDATE
    on the values this sweep read, so only one sweeper acts on a video, and a task
    handed out twice finds it already taken (`video_transcode`).
    """
    now = now or timezone.now()
    requeued = failed = 0
    for video_id, started_at, interrupted in _stalled_rows(now):
        unchanged = LessonVideo.objects.filter(
            pk=video_id,
            status=VideoStatus.PROCESSING,
            started_at=started_at,
            interrupted_attempts=interrupted,
        )
        interrupted += 1
        with transaction.atomic():
            if interrupted >= _max_attempts():
                if unchanged.update(
                    status=VideoStatus.FAILED,
                    progress_percent=0,
                    interrupted_attempts=interrupted,
                    failure_reason=_interrupted_reason(interrupted),
                    updated_at=now,
                ):
                    failed += 1
                    transaction.on_commit(partial(_building_remove, video_id))
            elif unchanged.update(
                status=VideoStatus.QUEUED,
                progress_percent=0,
                interrupted_attempts=interrupted,
                updated_at=now,
            ):
                requeued += 1
                _enqueue(video_id)
    forgotten = LessonVideo.objects.filter(
        status=VideoStatus.QUEUED,
        updated_at__lt=now
        - datetime.timedelta(seconds=video_setting("VIDEO_QUEUED_STALE_SECONDS")),
    ).values_list("pk", "updated_at")
    for video_id, updated_at in forgotten:
        with transaction.atomic():
            if LessonVideo.objects.filter(
                pk=video_id, status=VideoStatus.QUEUED, updated_at=updated_at
            ).update(updated_at=now):
                requeued += 1
                _enqueue(video_id)
    if requeued or failed:
        logger.warning("Stalled videos: %s queued again, %s failed", requeued, failed)
    return {"requeued": requeued, "failed": failed}


def video_permissions_grant(*, group_names: tuple[str, ...]) -> None:
    """Let these groups upload, edit and choose lesson videos in the admin."""
    from django.contrib.auth.models import Group, Permission

    permissions = Permission.objects.filter(
        content_type__app_label="videos",
        codename__in=[
            f"{action}_{model}"
            for action in ("add", "change", "view")
            for model in ("lessonvideo", "videocaption")
        ],
    )
    for group in Group.objects.filter(name__in=group_names):
        group.permissions.add(*permissions)


def video_permissions_grant_on_migrate(sender, using="default", **kwargs) -> None:
    from django.contrib.auth.management import create_permissions

    from accounts.roles import COORDINATOR, TRAINER

    create_permissions(sender, verbosity=0, using=using)
    video_permissions_grant(group_names=(TRAINER, COORDINATOR))

"""Tasks of the videos app, run by the django-q2 cluster. They take ids and call a
service."""

from .services import video_transcode as video_transcode_service
from .services import videos_stalled_recover as videos_stalled_recover_service


def video_transcode(video_id: int) -> str:
    """Make the HLS ladder of one video. Safe to run again: a retry after a killed
    worker starts the ladder afresh in a new folder."""
    return str(video_transcode_service(video_id=video_id))


def videos_stalled_recover() -> str:
    """Queue again, or mark failed, the videos whose preparation died unseen
    (videos/schedules.py, made by `manage.py schedule_tasks`)."""
    return str(videos_stalled_recover_service())

"""The demo lesson video: narrated slides made on the spot, queued for the same
pipeline as a trainer's upload, and placed in the first lesson of the video-call
course. Called by `seed_demo`; the django-q2 cluster that `make run` starts
transcodes it."""

import tempfile
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile

from videos.models import LessonVideo, VideoStatus
from videos.samples import Narration, narrated_slides_write, webvtt_from_cues
from videos.services import video_create, video_transcode_retry

DEMO_TITLE = "Videoqoʻngʻiroqqa tayyorlanish"
DEMO_COURSE_SLUG = "oila-bilan-videoqongiroq"
DEMO_LESSON_SLUG = "tayyorgarlik"
NARRATION = Narration(
    slides=[
        "Assalomu alaykum! Bugun videoqoʻngʻiroqqa tayyorlanamiz.",
        "Avval telefonni quvvatlang. Videoqoʻngʻiroq batareyani tez sarflaydi.",
        "Internet belgisini tekshiring: Wi-Fi yoki mobil internet.",
        "Derazaga yuzingiz bilan oʻtiring. Shunda yuzingiz yorugʻ koʻrinadi.",
        "Tayyor! Endi yaqinlaringizga qoʻngʻiroq qiling.",
    ],
    speech="",
    language="uz",
)


def demo_video_ensure() -> tuple[LessonVideo | None, str]:
    """Make the demo video and put it in the demo lesson, once. Returns the video
    and a note for the person running `seed_demo`."""
    from learning.models import CoursePage, LessonPage

    course = CoursePage.objects.filter(
        slug=DEMO_COURSE_SLUG, locale__language_code=settings.LANGUAGE_CODE
    ).first()
    lesson = (
        LessonPage.objects.child_of(course).filter(slug=DEMO_LESSON_SLUG).first()
        if course
        else None
    )
    if lesson is None:
        return None, "the demo lesson for the video is missing"
    video = LessonVideo.objects.filter(title=DEMO_TITLE).first()
    note = "demo video already there"
    if video is None:
        with tempfile.TemporaryDirectory() as folder:
            made = narrated_slides_write(Path(folder) / "demo.mp4", narration=NARRATION)
            with made.path.open("rb") as handle:
                video = video_create(
                    title=DEMO_TITLE,
                    source=File(handle, name="komak-demo-videoqongiroq.mp4"),
                    captions={
                        "uz": ContentFile(
                            webvtt_from_cues(made.cues).encode(),
                            name="komak-demo-videoqongiroq.uz.vtt",
                        )
                    },
                )
        note = (
            "demo video made with espeak-ng narration; it is transcoded by the "
            "django-q2 cluster"
            if made.spoken
            else "espeak-ng is not installed: the demo video has a tone instead of "
            "a voice (apt-get install espeak-ng)"
        )
    elif video.status == VideoStatus.FAILED:
        video_transcode_retry(video=video)
        note = "demo video failed before: queued again"
    if not any(block.block_type == "video" for block in lesson.body):
        lesson.body.insert(
            1,
            (
                "video",
                {
                    "video": video,
                    "title": DEMO_TITLE,
                    "description": "Telefon, internet va yorugʻlikni tayyorlash.",
                },
            ),
        )
        lesson.save_revision().publish()
    return video, note

"""Who may fetch a lesson video's files: those who may see a published lesson that
shows it, and the staff who manage videos; nobody else (404, as for a missing file).
"""

import pytest
from django.contrib.auth.models import Group
from wagtail.models import PageViewRestriction

from accounts.roles import COORDINATOR, LEARNER, SOCIAL_WORKER, TRAINER
from tests.accounts.factories import user_create
from tests.support.videos import (
    CAPTION,
    SEGMENT,
    caption_url,
    ladder_url,
    lesson_showing,
    ready_video_create,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

FILES = ("master.m3u8", "234p.m3u8", "seg000.m4s", "poster.jpg", "download.mp4")


@pytest.fixture
def video():
    return ready_video_create()


def signed_in(client, *roles):
    client.force_login(user_create(roles=roles))
    return client


def statuses(client, video) -> list[int]:
    urls = [ladder_url(video, name) for name in FILES] + [caption_url(video)]
    return [client.get(url).status_code for url in urls]


class PublicLessonVideoTests:
    def test_every_file_is_for_everyone_and_publicly_cached(self, video, client):
        lesson_showing(video)
        assert statuses(client, video) == [200] * 6
        segment = client.get(ladder_url(video, "seg000.m4s"))
        assert segment.content == SEGMENT
        assert segment["Cache-Control"] == "public, max-age=31536000, immutable"
        caption = client.get(caption_url(video))
        assert caption.content == CAPTION
        assert (
            caption["Cache-Control"]
            == "public, max-age=300, stale-while-revalidate=86400"
        )

    def test_the_download_is_an_attachment(self, video, client):
        lesson_showing(video)
        response = client.get(ladder_url(video, "download.mp4"))
        assert response["Content-Disposition"] == 'attachment; filename="video.mp4"'

    def test_unpublishing_the_lesson_withdraws_its_video(self, video, client):
        lesson = lesson_showing(video)
        assert client.get(ladder_url(video, "master.m3u8")).status_code == 200
        lesson.unpublish()
        assert statuses(client, video) == [404] * 6

    def test_a_video_the_lesson_no_longer_shows_is_withdrawn(self, video, client):
        lesson = lesson_showing(video)
        lesson.body = [
            block for block in lesson.body.raw_data if block["type"] != "video"
        ]
        lesson.save_revision().publish()
        assert statuses(client, video) == [404] * 6


class RestrictedLessonVideoTests:
    def test_a_draft_lesson_shows_its_video_to_nobody_but_staff(self, video, client):
        lesson_showing(video, live=False)
        assert statuses(client, video) == [404] * 6
        assert statuses(signed_in(client, LEARNER), video) == [404] * 6

    def test_a_published_lesson_with_a_draft_that_adds_the_video(self, video, client):
        lesson = lesson_showing(ready_video_create(title="Boshqa video"))
        lesson.body.append(("video", {"video": video, "title": "V", "description": ""}))
        lesson.save_revision()  # a draft: the published lesson does not show it yet
        assert statuses(client, video) == [404] * 6

    def test_a_video_no_lesson_shows_is_for_nobody_but_staff(self, video, client):
        assert statuses(signed_in(client, LEARNER), video) == [404] * 6

    @pytest.mark.parametrize("role", [TRAINER, COORDINATOR])
    def test_staff_preview_any_video_privately(self, video, client, role):
        lesson_showing(video, live=False)
        client = signed_in(client, role)
        assert statuses(client, video) == [200] * 6
        response = client.get(ladder_url(video, "seg000.m4s"))
        assert response["Cache-Control"] == "private, max-age=31536000, immutable"

    def test_a_signed_in_only_course_s_video_is_for_people_signed_in(
        self, video, client
    ):
        lesson_showing(video, restriction=PageViewRestriction.LOGIN)
        assert statuses(client, video) == [404] * 6
        client = signed_in(client, LEARNER)
        assert statuses(client, video) == [200] * 6
        response = client.get(ladder_url(video, "master.m3u8"))
        # Not for shared caches: another reader behind the same proxy may not see it.
        assert (
            response["Cache-Control"]
            == "private, max-age=60, stale-while-revalidate=86400"
        )

    def test_a_group_s_course_video_is_for_that_group(self, video, client):
        lesson_showing(
            video,
            restriction=PageViewRestriction.GROUPS,
            groups=[Group.objects.get(name=SOCIAL_WORKER)],
        )
        assert statuses(signed_in(client, LEARNER), video) == [404] * 6
        assert statuses(signed_in(client, LEARNER, SOCIAL_WORKER), video) == [200] * 6

    def test_one_public_lesson_among_restricted_ones_makes_it_public(
        self, video, client
    ):
        lesson_showing(video, restriction=PageViewRestriction.LOGIN)
        lesson_showing(video)
        response = client.get(ladder_url(video, "seg000.m4s"))
        assert response.status_code == 200
        assert response["Cache-Control"].startswith("public,")


class FileNameTests:
    def test_a_file_of_another_video_s_build_is_not_served(self, video, client):
        lesson_showing(video)
        other = ready_video_create(title="Boshqa")
        url = ladder_url(video, "master.m3u8").replace(f"/{video.pk}/", f"/{other.pk}/")
        assert client.get(url).status_code == 404

    def test_a_caption_in_another_language_is_not_there(self, video, client):
        lesson_showing(video)
        assert (
            client.get(caption_url(video).replace("uz.vtt", "ru.vtt")).status_code
            == 404
        )

    def test_only_get_and_head(self, video, client):
        lesson_showing(video)
        assert client.post(ladder_url(video, "master.m3u8")).status_code == 405
        assert client.head(ladder_url(video, "master.m3u8")).status_code == 200

"""Help given by a social worker (issue 15): she records from her own account that
she helped a named learner with a lesson; the learner's own mark stays and counts
apart; coordinators' figures show lessons done alone, with confirmed help, and by
whom."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from analytics.aggregates import tables_compute
from audit.models import AuditAction, AuditRecord
from core.suppression import suppress_small_groups
from learning.models import LessonHelp, LessonProgress
from tests.accounts.factories import user_create
from tests.analytics.fixtures import TODAY
from tests.learning.factories import course_create
from tests.support.i18n import uz
from tests.support.sign_in_here import assert_sign_in_here

pytestmark = pytest.mark.django_db
URL = "/uz/learning/help-given/"


@pytest.fixture
def world():
    course, lessons = course_create(lessons=2)
    helper = user_create(
        roles=("Learner", "Social worker"), full_name="Dilnoza Yordamchi"
    )
    learner = user_create(phone_number="+998901112233", region="navoiy")
    return {"course": course, "lessons": lessons, "helper": helper, "learner": learner}


def post(client, world, **fields):
    data = {
        "learner": "+998901112233",
        "lesson": world["lessons"][0].pk,
        "mode": "phone",
        **fields,
    }
    return client.post(URL, data)


class RecordTests:
    def test_the_url(self):
        assert reverse("learning_lesson_help") == URL

    def test_a_social_worker_records_help_and_the_lesson_is_done_with_help(
        self, client, world
    ):
        client.force_login(world["helper"])
        response = post(client, world)
        assert response.status_code == 302
        given = LessonHelp.objects.get()
        assert (given.helper, given.learner, given.mode) == (
            world["helper"],
            world["learner"],
            "phone",
        )
        progress = LessonProgress.objects.get(user=world["learner"])
        assert progress.completed_at is not None
        assert progress.completed_with_help
        record = AuditRecord.objects.get(action=AuditAction.LESSON_HELP_RECORD)
        assert record.actor_id == world["helper"].pk
        assert record.target_id == str(world["learner"].pk)
        assert record.detail == {"lesson": world["lessons"][0].pk, "mode": "phone"}

    def test_the_learners_own_mark_stays(self, client, world):
        lesson = world["lessons"][0]
        done_alone = timezone.now()
        LessonProgress.objects.create(
            user=world["learner"],
            lesson=lesson,
            course=world["course"],
            opened_at=done_alone,
            last_activity_at=done_alone,
            completed_at=done_alone,
            completed_with_help=False,
        )
        client.force_login(world["helper"])
        assert post(client, world, mode="in_person").status_code == 302
        progress = LessonProgress.objects.get(user=world["learner"], lesson=lesson)
        assert progress.completed_at == done_alone
        assert not progress.completed_with_help
        assert LessonHelp.objects.filter(learner=world["learner"]).exists()

    def test_her_page_lists_what_she_recorded(self, client, world):
        client.force_login(world["helper"])
        post(client, world)
        response = client.get(URL)
        assert response.status_code == 200
        assert world["lessons"][0].title in response.content.decode()


class RefusalTests:
    @pytest.mark.parametrize(
        "fields",
        [
            {"learner": "+998909999999"},
            {"learner": ""},
            {"lesson": "abc"},
            {"lesson": "999999"},
            {"mode": "by_pigeon"},
        ],
    )
    def test_bad_input_is_refused_with_a_message(self, client, world, fields):
        client.force_login(world["helper"])
        response = post(client, world, **fields)
        assert response.status_code == 400
        assert 'role="alert"' in response.content.decode()
        assert not LessonHelp.objects.exists()
        assert not LessonProgress.objects.exists()

    def test_help_is_recorded_once(self, client, world):
        client.force_login(world["helper"])
        post(client, world)
        response = post(client, world)
        assert response.status_code == 400
        assert LessonHelp.objects.count() == 1

    def test_not_for_herself(self, client, world):
        client.force_login(world["helper"])
        response = post(client, world, learner=world["helper"].username)
        assert response.status_code == 400
        assert not LessonHelp.objects.exists()

    def test_only_social_workers(self, client, world):
        client.force_login(world["learner"])
        assert client.get(URL).status_code == 403
        assert post(client, world).status_code == 403
        assert not LessonHelp.objects.exists()

    def test_a_visitor_is_asked_to_sign_in(self, client, world):
        assert_sign_in_here(client.get(URL), URL)
        response = post(client, world)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
        assert not LessonHelp.objects.exists()


NOBODY = "Nobody has this username or phone number. Check it and try again."
TOO_MANY = "Too many usernames or numbers matched nobody. Please try again in an hour."


def lookups():
    return list(
        AuditRecord.objects.filter(action=AuditAction.LESSON_HELP_LOOKUP).order_by(
            "sequence"
        )
    )


@pytest.mark.usefixtures("fresh_limits")
class AsIfAbsentTests:
    """A social worker finds only the people she serves; for anyone else the page
    answers exactly as for a number nobody has (docs/privacy.md, "Who sees whom")."""

    @pytest.mark.parametrize(
        "person",
        [
            {"roles": ("Learner", "Social worker")},
            {"roles": ("Specialist",)},
            {"roles": ("Trainer",)},
            {"roles": ("Coordinator",)},
            {"roles": (), "is_staff": True},
            {"roles": (), "is_superuser": True},
            {"roles": ("Learner",), "is_active": False},
        ],
        ids=[
            "colleague",
            "specialist",
            "trainer",
            "coordinator",
            "staff",
            "superuser",
            "inactive",
        ],
    )
    def test_someone_she_does_not_serve_answers_as_nobody(self, client, world, person):
        fields = dict(person)
        roles = fields.pop("roles")
        user_create(roles=roles, phone_number="+998935550011", **fields)
        client.force_login(world["helper"])
        nobody = post(client, world, learner="+998935550099")
        somebody = post(client, world, learner="+998 93 555 00 11")
        assert nobody.status_code == somebody.status_code == 400
        assert nobody.context["error"] == somebody.context["error"] == uz(NOBODY)
        assert not LessonHelp.objects.exists()
        assert not LessonProgress.objects.exists()

    def test_each_lookup_is_recorded_with_counts_only(self, client, world):
        client.force_login(world["helper"])
        post(client, world, learner="+998935550099")
        post(client, world, learner="998901112233")
        records = lookups()
        assert [record.detail for record in records] == [
            {"tried": 1, "matched": 0},
            {"tried": 1, "matched": 1},
        ]
        assert {record.actor_id for record in records} == {world["helper"].pk}
        assert "9012" not in str([record.detail for record in records])

    def test_after_the_misses_of_an_hour_the_page_stops_looking(
        self, client, world, settings
    ):
        settings.LESSON_HELP_MISSES_PER_HOUR = 3
        client.force_login(world["helper"])
        for index in range(3):
            assert post(client, world, learner=f"+99893555001{index}").status_code == (
                400
            )
        limited = post(client, world)  # a real learner now: still refused
        assert limited.status_code == 429
        assert limited.context["error"] == uz(TOO_MANY)
        assert len(lookups()) == 3
        assert not LessonHelp.objects.exists()
        other = user_create(roles=("Learner", "Social worker"))
        client.force_login(other)
        assert post(client, world).status_code == 302

    def test_found_learners_do_not_count_as_misses(self, client, world, settings):
        settings.LESSON_HELP_MISSES_PER_HOUR = 1
        client.force_login(world["helper"])
        for index in range(3):
            learner = user_create(phone_number=f"+99890300000{index}")
            response = post(client, world, learner=learner.phone_number)
            assert response.status_code == 302

    def test_the_hour_ends(self, client, world, settings):
        settings.LESSON_HELP_MISSES_PER_HOUR = 1
        client.force_login(world["helper"])
        post(client, world, learner="+998935550099")
        assert post(client, world).status_code == 429
        cache.delete(f"lesson-help-misses:{world['helper'].pk}")
        assert post(client, world).status_code == 302


class ReportTests:
    def test_figures_alone_with_confirmed_help_and_by_whom(self, client, world):
        """By hand: 6 learners in Navoiy helped by Dilnoza (5 in person, 1 by
        phone); 5 more marked a lesson done alone; none marked help themselves."""
        lessons = world["lessons"]
        client.force_login(world["helper"])
        for index in range(6):
            learner = user_create(phone_number=f"+99890200000{index}", region="navoiy")
            response = post(
                client,
                world,
                learner=learner.phone_number,
                mode="phone" if index == 0 else "in_person",
            )
            assert response.status_code == 302
        now = timezone.now()
        for _index in range(5):
            LessonProgress.objects.create(
                user=user_create(region="navoiy"),
                lesson=lessons[1],
                course=world["course"],
                opened_at=now,
                last_activity_at=now,
                completed_at=now,
            )
        tables = tables_compute(population="real", today=TODAY)
        lessons_table = tables["lessons_region"]
        assert lessons_table["rows"] == ["navoiy", "total"]
        assert lessons_table["cells"] == [[0, 5, 0, 6, 11], [0, 5, 0, 6, 11]]
        helpers = tables["lesson_helpers"]
        assert helpers["rows"] == [f"helper-{world['helper'].pk}", "total"]
        assert helpers["cells"] == suppress_small_groups([[5, 1, 6], [5, 1, 6]])
        assert helpers["cells"][0][2] == 6


class LinkTests:
    def test_my_training_links_to_it_for_social_workers_only(self, client, world):
        client.force_login(world["helper"])
        assert URL in client.get(reverse("learning_my_training")).content.decode()
        client.force_login(world["learner"])
        assert URL not in client.get(reverse("learning_my_training")).content.decode()

"""The demo's data files (demo/courses/, demo/people.yaml): every one loads and
passes the lesson blocks' own checks, and a broken one stops `seed_demo` with a
message naming the file and the field, before anything is written."""

import shutil

import pytest
import yaml
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from wagtail.models import Page

from demo import courses as demo_courses
from demo.consultations import consultations_read
from demo.courses import (
    DemoDataError,
    course_read,
    courses_read,
    lesson_body_prepare,
)
from demo.management.commands.seed_demo import demo_picture
from demo.people import people_read
from demo.training import TRAINING_FILE, training_read
from learning.models import CoursePage

FIRST_COURSE = "1-smartfon-asoslari.yaml"
SIMULATION_COURSE = "3-firibgarlardan-saqlaning.yaml"


def first_index(body: list[dict], kind: str) -> int:
    return next(number for number, block in enumerate(body) if block["type"] == kind)


@pytest.fixture
def course_folder(tmp_path, monkeypatch):
    """A copy of the demo courses that `seed_demo` reads instead, and a way to
    change one of its files."""
    folder = tmp_path / "courses"
    shutil.copytree(demo_courses.COURSES, folder)
    monkeypatch.setattr(demo_courses, "COURSES", folder)

    def change(name: str, edit) -> str:
        path = folder / name
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        edit(data)
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        return str(path)

    return change


class DataFilesTests:
    def test_every_course_file_reads(self):
        courses = courses_read()
        assert [course["path"].name for course in courses] == sorted(
            path.name for path in demo_courses.COURSES.glob("*.yaml")
        )
        assert len(courses) == 6
        assert sum(len(course["lessons"]) for course in courses) >= 18

    @pytest.mark.django_db
    def test_every_lesson_body_passes_the_blocks_checks(self, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path
        for course in courses_read():
            for number, lesson in enumerate(course["lessons"]):
                body = lesson_body_prepare(
                    course=course,
                    number=number,
                    image_id=lambda name: demo_picture(name).pk,
                )
                assert [block["type"] for block in body] == [
                    block["type"] for block in lesson["body"]
                ]

    def test_the_people_file_reads(self):
        people = people_read()
        assert [person["username"] for person in people["people"]] == [
            "learner",
            "trainer",
            "specialist",
            "client",
            "coordinator",
            "socialworker",
        ]

    def test_the_training_file_reads_with_a_bank_for_each_social_workers_course(self):
        training = training_read()
        assert sorted(training["question_banks"]) == [
            "mijoz-malumotlarini-himoya",
            "onlayn-konsultatsiya-otkazish",
        ]
        programs = [program["slug"] for program in training["programs"]]
        assert programs == [
            "raqamli-xizmat-asoslari",
            "malumot-himoyasi-va-onlayn-xizmat",
        ]

    def test_the_consultations_file_reads_with_terms_in_four_languages(self):
        terms = consultations_read()["terms"]
        assert sorted(terms["translations"]) == ["en", "kaa", "ru"]
        assert "112" in terms["uz"]["text"]


class BrokenDataFileTests:
    """The other data files are checked the same way as the courses."""

    def test_a_bank_question_with_one_answer(self, tmp_path):
        data = yaml.safe_load(TRAINING_FILE.read_text(encoding="utf-8"))
        bank = data["question_banks"]["mijoz-malumotlarini-himoya"]
        del bank[1]["value"]["options"][1:]
        path = tmp_path / "training.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        with pytest.raises(DemoDataError) as error:
            training_read(path)
        assert str(error.value).startswith(
            f"{path}: question_banks.mijoz-malumotlarini-himoya[1].value.options: "
        )

    def test_a_person_with_a_region_that_does_not_exist(self, tmp_path):
        data = people_read()
        data["people"][0]["region"] = "atlantis"
        path = tmp_path / "people.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        with pytest.raises(DemoDataError) as error:
            people_read(path)
        assert str(error.value) == f"{path}: people[0].region: not a region's value"


@pytest.mark.django_db
class BrokenFileTests:
    """Each broken file stops the command with its file and field named, and the
    database is as it was."""

    def assert_stops_with(self, message: str, settings, tmp_path) -> None:
        settings.MEDIA_ROOT = tmp_path / "media"
        pages, people = Page.objects.count(), get_user_model().objects.count()
        with pytest.raises(CommandError) as stopped:
            call_command("seed_demo")
        assert str(stopped.value) == message
        assert Page.objects.count() == pages
        assert get_user_model().objects.count() == people
        assert not CoursePage.objects.exists()

    def test_a_question_without_its_text(self, course_folder, settings, tmp_path):
        found = {}

        def edit(course):
            body = course["lessons"][2]["body"]
            found["index"] = first_index(body, "question")
            body[found["index"]]["value"]["question"] = ""

        path = course_folder(FIRST_COURSE, edit)
        self.assert_stops_with(
            f"{path}: lessons[2].body[{found['index']}].value.question: "
            "This field is required.",
            settings,
            tmp_path,
        )

    def test_a_block_type_the_lessons_do_not_have(
        self, course_folder, settings, tmp_path
    ):
        def edit(course):
            course["lessons"][0]["body"][1]["type"] = "stepp"

        path = course_folder(FIRST_COURSE, edit)
        self.assert_stops_with(
            f"{path}: lessons[0].body[1].type: no block type 'stepp' (one of text, "
            "step, callout, video, transcript, question, simulation)",
            settings,
            tmp_path,
        )

    def test_a_misspelt_field(self, course_folder, settings, tmp_path):
        def edit(course):
            step = course["lessons"][0]["body"][2]["value"]
            step["instrution"] = step.pop("instruction")

        path = course_folder(FIRST_COURSE, edit)
        self.assert_stops_with(
            f"{path}: lessons[0].body[2].value.instrution: no such field",
            settings,
            tmp_path,
        )

    def test_a_step_picture_with_no_drawing(self, course_folder, settings, tmp_path):
        def edit(course):
            course["lessons"][0]["body"][1]["value"]["image"] = "no-such-drawing"

        path = course_folder(FIRST_COURSE, edit)
        self.assert_stops_with(
            f"{path}: lessons[0].body[1].value.image: no drawing "
            "demo/pictures/no-such-drawing.svg",
            settings,
            tmp_path,
        )

    def test_a_course_field_out_of_its_choices(self, course_folder, settings, tmp_path):
        def edit(course):
            course["audience"] = "everyone"

        path = course_folder(FIRST_COURSE, edit)
        with pytest.raises(DemoDataError) as error:
            course_read(demo_courses.COURSES / FIRST_COURSE)
        assert error.value.field == "audience"
        self.assert_stops_with(str(error.value), settings, tmp_path)
        assert str(error.value).startswith(f"{path}: audience: ")

    def test_a_simulation_choice_that_leads_nowhere(
        self, course_folder, settings, tmp_path
    ):
        found = {}

        def edit(course):
            for number, lesson in enumerate(course["lessons"]):
                body = lesson["body"]
                if any(block["type"] == "simulation" for block in body):
                    index = first_index(body, "simulation")
                    screen = body[index]["value"]["screens"][0]["value"]
                    screen["choices"][0]["next"] = "nowhere"
                    found["where"] = f"lessons[{number}].body[{index}]"
                    return

        path = course_folder(SIMULATION_COURSE, edit)
        settings.MEDIA_ROOT = tmp_path / "media"
        with pytest.raises(CommandError) as stopped:
            call_command("seed_demo")
        assert str(stopped.value).startswith(
            f"{path}: {found['where']}.value.screens[0].value.choices[0].next: "
        )
        assert not CoursePage.objects.exists()

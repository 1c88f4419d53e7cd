"""Course and step illustrations: our own small SVG drawings, shown with their
description on the course list, the course and the lesson, and served as SVG with a
policy that forbids scripts.
"""

import re
from html.parser import HTMLParser

import pytest
from django.core.management import call_command
from django.test import Client

from demo.courses import PICTURES, courses_read
from learning.models import CoursePage, LessonPage

COURSES = courses_read()

MAX_BYTES = 4 * 1024


def drawings():
    return sorted(PICTURES.glob("*.svg"))


def named_pictures() -> set[str]:
    """Every picture the demo content names, courses and steps."""
    names = {course["cover_image"] for course in COURSES}
    for course in COURSES:
        for lesson in course["lessons"]:
            for block in lesson["body"]:
                if block["type"] == "step" and block["value"].get("image"):
                    names.add(block["value"]["image"])
    return names


class ImageTags(HTMLParser):
    """The attributes of every <img> of a page."""

    def __init__(self):
        super().__init__()
        self.images: list[dict] = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.images.append(dict(attrs))


def images_of(html: str) -> list[dict]:
    parser = ImageTags()
    parser.feed(html)
    return parser.images


class DrawingFileTests:
    def test_every_named_picture_has_a_drawing_and_every_drawing_is_named(self):
        assert {path.stem for path in drawings()} == named_pictures()
        assert len(drawings()) >= 6 + 4

    @pytest.mark.parametrize("path", drawings(), ids=lambda path: path.name)
    def test_a_drawing_is_small_safe_and_scalable(self, path):
        text = path.read_text(encoding="utf-8")
        assert path.stat().st_size < MAX_BYTES
        assert text.lstrip().startswith("<svg ")
        assert 'viewBox="' in text
        lowered = text.lower()
        assert "<script" not in lowered
        assert 'href="http' not in lowered and "href='http" not in lowered
        assert "url(http" not in lowered
        assert not re.search(r"\son[a-z]+\s*=", lowered), "no event handlers"
        # No words inside the picture: the description carries them, translated.
        assert "<text" not in lowered
        assert "<image" not in lowered and "<foreignobject" not in lowered

    def test_every_course_describes_its_picture(self):
        for course in COURSES:
            assert course["cover_alt"].strip(), course["slug"]

    def test_every_step_picture_is_described(self):
        for course in COURSES:
            for lesson in course["lessons"]:
                for block in lesson["body"]:
                    if block["type"] == "step" and block["value"].get("image"):
                        assert block["value"].get("image_alt", "").strip(), block


@pytest.mark.django_db
class PicturesShownTests:
    @pytest.fixture(autouse=True)
    def demo(self, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path
        call_command("seed_demo", verbosity=0)

    def svg_images(self, html: str) -> list[dict]:
        return [
            image for image in images_of(html) if image.get("src", "").endswith(".svg")
        ]

    def test_the_course_list_the_course_and_a_lesson_show_pictures_with_words(self):
        # One seeded demo for the three pages: seeding takes most of the time.
        spec = COURSES[0]
        course = CoursePage.objects.get(slug=spec["slug"], locale__language_code="uz")
        listing = Client().get(course.get_parent().url)
        assert listing.status_code == 200
        shown = {image["alt"] for image in self.svg_images(listing.text)}
        assert shown == {course["cover_alt"] for course in COURSES}

        pictures = self.svg_images(Client().get(course.url).text)
        assert [image["alt"] for image in pictures] == [spec["cover_alt"]]

        lesson = LessonPage.objects.child_of(course).get(slug="qongiroq-va-kontaktlar")
        pictures = self.svg_images(Client().get(lesson.url).text)
        assert len(pictures) == 1
        assert "yashil goʻshak" in pictures[0]["alt"]
        assert "step-picture" in pictures[0]["class"]

    def test_the_picture_is_served_as_svg_without_scripts(self):
        course = CoursePage.objects.get(
            slug=COURSES[1]["slug"], locale__language_code="uz"
        )
        source = self.svg_images(Client().get(course.url).text)[0]["src"]
        response = Client().get(source)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/svg+xml"
        policy = response["Content-Security-Policy"]
        assert "default-src 'none'" in policy and "sandbox" in policy
        body = b"".join(response) if response.streaming else response.content
        assert body.lstrip().startswith(b"<svg")
        assert b"<script" not in body.lower()

    def test_the_russian_course_describes_its_pictures_in_russian(self):
        course = CoursePage.objects.get(
            slug=COURSES[1]["slug"], locale__language_code="ru"
        )
        cover = self.svg_images(Client().get(course.url).text)[0]
        assert cover["alt"].startswith("Бабушка")
        lesson = LessonPage.objects.child_of(course).get(
            slug="telegramda-videoqongiroq"
        )
        steps = self.svg_images(Client().get(lesson.url).text)
        assert [image["alt"][:16] for image in steps] == ["Экран видеозвонка"[:16]]

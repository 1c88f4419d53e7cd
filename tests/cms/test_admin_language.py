"""The Wagtail admin in the trainer's language (issue 18).

Wagtail has no Uzbek catalog: the admin showed "1 soat ago", "Save draft", "Submit
to Coordinator approval". The words a trainer meets are in admin_locale's catalogs
(admin_locale/apps.py); the workflow is named in Uzbek (cms/setup.py); "Courses" in
the menu opens the Uzbek course list, and lessons are listed in course order.
"""

import io
import json
import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from wagtail.users.models import UserProfile

from learning.models import CourseIndexPage, CoursePage, LessonPage
from tests.support.i18n import uz
from tests.support.mfa import mark_second_factor_passed

# Words that used to show in English on the trainer's screens.
ENGLISH = [
    "Save draft",
    "ago",
    "Submit to",
    "Publish",
    "Pages",
    "Dashboard",
    "History",
    "Preview",
    "Draft",
    "Live",
    "More actions",
    "Add child page",
    "Sort menu order",
    "Coordinator approval",
    "Snippets",
]
HIDDEN_TAGS = {"script", "style", "template", "noscript"}


class VisibleText(HTMLParser):
    """The text a person reads on a page: text nodes outside scripts, styles and
    templates, plus the labels read aloud or shown on hover."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self.hidden_depth = 0

    def handle_starttag(self, tag, attrs):
        if tag in HIDDEN_TAGS:
            self.hidden_depth += 1
            return
        for name, value in attrs:
            if name in ("aria-label", "title", "placeholder") and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in HIDDEN_TAGS and self.hidden_depth:
            self.hidden_depth -= 1

    def handle_data(self, data):
        if not self.hidden_depth and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return "\n".join(parser.parts)


def english_in(text: str) -> list[str]:
    return [word for word in ENGLISH if re.search(rf"\b{re.escape(word)}\b", text)]


def sidebar_items(html: str) -> list[dict]:
    """The admin menu, which Wagtail renders from JSON in the page."""
    props = re.search(
        r'<script id="wagtail-sidebar-props" type="application/json">(.*?)</script>',
        html,
        re.S,
    )
    assert props, "the admin menu is not on the page"
    found = []

    def walk(node):
        if isinstance(node, dict):
            if {"name", "label", "url"} <= node.keys() and isinstance(
                node["name"], str
            ):
                found.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(props[1]))
    return found


@pytest.fixture
def trainer_client(client, db):
    call_command("seed_demo", stdout=io.StringIO())
    trainer = get_user_model().objects.get(username="trainer")
    profile = UserProfile.get_for_user(trainer)
    profile.preferred_language = "uz"
    profile.save()
    client.force_login(trainer)
    mark_second_factor_passed(client, trainer)
    return client


def uzbek_course():
    index = CourseIndexPage.objects.get(locale__language_code="uz")
    return index, CoursePage.objects.child_of(index).first()


@pytest.mark.django_db
class AdminLanguageTests:
    def test_the_trainer_screens_show_no_english(self, trainer_client):
        index, course = uzbek_course()
        lessons = list(LessonPage.objects.child_of(course))
        lesson = lessons[0]
        # A lesson edited an hour ago, as in the report ("1 soat ago").
        revision = lesson.save_revision()
        type(revision).objects.filter(pk=revision.pk).update(
            created_at=revision.created_at - timedelta(hours=1)
        )
        screens = {
            "lesson editor": reverse("wagtailadmin_pages:edit", args=[lesson.pk]),
            "course explorer": reverse("wagtailadmin_explore", args=[course.pk]),
            "course list": reverse("wagtailadmin_explore", args=[index.pk]),
            "programs": reverse("wagtailsnippets_learning_program:list"),
            "cohorts": reverse("wagtailsnippets_learning_cohort:list"),
            "workflow report": reverse("wagtailadmin_reports:workflow"),
            "dashboard": reverse("wagtailadmin_home"),
        }
        for name, url in screens.items():
            response = trainer_client.get(url)
            assert response.status_code == 200, name
            html = response.content.decode()
            found = english_in(visible_text(html))
            assert not found, f"{name} ({url}) shows English: {found}"
            labels = [item["label"] for item in sidebar_items(html)]
            assert not english_in("\n".join(labels)), (name, labels)

    def test_the_workflow_action_menu_is_in_uzbek(self, trainer_client):
        _, course = uzbek_course()
        lesson = LessonPage.objects.child_of(course).first()
        html = trainer_client.get(
            reverse("wagtailadmin_pages:edit", args=[lesson.pk])
        ).content.decode()
        footer = html[html.index('<footer class="footer') :]
        footer = footer[: footer.index("</footer>")]
        text = visible_text(footer)
        assert "Koordinator tasdigʻiga yuborish" in text
        assert "Qoralamani saqlash" in text
        assert not english_in(text), text

        # Submitted: the editor says since when it waits ("… a second ago" was
        # Django's naturaltime, whose catalog is not installed).
        trainer = get_user_model().objects.get(username="trainer")
        lesson.save_revision(user=trainer)
        lesson.get_workflow().start(lesson, trainer)
        html = trainer_client.get(
            reverse("wagtailadmin_pages:edit", args=[lesson.pk])
        ).content.decode()
        text = visible_text(html)
        assert "Koordinator tasdiqlaydi vazifasiga yuborildi" in text
        assert not english_in(text), text
        with translation.override("uz"):
            assert (
                translation.ngettext("a second ago", "%(count)s seconds ago", 2)
                == "%(count)s soniya oldin"
            )

    def test_the_menu_has_courses_opening_the_uzbek_course_list(self, trainer_client):
        index, _ = uzbek_course()
        html = trainer_client.get(reverse("wagtailadmin_home")).content.decode()
        items = {item["name"]: item for item in sidebar_items(html)}
        assert items["courses"]["label"] == uz("Courses")
        assert items["courses"]["url"] == reverse(
            "wagtailadmin_explore", args=[index.pk]
        )
        assert items["explorer"]["label"] == "Sahifalar"

    def test_lessons_and_courses_are_listed_in_tree_order(self, trainer_client):
        index, course = uzbek_course()
        lessons = list(LessonPage.objects.child_of(course))
        courses = list(CoursePage.objects.child_of(index))
        assert len(lessons) > 1 and len(courses) > 1
        # Edited in tree order, so Wagtail's default (latest edited first) would
        # list each of them backwards.
        for page in lessons + courses:
            page.specific.save_revision()
        for parent, children in ((course, lessons), (index, courses)):
            html = trainer_client.get(
                reverse("wagtailadmin_explore", args=[parent.pk])
            ).content.decode()
            edit_urls = [
                reverse("wagtailadmin_pages:edit", args=[child.pk])
                for child in children
            ]
            positions = [html.index(f'href="{url}"') for url in edit_urls]
            assert positions == sorted(positions), parent.title


class AdminCatalogTests:
    def test_our_catalog_wins_over_wagtails(self):
        # Wagtail's Russian calls snippets "Фрагменты"; ours, on purpose, "Записи".
        with translation.override("ru"):
            assert translation.gettext("Snippets") == "Записи"

    def test_our_catalog_wins_over_later_apps(self):
        # allauth's and Django admin's Uzbek write "Qo'shish" with an ASCII quote.
        with translation.override("uz"):
            assert translation.gettext("Add") == "Qoʻshish"

    def test_the_catalog_app_comes_before_every_wagtail_app(self):
        apps = settings.INSTALLED_APPS
        wagtail_apps = [name for name in apps if name.startswith("wagtail")]
        assert all(
            apps.index("admin_locale") < apps.index(name) for name in wagtail_apps
        )

    def test_the_ago_phrase_is_uzbek(self):
        with translation.override("uz"):
            assert translation.gettext("%(time_period)s ago") == "%(time_period)s oldin"
        with translation.override("uz-cyrl"):
            assert translation.gettext("%(time_period)s ago") == "%(time_period)s олдин"


@pytest.mark.django_db
class WorkflowNameTests:
    def test_an_english_named_workflow_of_before_is_renamed(self):
        from wagtail.models import GroupApprovalTask, Workflow

        from cms.setup import TASK_NAME, WORKFLOW_NAME, site_structure_ensure

        Workflow.objects.filter(name=WORKFLOW_NAME).update(name="Coordinator approval")
        GroupApprovalTask.objects.filter(name=TASK_NAME).update(
            name="Coordinator approves"
        )
        site_structure_ensure()
        # Renamed, not made anew beside the old one (Wagtail's own "Moderators
        # approval" stays as it is).
        assert not Workflow.objects.filter(name="Coordinator approval").exists()
        assert Workflow.objects.filter(name=WORKFLOW_NAME).count() == 1
        assert not GroupApprovalTask.objects.filter(
            name="Coordinator approves"
        ).exists()
        assert GroupApprovalTask.objects.filter(name=TASK_NAME).count() == 1

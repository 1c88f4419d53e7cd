"""The trainer's and the coordinator's panels on the admin's home page
(learning/dashboard.py), read through the admin itself at /admin/."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page

from audit.models import AuditRecord
from learning.models import CourseIndexPage, LessonPage
from tests.accounts.factories import coordinator_create, trainer_create, user_create
from tests.consultations.factories import consultation_client_create
from tests.learning.factories import (
    cohort_create,
    course_create,
    enrolment_create,
    program_create,
)
from tests.support.i18n import uz

pytestmark = pytest.mark.django_db

HOME = "/admin/"


def dashboard(user) -> str:
    browser = Client()
    browser.force_login(user)
    response = browser.get(HOME)
    assert response.status_code == 200
    return response.content.decode()


def panels(html: str) -> list[str]:
    return re.findall(r'data-panel="([^"]+)"', html)


def panel(html: str, name: str) -> str:
    start = html.index(f'data-panel="{name}"')
    return html[start : html.index("</section>", start)]


def listed(html: str, name: str) -> list[str]:
    """The link texts of one list, in order."""
    match = re.search(rf'data-list="{name}"[^>]*>(.*?)</(ul|table)>', html, re.S)
    if match is None:
        return []
    return [
        re.sub(r"<[^>]+>", "", text).strip()
        for text in re.findall(r"<a [^>]*>(.*?)</a>", match.group(1), re.S)
    ]


def count_of(html: str, name: str) -> int:
    text = re.search(rf'data-count="{name}">(.*?)</p>', html, re.S).group(1)
    return int(re.search(r"\d+", text).group())


def submit_for_approval(page, user):
    page.save_revision(user=user)
    page.get_workflow().start(page, user)


@pytest.fixture
def training():
    """Two trainers with a program each, a cohort each, and one course page in
    review; the first trainer also has a draft of her own."""
    today = timezone.localdate()
    course, lessons = course_create(title="Telefon bilan tanishuv", lessons=1)
    first, second = trainer_create(), trainer_create()
    mine = program_create(
        courses=[course], trainers=[first], deadline=today + timedelta(days=9)
    )
    theirs = program_create(courses=[course], trainers=[second])
    my_cohort = cohort_create(program=mine, name="Samarqand bahori")
    their_cohort = cohort_create(program=theirs, name="Xorazm kuzi")
    finished = enrolment_create(program=mine, cohort=my_cohort)
    finished.completed_at = timezone.now()
    finished.save()
    enrolment_create(program=mine, cohort=my_cohort)
    # A consultation client in the trainer's cohort: counted, never named.
    client = consultation_client_create(full_name="Maxfiy Mijoz")
    enrolment_create(program=mine, cohort=my_cohort, user=client)
    enrolment_create(program=theirs, cohort=their_cohort)

    lesson = LessonPage.objects.get(pk=lessons[0].pk)
    lesson.title = "Qoʻngʻiroqqa javob berish"
    submit_for_approval(lesson, first)
    index = CourseIndexPage.objects.filter(locale__language_code="uz").first()
    draft = index.add_child(
        instance=type(course)(
            title="Yangi kurs qoralamasi",
            slug="yangi-kurs-qoralamasi",
            summary="Qisqa.",
            live=False,
            owner=first,
        )
    )
    draft.save_revision(user=first)
    return {
        "first": first,
        "second": second,
        "my_cohort": my_cohort,
        "their_cohort": their_cohort,
        "client": client,
        "lesson": lesson,
        "draft": draft,
    }


class WhoGetsThePanelsTests:
    def test_a_trainer_gets_review_cohorts_and_reports(self, training):
        assert panels(dashboard(training["first"])) == ["review", "cohorts", "reports"]

    def test_a_coordinator_gets_them_too(self, training):
        html = dashboard(coordinator_create())
        assert panels(html)[:3] == ["review", "cohorts", "reports"]

    def test_a_superuser_gets_the_coordinators_panels(self, training):
        admin = user_create(roles=(), is_superuser=True, is_staff=True)
        html = dashboard(admin)
        assert panels(html)[:3] == ["review", "cohorts", "reports"]
        assert listed(panel(html, "cohorts"), "cohorts") == [
            "Samarqand bahori",
            "Xorazm kuzi",
        ]

    def test_nobody_else_gets_them(self, training):
        # Someone given the admin without a trainer's or coordinator's role.
        from django.contrib.auth.models import Permission

        editor = user_create(roles=())
        editor.user_permissions.add(
            Permission.objects.get(
                content_type__app_label="wagtailadmin", codename="access_admin"
            )
        )
        html = dashboard(editor)
        assert "data-panel=" not in html


class TrainerPanelTests:
    def test_her_cohort_with_deadline_and_finished_count(self, training):
        html = panel(dashboard(training["first"]), "cohorts")
        assert listed(html, "cohorts") == ["Samarqand bahori"]
        assert count_of(html, "cohorts") == 1
        row = re.search(r'data-cohort="Samarqand bahori">(.*?)</tr>', html, re.S)
        cells = re.sub(r"<[^>]+>", " ", row.group(1))
        assert uz("%(finished)s of %(enrolled)s", finished=1, enrolled=3) in cells

    def test_another_trainers_cohort_is_not_listed(self, training):
        html = dashboard(training["first"])
        assert "Xorazm kuzi" not in html
        other = dashboard(training["second"])
        assert listed(panel(other, "cohorts"), "cohorts") == ["Xorazm kuzi"]
        assert "Samarqand bahori" not in other

    def test_no_consultation_client_is_named(self, training):
        html = dashboard(training["first"])
        assert "Maxfiy Mijoz" not in html
        assert training["client"].username not in html

    def test_only_counts_so_no_personal_read_is_recorded(self, training):
        personal_reads = AuditRecord.objects.filter(
            action__in=["learner_view", "cohort_members_view"]
        )
        before = personal_reads.count()
        html = dashboard(training["first"])
        assert "Samarqand bahori" in html
        assert personal_reads.count() == before

    def test_her_pages_sent_for_approval_and_her_drafts(self, training):
        html = panel(dashboard(training["first"]), "review")
        assert listed(html, "sent") == ["Qoʻngʻiroqqa javob berish"]
        assert listed(html, "drafts") == ["Yangi kurs qoralamasi"]
        # The approval task is the coordinators': nothing waits for a trainer.
        assert count_of(html, "to-review") == 0
        other = panel(dashboard(training["second"]), "review")
        assert listed(other, "drafts") == [] and listed(other, "sent") == []

    def test_links_to_her_reports_not_the_coordinators(self, training):
        html = panel(dashboard(training["first"]), "reports")
        assert reverse("learning_reports:completion") in html
        assert reverse("learning_reports:overdue") in html
        assert reverse("analytics:dashboard") not in html
        assert reverse("audit:index") not in html


class CoordinatorPanelTests:
    def test_pages_awaiting_her_approval(self, training):
        html = panel(dashboard(coordinator_create()), "review")
        assert listed(html, "to-review") == ["Qoʻngʻiroqqa javob berish"]
        assert count_of(html, "to-review") == 1
        edit = reverse("wagtailadmin_pages:edit", args=[training["lesson"].pk])
        assert edit in html

    def test_every_cohort_with_counts(self, training):
        html = panel(dashboard(coordinator_create()), "cohorts")
        # The nearest deadline first: the first trainer's program ends in 9 days.
        assert listed(html, "cohorts") == ["Samarqand bahori", "Xorazm kuzi"]
        assert count_of(html, "cohorts") == 2

    def test_the_first_ten_cohorts_soonest_first_and_passed_last(self, training):
        """Ordered and cut by the database: upcoming deadlines soonest first, then
        passed ones, the most recent first; the count says how many there are."""
        today = timezone.localdate()
        course, _ = course_create(title="Yana bir kurs", lessons=1)
        for days in (-3, -1, 2, 4, 6, 8, 11, 13, 15, 17):
            program = program_create(
                courses=[course], deadline=today + timedelta(days=days)
            )
            cohort_create(program=program, name=f"Guruh {days:+d}")
        html = panel(dashboard(coordinator_create()), "cohorts")
        assert listed(html, "cohorts") == [
            "Guruh +2",
            "Guruh +4",
            "Guruh +6",
            "Guruh +8",
            "Samarqand bahori",  # 9 days
            "Guruh +11",
            "Guruh +13",
            "Guruh +15",
            "Guruh +17",
            "Xorazm kuzi",  # 30 days
        ]
        assert count_of(html, "cohorts") == 12

    def test_passed_deadlines_the_most_recent_first(self, training):
        today = timezone.localdate()
        course, _ = course_create(title="Yana bir kurs", lessons=1)
        for days in (-20, -1, -7):
            program = program_create(
                courses=[course],
                deadline=today + timedelta(days=days),
                opens=today - timedelta(days=40),
                closes=today - timedelta(days=30),
            )
            cohort_create(program=program, name=f"Guruh {days:+d}")
        html = panel(dashboard(coordinator_create()), "cohorts")
        assert listed(html, "cohorts")[-3:] == ["Guruh -1", "Guruh -7", "Guruh -20"]

    def test_links_to_analytics_and_the_audit_trail(self, training):
        html = panel(dashboard(coordinator_create()), "reports")
        assert reverse("analytics:dashboard") in html
        assert reverse("audit:index") in html
        assert reverse("learning_reports:completion") in html

    def test_no_consultation_client_is_named(self, training):
        html = dashboard(coordinator_create())
        assert "Maxfiy Mijoz" not in html

    def test_a_published_page_is_no_longer_waiting(self, training):
        coordinator = coordinator_create()
        lesson = training["lesson"]
        state = lesson.current_workflow_task_state
        state.task.specific.on_action(state, coordinator, "approve")
        assert Page.objects.get(pk=lesson.pk).title == "Qoʻngʻiroqqa javob berish"
        html = panel(dashboard(coordinator), "review")
        assert count_of(html, "to-review") == 0

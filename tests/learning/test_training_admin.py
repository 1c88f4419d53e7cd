"""The training screens of the Wagtail admin render for trainers, and a trainer
publishes a program; plus the demo data the issue asks for."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from learning.models import Certificate, Enrolment, Program
from learning.program_selectors import (
    enrolment_standing_get,
    enrolments_visible,
    learners_visible,
    programs_run_by,
)
from tests.accounts.factories import user_create
from tests.learning.factories import bank_course_create, cohort_create, program_create

pytestmark = pytest.mark.django_db


def program_form_data(*, course, title: str, slug: str) -> dict:
    """The program add form, filled as a trainer publishes it, with one course."""
    return {
        "title": title,
        "slug": slug,
        "summary": "Qisqa.",
        "cpd_hours": "8",
        "enrolment_opens": "2026-12-01",
        "enrolment_closes": "2026-12-31",
        "deadline": "2027-02-01",
        "program_courses-TOTAL_FORMS": "1",
        "program_courses-INITIAL_FORMS": "0",
        "program_courses-MIN_NUM_FORMS": "1",
        "program_courses-MAX_NUM_FORMS": "1000",
        "program_courses-0-course": str(course.pk),
        "program_courses-0-pass_mark_percent": "80",
        "program_courses-0-ORDER": "1",
        "program_courses-0-id": "",
        "action-publish": "action-publish",
    }


class TrainingAdminTests:
    def test_screens_render_for_a_trainer(self, client):
        course, _ = bank_course_create()
        trainer = user_create(roles=("Trainer",))
        program = program_create(courses=[course], trainers=[trainer])
        cohort = cohort_create(program=program)
        client.force_login(trainer)
        urls = [
            reverse("wagtailsnippets_learning_program:list"),
            reverse("wagtailsnippets_learning_program:add"),
            reverse("wagtailsnippets_learning_program:edit", args=[program.pk]),
            reverse("wagtailsnippets_learning_cohort:list"),
            reverse("learning_reports:cohort_members", args=[cohort.pk]),
            reverse("wagtailadmin_pages:edit", args=[course.pk]),
        ] + [
            reverse(f"learning_reports:{name}")
            for name in ("completion", "learners", "overdue", "certificates")
        ]
        for url in urls:
            assert client.get(url).status_code == 200, url
        listing = client.get(reverse("wagtailsnippets_learning_cohort:list"))
        members = reverse("learning_reports:cohort_members", args=[cohort.pk])
        assert members in listing.content.decode()

    def test_a_trainer_publishes_a_program(self, client):
        course, _ = bank_course_create()
        client.force_login(user_create(roles=("Trainer",)))
        data = program_form_data(
            course=course, title="Yangi dastur", slug="yangi-dastur"
        )
        response = client.post(reverse("wagtailsnippets_learning_program:add"), data)
        assert response.status_code == 302, response.content.decode()[:2000]
        program = Program.objects.get(slug="yangi-dastur")
        assert program.live
        assert [
            (pc.course_id, pc.pass_mark_percent) for pc in program.program_courses.all()
        ] == [(course.pk, 80)]

    def test_the_creator_of_a_program_runs_it(self, client):
        course, _ = bank_course_create()
        creator = user_create(roles=("Trainer",))
        colleague = user_create(roles=("Trainer",))
        client.force_login(creator)
        data = program_form_data(
            course=course, title="Oʻz dasturim", slug="oz-dasturim"
        )
        data["trainers"] = [str(colleague.pk)]
        response = client.post(reverse("wagtailsnippets_learning_program:add"), data)
        assert response.status_code == 302, response.content.decode()[:2000]
        program = Program.objects.get(slug="oz-dasturim")
        assert program.owner == creator
        assert list(program.trainers.all()) == [colleague]
        assert set(programs_run_by(user=creator)) == {program}
        assert set(programs_run_by(user=colleague)) == {program}
        cohort = cohort_create(program=program)
        members = reverse("learning_reports:cohort_members", args=[cohort.pk])
        assert client.get(members).status_code == 200
        client.force_login(user_create(roles=("Trainer",)))
        assert client.get(members).status_code == 404

    def test_a_window_that_closes_before_it_opens_is_refused(self, client):
        course, _ = bank_course_create()
        client.force_login(user_create(roles=("Trainer",)))
        data = {
            "title": "Xato dastur",
            "slug": "xato-dastur",
            "summary": "Qisqa.",
            "cpd_hours": "8",
            "enrolment_opens": "2026-12-31",
            "enrolment_closes": "2026-12-01",
            "deadline": "2027-02-01",
            "program_courses-TOTAL_FORMS": "1",
            "program_courses-INITIAL_FORMS": "0",
            "program_courses-MIN_NUM_FORMS": "1",
            "program_courses-MAX_NUM_FORMS": "1000",
            "program_courses-0-course": str(course.pk),
            "program_courses-0-pass_mark_percent": "80",
            "program_courses-0-ORDER": "1",
            "program_courses-0-id": "",
            "action-publish": "action-publish",
        }
        response = client.post(reverse("wagtailsnippets_learning_program:add"), data)
        assert response.status_code == 200
        assert not Program.objects.exists()


class DemoTrainingTests:
    def test_seed_demo_training_state(self, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path
        call_command("seed_demo")
        call_command("seed_demo")  # idempotent
        worker = get_user_model().objects.get(username="socialworker")
        standings = {
            s.program.slug: s
            for s in (
                enrolment_standing_get(enrolment=e)
                for e in Enrolment.objects.filter(user=worker)
            )
        }
        done = standings["raqamli-xizmat-asoslari"]
        assert done.complete and done.certificate is not None
        halfway = standings["malumot-himoyasi-va-onlayn-xizmat"]
        assert (halfway.courses_done, halfway.courses_total) == (1, 2)
        assert Certificate.objects.filter(user=worker).count() == 1
        synthetic = (
            get_user_model()
            .objects.filter(username__startswith="ijtimoiy", enrolments__isnull=False)
            .distinct()
        )
        assert synthetic.count() >= 20
        assert len(set(synthetic.values_list("region", flat=True))) >= 4
        assert Enrolment.objects.filter(completed_at__isnull=False).count() > 1

    def test_the_demo_trainer_runs_the_demo_programs(self, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path
        call_command("seed_demo")
        trainer = get_user_model().objects.get(username="trainer")
        slugs = {"raqamli-xizmat-asoslari", "malumot-himoyasi-va-onlayn-xizmat"}
        assert {p.slug for p in programs_run_by(user=trainer)} == slugs
        # Her reports are filled: every demo enrolment sits in her cohorts.
        assert enrolments_visible(reader=trainer).count() == Enrolment.objects.count()
        # The admin's edit form (the latest revision) shows her as a trainer too.
        for program in Program.objects.filter(slug__in=slugs):
            latest = program.get_latest_revision_as_object()
            assert trainer in latest.trainers.all()
        client_person = get_user_model().objects.get(username="client")
        assert not learners_visible(reader=trainer).filter(pk=client_person.pk)

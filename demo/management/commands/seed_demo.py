"""Load Ko'mak's demo content: people, courses in Uzbek and a little progress.
Idempotent.

The people, courses, training programs and consultation terms come from the demo
package's data files (demo/*.yaml, demo/courses/), read and checked before anything
is written; a lesson's body is checked against the lesson blocks before it is
written, and an error there leaves nothing behind (one transaction). The rest of
the demo (check-ins, the duty shift, the lesson video) is made by the demo package's
other modules. Run by `make run`. Refused by production settings
(KOMAK_DEMO_DATA_ALLOWED = False).
"""

import uuid

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.images import ImageFile
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from wagtail.images.models import Image

from accounts.mfa import totp_enrol
from accounts.middleware import staff_needs_two_factors
from cms.setup import site_structure_ensure
from demo.analytics import seed_analytics
from demo.checkins import seed_checkins
from demo.consultations import seed_consultations
from demo.courses import PICTURES, DemoDataError, courses_read, lesson_body_prepare
from demo.duty import demo_duty_ensure
from demo.people import DEMO_PASSWORD, DEMO_TOTP_SECRET, DEMO_USERS
from demo.training import seed_training, training_read
from demo.translation import demo_course_translate
from demo.video import demo_video_ensure
from learning.events import EventIn
from learning.models import CourseIndexPage, CoursePage, LessonPage
from learning.services import progress_events_record

DEMO_NAMESPACE = uuid.UUID("6f1c9a52-6d0e-4b6a-9a43-3f1d2c9b7e10")


def demo_picture(name: str) -> Image:
    """The Wagtail image of the drawing `demo/pictures/<name>.svg`, added once."""
    title = f"Illustration: {name}"
    existing = Image.objects.filter(title=title).first()
    if existing:
        return existing
    path = PICTURES / f"{name}.svg"
    if not path.is_file():
        raise CommandError(f"No demo picture {path}")
    with path.open("rb") as handle:
        image = Image(title=title, file=ImageFile(handle, name=path.name))
        image.save()
    return image


def course_picture_outdated(course: CoursePage) -> bool:
    """Whether the course has no picture or the generated cover of older demos."""
    cover = course.cover_image
    return cover is None or cover.title.startswith("Cover: ")


class Command(BaseCommand):
    help = "Load demo people, courses and progress (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--analytics",
            action="store_true",
            help="Also add the synthetic population of the needs analytics.",
        )

    def handle(self, *args, **options):
        if not getattr(settings, "KOMAK_DEMO_DATA_ALLOWED", False):
            raise CommandError("Demo data is refused by these settings (production).")
        try:
            courses = courses_read()
            training = training_read()
        except DemoDataError as error:
            raise CommandError(str(error)) from error
        with transaction.atomic():
            site_structure_ensure()
            users = self.seed_users()
            self.seed_second_factors()
            seed_consultations(users)
            seed_checkins(users)
            demo_duty_ensure(users["specialist"])
            self.seed_courses(courses)
            self.seed_progress(users["learner"], courses[0]["slug"])
            seed_training(users, training)
            _video, video_note = demo_video_ensure()
            # Every new course and lesson also appears in the other languages (as an
            # alias until translated), and one course is translated into Russian.
            call_command("sync_locale_trees")
            demo_course_translate(language="ru")
        self.stdout.write(f"Lesson video: {video_note}.")
        if options["analytics"]:
            self.stdout.write(seed_analytics())
        self.stdout.write(self.style.SUCCESS("Demo content is ready."))

    def seed_users(self):
        user_model = get_user_model()
        users = {}
        for spec in DEMO_USERS:
            user, created = user_model.objects.get_or_create(
                username=spec["username"],
                defaults={
                    "full_name": spec["full_name"],
                    "phone_number": spec["phone_number"],
                    "birth_year": spec.get("birth_year"),
                    "region": spec.get("region", ""),
                    "district": spec.get("district", ""),
                    "email": f"{spec['username']}@example.org",
                },
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
            user.groups.add(*Group.objects.filter(name__in=spec["roles"]))
            users[spec["username"]] = user
        admin, created = user_model.objects.get_or_create(
            username="admin",
            defaults={
                "full_name": "Koʻmak admin",
                "is_staff": True,
                "is_superuser": True,
            },
        )
        if created:
            admin.set_password(DEMO_PASSWORD)
            admin.save()
        return users

    def seed_second_factors(self):
        """Demo staff get the known authenticator key, so that demos can sign in
        (`manage.py demo_totp` prints the current code; docs/security.md)."""
        usernames = [spec["username"] for spec in DEMO_USERS] + ["admin"]
        for user in get_user_model().objects.filter(username__in=usernames):
            if staff_needs_two_factors(user):
                totp_enrol(user=user, secret=DEMO_TOTP_SECRET)

    def seed_courses(self, courses: list[dict]):
        """Each course and lesson that is not there yet; a lesson's body is checked
        against the blocks before it is written (DemoDataError stops the command,
        and the transaction leaves nothing behind)."""
        index = CourseIndexPage.objects.filter(
            locale__language_code=settings.LANGUAGE_CODE
        ).first()
        for spec in courses:
            course = (
                CoursePage.objects.child_of(index).filter(slug=spec["slug"]).first()
            )
            picture = demo_picture(spec["cover_image"])
            if course is not None and course_picture_outdated(course):
                # A demo seeded before the drawings had a generated cover.
                course.cover_image = picture
                course.cover_alt = spec["cover_alt"]
                course.save_revision().publish()
            if course is None:
                course = index.add_child(
                    instance=CoursePage(
                        title=spec["title"],
                        slug=spec["slug"],
                        audience=spec["audience"],
                        level=spec["level"],
                        estimated_minutes=spec["estimated_minutes"],
                        summary=spec["summary"],
                        outcomes="\n".join(spec["outcomes"]),
                        cover_image=picture,
                        cover_alt=spec["cover_alt"],
                    )
                )
                course.save_revision().publish()
            for number, lesson_spec in enumerate(spec["lessons"]):
                if (
                    LessonPage.objects.child_of(course)
                    .filter(slug=lesson_spec["slug"])
                    .exists()
                ):
                    continue
                try:
                    body = lesson_body_prepare(
                        course=spec,
                        number=number,
                        image_id=lambda name: demo_picture(name).pk,
                    )
                except DemoDataError as error:
                    raise CommandError(str(error)) from error
                lesson = course.add_child(
                    instance=LessonPage(
                        title=lesson_spec["title"],
                        slug=lesson_spec["slug"],
                        summary=lesson_spec["summary"],
                        estimated_minutes=lesson_spec["estimated_minutes"],
                        body=body,
                    )
                )
                lesson.save_revision().publish()

    def seed_progress(self, learner, course_slug: str):
        """The demo learner finished the first lesson of the first course yesterday."""
        course = CoursePage.objects.filter(
            slug=course_slug, locale__language_code=settings.LANGUAGE_CODE
        ).first()
        lesson = LessonPage.objects.child_of(course).live().order_by("path").first()
        yesterday = timezone.now() - timezone.timedelta(days=1)
        visit = uuid.uuid5(DEMO_NAMESPACE, "learner-visit-1")
        events = [
            EventIn(
                event_id=uuid.uuid5(DEMO_NAMESPACE, f"learner-{kind}"),
                lesson_id=lesson.pk,
                visit_id=visit,
                kind=kind,
                occurred_at=yesterday + timezone.timedelta(minutes=offset),
                seconds=seconds,
            )
            for kind, offset, seconds in (
                ("open", 0, None),
                ("time", 6, 360),
                ("complete", 7, None),
            )
        ]
        progress_events_record(user=learner, events=events, lessons={lesson.pk: lesson})

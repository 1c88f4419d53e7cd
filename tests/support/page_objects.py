"""The demo objects whose ids the accessibility test's addresses hold, on a
LiveServer: a free time of the demo specialist, a booking of the demo client days
ahead and one in the past, an open check-in link, the demo social worker's
programs, an open and a scored assessment attempt, and her certificate.

One `manage.py shell` script finds them in what `seed_demo` made, or makes the
two the demo has none of (an open attempt, an open check-in), and prints them as
JSON. `page_objects_tidy` removes the two again, so that the demo is left as
seeded for the tests after (the certificate test takes that assessment).
"""

import json

from tests.support.live import LiveServer

OBJECTS_CODE = """
import json, secrets
from datetime import timedelta
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from consultations import selectors
from consultations.forms import slot_value
from consultations.models import Booking, BookingStatus, SpecialistProfile
from learning.models import AssessmentAttempt, Certificate, Enrolment
from learning.program_services import assessment_attempt_start
from wellbeing.models import CheckIn
from wellbeing.selectors import token_digest
from demo.training import PRIVACY_COURSE
users = get_user_model().objects
client = users.get(username="client")
worker = users.get(username="socialworker")
profile = SpecialistProfile.objects.get(user__username="specialist")
now = timezone.now()
slot = next(
    slot
    for week in range(3)
    for slot in selectors.free_slots_week_get(specialist=profile, week=week).slots
)
ahead = Booking.objects.filter(
    client=client, specialist=profile, status=BookingStatus.CONFIRMED,
    starts_at__gt=now + timedelta(days=1),
).earliest("starts_at")
past = Booking.objects.filter(
    client=client, specialist=profile, starts_at__lt=now - timedelta(days=1),
).latest("starts_at")
token = secrets.token_urlsafe(16)
checkin = CheckIn.objects.create(
    client=client, specialist=profile, booking=past, due_at=now,
    expires_at=now + timedelta(days=6), sent_at=now,
    token=token, token_hash=token_digest(token),
)
enrolment = Enrolment.objects.get(
    user=worker, program__program_courses__course__slug=PRIVACY_COURSE,
    program__program_courses__course__locale__language_code=settings.LANGUAGE_CODE,
)
course = enrolment.program.program_courses.get(course__slug=PRIVACY_COURSE).course
had_open = AssessmentAttempt.objects.filter(
    enrolment=enrolment, course=course, submitted_at__isnull=True
).exists()
attempt = assessment_attempt_start(enrolment=enrolment, course=course)
scored = AssessmentAttempt.objects.filter(
    enrolment__user=worker, submitted_at__isnull=False
).latest("submitted_at")
print(json.dumps({
    "topic": profile.topics[0],
    "specialist": profile.pk,
    "slot": slot_value(slot),
    "booking_ahead": ahead.pk,
    "booking_past": past.pk,
    "checkin": checkin.pk,
    "checkin_token": token,
    "program": enrolment.program.slug,
    "course": course.pk,
    "attempt": attempt.pk,
    "attempt_opened_here": not had_open,
    "attempt_scored": scored.pk,
    "certificate": Certificate.objects.filter(user=worker).latest("pk").code,
}))
"""

TIDY_CODE = """
from learning.models import AssessmentAttempt
from wellbeing.models import CheckIn
if {attempt_opened_here}:
    AssessmentAttempt.objects.filter(pk={attempt}, submitted_at__isnull=True).delete()
CheckIn.objects.filter(pk={checkin}).delete()
print("tidied")
"""


def page_objects_get(server: LiveServer) -> dict:
    """The ids and codes above by name (see OBJECTS_CODE's last lines)."""
    return json.loads(server.shell(OBJECTS_CODE))


def page_objects_tidy(server: LiveServer, objects: dict) -> None:
    """Remove the check-in `page_objects_get` made, and the assessment attempt it
    opened if it did."""
    server.shell(TIDY_CODE.format(**objects))

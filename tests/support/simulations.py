"""The demo learner at a known place in each kind of practice screen, on a
LiveServer, for the accessibility test.

One `manage.py shell` script clears her runs of the demo simulations and leaves:
the "new number" chat and the bank caller not started (their first screens are a
messenger message and a call), the my.gov.uz practice at its first form, and the
prize SMS ended safely. It prints, per language, `lesson id/block id` of each.
"""

import json

from tests.support.live import LiveServer

SIMULATIONS_CODE = """
import json
from django.contrib.auth import get_user_model
from django.utils import timezone
from wagtail.models import Locale
from learning.models import LessonPage, SimulationRun
SLUGS = {
    "simulation_message": "telegramda-videoqongiroq",
    "simulation_call": "soxta-bank-qongiroqlari",
    "simulation_form": "portal-bilan-tanishuv",
    "simulation_ending": "soxta-yutuq-xabarlari",
}
learner = get_user_model().objects.get(username="learner")
found = {}
for name, slug in SLUGS.items():
    lesson = LessonPage.objects.get(slug=slug, locale__language_code="uz")
    block_id = next(b.id for b in lesson.body if b.block_type == "simulation")
    SimulationRun.objects.filter(user=learner, lesson=lesson).delete()
    found[name] = (lesson, block_id)
lesson, block_id = found["simulation_form"]
SimulationRun.objects.create(
    user=learner, lesson=lesson, block_id=block_id, tries=1,
    path=["reklama", "xizmat"], current="xizmat",
)
lesson, block_id = found["simulation_ending"]
SimulationRun.objects.create(
    user=learner, lesson=lesson, block_id=block_id, tries=1,
    path=["sms", "xavfsiz"], current="xavfsiz", ended_at=timezone.now(), safe=True,
)
paths = {}
for locale in Locale.objects.all():
    paths[locale.language_code] = {
        name: f"{lesson.get_translation(locale).pk}/{block_id}"
        for name, (lesson, block_id) in found.items()
    }
print(json.dumps(paths))
"""


def demo_learner_simulations(server: LiveServer) -> dict[str, dict[str, str]]:
    """Per language code, `lesson id/block id` of each kind of simulation screen."""
    return json.loads(server.shell(SIMULATIONS_CODE).strip().splitlines()[-1])

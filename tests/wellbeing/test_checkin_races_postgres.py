"""A double tap on "Send my answers" on the real PostgreSQL, with real concurrent
connections: of two posts of one check-in at the same moment exactly one is kept
(302), the other is told it was already answered (409), and the first answers stay.

As in tests/consultations/test_booking_races_postgres.py, the scenario runs in a
child process on a scratch database migrated once; its threads each hold their own
connection and meet at a `threading.Barrier`. Without the row lock and the state
check in wellbeing.services.checkin_answer, both posts would be kept, the second
overwriting the first.
"""

ROUNDS = 4

DOUBLE_TAP = """
import json, threading, uuid
from datetime import timedelta
import django
django.setup()
from django.db import connection
from django.test import Client
from django.test.utils import setup_test_environment
from django.urls import reverse
from django.utils import timezone, translation
from audit.models import AuditRecord
from consultations.models import (
    BookingStatus, ConsentRecord, ConsentTerms, SpecialistProfile,
)
from tests.accounts.factories import user_create
from tests.consultations.factories import booking_create
from wellbeing.models import CheckIn
from wellbeing.services import checkins_schedule

assert connection.vendor == "postgresql", connection.vendor
setup_test_environment()
translation.activate("uz")


def name():
    return "race-" + uuid.uuid4().hex[:12]


specialist = SpecialistProfile.objects.create(
    user=user_create(roles=("Specialist",), username=name()),
    kind="psychologist", topics=["grief"], languages=["uz"], bio="-",
)
terms = ConsentTerms.objects.first() or ConsentTerms.objects.create(
    version="race-1", text="-")
rounds = []
for n in range({rounds}):
    person = user_create(username=name())
    ConsentRecord.objects.create(user=person, terms=terms)
    booking = booking_create(client=person, specialist=specialist,
                             starts_in=timedelta(hours=-2 - n),
                             status=BookingStatus.COMPLETED)
    checkin = checkins_schedule(booking=booking, count=1, interval_days=7)[0]
    now = timezone.now()
    CheckIn.objects.filter(pk=checkin.pk).update(
        due_at=now - timedelta(minutes=1), expires_at=now + timedelta(days=1))
    url = reverse("wellbeing_answer", args=[checkin.token])
    answers = [[5, 5, 5, 5, 5], [0, 0, 0, 0, 0]]
    statuses = [None, None]
    barrier = threading.Barrier(2)

    def tap(index):
        try:
            data = {{f"item_{{k + 1}}": str(v) for k, v in enumerate(answers[index])}}
            browser = Client()
            barrier.wait(timeout=20)
            statuses[index] = browser.post(url, data).status_code
        except Exception as error:
            statuses[index] = repr(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=tap, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    kept = CheckIn.objects.get(pk=checkin.pk)
    winner = statuses.index(302) if 302 in statuses else None
    rounds.append({{
        "statuses": sorted(statuses, key=str),
        "kept_is_winners": winner is not None and kept.items == answers[winner],
        "answer_records": AuditRecord.objects.filter(
            action="checkin_answer", target_id=str(checkin.pk)).count(),
    }})
print(json.dumps(rounds))
"""


class PostgresCheckinRaceTests:
    def test_two_posts_at_once_keep_one_answer(self, migrated_postgres):
        rounds = migrated_postgres.run_json(DOUBLE_TAP.format(rounds=ROUNDS))
        assert len(rounds) == ROUNDS
        for result in rounds:
            assert result["statuses"] == [302, 409], result
            assert result["kept_is_winners"], result
            assert result["answer_records"] == 1, result

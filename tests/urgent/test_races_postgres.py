"""Urgent help's races on the real PostgreSQL, with real concurrent connections: two
specialists taking one request at the same moment give one winner (the row lock) and
a clear message to the other; two taps of one client at the same moment give one
request (the partial unique constraint); two task clusters escalating at once
escalate once (the conditional claim).

As in tests/consultations/test_booking_races_postgres.py, each scenario runs in a
child process on a scratch database migrated once; its threads each hold their own
connection and meet at a `threading.Barrier` before the call.
"""

from tests.support.i18n import uz
from tests.support.services import ScratchPostgresDatabase

ROUNDS = 5

PRELUDE = """
import json, threading, uuid
from datetime import timedelta
import django
django.setup()
from django.contrib.auth.models import Group
from django.db import connection
from django.utils import timezone
from audit.models import AuditAction, AuditRecord
from tests.accounts.factories import user_create
from urgent.models import DutyShift, UrgentRequest
from urgent.services import (
    UrgentError, urgent_request_create, urgent_request_take,
    urgent_requests_escalate,
)

ROUNDS = {rounds}
assert connection.vendor == "postgresql", connection.vendor


def person(role, **fields):
    Group.objects.get_or_create(name=role)
    return user_create(roles=(role,), username="race-" + uuid.uuid4().hex[:12],
                       **fields)


def on_duty(name):
    specialist = person("Specialist", full_name=name)
    now = timezone.now()
    DutyShift.objects.create(specialist=specialist,
                             starts_at=now - timedelta(hours=1),
                             ends_at=now + timedelta(hours=1))
    return specialist


def together(*calls):
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=20)
            outcomes[index] = call()
        except UrgentError as error:
            outcomes[index] = "refused:" + error.code + ":" + error.message
        except Exception as error:
            outcomes[index] = repr(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n, call))
               for n, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return outcomes
"""

TAKE_RACE = """
first, second = on_duty("Aziz Tursunov"), on_duty("Nodira Yusupova")
rounds = []
for n in range(ROUNDS):
    urgent, _ = urgent_request_create(client=person("Learner"))

    def taker(user):
        def call():
            return "won:" + urgent_request_take(
                request_id=urgent.pk, by_user=user).taken_by.full_name
        return call

    outcomes = together(taker(first), taker(second))
    urgent.refresh_from_db()
    rounds.append({
        "outcomes": outcomes,
        "taken_by": urgent.taken_by.full_name,
        "take_records": AuditRecord.objects.filter(
            action=AuditAction.URGENT_TAKE, target_id=str(urgent.pk)).count(),
    })
print(json.dumps(rounds))
"""

CREATE_RACE = """
rounds = []
for n in range(ROUNDS):
    client = person("Learner")

    def tap():
        urgent, made = urgent_request_create(client=client)
        return "made" if made else "same:" + str(urgent.pk)

    outcomes = together(tap, tap, tap)
    rounds.append({
        "outcomes": outcomes,
        "requests": UrgentRequest.objects.filter(client=client).count(),
        "records": AuditRecord.objects.filter(
            action=AuditAction.URGENT_REQUEST, actor_id=client.pk).count(),
    })
print(json.dumps(rounds))
"""

ESCALATE_RACE = """
rounds = []
for n in range(ROUNDS):
    urgent, _ = urgent_request_create(client=person("Learner"))
    later = timezone.now() + timedelta(hours=1)

    def cluster():
        # Other scenarios' requests may be due too: only this one is looked at.
        return urgent.pk in urgent_requests_escalate(now=later)

    outcomes = together(cluster, cluster)
    rounds.append({
        "outcomes": outcomes,
        "records": AuditRecord.objects.filter(
            action=AuditAction.URGENT_ESCALATE, target_id=str(urgent.pk)).count(),
    })
    UrgentRequest.objects.filter(pk=urgent.pk).update(closed_at=later)
print(json.dumps(rounds))
"""


def scenario(database: ScratchPostgresDatabase, script: str) -> list[dict]:
    code = PRELUDE.format(rounds=ROUNDS) + script
    return database.run_json(code)


class PostgresUrgentRaceTests:
    def test_two_takes_at_once_give_one_winner_and_a_clear_message(
        self, migrated_postgres
    ):
        rounds = scenario(migrated_postgres, TAKE_RACE)
        assert len(rounds) == ROUNDS
        for result in rounds:
            won = [o for o in result["outcomes"] if o.startswith("won:")]
            refused = [o for o in result["outcomes"] if o.startswith("refused:")]
            assert len(won) == 1 and len(refused) == 1, result
            winner = won[0].removeprefix("won:")
            assert result["taken_by"] == winner, result
            assert refused[0] == "refused:taken:" + uz(
                "%(name)s has already taken this request. You need not call.",
                name=winner,
            ), result
            assert result["take_records"] == 1, result

    def test_three_taps_at_once_make_one_request(self, migrated_postgres):
        rounds = scenario(migrated_postgres, CREATE_RACE)
        assert len(rounds) == ROUNDS
        for result in rounds:
            assert sorted(o.split(":")[0] for o in result["outcomes"]) == [
                "made",
                "same",
                "same",
            ], result
            assert result["requests"] == 1, result
            assert result["records"] == 1, result

    def test_two_clusters_escalate_once(self, migrated_postgres):
        rounds = scenario(migrated_postgres, ESCALATE_RACE)
        assert len(rounds) == ROUNDS
        for result in rounds:
            assert sorted(result["outcomes"]) == [False, True], result
            assert result["records"] == 1, result

"""The two properties every fuzzed request must keep, and the run around them.

- No 500 and no exception: Django's test client re-raises whatever a view raises,
  so an unhandled exception fails the example with its traceback; a response of
  500 or more fails it too.
- A refused request changes nothing: a 4xx, a form shown again with errors or an
  error message leaves the same rows (count and a checksum of every column) in the
  tables the endpoint could write. The audit trail and the sessions are left out on
  purpose: recording a refusal is what they are for.

Each example runs inside a savepoint that is rolled back, with the cache cleared
and every browser's cookies put back, so that examples are independent and a
failure replays the same way (the profiles are derandomised).

Hypothesis profiles, chosen by KOMAK_FUZZ_PROFILE: "ci" (profile komak-fuzz-ci), the
default and what CI runs, gives every endpoint its full share, at least 5,000
examples in all, derandomised; "quick" runs a tenth of it, for a run while editing.
"""

import copy
import hashlib
import os
from collections import Counter
from dataclasses import dataclass, field

from django.contrib import messages
from django.core.cache import cache
from django.db import transaction
from django.forms import BaseForm
from django.test import Client
from hypothesis import HealthCheck, settings

# Named for this package: hypothesis keeps profiles in one process-wide registry.
settings.register_profile(
    "komak-fuzz-ci",
    max_examples=400,
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "komak-fuzz-quick",
    settings.get_profile("komak-fuzz-ci"),
    max_examples=40,
    derandomize=False,
)
PROFILE = "komak-fuzz-" + os.environ.get("KOMAK_FUZZ_PROFILE", "ci")
if os.environ.get("CI") == "true":
    PROFILE = "komak-fuzz-ci"  # CI always runs the whole budget
BUDGET = settings.get_profile(PROFILE).max_examples
MINIMUM_TOTAL = 5_000  # examples in all under komak-fuzz-ci (issue 13)
# Each endpoint's share of the profile's max_examples: examples = BUDGET × weight.
# test_budget.py checks that the shares add up to MINIMUM_TOTAL under "ci".
WEIGHTS = {
    # consultations
    "booking_steps": 0.5,
    "book_confirm": 1.0,
    "reschedule": 0.75,
    "cancel_and_no_show": 0.6,
    "notes": 0.5,
    "consent": 0.5,
    "precall_result": 0.9,
    "precall_offer": 0.5,
    # learning
    "progress_events": 1.0,
    "lesson_form": 0.5,
    "assessment": 0.6,
    "cohort_import": 0.75,
    "certificate_revoke": 0.3,
    # accounts and the site
    "profile": 0.7,
    "comfort_and_language": 0.7,
    "phone_change": 0.6,
    "phone_change_confirm": 0.4,
    "phone_code": 0.5,
    "sign_in_and_up": 0.8,
    "account_delete": 0.5,
}


def examples_for(name: str) -> int:
    return max(1, round(BUDGET * WEIGHTS[name]))


def fuzz_settings(name: str) -> settings:
    """The profile's settings with this endpoint's share of examples."""
    return settings(settings.get_profile(PROFILE), max_examples=examples_for(name))


def table_state(models) -> dict[str, tuple[int, str]]:
    """Row count and a checksum of every column, per table."""
    state = {}
    for model in models:
        rows = model._base_manager.order_by("pk").values_list()
        digest = hashlib.sha256()
        count = 0
        for row in rows.iterator():
            digest.update(repr(row).encode())
            count += 1
        state[model._meta.db_table] = (count, digest.hexdigest())
    return state


def forms_with_errors(response) -> list[BaseForm]:
    forms = []
    for context in response.context or []:
        for value in context.dicts if hasattr(context, "dicts") else [context]:
            if not isinstance(value, dict):
                continue
            forms += [
                item
                for item in value.values()
                if isinstance(item, BaseForm) and item.is_bound and item.errors
            ]
    return forms


def error_messages(response) -> list[str]:
    request = getattr(response, "wsgi_request", None) or getattr(
        response, "asgi_request", None
    )
    if request is None or not hasattr(request, "_messages"):
        return []
    return [
        str(message)
        for message in messages.get_messages(request)
        if message.level >= messages.ERROR
    ]


def refused(response) -> bool:
    """4xx, a form shown again with its errors, or an error message."""
    if 400 <= response.status_code < 500:
        return True
    return bool(forms_with_errors(response) or error_messages(response))


@dataclass
class Fuzzer:
    """Browsers signed in as each role, and the tables their requests may write."""

    clients: dict[str, Client]
    models: list
    name: str
    statuses: Counter = field(default_factory=Counter)
    outcomes: Counter = field(default_factory=Counter)
    runs: int = 0

    def __post_init__(self):
        self._cookies = {
            role: copy.deepcopy(client.cookies) for role, client in self.clients.items()
        }
        # Every example starts from the same rows (the savepoint is rolled back), so
        # the state before an example's first request is taken once.
        self._start_state = None
        self._first_request = False

    def example(self, run):
        """Run one example's requests in a savepoint that is rolled back."""
        cache.clear()
        for role, client in self.clients.items():
            client.cookies = copy.deepcopy(self._cookies[role])
        self.runs += 1
        self._first_request = True
        with transaction.atomic():
            try:
                return run()
            finally:
                transaction.set_rollback(True)

    def request(self, role: str, method: str, path: str, **kwargs):
        if self._first_request:
            if self._start_state is None:
                self._start_state = table_state(self.models)
            before = self._start_state
            self._first_request = False
        else:
            before = table_state(self.models)
        client = self.clients[role]
        response = getattr(client, method.lower())(path, **kwargs)
        self.statuses[response.status_code] += 1
        where = f"{role} {method} {path}"
        assert response.status_code < 500, f"{where} answered {response.status_code}"
        if refused(response):
            self.outcomes["refused"] += 1
            after = table_state(self.models)
            changed = {table for table in before if before[table] != after.get(table)}
            assert not changed, (
                f"{where} was refused ({response.status_code}) but changed {changed}"
            )
        else:
            self.outcomes["accepted"] += 1
        return response

    def check_spread(self, *, refused_at_least: int = 1, accepted_at_least: int = 0):
        """Every example ran, and the run hit both sides: a fuzz that only ever got
        404 proves little."""
        assert self.runs >= examples_for(self.name), (self.runs, self.name)
        seen = (dict(self.outcomes), dict(self.statuses))
        assert self.outcomes["refused"] >= refused_at_least, seen
        assert self.outcomes["accepted"] >= accepted_at_least, seen


def signed_in(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client

"""Shared fixtures: demo users, the page tree, and a real server for browser tests."""

import os

import pytest
from django.core.cache import cache

from tests.support.parts import require_chromium

# `make test` runs the suite in pytest-xdist workers (gw0, gw1, ...), one test file
# at a time each. What a test shares outside its process gets a worker's own copy:
# Redis databases (12-14 for gw0, 9-11 for gw1, ...), the PostgreSQL role of the
# scale-out stack. Set before `tests.support.services` and `.scaleout` read them
# (nothing imported above does).
_WORKER = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
if _WORKER:
    for _name, _db in (
        ("KOMAK_TEST_SCALEOUT_REDIS_URL", 12),
        ("KOMAK_TEST_SCALE_OUT_REDIS_URL", 13),
        ("KOMAK_TEST_REDIS_URL", 14),
    ):
        os.environ.setdefault(_name, f"redis://127.0.0.1:6379/{_db - 3 * _WORKER}")
    os.environ.setdefault("KOMAK_TEST_ROLE_SUFFIX", f"_{_WORKER}")


# Modules that `make test` runs alone, after the rest has run in parallel: they shape
# a link and time what goes through it, or kill a worker and time the failover, and a
# neighbour's load on the machine's two cores would change what they see. Transactional
# tests (`django_db(transaction=True)`) run there too: they empty the database when
# they end, and pytest-django puts them after every other database test only within
# one process, while a worker would go on to the next file with the migrations' rows
# (the page tree, sites, roles) gone.
SOLO = (
    "tests/scaleout/test_weak_network.py",
    "tests/scaleout/test_worker_killed_mid_call.py",
    "tests/resilience/",
    "tests/security/test_signaling_fuzz.py",
    "tests/e2e/test_rtc_peers.py",
    "tests/e2e/test_call_browser.py",
)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Marks the SOLO modules' tests and the transactional tests `solo` (before `-m`
    selects by marks)."""
    root = config.rootpath
    for item in items:
        where = item.path.relative_to(root).as_posix()
        database = item.get_closest_marker("django_db")
        transactional = database is not None and database.kwargs.get("transaction")
        if where.startswith(SOLO) or transactional:
            item.add_marker(pytest.mark.solo)


@pytest.fixture(scope="session")
def live_komak():
    """A real Daphne serving a freshly migrated and seeded database (session-wide)."""
    from tests.support.live import LiveServer

    with LiveServer() as server:
        yield server


@pytest.fixture(scope="module")
def video_server(live_komak):
    """The shared test server, once its demo video has been transcoded by a
    django-q2 cluster (as `make run` does), so that lessons show the player."""
    from tests.support.videos import demo_video_transcoded

    demo_video_transcoded(live_komak)
    return live_komak


@pytest.fixture(scope="module")
def chromium_browser():
    """Chromium for one test module. Not session-wide: Playwright's sync API keeps an
    event loop running while it is open, which would break asyncio tests after it."""
    path = require_chromium()
    from playwright.sync_api import sync_playwright

    from tests.support.live import CHROMIUM_ARGS

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def force_login_passes_second_factor(monkeypatch):
    """`Client.force_login` stands for a whole sign-in, second factor included, as
    staff sessions need one (accounts/middleware.py). Tests of the sign-in itself
    post to the real forms instead."""
    from django.test import Client

    from tests.support.mfa import mark_second_factor_passed

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        mark_second_factor_passed(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture(autouse=True)
def uzbek_to_start_with():
    """Each test starts in Uzbek, the default language.

    A request activates its language in the thread that the test client runs it
    in, and it stays active afterwards; `reverse()` then gives that language's
    prefix (/ru/...). Without this, a test would depend on the one before it.
    """
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def caches_left_empty():
    """Every cache is emptied after each test. A test's database rows are rolled
    back, but what the cache learnt from them is not: Wagtail's site root paths of
    a seeded demo, a person's role under an id the next test gives someone else."""
    yield
    from django.conf import settings
    from django.core.cache import caches

    for alias in settings.CACHES:
        caches[alias].clear()


@pytest.fixture
def fresh_limits():
    """Rate-limit counts (allauth's and ours) live in the cache: a test that uses this
    starts with none and leaves none behind."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def sms_log(caplog):
    """The logging SMS backend's messages, as the tests read codes from them."""
    caplog.set_level("INFO", logger="komak.sms")
    return caplog


@pytest.fixture(scope="module")
def migrated_postgres():
    """One scratch PostgreSQL database for a module, migrated once; the module's
    scenarios run on it in child processes (`run_json`)."""
    from tests.support.services import ScratchPostgresDatabase, require_postgres

    require_postgres()
    with ScratchPostgresDatabase() as database:
        database.migrate()
        yield database

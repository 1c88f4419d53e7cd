"""Test settings: fast hashing, in-memory e-mail, the databases of `base`."""

import os
import tempfile
import uuid
from pathlib import Path

from .base import *  # noqa: F403

SECRET_KEY = SECRET_KEY or "test-only-insecure-key"  # noqa: F405, S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tests render templates without running collectstatic first.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
Q_CLUSTER = {**Q_CLUSTER, "sync": True}  # noqa: F405
# Each test run's own checkpoint directory (made only when a checkpoint is written):
# checkpoints belong to one database, and every run makes a new one.
AUDIT_CHECKPOINT_DIR = Path(
    os.environ.get("AUDIT_CHECKPOINT_DIR")
    or Path(tempfile.gettempdir()) / f"komak-test-checkpoints-{uuid.uuid4().hex}"
)
# Pages are rendered afresh in tests; tests/cms/test_page_cache.py turns the cache on.
PAGE_CACHE_SECONDS = 0
# Under pytest-xdist (`make test`), each worker writes media of its own: two workers
# each number their first video 1.
if os.environ.get("PYTEST_XDIST_WORKER") and "MEDIA_ROOT" not in os.environ:
    MEDIA_ROOT = MEDIA_ROOT / f"test-{os.environ['PYTEST_XDIST_WORKER']}"  # noqa: F405
# The page cache's files, too (two workers sharing them would each empty the other's
# after every test); a task cluster a test starts inherits the variable, so it finds
# the same folder.
_pages = CACHES["pages"]  # noqa: F405
if (
    os.environ.get("PYTEST_XDIST_WORKER")
    and "PAGE_CACHE_DIR" not in os.environ
    and _pages["BACKEND"].endswith("FileBasedCache")
):
    _worker = os.environ["PYTEST_XDIST_WORKER"]
    CACHES["pages"] = {**_pages, "LOCATION": f"{_pages['LOCATION']}-{_worker}"}  # noqa: F405

"""Each audit test writes its checkpoints to its own directory."""

import pytest


@pytest.fixture(autouse=True)
def checkpoint_dir(settings, tmp_path):
    directory = tmp_path / "audit-checkpoints"
    settings.AUDIT_CHECKPOINT_DIR = directory
    return directory


@pytest.fixture(autouse=True)
def database_as_expected(request):
    """tests/audit/test_postgres.py runs the chain tests again on PostgreSQL and says
    so in KOMAK_EXPECT_DATABASE: make sure they did not fall back to SQLite."""
    import os

    expected = os.environ.get("KOMAK_EXPECT_DATABASE")
    if expected and "django_db" in {mark.name for mark in request.node.iter_markers()}:
        from django.db import connection

        assert connection.vendor == expected

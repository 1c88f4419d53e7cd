"""Connections to the scale-out profile's real services: PostgreSQL and Redis on
loopback.
"""

import json
import os
import subprocess
import sys
import uuid

from tests.support.live import REPO
from tests.support.parts import port_open, require

POSTGRES_ADMIN_URL = os.environ.get(
    "KOMAK_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/test"
)
REDIS_TEST_URL = os.environ.get("KOMAK_TEST_REDIS_URL", "redis://127.0.0.1:6379/14")


def require_postgres() -> None:
    require(
        port_open("127.0.0.1", 5432), "PostgreSQL is not listening on 127.0.0.1:5432"
    )


def require_redis() -> None:
    require(port_open("127.0.0.1", 6379), "Redis is not listening on 127.0.0.1:6379")


class ScratchPostgresDatabase:
    """A database made for one test and dropped afterwards."""

    def __init__(self):
        self.name = f"komak_scratch_{uuid.uuid4().hex[:10]}"
        base, _, _ = POSTGRES_ADMIN_URL.rpartition("/")
        self.url = f"{base}/{self.name}"

    def environ(self) -> dict:
        """The environment for a `manage.py` or Python child process of the test
        settings on this database: the caller's own, without its database and
        Redis addresses."""
        inherited = {
            key: value
            for key, value in os.environ.items()
            if key not in {"DATABASE_URL", "REDIS_URL"}
        }
        return {
            **inherited,
            "DATABASE_URL": self.url,
            "DJANGO_SETTINGS_MODULE": "cms.settings.test",
        }

    def run(self, *args: str, timeout: float = 600) -> str:
        """Run Python with `args` (`manage.py ...`, or `-c <code>`) in the project on
        this database; fail the test with the end of its stderr if it fails. Its
        stdout."""
        result = subprocess.run(
            [sys.executable, *args],
            cwd=REPO,
            env=self.environ(),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        return result.stdout

    def run_json(self, code: str):
        """Run `code` on this database; the JSON it printed last."""
        return json.loads(self.run("-c", code).strip().splitlines()[-1])

    def migrate(self) -> None:
        self.run("manage.py", "migrate", "--no-input")

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as connection:
            connection.execute(sql)

    def __enter__(self) -> "ScratchPostgresDatabase":
        self._admin(f'CREATE DATABASE "{self.name}"')
        return self

    def __exit__(self, *exc) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

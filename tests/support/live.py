"""A real Ko'mak server for browser tests and benchmarks: migrate, seed, then Daphne.

Each server gets its own SQLite file, media folder and static folder under a temporary
directory, so it never touches the developer's `db.sqlite3`.

Migrating, collecting the static files and seeding take most of a minute, and a test
process starts up to a dozen servers. So the first server a process prepares with a
given environment is kept as a template, and the next ones start from a copy of it;
`seed_demo` then runs again on the copy, as it does on every `make run`, so that what
the demo keeps "now" (the talk that is open to join) is brought up to the copy's
hour. Servers on PostgreSQL (`DATABASE_URL` in their environment) are always
prepared from nothing.
"""

import atexit
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

from deploy.scaleout import daphne_command

REPO = Path(__file__).resolve().parents[2]

# Prepared folders of this process, by the environment they were prepared with.
_TEMPLATES: dict[tuple, Path] = {}
# What a template holds: the database and the uploads and static files. The page
# cache beside the database is left behind, so a copy starts with none.
_TEMPLATE_PARTS = ("db.sqlite3", "media", "static")


def _templates_remove() -> None:
    for template in _TEMPLATES.values():
        shutil.rmtree(template, ignore_errors=True)


atexit.register(_templates_remove)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http_answers(url: str) -> bool:
    """Whether `url` answers 200 now (no proxy taken from the environment)."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def wait_answering(
    process: subprocess.Popen,
    log_path: Path,
    answers: Callable[[], bool],
    *,
    timeout: float = 60,
    what: str = "Daphne",
) -> None:
    """Wait until `answers()` is true; fail with the end of the log if the process
    exits first, or after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited: {log_path.read_text()[-2000:]}")
        if answers():
            return
        time.sleep(0.3)
    raise RuntimeError(f"{what} did not answer in {timeout}s")


class LiveServer:
    """Prepare a database with the demo content and run Daphne on a free port."""

    def __init__(self, *, extra_env: dict | None = None):
        self.workdir = Path(tempfile.mkdtemp(prefix="komak-live-"))
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        base_env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"DATABASE_URL", "REDIS_URL"}
        }
        self.env = {
            **base_env,
            "DJANGO_SETTINGS_MODULE": "cms.settings.dev",
            "DJANGO_DEBUG": "0",
            "SQLITE_PATH": str(self.workdir / "db.sqlite3"),
            "MEDIA_ROOT": str(self.workdir / "media"),
            "STATIC_ROOT": str(self.workdir / "static"),
            "PYTHONUNBUFFERED": "1",
            **(extra_env or {}),
        }
        self.process: subprocess.Popen | None = None
        self.log_path = self.workdir / "daphne.log"

    def manage(self, *args: str) -> None:
        subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=REPO,
            env=self.env,
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def prepare(self) -> None:
        key = self._template_key()
        template = _TEMPLATES.get(key) if key is not None else None
        if template is None:
            self.manage("migrate", "--no-input")
            self.manage("collectstatic", "--no-input", "--verbosity", "0")
            self.manage("seed_demo")
            if key is not None:
                _TEMPLATES[key] = self._template_keep()
            return
        for part in _TEMPLATE_PARTS:
            source, target = template / part, self.workdir / part
            if source.is_dir():
                shutil.copytree(source, target, symlinks=True)
            elif source.exists():
                shutil.copy2(source, target)
        self.manage("seed_demo")

    def _template_key(self) -> tuple | None:
        """What a prepared server depends on: its whole environment but the paths of
        its own folders. None for a server that is not on its own SQLite file."""
        own = {
            "SQLITE_PATH": str(self.workdir / "db.sqlite3"),
            "MEDIA_ROOT": str(self.workdir / "media"),
            "STATIC_ROOT": str(self.workdir / "static"),
        }
        if "DATABASE_URL" in self.env or any(
            self.env.get(name) != path for name, path in own.items()
        ):
            return None
        return tuple(
            sorted((name, value) for name, value in self.env.items() if name not in own)
        )

    def _template_keep(self) -> Path:
        """Copy this freshly prepared server's folders aside, before it runs."""
        template = Path(tempfile.mkdtemp(prefix="komak-live-template-"))
        for part in _TEMPLATE_PARTS:
            source = self.workdir / part
            if source.is_dir():
                shutil.copytree(source, template / part, symlinks=True)
            elif source.exists():
                shutil.copy2(source, template / part)
        return template

    def shell(self, code: str, timeout: float = 120) -> str:
        """Run `code` with `manage.py shell -c` on this server's database and return
        the last line it printed."""
        result = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", code],
            cwd=REPO,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=True,
        )
        return result.stdout.strip().splitlines()[-1]

    def start(
        self, timeout: float = 60, asgi_app: str = "cms.asgi:application"
    ) -> None:
        """Run Daphne serving `asgi_app` and wait until `/healthz` answers."""
        log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            daphne_command(self.port, "127.0.0.1", asgi_app),
            cwd=REPO,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        wait_answering(
            self.process,
            self.log_path,
            lambda: http_answers(self.url + "/healthz"),
            timeout=timeout,
        )

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def __enter__(self) -> "LiveServer":
        self.prepare()
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]

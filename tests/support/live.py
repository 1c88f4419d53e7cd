"""A real Ko'mak server for browser tests and benchmarks: migrate, seed, then Daphne.

Each server gets its own SQLite file, media folder and static folder under a temporary
directory, so it never touches the developer's `db.sqlite3`.
"""

import os
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
        self.manage("migrate", "--no-input")
        self.manage("collectstatic", "--no-input", "--verbosity", "0")
        self.manage("seed_demo")

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

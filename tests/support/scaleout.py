"""The scale-out stack for tests: nginx in front of Daphne workers on PostgreSQL and
Redis, started the way `make scale-up` starts it (deploy/scaleout.py), on free ports.

`ScaleOutStack` makes a scratch PostgreSQL database and empties one Redis database,
migrates, collects static files and seeds the demo (through a `LiveServer`, whose
`shell` and environment tests reuse), then starts the workers with
`--proxy-headers`, nginx from the rendered deploy/nginx/komak.conf, and on request
the django-q2 cluster. Every wait is bounded; `stop` ends only what it started.
"""

import os
import re
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from deploy.scaleout import (
    HOST,
    PROFILE,
    NginxSite,
    ScaleOutError,
    brotli_available,
    cluster_command,
    nginx_binary,
    nginx_command,
    nginx_conf_write,
    worker_command,
)
from tests.support.live import REPO, LiveServer, free_port, http_answers
from tests.support.parts import require
from tests.support.services import (
    ScratchPostgresDatabase,
    require_postgres,
    require_redis,
)

SCALE_OUT_REDIS_URL = os.environ.get(
    "KOMAK_TEST_SCALEOUT_REDIS_URL", "redis://127.0.0.1:6379/12"
)
# The role the workers connect as (audit.database_roles): made by the first stack,
# given row rights in each scratch database by `postgres_app_role`.
APP_ROLE = "komak_test_app" + os.environ.get("KOMAK_TEST_ROLE_SUFFIX", "")
UPSTREAM = re.compile(r"upstream=([\d.]+:\d+)")


def nginx_available() -> bool:
    try:
        nginx_binary()
    except ScaleOutError:
        return False
    return True


def require_nginx() -> None:
    require(nginx_available(), "nginx is not installed (apt-get install nginx)")


class ScaleOutStack:
    def __init__(self, *, workers: int = 2, redis_url: str = SCALE_OUT_REDIS_URL):
        self.server = LiveServer()
        self.workdir = self.server.workdir
        self.redis_url = redis_url
        self.database = ScratchPostgresDatabase()
        self.worker_ports = [free_port() for _ in range(workers)]
        self.port = free_port()
        self.url = f"http://{HOST}:{self.port}"
        self.var_dir = self.workdir / "nginx"
        self.access_log = self.var_dir / "log" / "nginx-access.log"
        self.processes: dict[str, subprocess.Popen] = {}

    @property
    def env(self) -> dict:
        return self.server.env

    @property
    def app_url(self) -> str:
        """The scratch database as the site's role (APP_ROLE), not its owner."""
        parts = urlsplit(self.database.url)
        host = parts.netloc.rpartition("@")[2]
        return urlunsplit(parts._replace(netloc=f"{APP_ROLE}@{host}"))

    # --- lifecycle ----------------------------------------------------------------

    def start(self) -> "ScaleOutStack":
        require_postgres()
        require_redis()
        require_nginx()
        import redis

        # Booking ids start at 1 again in a new database: no group of an earlier run
        # may receive this run's messages.
        redis.Redis.from_url(self.redis_url).flushdb()
        self.database.__enter__()
        try:
            # Set after construction: LiveServer leaves DATABASE_URL and REDIS_URL out.
            # As `make scale-up` does: the owner migrates and gives the site's role
            # row rights only; the workers never hold the owner's credentials.
            self.env.update(
                DATABASE_URL=self.app_url,
                DATABASE_OWNER_URL=self.database.url,
                REDIS_URL=self.redis_url,
                WAGTAILADMIN_BASE_URL=self.url,
                **PROFILE,
            )
            self.server.manage("migrate", "--no-input")
            self.server.manage("postgres_app_role")
            del self.env["DATABASE_OWNER_URL"]
            self.server.manage("collectstatic", "--no-input", "--verbosity", "0")
            self.server.manage("seed_demo")
            for number in range(1, len(self.worker_ports) + 1):
                self.worker_start(number)
            self.conf = nginx_conf_write(
                var_dir=self.var_dir,
                site=NginxSite(
                    listen=f"{HOST}:{self.port}",
                    server_name=f"{HOST} localhost",
                    workers=[f"{HOST}:{port}" for port in self.worker_ports],
                    static_root=Path(self.env["STATIC_ROOT"]),
                    media_root=Path(self.env["MEDIA_ROOT"]),
                    access_log=self.access_log,
                    brotli=brotli_available(),
                ),
            )
            Path(self.env["MEDIA_ROOT"]).mkdir(parents=True, exist_ok=True)
            self._spawn("nginx", nginx_command(self.conf))
            for port in self.worker_ports:
                self._wait_healthy(f"http://{HOST}:{port}", f"web on {port}")
            self._wait_healthy(self.url, "nginx")
        except BaseException:
            self.stop()
            raise
        return self

    def worker_start(self, number: int) -> None:
        """Start (again) Daphne worker `number` (1-based) on its port."""
        port = self.worker_ports[number - 1]
        self._spawn(f"web{number}", worker_command(port))

    def cluster_start(self) -> None:
        self._spawn("worker", cluster_command())

    def stop(self) -> None:
        for name in reversed(list(self.processes)):
            self.process_stop(name)
        self.database.__exit__(None, None, None)

    def process_stop(self, name: str, *, kill: bool = False) -> None:
        process = self.processes.pop(name, None)
        if process is None or process.poll() is not None:
            return
        if kill:
            process.kill()
        else:
            process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)

    def __enter__(self) -> "ScaleOutStack":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # --- what tests read ----------------------------------------------------------

    def log(self, name: str) -> str:
        path = self.workdir / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def upstreams_logged(self) -> list[str]:
        """The worker (host:port) of each request in nginx's access log, in order."""
        if not self.access_log.exists():
            return []
        return UPSTREAM.findall(self.access_log.read_text())

    def shell(self, code: str, timeout: float = 120) -> str:
        return self.server.shell(code, timeout=timeout)

    # --- helpers ------------------------------------------------------------------

    def _spawn(self, name: str, command: list[str]) -> None:
        log = (self.workdir / f"{name}.log").open("ab")
        self.processes[name] = subprocess.Popen(
            command,
            cwd=REPO,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def _wait_healthy(self, base_url: str, what: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for name, process in self.processes.items():
                if process.poll() is not None:
                    raise RuntimeError(f"{name} exited: {self.log(name)[-3000:]}")
            if http_answers(base_url + "/healthz"):
                return
            time.sleep(0.3)
        raise RuntimeError(f"{what} did not answer in {timeout}s")

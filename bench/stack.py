"""What the scale-out benchmarks share: the stack of `tests.support.scaleout` on a
Redis database of their own, a higher open-file limit, and reading a process's memory.

`bench/ws_capacity.py`, `bench/nginx_page_cache.py` and `bench/nginx_rtc_connect.py`
each start the stack `make scale-up` runs (deploy/scaleout.py: Daphne workers with
`--proxy-headers` on a scratch PostgreSQL database and Redis, Debian's nginx with
deploy/nginx/komak.conf), on free ports, and stop it when done.
"""

import os
import resource
import subprocess
from pathlib import Path

from deploy.scaleout import daphne_command
from tests.support.live import REPO, free_port, http_answers, wait_answering
from tests.support.scaleout import ScaleOutStack

# Not the tests' Redis databases (12 to 14): a benchmark beside a test run must not
# empty theirs, nor they ours.
BENCH_REDIS_URL = os.environ.get("KOMAK_BENCH_REDIS_URL", "redis://127.0.0.1:6379/10")
# Open files wanted by this process and the servers it starts (they inherit it).
FILE_LIMIT = 65536


def file_limit_raise(wanted: int = FILE_LIMIT) -> int:
    """Raise this process's soft RLIMIT_NOFILE towards `wanted` (never above the
    hard limit); children started afterwards inherit it. Returns the soft limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if target > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def django_setup() -> None:
    """Configure Django in this process too: signing in as staff computes the
    authenticator code with allauth's functions (tests/support/mfa.py), which need
    settings. The servers this process starts set their own."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")
    django.setup()


def stack_start(*, workers: int, extra_env: dict | None = None) -> ScaleOutStack:
    stack = ScaleOutStack(workers=workers, redis_url=BENCH_REDIS_URL)
    stack.env.update(extra_env or {})
    return stack.start()


def rss_kib(pid: int) -> int:
    """Resident memory of a process in KiB (Linux /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for process {pid}")


def open_files_limit(pid: int) -> str:
    """The soft open-file limit a process runs with (Linux /proc)."""
    for line in Path(f"/proc/{pid}/limits").read_text().splitlines():
        if line.startswith("Max open files"):
            return line.split()[3]
    return "?"


def load_average() -> str:
    return "/".join(f"{value:.1f}" for value in os.getloadavg())


def bench(name: str, value: float, unit: str) -> None:
    if unit in {"sockets", "requests", "runs", "errors"}:
        text = str(round(value))
    elif unit == "ratio":
        text = f"{value:.3g}"  # three significant digits: 0.0121, 1.04
    else:
        text = f"{value:.2f}"
    print(f"BENCH {name} {text} {unit}", flush=True)


class ExtraDaphne:
    """One more Daphne with the stack's environment, serving another application
    (the baselines' echo consumer), on a free port."""

    def __init__(self, stack: ScaleOutStack, asgi_app: str):
        self.stack = stack
        self.asgi_app = asgi_app
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = stack.workdir / "extra-daphne.log"
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> "ExtraDaphne":
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(  # noqa: S603 - our own command line
            daphne_command(self.port, "127.0.0.1", self.asgi_app),
            cwd=REPO,
            env=self.stack.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        wait_answering(
            self.process,
            self.log_path,
            lambda: http_answers(self.url + "/healthz"),
            timeout=timeout,
            what=f"Daphne for {self.asgi_app}",
        )
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

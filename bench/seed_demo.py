"""How long `manage.py seed_demo` takes on a fresh SQLite database, and again on the
seeded one (the goal of issue 17: the demo as data files is as fast or faster than
it was as Python literals).

Each run is a separate `manage.py` process, as `make run` starts it, against a
database and media folder made for the benchmark in a temporary folder (migrated
first, not timed). The fresh run includes the demo video's narrated slides
(demo/video.py), which it queues for transcoding but does not wait for. Also timed:
reading and checking every demo data file without a database (`demo/courses.py`,
median of READ_RUNS), the part this change replaced.

Every figure is printed as `BENCH <name> <value> <unit>`; docs/benchmarks.md explains
them. Run it with `make bench`, or alone with `python -m bench.seed_demo`.
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
READ_RUNS = 5


def manage(*args: str, env: dict) -> float:
    """Run one manage.py command; its wall time in seconds."""
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def bench(name: str, value: float, unit: str) -> None:
    print(f"BENCH {name} {value:.2f} {unit}", flush=True)


# Run in its own process: a fresh interpreter, as seed_demo has.
READ_SCRIPT = """
import statistics, time
import django
django.setup()
from demo.courses import courses_read
times = []
for _ in range(READ_RUNS):
    started = time.perf_counter()
    courses_read()
    times.append(time.perf_counter() - started)
print(statistics.median(times) * 1000)
"""


def files_read_ms(env: dict) -> float:
    result = subprocess.run(
        [sys.executable, "-c", READ_SCRIPT.replace("READ_RUNS", str(READ_RUNS))],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return float(result.stdout.strip().splitlines()[-1])


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="komak-seed-") as folder:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "cms.settings.dev",
            "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3",
            "MEDIA_ROOT": f"{folder}/media",
        }
        manage("migrate", "--no-input", env=env)
        bench("seed_demo_fresh", manage("seed_demo", env=env), "s")
        bench("seed_demo_again", manage("seed_demo", env=env), "s")
        bench("demo_files_read", files_read_ms(env), "ms")


if __name__ == "__main__":
    main()

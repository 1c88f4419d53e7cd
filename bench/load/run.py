"""Entry point of `make load`: make the call rooms, then run the locust scenarios
(bench/load/locustfile.py) headless for a bounded time and print their figures.

Against `make scale-up` by default (http://127.0.0.1:8080, its database): the rooms
are bookings written straight into the server's database by `manage.py
demo_call_rooms`, so DATABASE_URL must name the database the server uses. Unset, it
is `make scale-up`'s; set it empty (`make load DATABASE_URL=`) for a `make run`
server on SQLite.

    LOAD_HOST      where the site answers          http://127.0.0.1:8080
    LOAD_SECONDS   how long the load runs          60
    LOAD_LEARNERS  signed-in learners at once      20
    LOAD_ROOMS     calls at once (2 sockets each)  20
    LOAD_ROOM_MESSAGES_PER_SECOND  per call        1

Exits with locust's status: 1 when any request failed.
"""

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
# `make scale-up`'s database (deploy/scaleout.py).
SCALE_UP_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/komak"
# Users started per second: calls start a few at a time, not all in one second (a
# storm of 20 sockets a second makes Daphne drop handshakes it cannot answer within
# its 5 s, and nginx then takes the worker out for a while).
SPAWN_PER_SECOND = {"Learner": 5, "CallRoom": 2}
# Users still busy when the time is up get this long to finish their task.
STOP_TIMEOUT_SECONDS = 10


def main() -> int:
    host = os.environ.get("LOAD_HOST", "http://127.0.0.1:8080").rstrip("/")
    seconds = int(os.environ.get("LOAD_SECONDS", "60"))
    learners = int(os.environ.get("LOAD_LEARNERS", "20"))
    rooms = int(os.environ.get("LOAD_ROOMS", "20"))
    env = {
        **os.environ,
        "DATABASE_URL": os.environ.get("DATABASE_URL", SCALE_UP_DATABASE_URL),
        "LOAD_LEARNERS": str(learners),
        "LOAD_ROOMS": str(rooms),
    }
    run_dir = REPO / "var" / "load"
    run_dir.mkdir(parents=True, exist_ok=True)
    rooms_file = run_dir / "rooms.json"
    if rooms:
        made = subprocess.run(
            [
                sys.executable,
                "manage.py",
                "demo_call_rooms",
                "--rooms",
                str(rooms),
            ],
            cwd=REPO,
            env={**env, "KOMAK_LOAD_FIXTURES": "1"},
            capture_output=True,
            text=True,
            check=False,
        )
        if made.returncode != 0:
            print(made.stderr.strip(), file=sys.stderr)
            return made.returncode
        rooms_file.write_text(made.stdout.strip().splitlines()[-1] + "\n")
    print(
        f"load: {learners} learners and {rooms} call rooms against {host} "
        f"for {seconds} s",
        flush=True,
    )
    # One locust process per scenario, side by side: in one process the learners'
    # requests delay the rooms' socket readers, and the relay times then measure
    # locust rather than the server.
    runs = []
    for user_class, users in (("Learner", learners), ("CallRoom", rooms)):
        if not users:
            continue
        log = (run_dir / f"{user_class}.log").open("w")
        process = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("locust")),
                "--locustfile",
                str(REPO / "bench" / "load" / "locustfile.py"),
                "--headless",
                "--host",
                host,
                "--users",
                str(users),
                "--spawn-rate",
                str(SPAWN_PER_SECOND[user_class]),
                "--run-time",
                f"{seconds}s",
                "--stop-timeout",
                str(STOP_TIMEOUT_SECONDS),
                "--only-summary",
                "--loglevel",
                "WARNING",
                "--csv",
                str(run_dir / user_class),
                user_class,
            ],
            cwd=REPO,
            env={**env, "LOAD_ROOMS_FILE": str(rooms_file)},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        runs.append((process, log))
    status = 0
    for process, log in runs:
        status = max(status, process.wait())
        log.close()
        print(Path(log.name).read_text().rstrip(), flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main())

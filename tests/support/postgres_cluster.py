"""A throwaway PostgreSQL server of a test's own, to stop and start at will.

The machine's shared server (127.0.0.1:5432) serves other tests, so a test that takes
PostgreSQL away makes its own cluster with `initdb` in a temporary folder and runs it
with `pg_ctl` on a free port, listening on 127.0.0.1 only. PostgreSQL refuses to run
as root: as root, the folder is given to the `postgres` user and every command runs
as that user (`runuser`).
"""

import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

from tests.support.live import free_port
from tests.support.parts import require

SERVER_USER = "postgres"


def server_binaries() -> Path | None:
    """The bin folder of the newest PostgreSQL installed from Debian, if any."""
    folders = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda path: int(path.parent.name) if path.parent.name.isdigit() else 0,
    )
    for folder in reversed(folders):
        if (folder / "initdb").exists() and (folder / "pg_ctl").exists():
            return folder
    return None


def require_server_binaries() -> Path:
    folder = server_binaries()
    require(
        folder is not None,
        "PostgreSQL's server programs are not installed (apt-get install postgresql)",
    )
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(SERVER_USER)
        except KeyError:
            require(False, f"running as root and there is no {SERVER_USER!r} user")
    return folder


class PrivatePostgres:
    """`initdb` + `pg_ctl` in a temporary folder; `stop()`/`start()` as often as a
    test needs, `destroy()` at the end."""

    def __init__(self):
        self.bin = require_server_binaries()
        self.folder = Path(tempfile.mkdtemp(prefix="komak-pg-"))
        self.data = self.folder / "data"
        self.log = self.folder / "postgres.log"
        self.port = free_port()
        if os.geteuid() == 0:
            user = pwd.getpwnam(SERVER_USER)
            os.chown(self.folder, user.pw_uid, user.pw_gid)

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, program: str, *args: str, timeout: float = 120) -> None:
        command = [str(self.bin / program), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", SERVER_USER, "--", *command]
        subprocess.run(
            command,
            check=True,
            timeout=timeout,
            capture_output=True,
            cwd=self.folder,
        )

    def create(self) -> "PrivatePostgres":
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-instructions",
        )
        self.start()
        return self

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
            # A test's data need not survive a crash of the machine.
            "-c fsync=off -c full_page_writes=off"
        )
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-o",
            options,
            "-w",
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        """`fast` ends every session and stops; `immediate` kills the server as a
        crash would (recovery on the next start)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def execute(self, database: str, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.url(database), autocommit=True) as connection:
            connection.execute(sql)

    def destroy(self) -> None:
        try:
            self.stop("immediate")
        except subprocess.CalledProcessError:
            pass  # already stopped
        shutil.rmtree(self.folder, ignore_errors=True)

"""`make scale-up` and `make scale-down`: the scale-out profile on one machine; and
the nginx site for real servers.

    python -m deploy.scaleout up       # prepare, then run in the foreground (Ctrl-C)
    python -m deploy.scaleout down     # stop what `up` started (another terminal)
    python -m deploy.scaleout render --listen "443 ssl" --server-name komak.uz ...

`up` creates the PostgreSQL database DATABASE_URL names if it is missing, migrates
it, collects the static files and seeds the demo data and its schedules (as `make
setup` does), prints the demo logins, then runs under honcho until Ctrl-C:

- two Daphne workers on 127.0.0.1:8001 and :8002 with `--proxy-headers`;
- the django-q2 cluster on the Redis broker (REDIS_URL);
- Debian's nginx as an ordinary process (`nginx -p var/scaleout/nginx -c ...`, its
  own pid file, logs and temporary folders under var/scaleout/, `daemon off`) on
  127.0.0.1:8080, in front of both workers (deploy/nginx/komak.conf).

It is production-like where it matters to scale-out (DEBUG off, files sent by nginx
after Django's checks, the client's address taken from X-Forwarded-For) but plain
http on one machine with demo data: it runs `cms.settings.dev` with DJANGO_DEBUG=0,
never production.py, which requires TLS and refuses demo data.
"""

import argparse
import os
import pwd
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

REPO = Path(__file__).resolve().parent.parent
NGINX_DIR = REPO / "deploy" / "nginx"
SITE_TEMPLATE = NGINX_DIR / "komak.conf"
STANDALONE_TEMPLATE = NGINX_DIR / "standalone.conf"
BROTLI_CONF = NGINX_DIR / "brotli.conf"
NGINX_MODULES = Path("/usr/lib/nginx/modules")
BROTLI_MODULES = (
    "ngx_http_brotli_filter_module.so",
    "ngx_http_brotli_static_module.so",
)
HOST = "127.0.0.1"

# What makes this profile: nginx in front (one proxy), files through nginx, no DEBUG.
PROFILE = {
    "DJANGO_SETTINGS_MODULE": "cms.settings.dev",
    "DJANGO_DEBUG": "0",
    "MEDIA_ACCEL_REDIRECT": "1",
    "TRUSTED_PROXY_COUNT": "1",
    # Under ASGI each request has its own connection object: kept open for reuse,
    # they pile up until PostgreSQL refuses clients (Django's docs: disable
    # persistent connections with ASGI).
    "DATABASE_CONN_MAX_AGE": "0",
}
# The site connects as a role that may only read and write rows; the tables belong
# to the owner role, which migrates (audit/database_roles.py). Used together, when
# DATABASE_URL is not set.
DATABASE_DEFAULTS = {
    "DATABASE_URL": f"postgres://komak_app@{HOST}:5432/komak",
    "DATABASE_OWNER_URL": f"postgres://postgres@{HOST}:5432/komak",
}
DEFAULTS = {
    "REDIS_URL": f"redis://{HOST}:6379/0",
    "KOMAK_SCALE_PORT": "8080",
    "KOMAK_WORKER_PORTS": "8001,8002",
    "KOMAK_SCALE_DIR": str(REPO / "var" / "scaleout"),
}
PLACEHOLDER = re.compile(r"\$\{([A-Z][A-Z0-9_]*)\}")


class ScaleOutError(Exception):
    """Something `up` needs is missing; the message says what to do."""


# --- nginx configuration ---------------------------------------------------------


def render(template: str, values: dict[str, str]) -> str:
    """Fill `${NAME}` (capitals only, as envsubst would) and leave nginx's own
    lowercase `$name` alone. A name without a value is an error, not a blank."""

    def value(match: re.Match) -> str:
        name = match.group(1)
        if name not in values:
            raise KeyError(f"no value for ${{{name}}}")
        return values[name]

    return PLACEHOLDER.sub(value, template)


def brotli_available(modules: Path = NGINX_MODULES) -> bool:
    """Whether Debian's brotli modules for nginx are installed
    (libnginx-mod-http-brotli-filter and -static)."""
    return all((modules / name).is_file() for name in BROTLI_MODULES)


@dataclass
class NginxSite:
    """The values deploy/nginx/komak.conf is rendered with."""

    listen: str
    server_name: str
    workers: list[str]
    static_root: Path
    media_root: Path
    access_log: Path
    brotli: bool
    tls_certificate: str = ""
    tls_key: str = ""

    def values(self) -> dict[str, str]:
        upstreams = "\n    ".join(
            f"server {worker} max_fails=1 fail_timeout=5s;" for worker in self.workers
        )
        tls = "# no TLS here"
        if self.tls_certificate:
            tls = (
                f"ssl_certificate {self.tls_certificate};\n"
                f"    ssl_certificate_key {self.tls_key};\n"
                "    ssl_protocols TLSv1.2 TLSv1.3;"
            )
        brotli = "# brotli: Debian's module is not installed"
        if self.brotli:
            brotli = f"include {BROTLI_CONF};"
        return {
            "KOMAK_LISTEN": self.listen,
            "KOMAK_SERVER_NAME": self.server_name,
            "KOMAK_UPSTREAMS": upstreams,
            "KOMAK_STATIC_ROOT": str(Path(self.static_root).resolve()),
            "KOMAK_MEDIA_ROOT": str(Path(self.media_root).resolve()),
            "KOMAK_ACCESS_LOG": str(self.access_log),
            "KOMAK_TLS": tls,
            "KOMAK_BROTLI": brotli,
        }

    def render(self) -> str:
        return render(SITE_TEMPLATE.read_text(), self.values())


def nginx_binary() -> str:
    path = os.environ.get("NGINX") or shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(path).is_file():
        raise ScaleOutError("nginx is not installed: apt-get install nginx")
    return path


def nginx_conf_write(*, var_dir: Path, site: NginxSite) -> Path:
    """Write the standalone nginx.conf and the site under `var_dir`; return the
    main file's path. The folders nginx needs are made too."""
    for folder in ("conf", "log", "run", "tmp"):
        (var_dir / folder).mkdir(parents=True, exist_ok=True)
    Path(site.access_log).parent.mkdir(parents=True, exist_ok=True)
    site_path = var_dir / "conf" / "komak.conf"
    site_path.write_text(site.render())
    modules = "# brotli: Debian's module is not installed"
    if site.brotli:
        modules = "\n".join(
            f"load_module {NGINX_MODULES / name};" for name in BROTLI_MODULES
        )
    user = "# workers run as the user who started nginx"
    if os.geteuid() == 0:
        # As root nginx would hand its workers to `nobody`, who cannot read what
        # root's processes wrote into private folders: keep them as root here (a
        # real server runs Debian's nginx service as www-data instead).
        user = f"user {pwd.getpwuid(0).pw_name};"
    main = render(
        STANDALONE_TEMPLATE.read_text(),
        {
            "KOMAK_USER": user,
            "KOMAK_MODULES": modules,
            "KOMAK_VAR": str(var_dir),
            "KOMAK_SITE": str(site_path),
        },
    )
    main_path = var_dir / "conf" / "nginx.conf"
    main_path.write_text(main)
    return main_path


def nginx_command(conf: Path) -> list[str]:
    """nginx in the foreground with its own prefix (the folder above conf/)."""
    return [nginx_binary(), "-p", str(conf.parent.parent), "-c", str(conf)]


def nginx_check(conf: Path) -> subprocess.CompletedProcess:
    """`nginx -t` on the rendered configuration."""
    return subprocess.run(  # noqa: S603 - our own command line
        [*nginx_command(conf), "-t"], capture_output=True, text=True, timeout=30
    )


def daphne_command(
    port: int,
    host: str = HOST,
    asgi_app: str = "cms.asgi:application",
    *,
    proxy_headers: bool = False,
) -> list[str]:
    """Daphne serving `asgi_app` on host:port, with this interpreter."""
    command = [sys.executable, "-m", "daphne"]
    if proxy_headers:
        command.append("--proxy-headers")
    return [*command, "-b", host, "-p", str(port), asgi_app]


def worker_command(port: int, host: str = HOST) -> list[str]:
    """One Daphne worker behind nginx: X-Forwarded-Proto gives the scheme; the
    client's address is set again by core/proxy.py (TRUSTED_PROXY_COUNT)."""
    return daphne_command(port, host, proxy_headers=True)


def cluster_command() -> list[str]:
    return [sys.executable, "manage.py", "qcluster"]


# --- up ----------------------------------------------------------------------------


def profile_environment(base: dict | None = None) -> dict[str, str]:
    env = dict(os.environ if base is None else base)
    if not env.get("DATABASE_URL"):
        env.update(DATABASE_DEFAULTS)
    for name, value in DEFAULTS.items():
        env.setdefault(name, value)
    env.update(PROFILE)
    port = env["KOMAK_SCALE_PORT"]
    env.setdefault("WAGTAILADMIN_BASE_URL", f"http://{HOST}:{port}")
    env["PORT"] = port  # the address `demo_logins` prints
    env["PYTHONUNBUFFERED"] = "1"
    return env


def database_ensure(url: str) -> bool:
    """Create the database `url` names on its server if it is missing; True if it
    was made."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if parts.scheme not in {"postgres", "postgresql"} or not name:
        raise ScaleOutError(f"DATABASE_URL must name a PostgreSQL database: {url}")
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    try:
        with psycopg.connect(maintenance, autocommit=True) as connection:
            exists = connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [name]
            ).fetchone()
            if exists:
                return False
            connection.execute(
                sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
            )
            return True
    except psycopg.OperationalError as error:
        raise ScaleOutError(
            f"PostgreSQL does not answer at {parts.hostname}:{parts.port or 5432} "
            f"({error}). Start it, or set DATABASE_URL."
        ) from error


def redis_check(url: str) -> None:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=3).ping()
    except redis.RedisError as error:
        raise ScaleOutError(
            f"Redis does not answer at {url} ({error}). Start it, or set REDIS_URL."
        ) from error


def port_free(port: int, host: str = HOST) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def manage(*args: str, env: dict) -> None:
    command = [sys.executable, "manage.py", *args]
    result = subprocess.run(command, cwd=REPO, env=env, check=False)  # noqa: S603
    if result.returncode != 0:
        raise ScaleOutError(
            f"`manage.py {shlex.join(args)}` failed (exit status "
            f"{result.returncode}); its output is above."
        )


def procfile(*, worker_ports: list[int], conf: Path, run_dir: Path) -> str:
    """honcho's Procfile: each process writes its pid (the shell's, which `exec`
    keeps) so that `down` can stop it even if honcho is gone; nginx writes its own."""

    def line(name: str, command: list[str]) -> str:
        pid_file = shlex.quote(str(run_dir / f"{name}.pid"))
        return f"{name}: echo $$ > {pid_file}; exec {shlex.join(command)}"

    lines = [
        line(f"web{number}", worker_command(port))
        for number, port in enumerate(worker_ports, start=1)
    ]
    lines.append(line("worker", cluster_command()))
    lines.append(f"nginx: exec {shlex.join(nginx_command(conf))}")
    return "\n".join(lines) + "\n"


def up() -> None:
    env = profile_environment()
    var_dir = Path(env["KOMAK_SCALE_DIR"])
    port = int(env["KOMAK_SCALE_PORT"])
    worker_ports = [int(item) for item in env["KOMAK_WORKER_PORTS"].split(",")]
    nginx_binary()
    busy = [item for item in (port, *worker_ports) if not port_free(item)]
    if busy:
        raise ScaleOutError(
            f"Port {busy[0]} is in use: is `make scale-up` already running? "
            "`make scale-down` stops it."
        )
    owner_url = env.get("DATABASE_OWNER_URL") or env["DATABASE_URL"]
    if database_ensure(owner_url):
        print(f"scale-up: created the database {urlsplit(owner_url).path[1:]}")  # noqa: T201
    redis_check(env["REDIS_URL"])
    # As the owner when DATABASE_OWNER_URL is set (audit's `migrate`), which then
    # gives DATABASE_URL's role row rights only.
    manage("migrate", "--no-input", env=env)
    if env.get("DATABASE_OWNER_URL"):
        manage("postgres_app_role", env=env)
    manage("collectstatic", "--no-input", "--verbosity", "0", env=env)
    manage("seed_demo", env=env)
    manage("schedule_tasks", env=env)
    # The running site never holds the owner's credentials.
    env.pop("DATABASE_OWNER_URL", None)

    site = NginxSite(
        listen=f"{HOST}:{port}",
        server_name=f"{HOST} localhost",
        workers=[f"{HOST}:{item}" for item in worker_ports],
        static_root=Path(env.get("STATIC_ROOT", REPO / "staticfiles")),
        media_root=Path(env.get("MEDIA_ROOT", REPO / "media")),
        access_log=var_dir / "log" / "nginx-access.log",
        brotli=brotli_available(),
    )
    Path(site.media_root).mkdir(parents=True, exist_ok=True)
    conf = nginx_conf_write(var_dir=var_dir, site=site)
    check = nginx_check(conf)
    if check.returncode != 0:
        raise ScaleOutError(f"nginx refuses its configuration:\n{check.stderr}")

    manage("demo_logins", env=env)
    print(  # noqa: T201
        f"nginx on http://{HOST}:{port}/ in front of Daphne on "
        + ", ".join(f"{HOST}:{item}" for item in worker_ports)
        + f"; logs in {var_dir / 'log'}. Ctrl-C (or `make scale-down`) stops it all."
    )
    run_dir = var_dir / "run"
    procfile_path = var_dir / "Procfile"
    procfile_path.write_text(
        procfile(worker_ports=worker_ports, conf=conf, run_dir=run_dir)
    )
    (run_dir / "honcho.pid").write_text(f"{os.getpid()}\n")
    honcho = shutil.which("honcho", path=str(Path(sys.executable).parent))
    if honcho is None:
        raise ScaleOutError("honcho is not installed: make install")
    sys.stdout.flush()
    # honcho takes this process's place (and pid), so `down` can find it.
    os.execve(  # noqa: S606
        honcho,
        [honcho, "start", "-f", str(procfile_path), "-d", str(REPO)],
        env,
    )


# --- down --------------------------------------------------------------------------

# What each pid file's process must be running, so that a pid reused by another
# program after a crash is never signalled.
EXPECTED = {"honcho": b"honcho", "nginx": b"nginx", "worker": b"qcluster"}


def _command_line(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def _ours(name: str, pid: int) -> bool:
    marker = EXPECTED.get(name, b"daphne")
    return marker in _command_line(pid)


def _signal(pid: int, signum: int) -> None:
    """Signal the process and its group when it leads one (honcho starts each
    process in a session of its own, and qcluster has children)."""
    try:
        if os.getpgid(pid) == pid:
            os.killpg(pid, signum)
        else:
            os.kill(pid, signum)
    except ProcessLookupError:
        pass


def _wait_gone(pids: list[int], seconds: float) -> list[int]:
    deadline = time.monotonic() + seconds
    alive = list(pids)
    while alive and time.monotonic() < deadline:
        time.sleep(0.2)
        alive = [pid for pid in alive if _command_line(pid)]
    return alive


def down(var_dir: Path | None = None) -> list[str]:
    """Stop honcho and every process it started; return their names."""
    env = profile_environment()
    run_dir = Path(var_dir or env["KOMAK_SCALE_DIR"]) / "run"
    running = {}
    for pid_file in sorted(run_dir.glob("*.pid")) if run_dir.is_dir() else []:
        try:
            pid = int(pid_file.read_text().strip())
        except ValueError:
            pid = 0
        if pid and _ours(pid_file.stem, pid):
            running[pid_file.stem] = pid
        pid_file.unlink()
    if "honcho" in running:
        # honcho stops the others itself when it is told to.
        _signal(running["honcho"], signal.SIGTERM)
        _wait_gone([running["honcho"]], 15)
    for name, pid in running.items():
        if name != "honcho" and _command_line(pid):
            _signal(pid, signal.SIGTERM)
    for pid in _wait_gone(list(running.values()), 15):
        _signal(pid, signal.SIGKILL)
    return sorted(running)


# --- command line ------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.scaleout")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("up", help="prepare and run the stack until Ctrl-C")
    commands.add_parser("down", help="stop what `up` started")
    site = commands.add_parser("render", help="print the nginx site for a server")
    site.add_argument("--listen", default="443 ssl")
    site.add_argument("--server-name", required=True)
    site.add_argument(
        "--workers",
        required=True,
        help="Daphne workers, comma-separated host:port (one per core)",
    )
    site.add_argument("--static-root", required=True)
    site.add_argument("--media-root", required=True)
    site.add_argument("--access-log", default="/var/log/nginx/komak.access.log")
    site.add_argument("--tls-certificate", default="")
    site.add_argument("--tls-key", default="")
    options = parser.parse_args(argv)
    try:
        if options.command == "up":
            up()
        elif options.command == "down":
            stopped = down()
            print("scale-down: stopped " + (", ".join(stopped) or "nothing"))  # noqa: T201
        else:
            print(  # noqa: T201
                NginxSite(
                    listen=options.listen,
                    server_name=options.server_name,
                    workers=options.workers.split(","),
                    static_root=Path(options.static_root),
                    media_root=Path(options.media_root),
                    access_log=Path(options.access_log),
                    brotli=brotli_available(),
                    tls_certificate=options.tls_certificate,
                    tls_key=options.tls_key,
                ).render(),
                end="",
            )
    except ScaleOutError as error:
        print(f"scale-out: {error}", file=sys.stderr)  # noqa: T201
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Backups that restore: the database, the media root and the audit checkpoints in
one dated folder, and bringing them back (`manage.py backup`, `manage.py restore`).

A backup folder holds:

- `database.pgdump` (PostgreSQL: `pg_dump` in its custom format, made by the
  client of the server's own major version) or `database.sqlite3` (SQLite: a copy
  taken with SQLite's online backup API, consistent while the site runs);
- `media.tar`: the media root (uploads, videos and their HLS renditions);
- `audit-checkpoints.tar`: the folder the audit checkpoints are written to outside
  the database (`AUDIT_CHECKPOINT_DIR`), when one is set;
- `manifest.json`: what was backed up from where, each file's size and SHA-256, and
  the migrations applied to the database.

The folder is written as `<name>.partial` and renamed when complete, so a backup cut
short never looks whole. A restore checks every file against the manifest before it
touches anything, and refuses a damaged or foreign backup. On PostgreSQL the schema
is dropped, made again and filled in ONE transaction (`pg_restore` to SQL, run by
`psql --single-transaction`): if anything fails, the database is as it was.

Encrypted fields stay encrypted in the dump: a restore is readable only with the same
FIELD_ENCRYPTION_KEYS (and the audit chain's keys), which are kept apart from the
backups (docs/deployment.md).
"""

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader

from audit.database_roles import owner_credentials_use

MANIFEST_NAME = "manifest.json"
MANIFEST_FORMAT = 1
POSTGRES_DUMP_NAME = "database.pgdump"
SQLITE_COPY_NAME = "database.sqlite3"
MEDIA_ARCHIVE_NAME = "media.tar"
CHECKPOINTS_ARCHIVE_NAME = "audit-checkpoints.tar"
CHUNK_BYTES = 1024 * 1024
# How long the restore waits for a lock on the database before giving up: another
# program (a Daphne worker, the task cluster) still using it holds one.
RESTORE_LOCK_TIMEOUT = "10s"
TOOL_TIMEOUT_SECONDS = 6 * 60 * 60


class BackupError(Exception):
    """A backup that cannot be made or restored; the message says why and what to
    do, in plain words for the person running the command."""


@dataclass(frozen=True)
class RestoreReport:
    folder: Path
    manifest: dict
    pending_migrations: list[str]
    notes: list[str]


# --- Where things are -------------------------------------------------------------


def backup_root() -> Path:
    return Path(getattr(settings, "BACKUP_DIR", settings.BASE_DIR / "var" / "backups"))


def audit_checkpoint_dir() -> Path | None:
    """The folder of the audit checkpoints written outside the database, if the
    settings name one."""
    value = getattr(settings, "AUDIT_CHECKPOINT_DIR", None)
    return Path(value) if value else None


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


# --- PostgreSQL tools -------------------------------------------------------------


def _database() -> dict:
    """The default database's connection settings, as the owner role when
    DATABASE_OWNER_URL is set: the site's own role may only read and write rows
    (audit/database_roles.py), while a dump reads sequences and a restore makes
    tables."""
    owner_credentials_use()
    return connection.settings_dict


def _engine() -> str:
    return connection.vendor


def postgres_server_major() -> int:
    connection.ensure_connection()
    return connection.pg_version // 10000


def postgres_tool(name: str, server_major: int) -> str:
    """The path of `name` (pg_dump, pg_restore, psql) for this server's version:
    Debian keeps each version's client in /usr/lib/postgresql/<major>/bin, and a
    pg_dump older than the server refuses to dump it."""
    debian = Path(f"/usr/lib/postgresql/{server_major}/bin/{name}")
    if debian.is_file():
        return str(debian)
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} is not installed. Install the PostgreSQL {server_major} client "
            f"(Debian: apt-get install postgresql-client-{server_major})."
        )
    version = subprocess.run(  # noqa: S603 - a fixed program and argument
        [found, "--version"], capture_output=True, text=True, check=False
    ).stdout
    match = re.search(r"(\d+)(?:\.\d+)?", version)
    if match is None or int(match.group(1)) < server_major:
        raise BackupError(
            f"{found} ({version.strip()}) is older than the PostgreSQL "
            f"{server_major} server. Install postgresql-client-{server_major}."
        )
    return found


def postgres_environment() -> dict:
    """Connection settings for the PostgreSQL tools, as libpq variables: the
    password never appears on a command line."""
    database = _database()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("PG") and key != "DATABASE_URL"
    }
    pairs = {
        "PGHOST": database.get("HOST"),
        "PGPORT": database.get("PORT"),
        "PGUSER": database.get("USER"),
        "PGPASSWORD": database.get("PASSWORD"),
        "PGDATABASE": database.get("NAME"),
        "PGSSLMODE": (database.get("OPTIONS") or {}).get("sslmode"),
    }
    env.update({key: str(value) for key, value in pairs.items() if value})
    return env


def _run_tool(arguments: list[str], *, what: str, **options) -> None:
    result = subprocess.run(  # noqa: S603 - the PostgreSQL tools, no shell
        arguments,
        env=postgres_environment(),
        capture_output=True,
        text=True,
        timeout=TOOL_TIMEOUT_SECONDS,
        check=False,
        **options,
    )
    if result.returncode != 0:
        raise BackupError(f"{what} failed: {result.stderr.strip()[-2000:]}")


# --- Migration state --------------------------------------------------------------


def migration_state() -> dict[str, list[str]]:
    """The migrations applied to the database, by app."""
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    applied: dict[str, list[str]] = {}
    for app_label, name in sorted(loader.applied_migrations):
        applied.setdefault(app_label, []).append(name)
    return applied


def _known_migrations() -> set[tuple[str, str]]:
    return set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)


# --- Backup -----------------------------------------------------------------------


def _archive(source: Path, target: Path) -> int:
    """Write the folder `source` into the tar file `target`; return how many files
    it holds."""
    count = 0
    with tarfile.open(target, "w") as archive:
        for entry in sorted(source.iterdir()):
            archive.add(entry, arcname=entry.name)
        count = sum(1 for member in archive.getmembers() if member.isfile())
    return count


def _database_backup(folder: Path) -> dict:
    database = _database()
    if _engine() == "postgresql":
        major = postgres_server_major()
        pg_dump = postgres_tool("pg_dump", major)
        target = folder / POSTGRES_DUMP_NAME
        _run_tool(
            [
                pg_dump,
                "--format=custom",
                "--no-password",
                f"--file={target}",
                str(database["NAME"]),
            ],
            what="pg_dump",
        )
        return {
            "engine": "postgresql",
            "name": str(database["NAME"]),
            "server_version": connection.pg_version,
            "file": POSTGRES_DUMP_NAME,
        }
    if _engine() == "sqlite":
        source_path = str(database["NAME"])
        if source_path in {":memory:", ""} or source_path.startswith("file:"):
            raise BackupError("An in-memory SQLite database cannot be backed up.")
        target = folder / SQLITE_COPY_NAME
        source = sqlite3.connect(source_path)
        copy = sqlite3.connect(target)
        try:
            with copy:
                source.backup(copy)
        finally:
            copy.close()
            source.close()
        return {
            "engine": "sqlite",
            "name": Path(source_path).name,
            "file": SQLITE_COPY_NAME,
        }
    raise BackupError(f"Backups of a {_engine()} database are not supported.")


def _new_folder(root: Path, now: datetime) -> Path:
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    name, number = stamp, 1
    while (root / name).exists() or (root / f"{name}.partial").exists():
        number += 1
        name = f"{stamp}-{number}"
    return root / name


def backup_create(*, root: Path | None = None, now: datetime | None = None) -> Path:
    """Back up the database, the media root and the audit checkpoints into a new
    folder under `root` (BACKUP_DIR) named after the UTC time; return the folder."""
    now = now or datetime.now(UTC)
    root = Path(root or backup_root())
    root.mkdir(parents=True, exist_ok=True)
    final = _new_folder(root, now)
    partial = final.with_name(final.name + ".partial")
    partial.mkdir()
    try:
        # The checkpoints first, the database after: a checkpoint written in
        # between then names a record the dump holds. The other way round, the
        # restored chain would look cut short to `audit_verify`.
        checkpoints = audit_checkpoint_dir()
        checkpoints_manifest = {
            "root": str(checkpoints) if checkpoints else None,
            "file": None,
            "files": 0,
        }
        if checkpoints is not None and checkpoints.is_dir():
            count = _archive(checkpoints, partial / CHECKPOINTS_ARCHIVE_NAME)
            checkpoints_manifest.update(file=CHECKPOINTS_ARCHIVE_NAME, files=count)
        manifest = {
            "format": MANIFEST_FORMAT,
            "created_at": now.isoformat(timespec="seconds"),
            "database": _database_backup(partial),
            "migrations": migration_state(),
        }
        media_root = Path(settings.MEDIA_ROOT)
        manifest["media"] = {"root": str(media_root), "file": None, "files": 0}
        if media_root.is_dir():
            count = _archive(media_root, partial / MEDIA_ARCHIVE_NAME)
            manifest["media"].update(file=MEDIA_ARCHIVE_NAME, files=count)
        manifest["audit_checkpoints"] = checkpoints_manifest
        manifest["files"] = [
            {"name": path.name, "size": path.stat().st_size, "sha256": sha256_of(path)}
            for path in sorted(partial.iterdir())
        ]
        (partial / MANIFEST_NAME).write_text(
            json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        partial.rename(final)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return final


# --- Verify -----------------------------------------------------------------------


def backup_verify(*, folder: Path) -> dict:
    """Read the manifest and check every file it lists, by size and SHA-256;
    return the manifest, or raise BackupError naming what is wrong."""
    folder = Path(folder)
    if not folder.is_dir():
        raise BackupError(f"There is no backup folder {folder}.")
    manifest_path = folder / MANIFEST_NAME
    damaged = f"The backup in {folder} is damaged: nothing was restored."
    if not manifest_path.is_file():
        raise BackupError(f"{damaged} {MANIFEST_NAME} is missing.")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        listed = {entry["name"]: entry for entry in manifest["files"]}
        database_file = manifest["database"]["file"]
        archives = [manifest["media"]["file"], manifest["audit_checkpoints"]["file"]]
    except (ValueError, KeyError, TypeError) as error:
        raise BackupError(f"{damaged} {MANIFEST_NAME} cannot be read.") from error
    if manifest.get("format") != MANIFEST_FORMAT:
        raise BackupError(
            f"The backup in {folder} has format {manifest.get('format')!r}; this "
            f"version of Ko'mak reads format {MANIFEST_FORMAT}. Nothing was restored."
        )
    for name in [database_file, *archives]:
        if name is not None and name not in listed:
            raise BackupError(f"{damaged} {name} is not in the manifest's file list.")
    for name, entry in listed.items():
        path = folder / name
        if Path(name).name != name:
            raise BackupError(f"{damaged} The manifest names a file outside it.")
        if not path.is_file():
            raise BackupError(f"{damaged} {name} is missing.")
        if path.stat().st_size != entry["size"]:
            raise BackupError(
                f"{damaged} {name} has {path.stat().st_size} bytes, the manifest "
                f"says {entry['size']} (cut short or changed)."
            )
        if sha256_of(path) != entry["sha256"]:
            raise BackupError(
                f"{damaged} {name} does not match its SHA-256 checksum (changed)."
            )
    return manifest


# --- Restore ----------------------------------------------------------------------


def _check_fits(manifest: dict) -> None:
    engine = manifest["database"]["engine"]
    if engine != _engine():
        raise BackupError(
            f"This backup holds a {engine} database, but DATABASE_URL points to a "
            f"{_engine()} one. Nothing was restored."
        )
    known = _known_migrations()
    unknown = [
        f"{app_label}.{name}"
        for app_label, names in manifest["migrations"].items()
        for name in names
        if (app_label, name) not in known
    ]
    if unknown:
        raise BackupError(
            "This backup was made by a newer version of Ko'mak (migrations "
            f"{', '.join(unknown[:5])} are unknown here). Update the code first. "
            "Nothing was restored."
        )


def _public_schema_sql(server_major: int) -> list[str]:
    """The schema `public` as a new database has it: the dump records only what
    differs from that (its grants to the site's role, for one)."""
    if server_major >= 15:
        return [
            "CREATE SCHEMA public AUTHORIZATION pg_database_owner",
            "GRANT USAGE ON SCHEMA public TO PUBLIC",
        ]
    return ["CREATE SCHEMA public", "GRANT ALL ON SCHEMA public TO PUBLIC"]


def _postgres_restore(dump: Path) -> None:
    major = postgres_server_major()
    pg_restore = postgres_tool("pg_restore", major)
    psql = postgres_tool("psql", major)
    connection.close()
    env = postgres_environment()
    # pg_restore writes the SQL; psql runs it after dropping the schema, all in one
    # transaction, so a failure anywhere leaves the database as it was.
    producer = subprocess.Popen(  # noqa: S603 - the PostgreSQL tools, no shell
        [pg_restore, "--file=-", str(dump)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        result = subprocess.run(  # noqa: S603 - as above
            [
                psql,
                "--no-psqlrc",
                "--quiet",
                "--no-password",
                "--set=ON_ERROR_STOP=1",
                "--single-transaction",
                f"--command=SET LOCAL lock_timeout = '{RESTORE_LOCK_TIMEOUT}'",
                "--command=DROP SCHEMA IF EXISTS public CASCADE",
                *[f"--command={statement}" for statement in _public_schema_sql(major)],
                "--file=-",
            ],
            env=env,
            stdin=producer.stdout,
            capture_output=True,
            text=True,
            timeout=TOOL_TIMEOUT_SECONDS,
            check=False,
        )
    finally:
        producer.stdout.close()
        producer_errors = producer.stderr.read().decode(errors="replace")
        producer.stderr.close()
        producer.wait()
    if producer.returncode != 0:
        raise BackupError(
            f"pg_restore could not read the dump; the database is unchanged: "
            f"{producer_errors.strip()[-2000:]}"
        )
    if result.returncode != 0:
        errors = result.stderr.strip()
        hint = ""
        if "lock timeout" in errors:
            hint = (
                " Another program is using the database: stop the Daphne workers "
                "and the task cluster, then restore again."
            )
        raise BackupError(
            f"The database could not be restored and is unchanged.{hint} "
            f"psql said: {errors[-2000:]}"
        )


def _sqlite_restore(copy_path: Path) -> None:
    live_path = str(_database()["NAME"])
    connection.close()
    source = sqlite3.connect(copy_path)
    live = sqlite3.connect(live_path, timeout=20)
    try:
        with live:
            source.backup(live)
    finally:
        live.close()
        source.close()


def _folder_replace(target: Path, archive: Path) -> None:
    """Make `target` hold exactly what `archive` holds. The folder itself stays (it
    may be a mount point of shared storage); its contents are replaced."""
    target.mkdir(parents=True, exist_ok=True)
    for entry in target.iterdir():
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    with tarfile.open(archive) as tar:
        # The "data" filter refuses absolute paths, links out of the folder and
        # device files.
        tar.extractall(target, filter="data")


def _checkpoints_set_aside(folder: Path, *, now: datetime) -> Path | None:
    """Move the checkpoint files in `folder` into `replaced-<UTC time>/` inside it,
    never deleting them: they are the record of what a restore rolls back, and
    `audit_verify` reads only the files at the top of the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    files = [entry for entry in folder.iterdir() if entry.is_file()]
    if not files:
        return None
    aside = folder / f"replaced-{now:%Y%m%dT%H%M%SZ}"
    aside.mkdir()
    for entry in files:
        entry.rename(aside / entry.name)
    return aside


def backup_restore(*, folder: Path) -> RestoreReport:
    """Check the backup in `folder`, then put back the database, the media root and
    the audit checkpoints it holds. Nothing is changed if the check fails."""
    folder = Path(folder)
    manifest = backup_verify(folder=folder)
    _check_fits(manifest)
    notes: list[str] = []
    checkpoints = audit_checkpoint_dir()
    checkpoint_archive = manifest["audit_checkpoints"]["file"]
    if checkpoint_archive and checkpoints is None:
        raise BackupError(
            "This backup holds audit checkpoints, but AUDIT_CHECKPOINT_DIR is not "
            "set here. Set it, then restore again. Nothing was restored."
        )

    database_file = folder / manifest["database"]["file"]
    if manifest["database"]["engine"] == "postgresql":
        _postgres_restore(database_file)
    else:
        _sqlite_restore(database_file)
    connection.close()

    media_archive = manifest["media"]["file"]
    if media_archive:
        _folder_replace(Path(settings.MEDIA_ROOT), folder / media_archive)
    else:
        notes.append("The backup holds no media root; the media root was left as is.")
    if checkpoint_archive:
        kept = _checkpoints_set_aside(checkpoints, now=datetime.now(UTC))
        if kept is not None:
            notes.append(
                f"The checkpoints written before the restore are kept in {kept}: "
                "they record what the restore rolled back."
            )
        with tarfile.open(folder / checkpoint_archive) as tar:
            tar.extractall(checkpoints, filter="data")

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    pending = [f"{migration.app_label}.{migration.name}" for migration, _ in plan]
    return RestoreReport(
        folder=folder, manifest=manifest, pending_migrations=pending, notes=notes
    )

"""Backups that restore (cms/backups.py): on the real PostgreSQL, back up, destroy the
database, restore, and find every booking, session note (still decryptable),
progress record and audit record, with the audit chain verified; a damaged backup is
refused and changes nothing. The embedded profile's SQLite round trip too."""

import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from cryptography.fernet import Fernet

from tests.support.live import REPO
from tests.support.services import (
    POSTGRES_ADMIN_URL,
    ScratchPostgresDatabase,
    require_postgres,
)

SEED = """
import json, uuid, django
django.setup()
from datetime import timedelta
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone
from audit.models import AuditAction
from audit.services import audit_record
from consultations.models import SpecialistProfile
from consultations.services import session_note_save
from learning.events import EventIn
from learning.services import progress_events_record
from tests.accounts.factories import user_create
from tests.consultations.factories import booking_create
from tests.learning.factories import course_create

specialist_user = user_create(roles=("Specialist",))
specialist = SpecialistProfile.objects.create(
    user=specialist_user, kind="psychologist", bio="Test", languages=["uz"],
    topics=["loneliness"],
)
_course, lessons = course_create(lessons=2)
for number in range(3):
    client = user_create()
    booking = booking_create(
        client=client, specialist=specialist,
        starts_in=timedelta(days=number + 1, seconds=number),
    )
    session_note_save(
        booking=booking, author=specialist_user,
        text=f"Maxfiy qayd {number}: uyqusizlik, yolgʻizlik.",
    )
    audit_record(actor=specialist_user, action=AuditAction.BOOKING_VIEW,
                 target=booking)
    visit = uuid.uuid4()
    now = timezone.now()
    events = [
        EventIn(event_id=uuid.uuid4(), lesson_id=lessons[0].pk, visit_id=visit,
                kind="open", occurred_at=now - timedelta(minutes=5)),
        EventIn(event_id=uuid.uuid4(), lesson_id=lessons[0].pk, visit_id=visit,
                kind="time", occurred_at=now - timedelta(minutes=1), seconds=240),
        EventIn(event_id=uuid.uuid4(), lesson_id=lessons[0].pk, visit_id=visit,
                kind="complete", occurred_at=now),
    ]
    progress_events_record(user=client, events=events,
                           lessons={lessons[0].pk: lessons[0]})
default_storage.save("uploads/hujjat.txt", ContentFile(b"media that must come back"))
call_command("audit_checkpoint")
print(json.dumps({"notes": 3}))
"""

# Everything the restore must bring back, read through the models (notes decrypted
# with the configured keys), the raw note column, the files, and `audit_verify`.
SNAPSHOT = """
import hashlib, io, json, django
django.setup()
from pathlib import Path
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from audit.models import AuditCheckpoint, AuditRecord
from consultations.models import Booking, SessionNote
from learning.models import LessonProgress, LessonVisit, ProgressEvent

def rows(queryset):
    return [
        {key: str(value) for key, value in row.items()}
        for row in queryset.order_by("pk").values()
    ]

def files(root):
    root = Path(root) if root else None
    if root is None or not root.is_dir():
        return {}
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*")) if path.is_file()
    }

verify = io.StringIO()
call_command("audit_verify", stdout=verify)
with connection.cursor() as cursor:
    cursor.execute("SELECT text FROM consultations_sessionnote ORDER BY id")
    stored = [row[0] for row in cursor.fetchall()]
checkpoint_dir = getattr(settings, "AUDIT_CHECKPOINT_DIR", None)
print(json.dumps({
    "bookings": rows(Booking.objects.all()),
    "notes": [[note.pk, note.booking_id, note.text] for note in
              SessionNote.objects.order_by("pk")],
    "stored_notes": stored,
    "progress": rows(LessonProgress.objects.all()),
    "visits": rows(LessonVisit.objects.all()),
    "events": rows(ProgressEvent.objects.all()),
    "audit": list(AuditRecord.objects.order_by("sequence").values_list(
        "sequence", "hash")),
    "checkpoints": list(AuditCheckpoint.objects.order_by("pk").values_list(
        "sequence", "hash")),
    "audit_verify": verify.getvalue().strip(),
    "media": files(settings.MEDIA_ROOT),
    "checkpoint_files": files(checkpoint_dir),
}))
"""

# After a restore the site's own role goes on writing: new rows get new ids (the
# sequences came back too) and the chain grows from the restored head.
WRITE_AFTER = """
import io, json, django
django.setup()
from django.core.management import call_command
from audit.models import AuditAction
from audit.services import audit_record
from consultations.models import Booking, SessionNote
from consultations.services import session_note_save
from datetime import timedelta
from tests.consultations.factories import booking_create
first = Booking.objects.order_by("pk").first()
booking = booking_create(client=first.client, specialist=first.specialist,
                         starts_in=timedelta(days=20))
note = session_note_save(booking=booking, author=booking.specialist.user,
                         text="Yangi qayd tiklashdan keyin.")
record = audit_record(actor=None, action=AuditAction.BOOKING_VIEW, target=booking)
verify = io.StringIO()
call_command("audit_verify", stdout=verify)
print(json.dumps({"booking": booking.pk, "note": note.pk,
                  "notes": SessionNote.objects.count(),
                  "sequence": record.sequence, "verify": verify.getvalue()}))
"""


def _run(args: list[str], env: dict, *, check: bool = True, timeout: int = 600):
    result = subprocess.run(
        [sys.executable, *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if check:
        assert result.returncode == 0, result.stderr[-3000:]
    return result


def _last_json(result) -> dict:
    return json.loads(result.stdout.strip().splitlines()[-1])


def _environment(tmp: Path, **extra) -> dict:
    clean = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "SQLITE_PATH"}
    }
    return {
        **clean,
        "DJANGO_SETTINGS_MODULE": "cms.settings.test",
        "MEDIA_ROOT": str(tmp / "media"),
        "AUDIT_CHECKPOINT_DIR": str(tmp / "checkpoints"),
        "BACKUP_DIR": str(tmp / "backups"),
        # The keys a real installation keeps apart from its backups.
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "AUDIT_PSEUDONYM_KEY": "backup-test-pseudonym-key",
        "AUDIT_CHAIN_KEY": "backup-test-chain-key-of-at-least-32-characters",
        **extra,
    }


def _backup(env: dict) -> Path:
    result = _run(["manage.py", "backup"], env)
    folder = Path(result.stdout.strip().splitlines()[-1])
    assert (folder / "manifest.json").is_file()
    return folder


def _damage(path: Path) -> None:
    """Change one byte in the middle of the file, as a failing disk might."""
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def _role_url(role: str, database: str) -> str:
    admin = urlsplit(POSTGRES_ADMIN_URL)
    return f"postgres://{role}@{admin.hostname}:{admin.port or 5432}/{database}"


@pytest.fixture(scope="module")
def seeded_postgres(tmp_path_factory):
    """A scratch PostgreSQL database set up as in production (docs/deployment.md):
    an owner role migrates and owns the tables, the site connects as a role with row
    rights only. Migrated and holding bookings with notes, progress and audit
    records, with its media and checkpoint folders."""
    require_postgres()
    tmp = tmp_path_factory.mktemp("backups-postgres")
    suffix = uuid.uuid4().hex[:8]
    owner, app = f"komak_owner_{suffix}", f"komak_app_{suffix}"
    with ScratchPostgresDatabase() as database:
        database._admin(f'CREATE ROLE "{owner}" LOGIN')
        # Made by the administrator; `postgres_app_role` (as the owner) grants rights.
        database._admin(f'CREATE ROLE "{app}" LOGIN NOINHERIT')
        try:
            database._admin(f'ALTER DATABASE "{database.name}" OWNER TO "{owner}"')
            env = _environment(
                tmp,
                DATABASE_URL=_role_url(app, database.name),
                DATABASE_OWNER_URL=_role_url(owner, database.name),
            )
            _run(["manage.py", "migrate", "--no-input"], env)
            _run(["manage.py", "postgres_app_role"], env)
            _run(["-c", SEED], env)
            yield database, env, tmp, owner
        finally:
            database._admin(f'DROP DATABASE IF EXISTS "{database.name}" WITH (FORCE)')
            database._admin(f'DROP ROLE IF EXISTS "{app}"')
            database._admin(f'DROP ROLE IF EXISTS "{owner}"')


class PostgresBackupTests:
    def test_restore_after_the_database_is_destroyed_brings_everything_back(
        self, seeded_postgres
    ):
        database, env, tmp, owner = seeded_postgres
        before = _last_json(_run(["-c", SNAPSHOT], env))
        folder = _backup(env)
        manifest = json.loads((folder / "manifest.json").read_text())
        assert manifest["database"]["engine"] == "postgresql"
        assert "consultations" in manifest["migrations"]
        assert manifest["audit_checkpoints"]["files"] >= 1

        database._admin(f'DROP DATABASE "{database.name}" WITH (FORCE)')
        database._admin(f'CREATE DATABASE "{database.name}" OWNER "{owner}"')
        shutil.rmtree(tmp / "media")
        shutil.rmtree(tmp / "checkpoints", ignore_errors=True)
        gone = _run(["-c", SNAPSHOT], env, check=False)
        assert gone.returncode != 0  # nothing left to read: the tables are gone

        _run(["manage.py", "restore", str(folder), "--no-input"], env)
        after = _last_json(_run(["-c", SNAPSHOT], env))

        assert len(before["bookings"]) == 3
        assert [note[2] for note in after["notes"]] == [
            f"Maxfiy qayd {number}: uyqusizlik, yolgʻizlik." for number in range(3)
        ]
        # Still encrypted at rest: the column holds Fernet tokens, not the text.
        assert all("qayd" not in stored for stored in after["stored_notes"])
        assert len(before["progress"]) == 3
        assert len(before["events"]) == 9
        assert len(before["audit"]) >= 6
        assert after["audit_verify"].startswith("The audit chain holds")
        assert after["media"] == before["media"]
        assert "uploads/hujjat.txt" in after["media"]
        assert before["checkpoint_files"]
        assert after["checkpoint_files"] == before["checkpoint_files"]
        assert after == before

        written = _last_json(_run(["-c", WRITE_AFTER], env))
        assert written["booking"] > max(int(row["id"]) for row in before["bookings"])
        assert written["note"] > max(note[0] for note in before["notes"])
        assert written["sequence"] > before["audit"][-1][0]
        assert written["verify"].startswith("The audit chain holds")

    def test_damaged_dump_is_refused_and_the_database_is_untouched(
        self, seeded_postgres
    ):
        _database, env, _tmp, _owner = seeded_postgres
        before = _last_json(_run(["-c", SNAPSHOT], env))
        folder = _backup(env)
        _damage(folder / "database.pgdump")

        result = _run(
            ["manage.py", "restore", str(folder), "--no-input"], env, check=False
        )

        assert result.returncode == 1
        assert f"The backup in {folder} is damaged: nothing was restored." in (
            result.stderr
        )
        assert "database.pgdump does not match its SHA-256 checksum" in result.stderr
        assert _last_json(_run(["-c", SNAPSHOT], env)) == before


@pytest.fixture(scope="module")
def sqlite_template(tmp_path_factory):
    """An embedded-profile site, migrated and seeded once for this module."""
    tmp = tmp_path_factory.mktemp("backups-sqlite")
    env = _environment(tmp, SQLITE_PATH=str(tmp / "db.sqlite3"))
    _run(["manage.py", "migrate", "--no-input"], env)
    _run(["-c", SEED], env)
    return env, tmp


@pytest.fixture
def sqlite_site(sqlite_template, tmp_path):
    """A copy of the template site of its own for one test."""
    template_env, template = sqlite_template
    shutil.copy(template / "db.sqlite3", tmp_path / "db.sqlite3")
    shutil.copytree(template / "media", tmp_path / "media")
    env = {
        **template_env,
        "SQLITE_PATH": str(tmp_path / "db.sqlite3"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "AUDIT_CHECKPOINT_DIR": str(tmp_path / "checkpoints"),
        "BACKUP_DIR": str(tmp_path / "backups"),
    }
    if (template / "checkpoints").is_dir():
        shutil.copytree(template / "checkpoints", tmp_path / "checkpoints")
    return env, tmp_path


class SqliteBackupTests:
    def test_embedded_profile_round_trip(self, sqlite_site):
        env, tmp = sqlite_site
        before = _last_json(_run(["-c", SNAPSHOT], env))
        folder = _backup(env)
        assert (folder / "database.sqlite3").is_file()
        (tmp / "db.sqlite3").unlink()
        shutil.rmtree(tmp / "media")

        _run(["manage.py", "restore", str(folder), "--no-input"], env)

        after = _last_json(_run(["-c", SNAPSHOT], env))
        assert len(after["notes"]) == 3
        # The checkpoints the restore replaced are set aside, never deleted.
        set_aside = {
            name.split("/", 1)[1]: digest
            for name, digest in after["checkpoint_files"].items()
            if name.startswith("replaced-")
        }
        assert set_aside == before["checkpoint_files"]
        after["checkpoint_files"] = {
            name: digest
            for name, digest in after["checkpoint_files"].items()
            if not name.startswith("replaced-")
        }
        assert after == before

    def test_media_archive_cut_short_is_refused(self, sqlite_site):
        env, tmp = sqlite_site
        folder = _backup(env)
        archive = folder / "media.tar"
        archive.write_bytes(archive.read_bytes()[:-512])
        (tmp / "media" / "uploads" / "hujjat.txt").write_bytes(b"changed since")

        result = _run(
            ["manage.py", "restore", str(folder), "--no-input"], env, check=False
        )

        assert result.returncode == 1
        assert "media.tar has" in result.stderr
        assert "(cut short or changed)" in result.stderr
        # Nothing was put back: the file changed since the backup stays as it is.
        assert (tmp / "media" / "uploads" / "hujjat.txt").read_bytes() == (
            b"changed since"
        )

    def test_manifest_missing_is_refused(self, sqlite_site):
        env, _tmp = sqlite_site
        folder = _backup(env)
        (folder / "manifest.json").unlink()

        result = _run(
            ["manage.py", "restore", str(folder), "--no-input"], env, check=False
        )

        assert result.returncode == 1
        assert "manifest.json is missing" in result.stderr

"""The checkpoint file: `audit_checkpoint` appends the chain's head, signed, outside
the database, and `audit_verify` holds the chain to it. A chain cut from its end
together with the head row and the database's own checkpoints, or a changed line,
fails verification.

Runs on SQLite here and on PostgreSQL through tests/audit/test_postgres.py.
"""

import hashlib
import hmac
import io
import json
import logging
import os
import stat

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from django.utils.module_loading import import_string
from django_q.models import Schedule

from audit import checkpoints
from audit.chain import canonical_json, chain_subkey
from audit.checkpoints import FILE_NAME, checkpoint_line
from audit.models import AuditChainHead, AuditCheckpoint, AuditRecord
from audit.selectors import audit_chain_verify
from audit.tasks import audit_chain_check, audit_checkpoint_task
from tests.audit.tampering import (
    chain_of,
    head_set,
    raw_checkpoints_rewind,
    raw_delete,
    raw_update,
)

pytestmark = pytest.mark.django_db


def lines_of(directory) -> list[dict]:
    return [
        json.loads(line)
        for line in (directory / FILE_NAME).read_text().splitlines()
        if line
    ]


def head() -> tuple[int, str]:
    row = AuditChainHead.objects.get(pk=1)
    return row.sequence, row.hash


def verify_fails(*args) -> str:
    with pytest.raises(CommandError) as caught:
        call_command("audit_verify", *args, stdout=io.StringIO(), stderr=io.StringIO())
    return str(caught.value)


class CheckpointWriteTests:
    def test_appends_the_head_signed_with_a_key_derived_from_the_chain_key(
        self, checkpoint_dir
    ):
        chain_of(3)
        call_command("audit_checkpoint", stdout=io.StringIO())
        (line,) = lines_of(checkpoint_dir)
        assert (line["sequence"], line["hash"]) == head()
        assert line["v"] == 1
        signed = {key: line[key] for key in ("v", "sequence", "hash", "written_at")}
        expected = hmac.new(
            chain_subkey("checkpoint"),
            canonical_json(signed).encode(),
            hashlib.sha256,
        ).hexdigest()
        assert line["signature"] == expected
        assert chain_subkey("checkpoint") != chain_subkey("record")

    def test_each_run_appends_a_line_and_leaves_the_earlier_ones(self, checkpoint_dir):
        chain_of(2)
        call_command("audit_checkpoint", stdout=io.StringIO())
        first = (checkpoint_dir / FILE_NAME).read_bytes()
        chain_of(2)
        call_command("audit_checkpoint", stdout=io.StringIO())
        after = (checkpoint_dir / FILE_NAME).read_bytes()
        assert after.startswith(first)
        assert len(lines_of(checkpoint_dir)) == 2
        assert lines_of(checkpoint_dir)[-1]["sequence"] == head()[0]

    def test_the_file_is_opened_for_appending_and_synced(
        self, checkpoint_dir, monkeypatch
    ):
        opened, synced = [], []
        real_open, real_fsync = os.open, os.fsync

        def spy_open(path, flags, *args):
            descriptor = real_open(path, flags, *args)
            opened.append((str(path), flags, descriptor))
            return descriptor

        def spy_fsync(descriptor):
            synced.append(descriptor)
            return real_fsync(descriptor)

        monkeypatch.setattr(checkpoints.os, "open", spy_open)
        monkeypatch.setattr(checkpoints.os, "fsync", spy_fsync)
        chain_of(1)
        call_command("audit_checkpoint", stdout=io.StringIO())
        (file_flags, descriptor) = next(
            (flags, descriptor)
            for path, flags, descriptor in opened
            if path.endswith(FILE_NAME)
        )
        assert file_flags & os.O_APPEND
        assert not file_flags & os.O_TRUNC
        assert descriptor in synced

    def test_only_the_owner_may_read_the_directory_and_file(self, checkpoint_dir):
        chain_of(1)
        call_command("audit_checkpoint", stdout=io.StringIO())
        assert stat.S_IMODE(checkpoint_dir.stat().st_mode) == 0o700
        assert stat.S_IMODE((checkpoint_dir / FILE_NAME).stat().st_mode) == 0o600

    def test_refuses_to_vouch_for_a_chain_changed_since_the_last_checkpoint(
        self, checkpoint_dir
    ):
        records = chain_of(2)
        call_command("audit_checkpoint", stdout=io.StringIO())
        before = (checkpoint_dir / FILE_NAME).read_bytes()
        later = chain_of(3)
        raw_update(later[1], target_id="999")
        with pytest.raises(CommandError, match=f"record #{later[1].sequence}"):
            call_command("audit_checkpoint", stdout=io.StringIO())
        assert (checkpoint_dir / FILE_NAME).read_bytes() == before
        assert records  # the chain up to the first checkpoint was fine

    def test_refuses_when_the_record_of_the_last_checkpoint_was_removed(
        self, checkpoint_dir
    ):
        records = chain_of(3)
        call_command("audit_checkpoint", stdout=io.StringIO())
        raw_delete(records[-1])
        head_set(sequence=records[-2].sequence, hash_value=records[-2].hash)
        with pytest.raises(CommandError, match="names this record, which is gone"):
            call_command("audit_checkpoint", stdout=io.StringIO())
        assert len(lines_of(checkpoint_dir)) == 1

    def test_the_scheduled_task_writes_a_checkpoint(self, checkpoint_dir):
        chain_of(1)
        assert audit_checkpoint_task() is True
        assert lines_of(checkpoint_dir)[-1]["sequence"] == head()[0]

    def test_the_scheduled_task_logs_a_broken_chain_and_writes_nothing(
        self, checkpoint_dir, caplog
    ):
        records = chain_of(2)
        raw_update(records[0], action="sign_out")
        with caplog.at_level(logging.ERROR, logger="audit.tasks"):
            assert audit_checkpoint_task() is False
        assert "Audit checkpoint refused" in caplog.text
        assert (checkpoint_dir / FILE_NAME).read_text() == ""

    def test_it_is_not_recorded_in_the_chain(self):
        chain_of(1)
        before = head()
        call_command("audit_checkpoint", stdout=io.StringIO())
        call_command("audit_checkpoint", stdout=io.StringIO())
        assert head() == before


class VerifyAgainstCheckpointTests:
    def test_records_added_after_a_checkpoint_verify(self, checkpoint_dir, capsys):
        chain_of(2)
        call_command("audit_checkpoint", stdout=io.StringIO())
        chain_of(2)
        call_command("audit_verify")
        output = capsys.readouterr().out
        assert "Checked against 1 checkpoints" in output

    def test_a_tail_cut_with_the_head_and_the_database_checkpoints_rewound_fails(
        self, checkpoint_dir
    ):
        """The forger deletes the newest records, moves the head row back to the
        record before them and deletes the daily check's rows that named them: the
        chain in the database is whole again, but the file names a record it no
        longer has."""
        records = chain_of(6)
        assert audit_chain_check() is True  # a database checkpoint row
        call_command("audit_checkpoint", stdout=io.StringIO())
        newest = lines_of(checkpoint_dir)[-1]["sequence"]
        kept = records[2]
        cut = AuditRecord.objects.filter(sequence__gt=kept.sequence)
        raw_delete(*cut)
        head_set(sequence=kept.sequence, hash_value=kept.hash)
        raw_checkpoints_rewind(after_sequence=kept.sequence)
        assert not AuditCheckpoint.objects.filter(sequence__gt=kept.sequence).exists()
        # Without the file, the database alone looks whole.
        empty = checkpoint_dir.parent / "no-checkpoints"
        assert audit_chain_verify(checkpoint_dir=empty).ok
        message = verify_fails()
        assert newest > kept.sequence
        assert f"record #{newest}: checkpoint file" in message
        assert "line 1 names this record, which is gone" in message
        assert audit_chain_check() is False

    def test_a_rewritten_record_before_the_checkpoint_fails_even_with_the_key(
        self, checkpoint_dir
    ):
        """With the key but not the file: every hash from the changed record to the
        head recomputed, the head row moved; the file's hash is not matched."""
        from audit.chain import chain_hash, record_content_of

        records = chain_of(3)
        call_command("audit_checkpoint", stdout=io.StringIO())
        previous = records[0].previous_hash
        rest = AuditRecord.objects.filter(sequence__gte=records[0].sequence)
        for record in rest.order_by("sequence"):
            detail = {"page": "rewritten"}
            new_hash = chain_hash(
                previous_hash=previous, content=record_content_of(record, detail=detail)
            )
            raw_update(
                record, detail=json.dumps(detail), previous_hash=previous, hash=new_hash
            )
            previous = new_hash
        head_set(sequence=head()[0], hash_value=previous)
        message = verify_fails()
        assert "differs from the one in checkpoint file" in message

    @pytest.mark.parametrize(
        "change",
        [
            lambda line: {**line, "sequence": line["sequence"] + 1},
            lambda line: {**line, "hash": "f" * 64},
            lambda line: {**line, "written_at": "2030-01-01T00:00:00.000000+00:00"},
            lambda line: {**line, "signature": "0" * 64},
        ],
        ids=["sequence", "hash", "time", "signature"],
    )
    def test_a_changed_checkpoint_line_fails(self, checkpoint_dir, change):
        chain_of(2)
        call_command("audit_checkpoint", stdout=io.StringIO())
        path = checkpoint_dir / FILE_NAME
        (line,) = lines_of(checkpoint_dir)
        path.write_text(canonical_json(change(line)) + "\n")
        message = verify_fails()
        assert "line 1" in message
        assert "signature does not match" in message

    def test_a_line_signed_with_another_key_fails(self, checkpoint_dir, settings):
        chain_of(1)
        sequence, head_hash = head()
        settings.AUDIT_CHAIN_KEY = "someone else's key, not this installation's"
        forged = checkpoint_line(
            sequence=sequence, head_hash=head_hash, written_at=timezone.now()
        )
        settings.AUDIT_CHAIN_KEY = ""
        checkpoint_dir.mkdir()
        (checkpoint_dir / FILE_NAME).write_text(forged)
        assert "signature does not match" in verify_fails()

    def test_a_line_that_is_not_a_checkpoint_fails(self, checkpoint_dir):
        chain_of(1)
        call_command("audit_checkpoint", stdout=io.StringIO())
        with (checkpoint_dir / FILE_NAME).open("a") as handle:
            handle.write("not json\n")
        assert "line 2: it is not a checkpoint" in verify_fails()

    def test_a_head_that_goes_back_in_the_file_fails(self, checkpoint_dir):
        records = chain_of(3)
        now = timezone.now()
        checkpoint_dir.mkdir()
        (checkpoint_dir / FILE_NAME).write_text(
            checkpoint_line(
                sequence=records[2].sequence, head_hash=records[2].hash, written_at=now
            )
            + checkpoint_line(
                sequence=records[1].sequence, head_hash=records[1].hash, written_at=now
            )
        )
        assert "goes back" in verify_fails()

    def test_an_off_machine_copy_can_be_checked(self, checkpoint_dir, tmp_path):
        records = chain_of(2)
        call_command("audit_checkpoint", stdout=io.StringIO())
        copy = tmp_path / "copy"
        copy.mkdir()
        (copy / "from-server-1.jsonl").write_bytes(
            (checkpoint_dir / FILE_NAME).read_bytes()
        )
        raw_delete(records[-1])
        head_set(sequence=records[-2].sequence, hash_value=records[-2].hash)
        (checkpoint_dir / FILE_NAME).unlink()  # the forger could reach this one
        call_command("audit_verify", stdout=io.StringIO(), stderr=io.StringIO())
        assert "gone" in verify_fails("--checkpoint-dir", str(copy))

    def test_no_checkpoint_is_said_and_can_be_required(self, capsys):
        chain_of(1)
        call_command("audit_verify")
        assert "No checkpoint in" in capsys.readouterr().err
        assert "No audit checkpoint" in verify_fails("--require-checkpoint")


class ScheduleTests:
    def test_checkpoint_every_five_minutes_and_daily_check_made_once(self):
        call_command("schedule_tasks", stdout=io.StringIO())
        call_command("schedule_tasks", stdout=io.StringIO())
        audit = {s.func: s for s in Schedule.objects.filter(func__startswith="audit.")}
        assert set(audit) == {
            "audit.tasks.audit_checkpoint_task",
            "audit.tasks.audit_chain_check",
        }
        assert audit["audit.tasks.audit_checkpoint_task"].minutes == 5
        assert audit["audit.tasks.audit_chain_check"].minutes == 24 * 60
        assert Schedule.objects.filter(func__startswith="audit.").count() == 2
        for schedule in audit.values():
            assert schedule.schedule_type == Schedule.MINUTES
            assert schedule.repeats == -1
            assert callable(import_string(schedule.func))

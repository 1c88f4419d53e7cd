"""The audit chain: records link by HMAC-SHA256 with the chain key, `audit_verify`
names the first record that was changed, removed or inserted, records from before
the key still verify, and the daily task keeps the head.

Runs on SQLite here and on PostgreSQL through tests/audit/test_postgres.py.
"""

import hashlib
import hmac
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from audit.chain import (
    canonical_json,
    chain_hash,
    chain_subkey,
    pseudonym,
    record_content,
    record_content_of,
)
from audit.models import (
    GENESIS_HASH,
    AuditAction,
    AuditChainHead,
    AuditCheckpoint,
    AuditRecord,
    ChainScheme,
)
from audit.selectors import audit_chain_verify
from audit.services import audit_record
from audit.tasks import audit_chain_check
from tests.accounts.factories import user_create
from tests.audit.tampering import chain_of as records_of
from tests.audit.tampering import head_set, raw_delete, raw_update, trigger_off

pytestmark = pytest.mark.django_db


def chain_of(count: int) -> list[AuditRecord]:
    return records_of(count, actor=user_create())


def verify_fails_at(sequence: int) -> str:
    with pytest.raises(CommandError) as caught:
        call_command("audit_verify")
    message = str(caught.value)
    assert f"record #{sequence}" in message
    return message


def forged_record_after(record, *, scheme=ChainScheme.HMAC_SHA256) -> None:
    """What a forger writes: a sign-in numbered after `record`, hashed as the code
    would (in these tests the forger is given the key, to show that the links and
    the head still catch it)."""
    sequence = record.sequence + 1
    content = record_content(
        sequence=sequence,
        occurred_at=record.occurred_at,
        actor_id=None,
        actor_pseudonym="",
        action="sign_in",
        target_type="",
        target_id="",
        ip_address=None,
        detail={},
        scheme=scheme,
    )
    with trigger_off():
        AuditRecord.objects.create(
            sequence=sequence,
            occurred_at=record.occurred_at,
            action="sign_in",
            previous_hash=record.hash,
            hash=chain_hash(previous_hash=record.hash, content=content, scheme=scheme),
            scheme=scheme,
        )


def expected_content(record) -> dict:
    return {
        "sequence": record.sequence,
        "occurred_at": record.occurred_at.isoformat(timespec="microseconds"),
        "actor_id": record.actor_id,
        "actor_pseudonym": record.actor_pseudonym,
        "action": "booking_view",
        "target_type": "consultations.booking",
        "target_id": "0",
        "ip_address": "192.0.2.7",
        "detail": {"number": 0, "page": "test"},
        "scheme": 2,
    }


def canonical_bytes(previous_hash: str, content: dict) -> bytes:
    text = json.dumps(content, sort_keys=True, separators=(",", ":"))
    return (previous_hash + text).encode()


class AuditRecordTests:
    def test_each_record_links_to_the_previous_hash(self):
        first, second = chain_of(2)
        assert second.previous_hash == first.hash
        assert second.sequence == first.sequence + 1

    def test_hash_is_hmac_sha256_with_a_key_derived_from_the_chain_key(self, settings):
        settings.AUDIT_CHAIN_KEY = "k" * 40
        (record,) = chain_of(1)
        assert record.scheme == ChainScheme.HMAC_SHA256
        record_key = hmac.new(b"k" * 40, b"komak-audit-record", hashlib.sha256).digest()
        expected = hmac.new(
            record_key,
            canonical_bytes(record.previous_hash, expected_content(record)),
            hashlib.sha256,
        ).hexdigest()
        assert record.hash == expected

    def test_hash_is_not_plain_sha256_any_more(self):
        (record,) = chain_of(1)
        plain = hashlib.sha256(
            canonical_bytes(record.previous_hash, expected_content(record))
        ).hexdigest()
        assert record.hash != plain

    def test_the_hash_depends_on_the_chain_key(self, settings):
        (record,) = chain_of(1)
        content = record_content_of(record)
        settings.AUDIT_CHAIN_KEY = "another-key-" * 4
        assert chain_hash(previous_hash=record.previous_hash, content=content) != (
            record.hash
        )

    def test_without_a_chain_key_dev_and_test_derive_one_from_secret_key(
        self, settings
    ):
        settings.AUDIT_CHAIN_KEY = ""
        (record,) = chain_of(1)
        content = record_content_of(record)
        settings.SECRET_KEY = "another secret key for this test"
        assert chain_hash(previous_hash=record.previous_hash, content=content) != (
            record.hash
        )

    def test_the_key_is_stored_nowhere_in_the_database(self, checkpoint_dir):
        chain_of(2)
        call_command("audit_checkpoint")
        audit_chain_check()
        secrets = [chain_subkey(purpose).hex() for purpose in ("record", "checkpoint")]
        with connection.cursor() as cursor:
            for table in (
                "audit_auditrecord",
                "audit_auditchainhead",
                "audit_auditcheckpoint",
            ):
                cursor.execute(f"SELECT * FROM {table}")  # noqa: S608
                rows = repr(cursor.fetchall())
                assert not any(secret in rows for secret in secrets)
        written = "".join(path.read_text() for path in checkpoint_dir.iterdir())
        assert not any(secret in written for secret in secrets)

    def test_the_first_record_follows_the_genesis_hash(self):
        with trigger_off():
            AuditRecord.objects.all().delete()
        head_set(sequence=0, hash_value=GENESIS_HASH)
        record = audit_record(actor=None, action=AuditAction.SIGN_IN_FAILED)
        assert record.sequence == 1
        assert record.previous_hash == GENESIS_HASH

    def test_actor_is_kept_by_id_and_keyed_pseudonym_not_by_name(self):
        person = user_create(full_name="Saodat Rahimova", username="saodat")
        record = audit_record(actor=person, action=AuditAction.SIGN_IN)
        assert record.actor_id == person.pk
        assert record.actor_pseudonym == pseudonym("user", person.pk)
        assert len(record.actor_pseudonym) == 32
        stored = canonical_json(
            {f: str(getattr(record, f)) for f in ("actor_pseudonym", "detail")}
        )
        assert "Saodat" not in stored and "saodat" not in stored

    def test_pseudonym_depends_on_the_key(self, settings):
        before = pseudonym("user", 7)
        settings.AUDIT_PSEUDONYM_KEY = "another-key"
        assert pseudonym("user", 7) != before

    def test_unknown_action_is_refused(self):
        with pytest.raises(ValueError, match="unknown audit action"):
            audit_record(actor=None, action="read_minds")

    @pytest.mark.parametrize("detail", [{"text": object()}, {"score": 1.5}])
    def test_detail_takes_only_plain_values(self, detail):
        with pytest.raises(TypeError):
            audit_record(actor=None, action=AuditAction.DATA_EXPORT, detail=detail)

    def test_bad_address_is_not_stored(self):
        record = audit_record(actor=None, action=AuditAction.SIGN_IN_FAILED, ip="x")
        assert record.ip_address is None

    def test_ipv6_address_is_hashed_as_stored(self):
        record = audit_record(
            actor=None, action=AuditAction.SIGN_IN_FAILED, ip="2001:DB8:0:0::1"
        )
        record.refresh_from_db()
        assert record.ip_address == "2001:db8::1"
        assert audit_chain_verify().ok

    def test_a_record_rolled_back_with_its_change_leaves_no_gap(self):
        from django.db import transaction

        chain_of(2)
        with pytest.raises(RuntimeError), transaction.atomic():
            audit_record(actor=None, action=AuditAction.DATA_EXPORT)
            raise RuntimeError("the change failed")
        chain_of(1)
        assert audit_chain_verify().ok


class AuditVerifyTests:
    def test_an_intact_chain_passes(self, capsys):
        records = chain_of(5)
        call_command("audit_verify")
        output = capsys.readouterr().out
        assert "The audit chain holds" in output
        assert records[-1].hash in output

    def test_a_changed_record_is_named(self):
        records = chain_of(5)
        raw_update(records[2], target_id="999")
        message = verify_fails_at(records[2].sequence)
        assert "changed" in message

    def test_a_changed_time_is_named(self):
        records = chain_of(3)
        raw_update(records[1], occurred_at="2020-01-01 00:00:00")
        verify_fails_at(records[1].sequence)

    def test_a_record_rehashed_without_the_key_is_named(self, settings):
        """The forger changes a record and recomputes its hash, and every later link
        and the head with it, but has no key: the first changed record is named."""
        records = chain_of(4)
        settings.AUDIT_CHAIN_KEY = "the forger's guess at the key, 0123456789"
        previous = records[1].previous_hash
        for index, record in enumerate(records[1:], start=1):
            record.refresh_from_db()
            detail = {"page": "forged"} if index == 1 else record.detail
            content = record_content_of(record, detail=detail)
            forged = chain_hash(previous_hash=previous, content=content)
            raw_update(
                record,
                detail=json.dumps(detail),
                previous_hash=previous,
                hash=forged,
            )
            previous = forged
        head_set(sequence=records[-1].sequence, hash_value=previous)
        settings.AUDIT_CHAIN_KEY = ""  # back to the installation's key
        message = verify_fails_at(records[1].sequence)
        assert "content does not match its hash" in message

    def test_a_record_rehashed_with_plain_sha256_is_named(self):
        """Unkeying one record (the old scheme needs no key) is caught: an unkeyed
        record may not follow a keyed one."""
        records = chain_of(3)
        victim = records[1]
        victim.refresh_from_db()
        content = record_content_of(
            victim, detail={"page": "forged"}, scheme=ChainScheme.SHA256
        )
        forged = chain_hash(
            previous_hash=victim.previous_hash,
            content=content,
            scheme=ChainScheme.SHA256,
        )
        raw_update(
            victim,
            detail=json.dumps({"page": "forged"}),
            hash=forged,
            scheme=ChainScheme.SHA256,
        )
        message = verify_fails_at(victim.sequence)
        assert "without the key after a keyed record" in message

    def test_a_record_rehashed_after_a_change_breaks_the_next_link(self):
        records = chain_of(4)
        victim = records[1]
        victim.refresh_from_db()
        content = record_content_of(victim, detail={"page": "forged"})
        forged_hash = chain_hash(previous_hash=victim.previous_hash, content=content)
        raw_update(victim, detail=json.dumps({"page": "forged"}), hash=forged_hash)
        message = verify_fails_at(records[2].sequence)
        assert "previous hash" in message

    def test_a_removed_record_is_named(self):
        records = chain_of(5)
        raw_delete(records[2])
        message = verify_fails_at(records[3].sequence)
        assert f"#{records[2].sequence} is missing" in message

    def test_a_record_removed_from_the_end_is_named(self):
        records = chain_of(3)
        raw_delete(records[-1])
        message = verify_fails_at(records[-1].sequence)
        assert "removed" in message

    def test_a_record_inserted_in_the_middle_is_named(self):
        """The forger makes room by renumbering the later records and gives the
        inserted one a valid hash on its predecessor: the next link still breaks."""
        records = chain_of(4)
        before = records[1]
        for record in reversed(records[2:]):
            raw_update(record, sequence=record.sequence + 1)
        forged_record_after(before)
        verify_fails_at(before.sequence + 2)

    def test_a_record_appended_behind_the_head_is_named(self):
        records = chain_of(2)
        last = records[-1]
        forged_record_after(last)
        message = verify_fails_at(last.sequence + 1)
        assert "inserted" in message


class UnkeyedRecordsTests:
    """Records written before the chain had a key (scheme 1, plain SHA-256) stay as
    they are and still verify; the keyed records follow them."""

    @staticmethod
    def legacy_chain(count: int) -> list[AuditRecord]:
        """Records as the code before the key wrote them."""
        with trigger_off():
            AuditRecord.objects.all().delete()
        previous = GENESIS_HASH
        made = []
        for sequence in range(1, count + 1):
            record = AuditRecord(
                sequence=sequence,
                action=AuditAction.SIGN_IN_FAILED,
                detail={"n": sequence},
                previous_hash=previous,
                scheme=ChainScheme.SHA256,
            )
            content = record_content_of(record, scheme=ChainScheme.SHA256)
            assert "scheme" not in content
            record.hash = hashlib.sha256(canonical_bytes(previous, content)).hexdigest()
            record.save()
            made.append(record)
            previous = record.hash
        head_set(sequence=count, hash_value=previous)
        return made

    def test_unkeyed_records_verify_and_keyed_ones_follow(self, capsys):
        legacy = self.legacy_chain(3)
        (keyed,) = records_of(1)
        assert keyed.previous_hash == legacy[-1].hash
        assert keyed.scheme == ChainScheme.HMAC_SHA256
        report = audit_chain_verify()
        assert report.ok, report.broken
        assert report.unkeyed_records == 3
        call_command("audit_verify")
        assert "3 records from before the chain key" in capsys.readouterr().out

    def test_a_changed_unkeyed_record_is_named(self):
        legacy = self.legacy_chain(3)
        records_of(1)
        raw_update(legacy[1], detail=json.dumps({"n": 99}))
        verify_fails_at(legacy[1].sequence)

    def test_a_keyed_record_cannot_be_passed_off_as_unkeyed(self):
        """Right after the unkeyed records, unkeying the head needs no key and breaks
        no link; the signed checkpoint of the head catches it."""
        legacy = self.legacy_chain(2)
        (keyed,) = records_of(1)
        call_command("audit_checkpoint")
        keyed.refresh_from_db()
        content = record_content_of(keyed, scheme=ChainScheme.SHA256)
        unkeyed_hash = chain_hash(
            previous_hash=legacy[-1].hash,
            content=content,
            scheme=ChainScheme.SHA256,
        )
        raw_update(keyed, scheme=ChainScheme.SHA256, hash=unkeyed_hash)
        head_set(sequence=keyed.sequence, hash_value=unkeyed_hash)
        message = verify_fails_at(keyed.sequence)
        assert "checkpoint file" in message


class DailyCheckTests:
    def test_keeps_the_head_when_the_chain_holds(self):
        records = chain_of(3)
        assert audit_chain_check() is True
        checkpoint = AuditCheckpoint.objects.get()
        assert (checkpoint.sequence, checkpoint.hash) == (
            records[-1].sequence,
            records[-1].hash,
        )

    def test_records_one_audit_checkpoint_a_day(self):
        records = chain_of(2)
        call_command("audit_checkpoint")
        assert audit_chain_check() is True
        record = AuditRecord.objects.get(action=AuditAction.AUDIT_CHECKPOINT)
        assert record.sequence == records[-1].sequence + 1
        assert record.actor_id is None
        assert record.detail == {
            "verified_sequence": records[-1].sequence,
            "file_checkpoints": 1,
            "newest_file_checkpoint": records[-1].sequence,
        }

    def test_keeps_nothing_when_the_chain_is_broken(self, caplog):
        records = chain_of(3)
        raw_update(records[0], action="sign_out")
        assert audit_chain_check() is False
        assert not AuditCheckpoint.objects.exists()
        assert not AuditRecord.objects.filter(
            action=AuditAction.AUDIT_CHECKPOINT
        ).exists()
        assert "Audit chain broken" in caplog.text

    def test_a_chain_rewritten_after_a_checkpoint_is_caught(self):
        """Even a forger who has the key and rewrites every hash from a record
        onwards, and the head row with them, no longer matches the head the daily
        check kept."""
        records = chain_of(3)
        assert audit_chain_check() is True
        previous = records[0].previous_hash
        rewritten = [*records, AuditRecord.objects.order_by("sequence").last()]
        for record in rewritten:
            record.refresh_from_db()
            detail = {"page": "rewritten"} if record in records else record.detail
            content = record_content_of(record, detail=detail)
            new_hash = chain_hash(previous_hash=previous, content=content)
            raw_update(
                record,
                detail=json.dumps(detail),
                previous_hash=previous,
                hash=new_hash,
            )
            previous = new_hash
        AuditChainHead.objects.filter(pk=1).update(hash=previous)
        report = audit_chain_verify()
        assert not report.ok
        assert report.broken.sequence == records[-1].sequence
        assert "daily check" in report.broken.reason

"""The audit chain: records link by SHA-256, `audit_verify` names the first record
that was changed, removed or inserted, and the daily task keeps the head."""

import hashlib
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from audit.chain import (
    canonical_json,
    chain_hash,
    pseudonym,
    record_content,
    record_content_of,
)
from audit.models import GENESIS_HASH, AuditAction, AuditCheckpoint, AuditRecord
from audit.selectors import audit_chain_verify
from audit.services import audit_record
from audit.tasks import audit_chain_check
from tests.factories import user_create

pytestmark = pytest.mark.django_db


def chain_of(count: int) -> list[AuditRecord]:
    """`count` records after whatever the fixtures wrote, oldest first."""
    person = user_create()
    made = [
        audit_record(
            actor=person,
            action=AuditAction.BOOKING_VIEW,
            target=("consultations.booking", number),
            ip="192.0.2.7",
            detail={"page": "test", "number": number},
        )
        for number in range(count)
    ]
    return made


def raw_update(record: AuditRecord, **values) -> None:
    """Change a row behind the application's back, as someone with database access
    would (SQLite has no trigger to stop it)."""
    sets = ", ".join(f"{connection.ops.quote_name(name)} = %s" for name in values)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE audit_auditrecord SET {sets} WHERE id = %s",  # noqa: S608
            [*values.values(), record.pk],
        )


def raw_delete(record: AuditRecord) -> None:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditrecord WHERE id = %s", [record.pk])


def verify_fails_at(sequence: int) -> str:
    with pytest.raises(CommandError) as caught:
        call_command("audit_verify")
    message = str(caught.value)
    assert f"record #{sequence}" in message
    return message


def forged_record_after(record) -> None:
    """What a forger who knows the hash function writes: a sign-in numbered after
    `record`, with a valid hash on it."""
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
    )
    AuditRecord.objects.create(
        sequence=sequence,
        occurred_at=record.occurred_at,
        action="sign_in",
        previous_hash=record.hash,
        hash=chain_hash(previous_hash=record.hash, content=content),
    )


class AuditRecordTests:
    def test_each_record_links_to_the_previous_hash(self):
        first, second = chain_of(2)
        assert second.previous_hash == first.hash
        assert second.sequence == first.sequence + 1

    def test_hash_is_sha256_of_previous_hash_and_canonical_content(self):
        (record,) = chain_of(1)
        content = {
            "sequence": record.sequence,
            "occurred_at": record.occurred_at.isoformat(timespec="microseconds"),
            "actor_id": record.actor_id,
            "actor_pseudonym": record.actor_pseudonym,
            "action": "booking_view",
            "target_type": "consultations.booking",
            "target_id": "0",
            "ip_address": "192.0.2.7",
            "detail": {"number": 0, "page": "test"},
        }
        expected = hashlib.sha256(
            (
                record.previous_hash
                + json.dumps(content, sort_keys=True, separators=(",", ":"))
            ).encode()
        ).hexdigest()
        assert record.hash == expected

    def test_the_first_record_follows_the_genesis_hash(self):
        AuditRecord.objects.all().delete()  # SQLite: no trigger in the test database
        from audit.models import AuditChainHead

        AuditChainHead.objects.filter(pk=1).update(sequence=0, hash=GENESIS_HASH)
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


class DailyCheckTests:
    def test_keeps_the_head_when_the_chain_holds(self):
        records = chain_of(3)
        assert audit_chain_check() is True
        checkpoint = AuditCheckpoint.objects.get()
        assert (checkpoint.sequence, checkpoint.hash) == (
            records[-1].sequence,
            records[-1].hash,
        )

    def test_keeps_nothing_when_the_chain_is_broken(self, caplog):
        records = chain_of(3)
        raw_update(records[0], action="sign_out")
        assert audit_chain_check() is False
        assert not AuditCheckpoint.objects.exists()
        assert "Audit chain broken" in caplog.text

    def test_a_chain_rewritten_after_a_checkpoint_is_caught(self):
        """Even a forger who rewrites every hash from a record onwards, and the head
        row with them, no longer matches the head the daily check kept."""
        records = chain_of(3)
        assert audit_chain_check() is True
        from audit.models import AuditChainHead

        previous = records[0].previous_hash
        for record in records:
            record.refresh_from_db()
            record.detail = {"page": "rewritten"}
            content = record_content_of(record)
            new_hash = chain_hash(previous_hash=previous, content=content)
            raw_update(
                record,
                detail=json.dumps(record.detail),
                previous_hash=previous,
                hash=new_hash,
            )
            previous = new_hash
        AuditChainHead.objects.filter(pk=1).update(hash=previous)
        report = audit_chain_verify()
        assert not report.ok
        assert report.broken.sequence == records[-1].sequence
        assert "daily check" in report.broken.reason

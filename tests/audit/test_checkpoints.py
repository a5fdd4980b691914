"""Signed checkpoints make a rewritten log visible, even to one who can rewrite the whole database."""
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from rest_framework.test import APIClient

from trading import platform_key, sealing
from trading.accounts.caller import Caller
from trading.audit import checkpoints
from trading.audit.chain import entry_hash
from trading.audit.models import AuditCheckpoint, AuditEntry, AuditHead
from trading.audit.selectors import verify_chain
from trading.audit.services import record
from trading.tenders import clock

from .tamper import tamper

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _platform_key(settings, tmp_path):
    settings.PLATFORM_SIGNING_KEY_FILE = tmp_path / "platform_signing.key"


def write(user, n):
    caller = Caller(user=user, ip="203.0.113.9")
    for i in range(n):
        with transaction.atomic():
            record(caller, "test.action", user, step=i)


def rechain_from(seq):
    """What an operator with full rights does: recompute every hash from `seq` on and move the head."""
    prev = AuditEntry.objects.filter(seq__lt=seq).order_by("-seq").values_list("hash", flat=True).first() or "0" * 64
    for entry in AuditEntry.objects.filter(seq__gte=seq).order_by("seq"):
        new = entry_hash(prev, entry.seq, entry.at.isoformat(), entry.actor_label, entry.organisation_label, entry.ip,
                         entry.action, entry.object_type, entry.object_id, entry.summary, entry.embargo)
        tamper("UPDATE audit_auditentry SET prev_hash = %s, hash = %s WHERE seq = %s", [prev, new, entry.seq])
        prev = new
    last = AuditEntry.objects.order_by("-seq").first()
    AuditHead.objects.filter(pk=1).update(last_seq=last.seq, last_hash=last.hash)


def verify(*args):
    call_command("audit", "verify", *args)


def test_a_removed_tail_passes_the_chain_but_not_the_signed_checkpoint(supervisor):
    write(supervisor, 6)
    assert checkpoints.sign_checkpoint(clock.now()).size == 6
    tamper("DELETE FROM audit_auditentry WHERE seq > 4")
    entry = AuditEntry.objects.get(seq=4)
    AuditHead.objects.filter(pk=1).update(last_seq=4, last_hash=entry.hash)
    assert verify_chain() == []  # the chain alone cannot tell
    with pytest.raises(CommandError):
        verify()


def test_a_removed_entry_with_every_later_hash_recomputed_is_found(supervisor):
    write(supervisor, 6)
    checkpoints.sign_checkpoint(clock.now())
    tamper("DELETE FROM audit_auditentry WHERE seq = 3")
    tamper("UPDATE audit_auditentry SET seq = seq - 1 WHERE seq > 3")
    rechain_from(3)
    assert verify_chain() == []
    found = checkpoints.problems([checkpoints.as_published(c) for c in AuditCheckpoint.objects.all()],
                                 platform_key.public_key())
    assert found and "removed" in found[0]


def test_an_edited_entry_rechained_is_found_by_a_copy_kept_outside_even_if_the_checkpoints_are_deleted(
        supervisor, tmp_path):
    write(supervisor, 5)
    checkpoints.sign_checkpoint(clock.now())
    saved = tmp_path / "checkpoints.json"
    saved.write_text(json.dumps(APIClient().get("/api/audit/checkpoints/").json()))
    verify("--checkpoints", str(saved))
    tamper("UPDATE audit_auditentry SET summary = %s WHERE seq = 2", ['{"step": 99}'])
    rechain_from(2)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditcheckpoint DISABLE TRIGGER audit_checkpoint_append_only")
        cursor.execute("DELETE FROM audit_auditcheckpoint")
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditcheckpoint ENABLE TRIGGER audit_checkpoint_append_only")
    verify()  # nothing left in the database to compare with
    with pytest.raises(CommandError):
        verify("--checkpoints", str(saved))


def test_a_checkpoint_signed_with_another_key_proves_nothing(supervisor):
    write(supervisor, 3)
    seed = sealing.new_signing_seed()
    body = {"format": checkpoints.FORMAT, "size": 3, "head": AuditEntry.objects.get(seq=3).hash, "at": "2026-01-01"}
    forged = {"body": body, "signature": sealing.sign(seed, sealing.canonical(body)),
              "public_key": sealing.signing_public_key(seed)}
    found = checkpoints.problems([forged], platform_key.public_key())
    assert found and "not the platform's" in found[0]
    assert checkpoints.problems([{"body": {"size": "3"}}], platform_key.public_key())


def test_the_watcher_signs_a_checkpoint_when_the_log_grew_and_the_feed_is_public(supervisor):
    write(supervisor, 2)
    call_command("checkpoint_watch")
    call_command("checkpoint_watch")
    assert list(AuditCheckpoint.objects.values_list("size", flat=True)) == [2]
    write(supervisor, 1)
    call_command("audit", "checkpoint")
    feed = APIClient().get("/api/audit/checkpoints/?since=2").json()
    assert [c["body"]["size"] for c in feed["checkpoints"]] == [3]
    assert feed["platform_key"]["public_key"] == platform_key.public_key()
    assert APIClient().get("/api/audit/checkpoints/?since=abc").status_code == 400
    assert "Audit log checkpoints" in APIClient().get("/audit/checkpoints/").content.decode()


@pytest.mark.postgres_only
def test_postgresql_refuses_to_change_or_remove_a_checkpoint(supervisor):
    from django.db import DatabaseError

    write(supervisor, 1)
    checkpoints.sign_checkpoint(clock.now())
    for sql in ("UPDATE audit_auditcheckpoint SET head = 'x'", "DELETE FROM audit_auditcheckpoint"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert AuditCheckpoint.objects.count() == 1

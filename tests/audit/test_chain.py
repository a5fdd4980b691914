import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from trading.accounts.caller import Caller
from trading.audit.models import AuditEntry
from trading.audit.selectors import verify_chain
from trading.audit.services import record

from .tamper import tamper as _raw


def _write_entries(user, n=4):
    caller = Caller(user=user, ip="203.0.113.9")
    for i in range(n):
        with transaction.atomic():
            record(caller, "test.action", user, step=i)


@pytest.fixture
def chained(db, supervisor):
    _write_entries(supervisor)
    return supervisor


def test_entries_record_actor_organisation_and_address(chained):
    entry = AuditEntry.objects.get(seq=1)
    assert entry.actor_label == chained.username
    assert entry.organisation_label == chained.organisation.name
    assert entry.ip == "203.0.113.9"
    assert entry.summary == {"step": 0}
    assert verify_chain() == []
    call_command("audit", "verify")


@pytest.mark.django_db(transaction=True)
def test_record_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError):
        record(Caller.system(), "x")
    assert not AuditEntry.objects.exists()


def test_edited_entry_fails_verification(chained):
    _raw("UPDATE audit_auditentry SET summary = %s WHERE seq = 2", ['{"step": 99}'])
    with pytest.raises(CommandError):
        call_command("audit", "verify")
    assert any("altered" in p for p in verify_chain())


def test_deleted_entry_fails_verification(chained):
    _raw("DELETE FROM audit_auditentry WHERE seq = 2", [])
    assert any("missing" in p for p in verify_chain())


def test_deleted_tail_fails_verification(chained):
    _raw("DELETE FROM audit_auditentry WHERE seq = 4", [])
    assert any("removed" in p for p in verify_chain())


def test_reordered_entries_fail_verification(chained):
    _raw("UPDATE audit_auditentry SET seq = 100 WHERE seq = 2", [])
    _raw("UPDATE audit_auditentry SET seq = 2 WHERE seq = 3", [])
    _raw("UPDATE audit_auditentry SET seq = 3 WHERE seq = 100", [])
    assert verify_chain() != []


@pytest.mark.postgres_only
@pytest.mark.parametrize("sql", ["UPDATE audit_auditentry SET action = 'forged' WHERE seq = 1",
                                 "DELETE FROM audit_auditentry WHERE seq = 1"])
def test_postgresql_refuses_update_and_delete(chained, sql):
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert AuditEntry.objects.filter(seq=1).exclude(action="forged").exists()

"""The audit chain: every edit, deletion or reordering is found; PostgreSQL refuses changes."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from shebao.core import audit
from shebao.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain(clerk, citizen):
    events = [
        audit.record(
            actor=clerk,
            action="person.view" if i % 2 else "person.update",
            subject_type="person",
            subject_id=i,
            subject_person=citizen.id_number,
            before={"phone": "13800000000"} if i % 2 == 0 else None,
            after={"phone": f"1390000000{i}", "base": Decimal("7496.00")},
            channel="hall",
        )
        for i in range(6)
    ]
    return events


def _untrigger():
    """Simulate someone with database-owner rights going around the application."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ALTER TABLE core_auditevent DISABLE TRIGGER USER")


def test_events_carry_who_what_where_and_chain(chain, clerk):
    first, second = chain[0], chain[1]
    assert first.prev_hash == audit.GENESIS
    assert second.prev_hash == first.hash
    stored = AuditEvent.objects.get(pk=first.pk)
    assert stored.actor_label == clerk.username
    assert stored.role == "clerk"
    assert stored.office == clerk.office.code
    assert stored.after["base"] == "7496.00"  # Decimal kept exactly, as text
    assert audit.verify().ok
    assert audit.verify().checked == 6


def test_an_edited_event_is_named(chain):
    _untrigger()
    AuditEvent.objects.filter(pk=chain[3].pk).update(after={"phone": "13911112222"})
    result = audit.verify()
    assert not result.ok
    assert result.first_bad_id == chain[3].pk
    assert "修改" in result.reason_zh


def test_an_edit_that_recomputes_the_hash_still_breaks_the_link(chain):
    _untrigger()
    forged = AuditEvent.objects.get(pk=chain[2].pk)
    forged.after = {"phone": "forged"}
    new_hash = audit.event_hash(forged)
    AuditEvent.objects.filter(pk=forged.pk).update(after=forged.after, hash=new_hash)
    result = audit.verify()
    assert not result.ok
    assert result.first_bad_id == chain[3].pk  # the next event no longer points at it


def test_a_deleted_event_is_found(chain):
    _untrigger()
    AuditEvent.objects.filter(pk=chain[2].pk).delete()
    result = audit.verify()
    assert not result.ok
    assert result.first_bad_id == chain[3].pk
    assert "删除" in result.reason_zh


def test_reordered_events_are_found(chain):
    _untrigger()
    a = AuditEvent.objects.get(pk=chain[1].pk)
    b = AuditEvent.objects.get(pk=chain[4].pk)
    fields = ["at", "actor_label", "action", "subject_id", "before", "after", "prev_hash", "hash"]
    values_a = {f: getattr(a, f) for f in fields}
    values_b = {f: getattr(b, f) for f in fields}
    AuditEvent.objects.filter(pk=a.pk).update(hash="x" * 64)  # free the unique hash first
    AuditEvent.objects.filter(pk=b.pk).update(**values_a)
    AuditEvent.objects.filter(pk=a.pk).update(**values_b)
    result = audit.verify()
    assert not result.ok
    assert result.first_bad_id == chain[1].pk


def test_the_command_exits_non_zero_and_names_the_event(chain):
    call_command("audit", "verify")  # intact: no error
    _untrigger()
    AuditEvent.objects.filter(pk=chain[5].pk).update(action="person.delete")
    with pytest.raises(CommandError, match=f"#{chain[5].pk}"):
        call_command("audit", "verify")


def test_an_event_rolls_back_with_its_command(clerk):
    with pytest.raises(RuntimeError), transaction.atomic():
        audit.record(actor=clerk, action="person.update", subject_type="person", subject_id=1)
        raise RuntimeError("the command failed after recording")
    assert not AuditEvent.objects.exists()


@pytest.mark.postgres
def test_postgresql_refuses_update_and_delete(chain):
    from tests.conftest import require_postgres

    require_postgres()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=chain[0].pk).update(action="x")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=chain[0].pk).delete()
    assert audit.verify().ok

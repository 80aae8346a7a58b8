"""The audit recorder and verifier.

Every service that writes calls :func:`record` inside its own transaction, so the event and
the change commit or roll back together. Events form one hash chain: each ``hash`` is
SHA-256 over the event's canonical JSON including ``prev_hash``. Appends are serialised (an
advisory lock on PostgreSQL, IMMEDIATE transactions on SQLite) so the chain never forks.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from shebao.core.models import Account, AuditEvent

GENESIS = "0" * 64
_PG_LOCK_KEY = 0x5EBA0A0D17  # any constant: the one advisory lock that guards the chain's tail


def _jsonable(value: Any) -> Any:
    """Decimal, dates and the like as JSON text, so a database round trip changes nothing."""
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def _digest(fields: dict[str, Any]) -> str:
    text = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"), cls=DjangoJSONEncoder)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _fields(event: AuditEvent) -> dict[str, Any]:
    at = event.at.astimezone(dt.UTC) if timezone.is_aware(event.at) else event.at
    return {
        "at": at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "actor": event.actor_id,
        "actor_label": event.actor_label,
        "role": event.role,
        "office": event.office,
        "channel": event.channel,
        "action": event.action,
        "subject_type": event.subject_type,
        "subject_id": event.subject_id,
        "subject_person": event.subject_person,
        "before": event.before,
        "after": event.after,
        "prev_hash": event.prev_hash,
    }


def event_hash(event: AuditEvent) -> str:
    return _digest(_fields(event))


def _lock_tail() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])


def record(
    *,
    actor: Account | None,
    action: str,
    subject_type: str = "",
    subject_id: str | int = "",
    subject_person: str = "",
    before: Any = None,
    after: Any = None,
    channel: str = "",
) -> AuditEvent:
    """Append one event to the chain. Call it inside the command's transaction."""
    with transaction.atomic():
        _lock_tail()
        tail = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
        office = getattr(getattr(actor, "office", None), "code", "") if actor else ""
        event = AuditEvent(
            at=timezone.now(),
            actor=actor if actor and actor.pk else None,
            actor_label=(actor.username if actor else "system")[:160],
            role=(actor.role if actor else "system") or "",
            office=office or "",
            channel=channel,
            action=action,
            subject_type=subject_type,
            subject_id=str(subject_id),
            subject_person=subject_person or "",
            before=_jsonable(before),
            after=_jsonable(after),
            prev_hash=tail or GENESIS,
        )
        event.hash = event_hash(event)
        event.save(force_insert=True)
    return event


@dataclass(frozen=True)
class Verification:
    ok: bool
    checked: int
    first_bad_id: int | None = None
    reason_zh: str = ""
    reason_en: str = ""


def verify(*, chunk_size: int = 5000) -> Verification:
    """Walk the chain in order and name the first event that was edited, or before which an
    event was deleted or the order changed."""
    expected_prev = GENESIS
    checked = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=chunk_size):
        if event.prev_hash != expected_prev:
            return Verification(
                ok=False,
                checked=checked,
                first_bad_id=event.pk,
                reason_zh=f"审计链在事件 #{event.pk} 处断开：其前一事件被删除或顺序被改动",
                reason_en=f"Chain broken at event #{event.pk}: an event before it was deleted or reordered",
            )
        if event_hash(event) != event.hash:
            return Verification(
                ok=False,
                checked=checked,
                first_bad_id=event.pk,
                reason_zh=f"审计事件 #{event.pk} 的内容被修改",
                reason_en=f"Audit event #{event.pk} was edited",
            )
        expected_prev = event.hash
        checked += 1
    return Verification(ok=True, checked=checked)

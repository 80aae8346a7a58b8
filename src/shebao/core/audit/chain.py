"""The audit recorder: one append-only hash chain of events.

Every service that writes calls :func:`record` inside its own transaction, so the event and
the change commit or roll back together. Each event's ``hash`` is SHA-256 over its canonical
JSON including ``prev_hash``. Appends are serialised (an advisory lock on PostgreSQL, IMMEDIATE
transactions on SQLite) so the chain never forks and event ids follow the chain's order.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from shebao.core.audit.actions import audit_actions
from shebao.core.models import Account, AuditEvent

GENESIS = "0" * 64
_PG_LOCK_KEY = 0x5EBA0A0D17  # any constant: the one advisory lock that guards the chain's tail


def jsonable(value: Any) -> Any:
    """Decimal, dates and the like as JSON text, so a database round trip changes nothing."""
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def canonical_json(fields: dict[str, Any]) -> str:
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"), cls=DjangoJSONEncoder)


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
    return hashlib.sha256(canonical_json(_fields(event)).encode("utf-8")).hexdigest()


def lock_tail() -> None:
    """Serialise with every other append (and checkpoint) until the transaction ends."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])


def _actor_label(actor: Account | None) -> str:
    """Who acted; an agent acting for someone (代办, ``shebao.core.http.acting_apply``) is
    labelled "agent 代办 for grantor", so every event of theirs names both."""
    if actor is None:
        return "system"
    acting = getattr(actor, "acting_for_label", "")
    return f"{actor.username} 代办 for {acting}" if acting else actor.username


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
    """Append one event to the chain. Call it inside the command's transaction.

    ``action`` must be declared in an app's :class:`~shebao.core.audit.actions.AuditActions`
    (:class:`~shebao.core.audit.actions.UnknownAuditAction` otherwise, before anything is written).
    """
    audit_actions.require(action)
    with transaction.atomic():
        lock_tail()
        tail = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
        office = getattr(getattr(actor, "office", None), "code", "") if actor else ""
        event = AuditEvent(
            at=timezone.now(),
            actor=actor if actor and actor.pk else None,
            actor_label=_actor_label(actor)[:160],
            role=(actor.role if actor else "system") or "",
            office=office or "",
            channel=channel,
            action=action,
            subject_type=subject_type,
            subject_id=str(subject_id),
            subject_person=subject_person or "",
            before=jsonable(before),
            after=jsonable(after),
            prev_hash=tail or GENESIS,
        )
        event.hash = event_hash(event)
        event.save(force_insert=True)
    return event

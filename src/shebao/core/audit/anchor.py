"""The audit chain's anchor: signed checkpoints of its head, in the database and in a file.

The hash chain alone proves only that the events agree with each other: whoever can write the
database can delete the last events, or edit one and recompute every hash after it, and the
chain still links. So, periodically (Celery beat / ``shebao serve``: ``audit-checkpoint``) and
on demand (``shebao audit checkpoint``), the head (event id + hash) is signed with an HMAC
whose key is not in the database (``settings.AUDIT_KEY`` ← ``SHEBAO_AUDIT_KEY``; derived from
the secret key only in the demo and tests; production refuses to start without it), stored as
an :class:`~shebao.core.models.AuditCheckpoint` and appended to an append-only file
(``settings.AUDIT_CHECKPOINT_FILE``, one JSON line per checkpoint, as transparency logs do).
Each checkpoint's MAC covers the previous one's, so a removed checkpoint is found too.

A checkpoint is only written over a chain that verifies since the previous checkpoint: the
anchor never signs a head that is already broken.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from shebao.core.audit.chain import canonical_json, lock_tail
from shebao.core.models import AuditCheckpoint, AuditEvent

MIN_KEY_LENGTH = 32
_DERIVATION = b"shebao.audit.checkpoint.v1"
_DEMO_ENVS = frozenset({"demo", "test"})
_TAIL_BYTES = 8192  # enough of the file's end to hold its last line


class AuditChainBroken(Exception):
    """The chain does not verify since the last checkpoint: no checkpoint is signed over it."""


def anchor_key() -> bytes:
    """The checkpoint key: ``settings.AUDIT_KEY``, or in the demo and tests one derived from
    ``SECRET_KEY``; anywhere else its absence is a configuration error (checked at start-up)."""
    configured = str(getattr(settings, "AUDIT_KEY", "") or "")
    if configured:
        if len(configured) < MIN_KEY_LENGTH:
            raise ImproperlyConfigured(
                f"SHEBAO_AUDIT_KEY 至少需要 {MIN_KEY_LENGTH} 个字符。 / "
                f"SHEBAO_AUDIT_KEY must be at least {MIN_KEY_LENGTH} characters."
            )
        if configured == settings.SECRET_KEY:
            raise ImproperlyConfigured(
                "SHEBAO_AUDIT_KEY 不能与 SHEBAO_SECRET_KEY 相同。 / "
                "SHEBAO_AUDIT_KEY must not be the same as SHEBAO_SECRET_KEY."
            )
        return configured.encode("utf-8")
    if getattr(settings, "ENV", "production") in _DEMO_ENVS:
        return hmac.new(settings.SECRET_KEY.encode("utf-8"), _DERIVATION, hashlib.sha256).digest()
    raise ImproperlyConfigured(
        "生产环境必须设置审计检查点密钥 SHEBAO_AUDIT_KEY（不存放在数据库中）。 / "
        "Refusing to start without SHEBAO_AUDIT_KEY, the key that signs the audit chain's checkpoints "
        "(kept outside the database)."
    )


def key_id(key: bytes | None = None) -> str:
    """A short public fingerprint of the key, so a checkpoint names the key that signed it."""
    return hashlib.sha256(b"shebao.audit.key-id:" + (key or anchor_key())).hexdigest()[:12]


def _signed_fields(seq: int, event_hash: str, at: dt.datetime, prev_mac: str, kid: str) -> dict[str, Any]:
    return {
        "seq": int(seq),
        "event_hash": event_hash,
        "at": at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "prev_mac": prev_mac,
        "key_id": kid,
    }


def checkpoint_mac(*, seq: int, event_hash: str, at: dt.datetime, prev_mac: str, kid: str) -> str:
    message = canonical_json(_signed_fields(seq, event_hash, at, prev_mac, kid)).encode("utf-8")
    return hmac.new(anchor_key(), message, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Anchor:
    """One checkpoint as verification sees it, read from the database or from the file."""

    id: int
    seq: int
    event_hash: str
    at: dt.datetime
    prev_mac: str
    key_id: str
    mac: str

    @classmethod
    def of(cls, row: AuditCheckpoint) -> Anchor:
        return cls(row.pk, row.seq, row.event_hash, row.at, row.prev_mac, row.key_id, row.mac)

    def signature_ok(self) -> bool:
        expected = checkpoint_mac(
            seq=self.seq, event_hash=self.event_hash, at=self.at, prev_mac=self.prev_mac, kid=self.key_id
        )
        return hmac.compare_digest(expected, self.mac)

    def line(self) -> str:
        fields = _signed_fields(self.seq, self.event_hash, self.at, self.prev_mac, self.key_id)
        return canonical_json({"id": self.id, **fields, "mac": self.mac})


def checkpoint_file() -> Path | None:
    value = getattr(settings, "AUDIT_CHECKPOINT_FILE", None)
    return Path(value) if value else None


def _verify_since(last: AuditCheckpoint | None, *, start: tuple[int, str] | None = None) -> tuple[int, str] | None:
    """The links and hashes of the events after the last checkpoint (and the checkpoint's own
    event), or after ``start`` (an event already verified), so that a broken head is never
    signed. Returns the last event verified (id, hash), None for an empty chain."""
    from shebao.core.audit.chain import GENESIS, event_hash

    events = AuditEvent.objects.order_by("id")
    verified: tuple[int, str] | None = None
    if start is not None:
        verified = start
        events = events.filter(id__gt=start[0])
    elif last is not None:
        anchored = AuditEvent.objects.filter(pk=last.seq).values_list("hash", flat=True).first()
        if anchored != last.event_hash:
            raise AuditChainBroken(
                f"检查点 #{last.pk} 锚定的第 {last.seq} 号事件已不符 / "
                f"Event #{last.seq} no longer matches checkpoint #{last.pk}"
            )
        verified = (last.seq, last.event_hash)
        events = events.filter(id__gt=last.seq)
    expected = verified[1] if verified else GENESIS
    for event in events.iterator(chunk_size=2000):
        if event.prev_hash != expected or event_hash(event) != event.hash:
            raise AuditChainBroken(f"审计链在第 {event.pk} 号事件处断开 / The chain is broken at event #{event.pk}")
        expected = event.hash
        verified = (event.pk, event.hash)
    return verified


def checkpoint_write(*, at: dt.datetime | None = None) -> tuple[AuditCheckpoint | None, bool]:
    """Sign the chain's current head; returns (checkpoint, created).

    Nothing is written when the chain is empty (None, False) or the head has not moved since
    the last checkpoint (that checkpoint, False). Raises :class:`AuditChainBroken` rather than
    sign a head that no longer extends the last checkpoint. The events since the last
    checkpoint are verified before the chain's lock is taken (the first checkpoint of a long
    chain walks all of it), then only the few appended meanwhile, so services are not held up.
    The file gets the new line (and any line it missed) once the transaction commits.
    """
    seen = AuditCheckpoint.objects.order_by("-id").first()
    verified = _verify_since(seen)
    with transaction.atomic():
        lock_tail()  # the head cannot move while it is read and signed
        head = AuditEvent.objects.order_by("-id").values("id", "hash").first()
        last = AuditCheckpoint.objects.order_by("-id").first()
        if head is None and last is None:
            return None, False
        if last is not None and head is not None and last.seq == head["id"] and last.event_hash == head["hash"]:
            return last, False
        if last is not None and (head is None or head["id"] < last.seq):
            raise AuditChainBroken(
                f"审计链短于检查点 #{last.pk}（第 {last.seq} 号事件）/ The chain ends before checkpoint #{last.pk} "
                f"(event #{last.seq})"
            )
        same_start = (last.pk if last else None) == (seen.pk if seen else None)
        _verify_since(last, start=verified if same_start else None)
        assert head is not None
        kid = key_id()
        now = at or timezone.now()
        prev_mac = last.mac if last else ""
        row = AuditCheckpoint(
            seq=head["id"],
            event_hash=head["hash"],
            at=now,
            prev_mac=prev_mac,
            key_id=kid,
            mac=checkpoint_mac(seq=head["id"], event_hash=head["hash"], at=now, prev_mac=prev_mac, kid=kid),
        )
        row.save(force_insert=True)
        transaction.on_commit(export_missing)
    return row, True


def _last_exported_id(path: Path) -> int:
    if not path.exists():
        return 0
    with path.open("rb") as handle:
        handle.seek(0, os.SEEK_END)
        size = handle.tell()
        handle.seek(max(0, size - _TAIL_BYTES))
        lines = [line for line in handle.read().splitlines() if line.strip()]
    for raw in reversed(lines):
        try:
            return int(json.loads(raw)["id"])
        except (ValueError, KeyError, TypeError):
            continue  # a torn last line: the ids before it still count
    return 0


def export_missing() -> int:
    """Append to the checkpoint file every checkpoint it does not hold yet; returns how many."""
    path = checkpoint_file()
    if path is None:
        return 0
    path.parent.mkdir(parents=True, exist_ok=True)
    after = _last_exported_id(path)
    rows = list(AuditCheckpoint.objects.filter(id__gt=after).order_by("id"))
    if not rows:
        return 0
    text = "".join(Anchor.of(row).line() + "\n" for row in rows)
    # O_APPEND: each write lands at the end whatever else appends; the file may also be made
    # append-only for the application's user by the operating system (chattr +a).
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(fd, text.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)
    return len(rows)


@dataclass(frozen=True)
class FileLine:
    number: int
    anchor: Anchor | None  # None: the line cannot be read as a checkpoint


def file_anchors() -> list[FileLine]:
    """The checkpoints in the exported file, in file order."""
    path = checkpoint_file()
    if path is None or not path.exists():
        return []
    found = []
    with path.open("r", encoding="utf-8") as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                data = json.loads(raw)
                at = dt.datetime.strptime(data["at"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.UTC)
                anchor = Anchor(
                    int(data["id"]),
                    int(data["seq"]),
                    str(data["event_hash"]),
                    at,
                    str(data["prev_mac"]),
                    str(data["key_id"]),
                    str(data["mac"]),
                )
            except (ValueError, KeyError, TypeError):
                anchor = None
            found.append(FileLine(number, anchor))
    return found

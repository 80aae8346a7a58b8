"""Core's own job kind, ``audit.verify``: the audit chain verified in parallel, every link and
signed checkpoint checked by exactly one chunk; registered when the package is imported."""

from __future__ import annotations

from typing import Any

from django.db.models import Max

from shebao.core import audit
from shebao.core.jobs.kinds import JobKind, Params, id_span, job_kinds
from shebao.core.models import AuditEvent


def _audit_verify_plan(params: Params) -> list[tuple[int, int]]:
    """From the first event to the last event or the last checkpoint's event, whichever is
    later (a truncated tail leaves checkpoints beyond the last event)."""
    from shebao.core.models import AuditCheckpoint

    span = id_span(AuditEvent.objects.all())
    last_seq = AuditCheckpoint.objects.aggregate(hi=Max("seq"))["hi"]
    if last_seq is None:
        return span
    lo, hi = span[0] if span else (last_seq, last_seq)
    return [(min(lo, last_seq), max(hi, last_seq))]


def _audit_verify_chunk(*, params: Params, lo: int, hi: int) -> dict[str, Any]:
    """Check the events with ids in [lo, hi]: each one's hash, and that its ``prev_hash`` is
    the hash of the event just before it (read across the chunk's lower edge), and the signed
    checkpoints of that range. Every link of the chain is checked by exactly one chunk, so the
    chunks together check the chain as the serial ``audit.verify`` does — but they report every
    bad event, not only the first."""
    expected = (
        AuditEvent.objects.filter(id__lt=lo).order_by("-id").values_list("hash", flat=True).first() or audit.GENESIS
    )
    checked = 0
    bad: list[dict[str, Any]] = []
    for event in AuditEvent.objects.filter(id__gte=lo, id__lte=hi).order_by("id").iterator(chunk_size=2000):
        if event.prev_hash != expected:
            bad.append({"id": event.pk, "reason": "broken"})  # an event before it deleted or reordered
        elif audit.event_hash(event) != event.hash:
            bad.append({"id": event.pk, "reason": "edited"})
        expected = event.hash
        checked += 1
    bad += _audit_checkpoints_check(lo=lo, hi=hi)
    return {"checked": checked, "bad_count": len(bad), "bad": bad[:50]}


def _audit_checkpoints_check(*, lo: int, hi: int) -> list[dict[str, Any]]:
    """The signed checkpoints whose event lies in [lo, hi]: each one's signature, and that its
    event is still there with the hash it signed (a truncated tail, a rewritten chain). The
    checks of the checkpoints among themselves and against their file are ``audit.verify``'s."""
    from shebao.core.audit.anchor import Anchor
    from shebao.core.models import AuditCheckpoint

    bad: list[dict[str, Any]] = []
    checkpoints = list(AuditCheckpoint.objects.filter(seq__gte=lo, seq__lte=hi).order_by("seq"))
    hashes = dict(AuditEvent.objects.filter(id__in=[c.seq for c in checkpoints]).values_list("id", "hash"))
    for checkpoint in checkpoints:
        if not Anchor.of(checkpoint).signature_ok():
            reason = "checkpoint_forged"
        elif checkpoint.seq not in hashes:
            reason = "checkpoint_event_gone"  # truncated, or deleted under the checkpoint
        elif hashes[checkpoint.seq] != checkpoint.event_hash:
            reason = "checkpoint_rewritten"
        else:
            continue
        bad.append({"id": checkpoint.seq, "reason": reason, "checkpoint": checkpoint.pk})
    return bad


AUDIT_VERIFY = JobKind(
    name="audit.verify",
    title="审计链校验 / Audit chain verification",
    plan=_audit_verify_plan,
    run_chunk=_audit_verify_chunk,
    chunk_size=20_000,
)


# Core's own kinds are registered with the module; domain apps register in AppConfig.ready().
job_kinds.add(AUDIT_VERIFY)

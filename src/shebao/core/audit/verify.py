"""``shebao audit verify``: the chain checked link by link and against every signed checkpoint.

What is found, and named (which event, which checkpoint):

- an edited event (its hash no longer matches its content), a deleted or reordered one (the
  next event's ``prev_hash`` no longer points at its predecessor);
- a truncated tail: the chain ends before the last checkpoint's event, or the event a
  checkpoint anchors is gone;
- a rewritten chain: an event edited and every hash after it recomputed links again, but no
  longer has the hash a checkpoint signed;
- a forged or altered checkpoint (its HMAC fails), one removed from the database (it is still in
  the exported file, or the next one's ``prev_mac`` no longer points at it), one that differs
  from its exported copy, and a file line that cannot be read.

Events after the last checkpoint are covered by the links alone until the next checkpoint.
"""

from __future__ import annotations

from dataclasses import dataclass

from shebao.core.audit.anchor import Anchor, checkpoint_file, file_anchors, key_id
from shebao.core.audit.chain import GENESIS, event_hash
from shebao.core.models import AuditCheckpoint, AuditEvent


@dataclass(frozen=True)
class Verification:
    ok: bool
    checked: int
    first_bad_id: int | None = None  # the event (sequence number) where the chain is broken
    reason_zh: str = ""
    reason_en: str = ""
    checkpoint_id: int | None = None  # the checkpoint the finding concerns
    checkpoints: int = 0  # signed checkpoints the chain was checked against
    unexported: int = 0  # checkpoints in the database that the file does not hold (yet)


class _Found(Exception):
    """What is wrong with the checkpoints themselves (caught by :func:`verify`)."""

    def __init__(self, result: Verification) -> None:
        super().__init__(result.reason_en)
        self.result = result


def _fail(
    zh: str, en: str, *, checked: int = 0, event: int | None = None, checkpoint: int | None = None
) -> Verification:
    return Verification(
        ok=False, checked=checked, first_bad_id=event, reason_zh=zh, reason_en=en, checkpoint_id=checkpoint
    )


def _anchors() -> tuple[list[Anchor], int]:
    """The signed checkpoints (database ∪ file) by event, and how many the file lacks; raises
    :class:`_Found` naming the first checkpoint that is forged, removed or altered."""
    in_db = {row.pk: Anchor.of(row) for row in AuditCheckpoint.objects.order_by("id")}
    in_file: dict[int, Anchor] = {}
    for line in file_anchors():
        if line.anchor is None:
            raise _Found(
                _fail(
                    f"检查点文件第 {line.number} 行无法读取：文件被改动",
                    f"Line {line.number} of the checkpoint file cannot be read: the file was altered",
                )
            )
        in_file[line.anchor.id] = line.anchor
    current_key = key_id()
    for where_zh, where_en, anchors in (("", "", in_db), ("（导出文件）", " (exported file)", in_file)):
        for anchor in anchors.values():
            if anchor.key_id != current_key:
                raise _Found(
                    _fail(
                        f"检查点 #{anchor.id}{where_zh}由另一密钥（{anchor.key_id}）签署，无法用当前密钥验证",
                        f"Checkpoint #{anchor.id}{where_en} was signed with another key ({anchor.key_id})",
                        event=anchor.seq,
                        checkpoint=anchor.id,
                    )
                )
            if not anchor.signature_ok():
                raise _Found(
                    _fail(
                        f"检查点 #{anchor.id}{where_zh}（第 {anchor.seq} 号事件）签名不符：检查点被伪造或改动",
                        f"Checkpoint #{anchor.id}{where_en} (event #{anchor.seq}) fails its signature: forged or altered",
                        event=anchor.seq,
                        checkpoint=anchor.id,
                    )
                )
    for cid, exported in sorted(in_file.items()):
        stored = in_db.get(cid)
        if stored is None:
            raise _Found(
                _fail(
                    f"检查点 #{cid}（第 {exported.seq} 号事件）在导出文件中，但已从数据库中删除",
                    f"Checkpoint #{cid} (event #{exported.seq}) is in the exported file but was deleted from the database",
                    event=exported.seq,
                    checkpoint=cid,
                )
            )
        if stored != exported:
            raise _Found(
                _fail(
                    f"检查点 #{cid} 与其导出副本不一致",
                    f"Checkpoint #{cid} differs from its exported copy",
                    event=stored.seq,
                    checkpoint=cid,
                )
            )
    ordered = sorted(in_db.values(), key=lambda a: a.id)
    previous_mac = ""
    for anchor in ordered:
        if anchor.prev_mac != previous_mac:
            raise _Found(
                _fail(
                    f"检查点 #{anchor.id} 之前的检查点被删除",
                    f"A checkpoint before checkpoint #{anchor.id} was deleted",
                    event=anchor.seq,
                    checkpoint=anchor.id,
                )
            )
        previous_mac = anchor.mac
    unexported = len(set(in_db) - set(in_file)) if checkpoint_file() is not None else 0
    return sorted(ordered, key=lambda a: a.seq), unexported


def verify(*, chunk_size: int = 5000) -> Verification:
    """Walk the chain in order against its checkpoints; name the first thing found wrong."""
    try:
        anchors, unexported = _anchors()
    except _Found as found:
        return found.result
    expected_prev = GENESIS
    checked = 0
    pending = 0  # index of the next checkpoint to meet on the walk
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=chunk_size):
        if pending < len(anchors) and anchors[pending].seq < event.pk:
            anchor = anchors[pending]
            return _fail(
                f"检查点 #{anchor.id} 锚定的第 {anchor.seq} 号事件已不存在：事件被删除",
                f"Event #{anchor.seq}, anchored by checkpoint #{anchor.id}, is gone: events were deleted",
                checked=checked,
                event=anchor.seq,
                checkpoint=anchor.id,
            )
        if event.prev_hash != expected_prev:
            return _fail(
                f"审计链在事件 #{event.pk} 处断开：其前一事件被删除或顺序被改动",
                f"Chain broken at event #{event.pk}: an event before it was deleted or reordered",
                checked=checked,
                event=event.pk,
            )
        if event_hash(event) != event.hash:
            return _fail(
                f"审计事件 #{event.pk} 的内容被修改",
                f"Audit event #{event.pk} was edited",
                checked=checked,
                event=event.pk,
            )
        while pending < len(anchors) and anchors[pending].seq == event.pk:
            anchor = anchors[pending]
            if anchor.event_hash != event.hash:
                return _fail(
                    f"审计链被改写：第 {event.pk} 号事件与检查点 #{anchor.id} 签署的哈希不符",
                    f"The chain was rewritten: event #{event.pk} no longer has the hash checkpoint #{anchor.id} signed",
                    checked=checked,
                    event=event.pk,
                    checkpoint=anchor.id,
                )
            pending += 1
        expected_prev = event.hash
        checked += 1
    if pending < len(anchors):
        anchor = anchors[pending]
        head = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
        return _fail(
            f"审计链尾部被截断：检查点 #{anchor.id} 锚定第 {anchor.seq} 号事件，链现止于第 {head} 号",
            f"The chain's tail was truncated: checkpoint #{anchor.id} anchors event #{anchor.seq}, "
            f"the chain now ends at #{head}",
            checked=checked,
            event=anchor.seq,
            checkpoint=anchor.id,
        )
    return Verification(ok=True, checked=checked, checkpoints=len(anchors), unexported=unexported)

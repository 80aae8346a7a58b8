"""What every contribution rule shares: the insurances and their names, the base shares, the
length of a year, and :class:`RuleRef` (one rule row as a calculation used it), with the
*carried forward* rows that make an answer provisional."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

Round = Callable[[Decimal], Decimal]

# 国办发〔2019〕13号 (conf H): base limits are 60% and 300% of the 全口径 average wage.
FLOOR_SHARE = Decimal("0.6")
CAP_SHARE = Decimal("3")
MONTHS_IN_YEAR = 12
DAYS_IN_YEAR = 365  # simple interest on a back-payment: actual days / 365
# Order in which insurances are shown; a rate table may hold only some of them.
INSURANCES = ("pension", "medical", "unemployment", "injury", "maternity")
INSURANCE_NAMES = {
    "pension": ("养老保险", "Pension"),
    "medical": ("医疗保险", "Medical"),
    "unemployment": ("失业保险", "Unemployment"),
    "injury": ("工伤保险", "Work injury"),
    "maternity": ("生育保险", "Maternity"),
}


@dataclass(frozen=True)
class RuleRef:
    """One rule row as a calculation used it: enough to show it and to replay the result."""

    table: str
    id: int | None
    key: str
    value: Decimal
    effective_from: dt.date
    confidence: str
    # used after its own period because no newer row is published yet (沿用): the answer is provisional
    provisional: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "table": self.table,
            "id": self.id,
            "key": self.key,
            "value": str(self.value),
            "effective_from": self.effective_from.isoformat(),
            "confidence": self.confidence,
            "provisional": self.provisional,
        }


def carried_forward(refs: Sequence[RuleRef]) -> tuple[RuleRef, ...]:
    """The rows among ``refs`` used past their own period, each once, in the order used."""
    seen: dict[tuple[str, int | None, str], RuleRef] = {}
    for ref in refs:
        if ref.provisional:
            seen.setdefault((ref.table, ref.id, ref.key), ref)
    return tuple(seen.values())


def carried_step(refs: Sequence[RuleRef]) -> str | None:
    """The derivation line saying which rows were carried forward (each row once), or None."""
    rows: dict[tuple[str, int | None], list[RuleRef]] = {}
    for ref in carried_forward(refs):
        rows.setdefault((ref.table, ref.id), []).append(ref)
    if not rows:
        return None
    named = "；".join(
        f"{table} #{row_id}（{', '.join(r.key for r in group)}，{group[0].effective_from:%Y-%m-%d} 起）"
        for (table, row_id), group in rows.items()
    )
    return f"暂定：该月的新标准尚未公布，沿用 {named} / Provisional: carried forward until the next row is published"

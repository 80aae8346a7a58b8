"""失业保险金 eligibility, duration and amount (DOMAIN.md §6): pure functions, no Django.

The figures come in as :class:`Params` built from the effective-dated rule rows
(``shebao.unemployment.params``); the answer carries its derivation (inputs, the rows used with
their refs, the arithmetic) so that a claim can show it and be replayed.

- Eligible when all hold (《失业保险条例》第十四条): at least 12 months of contributions, an
  involuntary separation (the separation-reason table), the claim within the deadline.
- Maximum months (第十七条): by total contribution months, the duration table's highest step
  reached (≥12 → 12, ≥60 → 18, ≥120 → 24), plus the unused months of an earlier claim, capped
  (24).
- Monthly benefit: the benefit share × the local minimum wage, rounded to the fen (half up).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

FEN = Decimal("0.01")


@dataclass(frozen=True)
class RuleRef:
    """A rule row as a calculation names it: ``unemployment.Parameter#3``, its value, its
    confidence (H/M/L) and where it comes from."""

    ref: str
    key: str
    value: str
    effective_from: str
    confidence: str
    source: str

    def as_dict(self) -> dict[str, str]:
        return {
            "ref": self.ref,
            "key": self.key,
            "value": self.value,
            "effective_from": self.effective_from,
            "confidence": self.confidence,
            "source": self.source,
        }


@dataclass(frozen=True)
class DurationStep:
    """At least ``min_months`` of contributions give ``months`` of benefit."""

    min_months: int
    months: int
    rule: RuleRef


@dataclass(frozen=True)
class SeparationRule:
    """One separation reason: involuntary (eligible) or not, with the regulation's case."""

    code: str
    eligible: bool
    label_zh: str
    label_en: str
    basis: str
    rule: RuleRef


@dataclass(frozen=True)
class Params:
    benefit_share: Decimal
    minimum_wage: Decimal
    entitlement_cap: int
    deadline_days: int
    durations: tuple[DurationStep, ...]
    reasons: dict[str, SeparationRule]
    rules: tuple[RuleRef, ...]  # the scalar rows: share, wage, cap, deadline


@dataclass(frozen=True)
class Reason:
    code: str
    message: str
    message_en: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message, "message_en": self.message_en}


@dataclass(frozen=True)
class Assessment:
    eligible: bool
    reasons: tuple[Reason, ...]
    max_months: int
    monthly_benefit: Decimal
    provisional: bool
    derivation: dict[str, Any] = field(default_factory=dict)


def duration_months(*, contribution_months: int, durations: tuple[DurationStep, ...]) -> int:
    """The months of the highest step reached by ``contribution_months`` (0 below the first)."""
    reached = [s.months for s in durations if contribution_months >= s.min_months]
    return max(reached, default=0)


def max_months(*, contribution_months: int, previous_unused_months: int, params: Params) -> int:
    """This claim's months with an earlier claim's unused months added, capped (条例第十七条).
    Nothing when the new contributions reach no step: the carried months need a new claim."""
    own = duration_months(contribution_months=contribution_months, durations=params.durations)
    if own == 0:
        return 0
    return min(params.entitlement_cap, own + max(0, previous_unused_months))


def monthly_benefit(*, params: Params) -> Decimal:
    return (params.benefit_share * params.minimum_wage).quantize(FEN, rounding=ROUND_HALF_UP)


def unemployment_assess(
    *,
    contribution_months: int,
    separation_reason: str,
    previous_unused_months: int,
    params: Params,
    separated_on: dt.date | None = None,
    claimed_on: dt.date | None = None,
) -> Assessment:
    """Whether a claim is eligible, for how many months and how much a month, with every reason
    that refuses it (not only the first) and the derivation."""
    reasons: list[Reason] = []
    steps: list[str] = []
    first = min((s.min_months for s in params.durations), default=12)
    if contribution_months < first:
        reasons.append(
            Reason(
                "contributions",
                f"累计缴纳失业保险费{contribution_months}个月，不满{first}个月（《失业保险条例》第十四条）",
                f"{contribution_months} months of contributions, under the {first} required (Regulation art. 14)",
            )
        )
    rule = params.reasons.get(separation_reason)
    if rule is None or not rule.eligible:
        label = rule.label_zh if rule else separation_reason
        label_en = rule.label_en if rule else separation_reason
        basis = rule.basis if rule else "《失业保险条例》第十四条"
        reasons.append(
            Reason(
                "voluntary",
                f"离职原因为“{label}”，属本人意愿中断就业，不符合领取条件（{basis}）",
                f"Separation '{label_en}' is voluntary: not eligible ({basis})",
            )
        )
    if separated_on is not None and claimed_on is not None:
        days = (claimed_on - separated_on).days
        if days > params.deadline_days:
            reasons.append(
                Reason(
                    "deadline",
                    f"终止劳动关系之日（{separated_on:%Y-%m-%d}）起已{days}天，超过{params.deadline_days}天申领期限",
                    f"{days} days since employment ended on {separated_on:%Y-%m-%d}: over the "
                    f"{params.deadline_days}-day limit to claim",
                )
            )
        steps.append(f"申领间隔 {days} 天 ≤ {params.deadline_days} 天" if days <= params.deadline_days else "")
    eligible = not reasons
    own = duration_months(contribution_months=contribution_months, durations=params.durations)
    months = max_months(
        contribution_months=contribution_months, previous_unused_months=previous_unused_months, params=params
    )
    amount = monthly_benefit(params=params)
    steps += [
        f"缴费{contribution_months}个月 → 期限表 {own} 个月",
        f"{own} + 前次未领 {previous_unused_months} 个月，封顶 {params.entitlement_cap} → {months} 个月",
        f"{params.minimum_wage} × {params.benefit_share} = {amount} 元/月（四舍五入到分）",
    ]
    used = [*params.rules, *(s.rule for s in params.durations)]
    if rule is not None:
        used.append(rule.rule)
    derivation = {
        "inputs": {
            "contribution_months": contribution_months,
            "separation_reason": separation_reason,
            "previous_unused_months": previous_unused_months,
            "separated_on": separated_on.isoformat() if separated_on else None,
            "claimed_on": claimed_on.isoformat() if claimed_on else None,
        },
        "duration_months": own,
        "rules": [r.as_dict() for r in used],
        "steps": [s for s in steps if s],
    }
    return Assessment(
        eligible=eligible,
        reasons=tuple(reasons),
        max_months=months if eligible else 0,
        monthly_benefit=amount if eligible else Decimal("0.00"),
        provisional=any(r.confidence == "L" for r in used),
        derivation=derivation,
    )

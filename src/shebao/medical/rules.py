"""住院费用报销 (DOMAIN.md §5): a pure computation, no Django.

The figures come in as a :class:`RuleSet` built from the effective-dated rule rows
(``shebao.medical.params``); the answer carries its derivation line by line (what the decision
letter prints) and the rows used with their refs, so a decision can be shown and replayed.

1. 起付标准: the deductible of the person type × hospital level × admission sequence row (a
   second or later admission in the year has its own, halved, row).
2. 报销比例: the row's rate (retirees' rows are 4 points higher), less the cross-region cut in
   points for the filing type (local and long-term 0, referral 10, emergency 10, unfiled 20).
3. 统筹基金: (in-policy cost − deductible) × rate, no more than what remains of the annual cap
   after this year's earlier payments.
4. 大额医疗: the costs the basic fund could not cover because the cap was reached are paid at the
   band's rate, no more than what remains of the band.
5. Each fund's part is rounded to the fen, half up; the amount is their sum. It can never exceed
   the in-policy cost.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

FEN = Decimal("0.01")
ZERO = Decimal("0")
HUNDRED = Decimal("100")

PERSON_TYPES = ("working", "retired")
LEVELS = ("community", "1", "2", "3")
FILING_TYPES = ("local", "long_term", "referral", "emergency", "unfiled")
LEVEL_LABELS = {"community": "社区", "1": "一级", "2": "二级", "3": "三级"}
FILING_LABELS = {
    "local": "本地就医",
    "long_term": "长期异地备案",
    "referral": "转诊转院备案",
    "emergency": "急诊抢救",
    "unfiled": "未备案",
}


def round_fen(amount: Decimal) -> Decimal:
    return amount.quantize(FEN, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class RuleRef:
    """A rule row as a calculation names it: ``medical.BenefitRule#3``, its value, confidence."""

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
class Benefit:
    deductible: Decimal
    rate: Decimal
    rule: RuleRef


@dataclass(frozen=True)
class Cut:
    points: Decimal
    rule: RuleRef


@dataclass(frozen=True)
class Limits:
    annual_cap: Decimal
    large_band: Decimal
    large_rate: Decimal
    rule: RuleRef


@dataclass(frozen=True)
class RuleSet:
    """The rows in force on the admission date: benefits keyed (person type, level, sequence)."""

    benefits: dict[tuple[str, str, str], Benefit]
    cuts: dict[str, Cut]
    limits: Limits


@dataclass(frozen=True)
class Line:
    label_zh: str
    label_en: str
    value: str

    def as_dict(self) -> dict[str, str]:
        return {"label_zh": self.label_zh, "label_en": self.label_en, "value": self.value}


@dataclass(frozen=True)
class Reimbursement:
    amount: Decimal
    basic_paid: Decimal
    large_paid: Decimal
    lines: tuple[Line, ...]
    provisional: bool
    rules: tuple[RuleRef, ...] = field(default_factory=tuple)

    def derivation(self) -> dict[str, object]:
        return {
            "amount": str(self.amount),
            "basic_paid": str(self.basic_paid),
            "large_paid": str(self.large_paid),
            "provisional": self.provisional,
            "lines": [line.as_dict() for line in self.lines],
            "rules": [rule.as_dict() for rule in self.rules],
        }


class RuleMissing(LookupError):
    """No rule row for the key on that date: the caller refuses with the key named."""


def _yuan(amount: Decimal) -> str:
    return f"{round_fen(amount):,.2f}"


def _pct(rate: Decimal) -> str:
    return f"{(rate * HUNDRED).normalize():f}%"


def reimbursement_compute(
    *,
    rules: RuleSet,
    in_policy_cost: Decimal,
    person_type: str,
    hospital_level: str,
    filing_type: str,
    admission_number: int,
    basic_paid_ytd: Decimal = ZERO,
    large_paid_ytd: Decimal = ZERO,
) -> Reimbursement:
    """The amount the funds pay for one admission, with its line-by-line derivation."""
    if in_policy_cost < 0 or basic_paid_ytd < 0 or large_paid_ytd < 0:
        raise ValueError("amounts cannot be negative")
    if admission_number < 1:
        raise ValueError("admission_number starts at 1")
    sequence = "first" if admission_number == 1 else "later"
    benefit = rules.benefits.get((person_type, hospital_level, sequence))
    if benefit is None:
        raise RuleMissing(f"benefit {person_type}/{hospital_level}/{sequence}")
    cut = rules.cuts.get(filing_type)
    if cut is None:
        raise RuleMissing(f"cross-region cut {filing_type}")
    limits = rules.limits

    lines: list[Line] = [
        Line("政策范围内费用", "In-policy costs", _yuan(in_policy_cost)),
    ]
    deductible = min(benefit.deductible, in_policy_cost)
    after_deductible = in_policy_cost - deductible
    lines.append(
        Line(
            f"起付标准（{LEVEL_LABELS.get(hospital_level, hospital_level)}医院，"
            f"{'年度首次' if sequence == 'first' else f'年度第{admission_number}次'}住院）",
            f"Deductible (level {hospital_level}, admission {admission_number}) [{benefit.rule.ref}]",
            f"−{_yuan(deductible)}",
        )
    )
    rate = max(ZERO, benefit.rate - cut.points / HUNDRED)
    lines.append(
        Line(
            f"报销比例：{'退休' if person_type == 'retired' else '在职'} {_pct(benefit.rate)}"
            f" − {FILING_LABELS.get(filing_type, filing_type)} {cut.points.normalize():f}个百分点",
            f"Rate: {person_type} {_pct(benefit.rate)} − {filing_type} {cut.points.normalize():f} points "
            f"[{cut.rule.ref}]",
            _pct(rate),
        )
    )
    basic_due = after_deductible * rate
    basic_room = max(ZERO, limits.annual_cap - basic_paid_ytd)
    basic_paid = round_fen(min(basic_due, basic_room))
    lines.append(
        Line(
            f"统筹基金应付 {_yuan(after_deductible)} × {_pct(rate)}",
            f"Basic fund due {_yuan(after_deductible)} × {_pct(rate)}",
            _yuan(basic_due),
        )
    )
    lines.append(
        Line(
            f"年度最高支付限额 {_yuan(limits.annual_cap)}，本年已付 {_yuan(basic_paid_ytd)}，剩余 {_yuan(basic_room)}",
            f"Annual cap {_yuan(limits.annual_cap)}, paid this year {_yuan(basic_paid_ytd)} [{limits.rule.ref}]",
            _yuan(basic_room),
        )
    )
    lines.append(Line("统筹基金支付", "Paid by the basic fund", _yuan(basic_paid)))

    large_paid = ZERO
    if rate > 0 and basic_due > basic_room:
        overflow_cost = after_deductible - basic_room / rate
        large_room = max(ZERO, limits.large_band - large_paid_ytd)
        large_paid = round_fen(min(overflow_cost * limits.large_rate, large_room))
        lines.append(
            Line(
                f"超限额费用 {_yuan(overflow_cost)} × 大额医疗 {_pct(limits.large_rate)}，大额剩余 {_yuan(large_room)}",
                f"Costs above the cap {_yuan(overflow_cost)} × {_pct(limits.large_rate)}, band left {_yuan(large_room)}",
                _yuan(large_paid),
            )
        )
    amount = basic_paid + large_paid
    lines.append(Line("合计报销金额", "Amount reimbursed", _yuan(amount)))
    used = (benefit.rule, cut.rule, limits.rule)
    return Reimbursement(
        amount=amount,
        basic_paid=basic_paid,
        large_paid=large_paid,
        lines=tuple(lines),
        provisional=any(rule.confidence != "H" for rule in used),
        rules=used,
    )

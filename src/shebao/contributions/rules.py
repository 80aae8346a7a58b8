"""Contribution and personal-account arithmetic, pure (no Django): the rule rows come in as
values, every result goes out with its derivation (inputs, rule rows used, steps).

Money is ``Decimal``; each published figure (an amount, an interest, a late fee) is rounded
once, half up to the fen, at the end of its own calculation (DOMAIN.md, "Money").
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from shebao.core.errors import InvalidInput
from shebao.core.money import round_fen

Round = Callable[[Decimal], Decimal]

GRADE_MIN = Decimal("0.60")
GRADE_MAX = Decimal("3.00")
MONTHS_IN_YEAR = 12
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

    def as_dict(self) -> dict[str, Any]:
        return {
            "table": self.table,
            "id": self.id,
            "key": self.key,
            "value": str(self.value),
            "effective_from": self.effective_from.isoformat(),
            "confidence": self.confidence,
        }


@dataclass(frozen=True)
class BaseLimits:
    """The limits of one contribution year (a WageBase row)."""

    id: int | None
    year: int
    average: Decimal
    floor: Decimal
    cap: Decimal
    effective_from: dt.date
    confidence: str

    def refs(self) -> list[RuleRef]:
        return [
            RuleRef("WageBase", self.id, f"{self.year}/{name}", value, self.effective_from, self.confidence)
            for name, value in (("average", self.average), ("floor", self.floor), ("cap", self.cap))
        ]


# --- the base -----------------------------------------------------------------------------


def clamp_base(wage: Decimal, floor: Decimal, cap: Decimal) -> tuple[Decimal, str | None]:
    """缴费基数: the declared wage clamped to [floor, cap] (国办发〔2019〕13号). Returns the base
    and which limit applied ("floor", "cap" or None)."""
    if wage < 0:
        raise InvalidInput("工资不能为负数", "The wage cannot be negative", field="wage")
    if floor > cap:
        raise ValueError("floor above cap")
    if wage < floor:
        return floor, "floor"
    if wage > cap:
        return cap, "cap"
    return wage, None


def grade_check(ratio: Decimal) -> Decimal:
    """A flexible worker's grade: 0.60 to 3.00 times the average wage, two decimal places."""
    if not ratio.is_finite() or not GRADE_MIN <= ratio <= GRADE_MAX:
        raise InvalidInput(
            f"缴费档次应在0.60至3.00倍之间（收到 {ratio}）",
            f"The grade must be between 0.60 and 3.00 times the average wage (got {ratio})",
            field="grade",
        )
    if ratio != ratio.quantize(Decimal("0.01")):
        raise InvalidInput("缴费档次最多保留两位小数", "A grade has at most two decimal places", field="grade")
    return ratio


def grade_base(ratio: Decimal, limits: BaseLimits, *, rounding: Round = round_fen) -> tuple[Decimal, str | None]:
    """灵活就业缴费基数: grade × average, kept within the published (rounded) floor and cap, so
    the 60% grade pays on the floor exactly as an employee at the floor does."""
    grade_check(ratio)
    return clamp_base(rounding(ratio * limits.average), limits.floor, limits.cap)


# --- one month's contributions -----------------------------------------------------------------


@dataclass(frozen=True)
class InsuranceAmounts:
    insurance: str
    employer: Decimal | None
    personal: Decimal | None
    employer_rate: Decimal | None
    personal_rate: Decimal | None

    @property
    def total(self) -> Decimal:
        return (self.employer or Decimal(0)) + (self.personal or Decimal(0))


@dataclass(frozen=True)
class ContributionCalc:
    person_type: str
    month: dt.date
    wage: Decimal | None
    grade: Decimal | None
    base: Decimal
    limit_applied: str | None
    lines: tuple[InsuranceAmounts, ...]
    employer_total: Decimal
    personal_total: Decimal
    total: Decimal
    account_credit: Decimal
    account_rate: Decimal
    rules: tuple[RuleRef, ...]
    steps: tuple[str, ...]

    def line(self, insurance: str) -> InsuranceAmounts | None:
        return next((x for x in self.lines if x.insurance == insurance), None)

    def rule_ids(self) -> dict[str, Any]:
        """The rule rows used, by key, as stored with a ledger row for replay."""
        return {f"{r.table}:{r.key}": r.id for r in self.rules}


def contribution_month(
    *,
    person_type: str,
    month: dt.date,
    limits: BaseLimits,
    rates: Mapping[tuple[str, str], RuleRef],
    wage: Decimal | None = None,
    grade: Decimal | None = None,
    injury: RuleRef | None = None,
    insurances: Sequence[str] = INSURANCES,
    rounding: Round = round_fen,
) -> ContributionCalc:
    """One person's contributions for one month.

    ``rates`` maps (insurance, payer) to the row in force, payer being "employer",
    "individual" or "account". Employee: base = wage clamped to the limits. Flexible worker:
    base = grade × average (within the limits); the individual pays every rate. Each amount
    is base × rate rounded half up to the fen; the totals add the rounded amounts."""
    steps: list[str] = []
    used: list[RuleRef] = []
    if person_type == "employee":
        if wage is None:
            raise InvalidInput("职工须提供缴费工资", "An employee's wage is required", field="wage")
        base, limit = clamp_base(wage, limits.floor, limits.cap)
        used += limits.refs()
        steps.append(f"基数 = 工资 {wage} 限定在 [{limits.floor}, {limits.cap}] 内 = {base}")
    elif person_type == "flexible":
        if grade is None:
            raise InvalidInput("灵活就业人员须选择缴费档次", "A flexible worker's grade is required", field="grade")
        base, limit = grade_base(grade, limits, rounding=rounding)
        used += limits.refs()
        steps.append(
            f"基数 = 档次 {grade} × 平均工资 {limits.average}，限定在 [{limits.floor}, {limits.cap}] 内 = {base}"
        )
    else:
        raise InvalidInput(
            f"人员类别应为 employee 或 flexible（收到 {person_type}）",
            f"person_type must be employee or flexible (got {person_type})",
            field="person_type",
        )
    lines: list[InsuranceAmounts] = []
    for insurance in insurances:
        employer_rule = rates.get((insurance, "employer"))
        personal_rule = rates.get((insurance, "individual"))
        if insurance == "injury" and person_type == "employee":
            employer_rule = injury
        if employer_rule is None and personal_rule is None:
            continue
        employer = personal = None
        if employer_rule is not None:
            employer = rounding(base * employer_rule.value)
            used.append(employer_rule)
            steps.append(f"{INSURANCE_NAMES[insurance][0]}单位 = {base} × {employer_rule.value} = {employer}")
        if personal_rule is not None:
            personal = rounding(base * personal_rule.value)
            used.append(personal_rule)
            steps.append(f"{INSURANCE_NAMES[insurance][0]}个人 = {base} × {personal_rule.value} = {personal}")
        lines.append(
            InsuranceAmounts(
                insurance,
                employer,
                personal,
                employer_rule.value if employer_rule else None,
                personal_rule.value if personal_rule else None,
            )
        )
    if not lines:
        raise InvalidInput("该月没有适用的费率", "No contribution rate is in force for that month", field="month")
    # the personal account is credited from the pension contribution only
    account_rule = rates.get(("pension", "account")) if any(x.insurance == "pension" for x in lines) else None
    account_rate = account_rule.value if account_rule else Decimal(0)
    account_credit = rounding(base * account_rate) if account_rule else Decimal("0.00")
    if account_rule is not None:
        used.append(account_rule)
        steps.append(f"记入个人账户 = {base} × {account_rate} = {account_credit}")
    employer_total = sum((x.employer or Decimal(0) for x in lines), Decimal("0.00"))
    personal_total = sum((x.personal or Decimal(0) for x in lines), Decimal("0.00"))
    steps.append(f"合计 = 单位 {employer_total} + 个人 {personal_total} = {employer_total + personal_total}")
    return ContributionCalc(
        person_type=person_type,
        month=month,
        wage=wage,
        grade=grade,
        base=base,
        limit_applied=limit,
        lines=tuple(lines),
        employer_total=employer_total,
        personal_total=personal_total,
        total=employer_total + personal_total,
        account_credit=account_credit,
        account_rate=account_rate,
        rules=tuple(used),
        steps=tuple(steps),
    )


# --- personal-account interest (月积数法) -------------------------------------------------------


@dataclass(frozen=True)
class InterestLine:
    month: int
    amount: Decimal
    months_earning: int
    interest: Decimal  # unrounded: the lines add up exactly to the unrounded total


@dataclass(frozen=True)
class InterestCalc:
    year: int
    rate: Decimal
    months: int
    opening_balance: Decimal
    credited: Decimal
    interest_on_opening: Decimal
    interest_on_credits: Decimal
    interest: Decimal
    closing_balance: Decimal
    lines: tuple[InterestLine, ...] = field(default=())
    steps: tuple[str, ...] = field(default=())


def _money_in(value: Decimal, *, name: str) -> Decimal:
    if not isinstance(value, Decimal) or not value.is_finite():
        raise InvalidInput(f"{name}应为金额", f"{name} must be an amount", field=name)
    if value < 0:
        raise InvalidInput(f"{name}不能为负数", f"{name} cannot be negative", field=name)
    return value


def account_interest(
    *,
    year: int,
    opening_balance: Decimal,
    monthly_credits: Sequence[Decimal],
    rate: Decimal,
    months: int = MONTHS_IN_YEAR,
    rounding: Round = round_fen,
) -> InterestCalc:
    """记账利息, 月积数法 (劳办发〔1997〕116号, DOMAIN.md §2.2), credited up to month ``months``
    (12 at year end; the month of retirement, transfer or death for a part year):

        on the opening balance  B0 × r × k / 12
        on the year's credits   Σ a_m × (k − m + 1) × r / 12   for m ≤ k
        closing                 B0 + Σ a_m (m ≤ k) + interest

    Each of the two interests is rounded to the fen; the interest credited is their sum.
    ``monthly_credits`` holds 12 amounts (month 1..12); those after month k are not counted."""
    if not 1 <= months <= MONTHS_IN_YEAR:
        raise InvalidInput(
            f"计息月数应在1至12之间（收到 {months}）", f"months must be 1 to 12 (got {months})", field="months"
        )
    if len(monthly_credits) != MONTHS_IN_YEAR:
        raise InvalidInput(
            "每月记账额应为12个金额",
            "monthly_credits must hold 12 amounts (January to December)",
            field="monthly_credits",
        )
    _money_in(opening_balance, name="opening_balance")
    if not rate.is_finite() or not Decimal(0) <= rate < 1:
        raise ValueError(f"interest rate out of range: {rate}")
    twelve = Decimal(MONTHS_IN_YEAR)
    exact_opening = opening_balance * rate * months / twelve
    lines: list[InterestLine] = []
    for m, amount in enumerate(monthly_credits, start=1):
        if m > months:
            break
        _money_in(amount, name="monthly_credits")
        weight = months - m + 1
        lines.append(InterestLine(m, amount, weight, amount * weight * rate / twelve))
    exact_credits = sum((x.interest for x in lines), Decimal(0))
    on_opening = rounding(exact_opening)
    on_credits = rounding(exact_credits)
    interest = on_opening + on_credits
    credited = sum((x.amount for x in lines), Decimal("0.00"))
    closing = opening_balance + credited + interest
    product = sum((x.amount * x.months_earning for x in lines), Decimal(0))
    steps = (
        f"年初余额利息 = {opening_balance} × {rate} × {months}/12 = {on_opening}",
        f"当年记账额利息 = Σ 月记账额 × 计息月数 × {rate}/12 = {product} × {rate}/12 = {on_credits}",
        f"年末余额 = {opening_balance} + {credited} + {interest} = {closing}",
    )
    return InterestCalc(
        year=year,
        rate=rate,
        months=months,
        opening_balance=opening_balance,
        credited=credited,
        interest_on_opening=on_opening,
        interest_on_credits=on_credits,
        interest=interest,
        closing_balance=closing,
        lines=tuple(lines),
        steps=steps,
    )


# --- late fee and due date ----------------------------------------------------------------------


def month_start(value: dt.date) -> dt.date:
    return value.replace(day=1)


def month_end(value: dt.date) -> dt.date:
    return value.replace(day=calendar.monthrange(value.year, value.month)[1])


def month_add(value: dt.date, months: int) -> dt.date:
    index = value.year * 12 + value.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def months_between(start: dt.date, end: dt.date) -> list[dt.date]:
    """The first days of the months from ``start``'s to ``end``'s, both included."""
    months = []
    current = month_start(start)
    while current <= end:
        months.append(current)
        current = month_add(current, 1)
    return months


def due_date(period: dt.date, *, grace_days: int) -> dt.date:
    """缴费截止日 of a month's contributions: the month's last day plus the rule row's grace days
    (grace 15: the 15th of the following month)."""
    return month_end(period) + dt.timedelta(days=grace_days)


@dataclass(frozen=True)
class LateFeeCalc:
    amount: Decimal
    due: dt.date
    as_of: dt.date
    days: int
    daily_rate: Decimal
    fee: Decimal


def late_fee(
    *, amount: Decimal, due: dt.date, as_of: dt.date, daily_rate: Decimal, rounding: Round = round_fen
) -> LateFeeCalc:
    """滞纳金 = amount × daily rate × days overdue (社会保险法 Art. 86: 万分之五 a day), the days
    counted from the day after the due date up to ``as_of``; none when not yet overdue."""
    _money_in(amount, name="amount")
    days = max((as_of - due).days, 0)
    return LateFeeCalc(amount, due, as_of, days, daily_rate, rounding(amount * daily_rate * days))

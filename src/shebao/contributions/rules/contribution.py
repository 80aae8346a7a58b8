"""One month's contributions: each insurance's unit and personal amounts from the base and the
rates in force, rounded once, half up to the fen, with the derivation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from shebao.contributions.rules.bases import BaseLimits, GradeBounds, clamp_base, grade_base, grade_check
from shebao.contributions.rules.common import INSURANCE_NAMES, INSURANCES, Round, RuleRef, carried_forward, carried_step
from shebao.core.errors import InvalidInput
from shebao.core.money import round_fen

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
        """The rule rows used, by key, as stored with a ledger row for replay (and which of
        them were carried forward past their own period)."""
        ids: dict[str, Any] = {f"{r.table}:{r.key}": r.id for r in self.rules}
        if self.provisional:
            ids["carried_forward"] = [f"{r.table}:{r.key}" for r in self.carried_forward]
        return ids

    @property
    def carried_forward(self) -> tuple[RuleRef, ...]:
        return carried_forward(self.rules)

    @property
    def provisional(self) -> bool:
        """True when a row was used after its own period (the month's figures are not published)."""
        return bool(self.carried_forward)


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
    grade_bounds: GradeBounds | None = None,
    rounding: Round = round_fen,
) -> ContributionCalc:
    """One person's contributions for one month.

    ``rates`` maps (insurance, payer) to the row in force, payer being "employer",
    "individual" or "account". Employee: base = wage clamped to the limits. Flexible worker:
    base = grade × average (within the limits), the grade checked against ``grade_bounds``
    when given; the individual pays every rate. Each amount is base × rate rounded half up to
    the fen; the totals add the rounded amounts."""
    steps: list[str] = []
    used: list[RuleRef] = []
    if person_type == "employee":
        if wage is None:
            raise InvalidInput("职工须提供缴费工资", "An employee's wage is required", field="wage")
        base, limit = clamp_base(wage, limits.floor, limits.cap)
        used += limits.refs()
        steps += limits.steps()
        steps.append(f"基数 = 工资 {wage} 限定在 [{limits.floor}, {limits.cap}] 内 = {base}")
    elif person_type == "flexible":
        if grade is None:
            raise InvalidInput("灵活就业人员须选择缴费档次", "A flexible worker's grade is required", field="grade")
        if grade_bounds is not None:
            grade_check(grade, grade_bounds)
            used += grade_bounds.refs()
        base, limit = grade_base(grade, limits, rounding=rounding)
        used += limits.refs()
        steps += limits.steps()
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
    carried = carried_step(used)
    if carried:
        steps.append(carried)
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

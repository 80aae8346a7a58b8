"""Contribution and personal-account arithmetic, pure (no Django): the rule rows come in as
values, every result goes out with its derivation (inputs, rule rows used, steps).

Money is ``Decimal``; each published figure (an amount, an interest, a late fee) is rounded
once, half up to the fen, at the end of its own calculation (DOMAIN.md, "Money"). The named
rules of this module:

- base limits: published floors and caps (whole yuan) as published; computed only where a
  row publishes none (:func:`base_limits_compute`: floor up, cap down to the yuan);
- a flexible worker's grade: the bounds and step of the grade row in force (:func:`grade_check`);
- account interest: one rounding of the whole year's interest (:func:`account_interest`);
- a back-payment's charge: late fee, interest or nothing, as its row says (:func:`backpay_charge`);
- a row used after its own period (no newer row published yet) is *carried forward*: the
  result is marked provisional and names that row (``RuleRef.provisional``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal
from typing import Any

from shebao.core.errors import InvalidInput
from shebao.core.money import round_fen, round_yuan_down, round_yuan_up
from shebao.core.months import month_end

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


@dataclass(frozen=True)
class BaseLimits:
    """The limits of one contribution year (a WageBase row): as published, or computed by
    :func:`base_limits_compute` where the row publishes none (``floor_computed``/``cap_computed``)."""

    id: int | None
    year: int
    average: Decimal
    floor: Decimal
    cap: Decimal
    effective_from: dt.date
    confidence: str
    floor_computed: bool = False
    cap_computed: bool = False
    provisional: bool = False

    def refs(self) -> list[RuleRef]:
        return [
            RuleRef(
                "WageBase",
                self.id,
                f"{self.year}/{name}",
                value,
                self.effective_from,
                self.confidence,
                self.provisional,
            )
            for name, value in (("average", self.average), ("floor", self.floor), ("cap", self.cap))
        ]

    def steps(self) -> list[str]:
        """How a computed limit was obtained (nothing for published ones)."""
        lines = []
        if self.floor_computed:
            lines.append(
                f"下限未公布：{FLOOR_SHARE} × 平均工资 {self.average} = {FLOOR_SHARE * self.average}，"
                f"进位到元 = {self.floor} / floor not published: 60% of the average, rounded up to the yuan"
            )
        if self.cap_computed:
            lines.append(
                f"上限未公布：{CAP_SHARE} × 平均工资 {self.average} = {CAP_SHARE * self.average}，"
                f"舍去到元 = {self.cap} / cap not published: 300% of the average, rounded down to the yuan"
            )
        return lines


# --- the base -----------------------------------------------------------------------------


def base_limits_compute(average: Decimal) -> tuple[Decimal, Decimal]:
    """缴费基数上下限 where none is published (国办发〔2019〕13号: 60% and 300% of the average).

    The rounding rule, the only one for base limits: the floor is 60 % of the average rounded
    **up** to the whole yuan and the cap 300 % rounded **down** to the whole yuan, so a computed
    limit is a whole-yuan figure like the published ones and never lies outside the legal band
    (7489 × 60 % = 4493.40 → 4494; 6233 × 60 % = 3739.80 → 3740; 7490.83 × 300 % = 22472.49 →
    22472). Published floors and caps are used exactly as published, never recomputed."""
    if not isinstance(average, Decimal) or not average.is_finite() or average <= 0:
        raise ValueError(f"average wage must be a positive Decimal: {average!r}")
    return round_yuan_up(average * FLOOR_SHARE), round_yuan_down(average * CAP_SHARE)


def base_limits_make(
    *,
    row_id: int | None,
    year: int,
    average: Decimal,
    floor: Decimal | None,
    cap: Decimal | None,
    effective_from: dt.date,
    confidence: str,
    provisional: bool = False,
) -> BaseLimits:
    """The limits of a WageBase row: a published floor or cap as it is, a missing one computed."""
    computed_floor, computed_cap = base_limits_compute(average)
    return BaseLimits(
        id=row_id,
        year=year,
        average=average,
        floor=floor if floor is not None else computed_floor,
        cap=cap if cap is not None else computed_cap,
        effective_from=effective_from,
        confidence=confidence,
        floor_computed=floor is None,
        cap_computed=cap is None,
        provisional=provisional,
    )


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


# --- a flexible worker's grade (缴费档次) ----------------------------------------------------------


@dataclass(frozen=True)
class GradeBounds:
    """The grade rule in force (a GradeRule row): the lowest and highest ratio of the average
    wage a flexible worker may choose and the step between grades."""

    id: int | None
    minimum: Decimal
    maximum: Decimal
    step: Decimal
    effective_from: dt.date
    confidence: str
    provisional: bool = False

    def refs(self) -> list[RuleRef]:
        return [
            RuleRef("GradeRule", self.id, name, value, self.effective_from, self.confidence, self.provisional)
            for name, value in (("minimum", self.minimum), ("maximum", self.maximum), ("step", self.step))
        ]


def _percent(ratio: Decimal) -> str:
    return f"{(ratio * 100).normalize():f}%"


def grade_check(ratio: Decimal, bounds: GradeBounds, *, field: str = "grade", percent: bool = False) -> Decimal:
    """The one grade rule (国办发〔2019〕13号; bounds and step from the GradeRule row): a ratio of
    the average wage from ``bounds.minimum`` to ``bounds.maximum`` inclusive, on a whole number
    of steps from the minimum (0.60-3.00 by 0.01: 0.60, 0.61, … 3.00). The calculator, the
    grade and back-payment forms, the grade service and the back-payment all call this; the
    forms speak percent (``percent=True``: "60%" instead of "0.60")."""
    shown = _percent if percent else str
    if not isinstance(ratio, Decimal) or not ratio.is_finite() or not bounds.minimum <= ratio <= bounds.maximum:
        got = shown(ratio) if isinstance(ratio, Decimal) and ratio.is_finite() else str(ratio)
        low, high = shown(bounds.minimum), shown(bounds.maximum)
        times_zh, times_en = ("", "") if percent else ("倍", " times the average wage")
        raise InvalidInput(
            f"缴费档次应在{low}至{high}{times_zh}之间（收到 {got}）",
            f"The grade must be between {low} and {high}{times_en} (got {got})",
            field=field,
        )
    steps = (ratio - bounds.minimum) / bounds.step
    if steps != steps.to_integral_value():
        raise InvalidInput(
            f"缴费档次应为{shown(bounds.minimum)}起每档{shown(bounds.step)}（收到 {shown(ratio)}）",
            f"A grade goes from {shown(bounds.minimum)} in steps of {shown(bounds.step)} (got {shown(ratio)})",
            field=field,
        )
    return ratio


def grade_nearest(share: Decimal, bounds: GradeBounds) -> Decimal:
    """The allowed grade nearest below ``share`` (within the bounds): for data that carries a
    share of the average rather than a chosen grade (the demo's annual records)."""
    clamped = min(max(share, bounds.minimum), bounds.maximum)
    steps = ((clamped - bounds.minimum) / bounds.step).to_integral_value(rounding=ROUND_FLOOR)
    return grade_check(bounds.minimum + steps * bounds.step, bounds)


def grade_base(ratio: Decimal, limits: BaseLimits, *, rounding: Round = round_fen) -> tuple[Decimal, str | None]:
    """灵活就业缴费基数: grade × average rounded half up to the fen (2 decimals × 2 decimals has
    4: 0.65 × 5000.10 = 3250.065 → 3250.07), then kept within the floor and cap, so the lowest
    grade pays on the floor exactly as an employee at the floor does."""
    if not ratio.is_finite() or ratio <= 0:
        raise InvalidInput(f"缴费档次不正确：{ratio}", f"Not a valid grade: {ratio}", field="grade")
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

    The rounding rule, the only one for account interest: the two parts are added exactly and
    the sum is rounded **once**, half up to the fen (ROUND_HALF_UP, no intermediate rounding:
    0.075 + 0.005 = 0.080 → 0.08, where rounding each part first would credit 0.09). For the
    statement the part on the opening balance is shown rounded half up to the fen and the part
    on the credits is the remainder, so the two lines always add up to the interest credited.
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
    product = sum((x.amount * x.months_earning for x in lines), Decimal(0))
    exact_credits = product * rate / twelve
    interest = rounding(exact_opening + exact_credits)
    on_opening = rounding(exact_opening)
    on_credits = interest - on_opening
    credited = sum((x.amount for x in lines), Decimal("0.00"))
    closing = opening_balance + credited + interest
    steps = (
        f"年初余额利息 = {opening_balance} × {rate} × {months}/12 = {exact_opening.normalize():f}",
        f"当年记账额利息 = Σ 月记账额 × 计息月数 × {rate}/12 = {product} × {rate}/12 = {exact_credits.normalize():f}",
        f"记账利息 = {exact_opening.normalize():f} + {exact_credits.normalize():f}，四舍五入到分 = {interest}",
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
    charge: str = "late_fee"  # late_fee (滞纳金), interest (利息) or none
    rules: tuple[RuleRef, ...] = ()

    def step(self) -> str:
        if self.charge == "none":
            return f"不加收滞纳金或利息（{self.days} 天）/ no charge"
        name = "滞纳金" if self.charge == "late_fee" else "利息"
        return f"{name} = {self.amount} × 日费率 {self.daily_rate.normalize():f} × {self.days} 天 = {self.fee}"


def late_fee(
    *, amount: Decimal, due: dt.date, as_of: dt.date, daily_rate: Decimal, rounding: Round = round_fen
) -> LateFeeCalc:
    """滞纳金 = amount × daily rate × days overdue (社会保险法 Art. 86: 万分之五 a day), the days
    counted from the day after the due date up to ``as_of``; none when not yet overdue."""
    _money_in(amount, name="amount")
    days = max((as_of - due).days, 0)
    return LateFeeCalc(amount, due, as_of, days, daily_rate, rounding(amount * daily_rate * days))


BACKPAY_CHARGES = ("late_fee", "interest", "none")


def backpay_charge(
    *,
    charge: str,
    amount: Decimal,
    due: dt.date,
    as_of: dt.date,
    daily_rate: Decimal | None = None,
    annual_rate: Decimal | None = None,
    rules: Sequence[RuleRef] = (),
    rounding: Round = round_fen,
) -> LateFeeCalc:
    """What a back-paid month carries for the days from its own due date to ``as_of``, by the
    BackpayCharge row in force (社会保险法 Art. 86 for employers; a city's rule for a flexible
    worker's 中断期补缴, DOMAIN.md §10):

    - ``late_fee``: 滞纳金 = amount × the late-fee row's daily rate × days;
    - ``interest``: 利息 = amount × the row's annual rate × days / 365 (simple interest);
    - ``none``: nothing.

    One rounding, half up to the fen, at the end."""
    if charge not in BACKPAY_CHARGES:
        raise ValueError(f"unknown back-payment charge: {charge}")
    _money_in(amount, name="amount")
    days = max((as_of - due).days, 0)
    if charge == "none":
        return LateFeeCalc(amount, due, as_of, days, Decimal(0), Decimal("0.00"), charge, tuple(rules))
    if charge == "late_fee":
        if daily_rate is None:
            raise ValueError("a late fee needs the daily rate of the late-fee row")
        fee = rounding(amount * daily_rate * days)
        return LateFeeCalc(amount, due, as_of, days, daily_rate, fee, charge, tuple(rules))
    if annual_rate is None:
        raise ValueError("interest needs the annual rate of the back-payment row")
    fee = rounding(amount * annual_rate * days / DAYS_IN_YEAR)
    return LateFeeCalc(amount, due, as_of, days, annual_rate / DAYS_IN_YEAR, fee, charge, tuple(rules))

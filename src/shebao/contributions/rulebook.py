"""Effective-dated look-ups: which rule rows are in force on a date, as the values
``rules.py`` computes with.

A row is in force from ``effective_from`` to ``effective_to`` (open when blank); among rows of
one key in force on a date the latest start wins. A date with no row is a clear
:class:`InvalidInput` naming the table, the region and the date, never a silent default —
with one exception, the yearly tables: base limits are published once a year for that year,
so a month after the end of the last published year (the new table is not out yet) uses the
latest row **carried forward** (沿用上年度标准), marked provisional: every answer computed from it
says so and names the row, as the working-day calendar does for a year without a published
holiday arrangement (and ``crediting_rate`` for a part year). Rates, grades and charges stay in
force until a row changes them: a rate row that ends without a successor has ended (maternity
at its merger into medical), it is not carried.

:class:`Rulebook` loads one region's tables once (a few hundred rows) and answers in memory,
so a bulk run (the monthly assessment) asks the database once, not once per person.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from shebao.contributions.models import (
    BackpayCharge,
    ContributionRate,
    GradeRule,
    InjuryRate,
    InterestRate,
    LateFeeRule,
    WageBase,
)
from shebao.contributions.rules import (
    INSURANCES,
    BaseLimits,
    ContributionCalc,
    GradeBounds,
    RuleRef,
    base_limits_make,
    contribution_month,
    grade_check,
)
from shebao.core.errors import InvalidInput
from shebao.core.months import months_between

DEFAULT_REGION = "wuhan"


def _in_force(row: Any, on: dt.date) -> bool:
    return row.effective_from <= on and (row.effective_to is None or on <= row.effective_to)


def _pick(rows: list[Any], on: dt.date, *, carry: bool = False) -> tuple[Any | None, bool]:
    """The row in force on ``on``, and whether it is carried forward: with ``carry``, a date
    after the end of every row uses the latest row (its successor is not published yet)."""
    candidates = [row for row in rows if _in_force(row, on)]
    if candidates:
        return max(candidates, key=lambda row: row.effective_from), False
    if carry and rows and all(row.effective_to is not None and row.effective_to < on for row in rows):
        return max(rows, key=lambda row: row.effective_from), True
    return None, False


def _month(on: dt.date) -> str:
    return on.strftime("%Y-%m")


@dataclass(frozen=True)
class LateFee:
    id: int
    daily_rate: Decimal
    grace_days: int
    effective_from: dt.date
    confidence: str
    provisional: bool = False

    def ref(self) -> RuleRef:
        return RuleRef(
            "LateFeeRule",
            self.id,
            "daily_rate",
            self.daily_rate,
            self.effective_from,
            self.confidence,
            self.provisional,
        )


@dataclass(frozen=True)
class Charge:
    """The back-payment charge in force for one kind of payer (a BackpayCharge row)."""

    id: int
    person_type: str
    charge: str
    annual_rate: Decimal | None
    effective_from: dt.date
    confidence: str
    provisional: bool = False

    def ref(self) -> RuleRef:
        return RuleRef(
            "BackpayCharge",
            self.id,
            f"{self.person_type}/{self.charge}",
            self.annual_rate if self.annual_rate is not None else Decimal(0),
            self.effective_from,
            self.confidence,
            self.provisional,
        )


@dataclass(frozen=True)
class Crediting:
    """The crediting rate applied to a year, and whether it is provisional (not yet published
    for that year: the latest published rate stands in, DOMAIN.md §2.1 "Timing")."""

    year: int
    rate: Decimal
    provisional: bool
    rule: RuleRef


class Rulebook:
    """One region's rule tables in memory."""

    def __init__(self, *, region: str) -> None:
        self.region = region
        self._bases = list(WageBase.objects.filter(region=region))
        if not self._bases:
            raise InvalidInput(
                f"未知的统筹区：{region}", f"Unknown pooling region: {region}", field="region", region=region
            )
        self._rates: dict[tuple[str, str, str], list[ContributionRate]] = defaultdict(list)
        for row in ContributionRate.objects.filter(region=region):
            self._rates[(row.person_type, row.insurance, row.payer)].append(row)
        self._injury: dict[int, list[InjuryRate]] = defaultdict(list)
        for injury in InjuryRate.objects.filter(region=region):
            self._injury[injury.risk_class].append(injury)
        self._late_fees = list(LateFeeRule.objects.filter(region=region))
        self._grades = list(GradeRule.objects.filter(region=region))
        self._charges: dict[str, list[BackpayCharge]] = defaultdict(list)
        for charge in BackpayCharge.objects.filter(region=region):
            self._charges[charge.person_type].append(charge)

    def base_limits(self, on: dt.date) -> BaseLimits:
        row, carried = _pick(self._bases, on, carry=True)
        if row is None:
            raise InvalidInput(
                f"{self.region} 在 {_month(on)} 没有缴费基数上下限",
                f"No contribution base limits for {self.region} in {_month(on)}",
                field="month",
            )
        return base_limits_make(
            row_id=row.pk,
            year=row.year,
            average=row.average,
            floor=row.floor,
            cap=row.cap,
            effective_from=row.effective_from,
            confidence=row.confidence,
            provisional=carried,
        )

    def rates(self, *, person_type: str, on: dt.date) -> dict[tuple[str, str], RuleRef]:
        """(insurance, payer) → the rate in force for ``person_type`` on ``on``."""
        found: dict[tuple[str, str], RuleRef] = {}
        for (kind, insurance, payer), rows in self._rates.items():
            if kind != person_type:
                continue
            row, carried = _pick(rows, on)
            if row is not None:
                found[(insurance, payer)] = RuleRef(
                    "ContributionRate",
                    row.pk,
                    f"{person_type}/{insurance}/{payer}",
                    row.rate,
                    row.effective_from,
                    row.confidence,
                    carried,
                )
        if not found:
            raise InvalidInput(
                f"{self.region} 在 {_month(on)} 没有 {person_type} 的缴费费率",
                f"No {person_type} contribution rates for {self.region} in {_month(on)}",
                field="month",
            )
        return found

    def injury_rate(self, *, risk_class: int, on: dt.date) -> RuleRef:
        if not 1 <= risk_class <= 8:
            raise InvalidInput(
                f"工伤保险行业风险类别应为1至8（收到 {risk_class}）",
                f"The work-injury risk class is 1 to 8 (got {risk_class})",
                field="risk_class",
            )
        row, carried = _pick(self._injury.get(risk_class, []), on)
        if row is None:
            raise InvalidInput(
                f"{self.region} 在 {_month(on)} 没有第{risk_class}类工伤保险费率",
                f"No work-injury rate of class {risk_class} for {self.region} in {_month(on)}",
                field="risk_class",
            )
        return RuleRef(
            "InjuryRate", row.pk, f"class {risk_class}", row.rate, row.effective_from, row.confidence, carried
        )

    def late_fee(self, on: dt.date) -> LateFee:
        row, carried = _pick(self._late_fees, on)
        if row is None:
            raise InvalidInput(
                f"{self.region} 在 {on.isoformat()} 没有滞纳金规则",
                f"No late-fee rule for {self.region} on {on.isoformat()}",
                field="month",
            )
        return LateFee(row.pk, row.daily_rate, row.grace_days, row.effective_from, row.confidence, carried)

    def grade_bounds(self, on: dt.date) -> GradeBounds:
        """The grade rule (GradeRule row) in force on ``on``."""
        return _grade_bounds(self._grades, on, region=self.region)

    def backpay_charge(self, *, person_type: str, on: dt.date) -> Charge:
        """What a back-paid month of ``person_type`` carries (BackpayCharge row in force on ``on``)."""
        row, carried = _pick(self._charges.get(person_type, []), on)
        if row is None:
            raise InvalidInput(
                f"{self.region} 在 {_month(on)} 没有{person_type}补缴加收规则",
                f"No back-payment charge rule for {person_type} in {self.region} in {_month(on)}",
                field="month",
            )
        return Charge(row.pk, row.person_type, row.charge, row.annual_rate, row.effective_from, row.confidence, carried)


def _grade_bounds(rows: list[GradeRule], on: dt.date, *, region: str) -> GradeBounds:
    row, carried = _pick(rows, on)
    if row is None:
        raise InvalidInput(
            f"{region} 在 {_month(on)} 没有灵活就业缴费档次规则",
            f"No contribution-grade rule for {region} in {_month(on)}",
            field="month",
        )
    return GradeBounds(row.pk, row.minimum, row.maximum, row.step, row.effective_from, row.confidence, carried)


def rulebook_load(*, region: str = DEFAULT_REGION) -> Rulebook:
    return Rulebook(region=region)


def grade_bounds_on(*, on: dt.date, region: str = DEFAULT_REGION) -> GradeBounds:
    """The grade rule in force on ``on``, reading that table alone (forms and labels)."""
    return _grade_bounds(list(GradeRule.objects.filter(region=region)), on, region=region)


def crediting_rate(*, year: int, provisional_allowed: bool = False) -> Crediting:
    """记账利率 of ``year``. Without a published row: for a part year (retirement, transfer or
    death before the rate is out) the latest published earlier rate stands in, marked
    provisional; for a full year it is an error naming the year."""
    row = InterestRate.objects.filter(year=year).first()
    carried = False
    if row is None and provisional_allowed:
        row = InterestRate.objects.filter(year__lt=year, provisional=False).order_by("-year").first()
        carried = row is not None
    if row is None:
        raise InvalidInput(
            f"{year}年度的个人账户记账利率尚未公布", f"No account crediting rate is published for {year}", field="year"
        )
    provisional = carried or row.provisional
    rule = RuleRef(
        "InterestRate", row.pk, str(row.year), row.rate, dt.date(row.year, 1, 1), row.confidence, provisional
    )
    return Crediting(year=year, rate=row.rate, provisional=provisional, rule=rule)


# --- the one grade rule, for every channel ------------------------------------------------------


def grade_validate(
    *,
    ratio: Decimal | str,
    months: tuple[dt.date, ...],
    region: str = DEFAULT_REGION,
    field: str = "grade",
    percent: bool = False,
    month_field: str = "month",
    book: Rulebook | None = None,
) -> Decimal:
    """A grade checked by :func:`rules.grade_check` against the GradeRule row of each month in
    ``months`` (a period spanning a change of the row meets both). ``ratio`` may be text from
    a form; with ``percent`` the value is a percentage (the forms' 60-300) and so are the
    messages; a month without a grade row is refused naming ``month_field``. Returns the ratio
    (0.60-3.00), two decimals."""
    try:
        value = Decimal(str(ratio).strip())
    except (InvalidOperation, ValueError):
        raise InvalidInput(f"缴费档次不正确：{ratio}", f"Not a valid grade: {ratio}", field=field) from None
    if not value.is_finite():
        raise InvalidInput(f"缴费档次不正确：{ratio}", f"Not a valid grade: {ratio}", field=field)
    value = value / 100 if percent else value
    rows = list(GradeRule.objects.filter(region=region)) if book is None else None
    seen: set[int | None] = set()
    for month in months:
        try:
            bounds = book.grade_bounds(month) if book is not None else _grade_bounds(rows or [], month, region=region)
        except InvalidInput as missing:
            raise InvalidInput(missing.message_zh, missing.message_en, field=month_field) from None
        if bounds.id not in seen:
            seen.add(bounds.id)
            grade_check(value, bounds, field=field, percent=percent)
    return value.quantize(Decimal("0.01"))


def grade_validate_period(
    *,
    ratio: Decimal | str,
    start: dt.date,
    end: dt.date,
    field: str = "grade",
    percent: bool = False,
    month_field: str = "month",
) -> Decimal:
    """:func:`grade_validate` over every month from ``start`` to ``end`` (a back-payment)."""
    return grade_validate(
        ratio=ratio,
        months=tuple(months_between(start, max(start, end))),
        field=field,
        percent=percent,
        month_field=month_field,
    )


# --- the contribution calculator (the same arithmetic the assessment uses) -----------------------


def month_parse(value: object, *, field: str = "month") -> dt.date:
    """ "YYYY-MM" → the first day of that month; anything else (month 13, text) is a 422."""
    text = str(value).strip()
    year, _, month = text.partition("-")
    digits = len(year) == 4 and len(month) == 2 and (year + month).isascii() and (year + month).isdigit()
    if digits and int(year) >= 1900 and 1 <= int(month) <= 12:
        return dt.date(int(year), int(month), 1)
    raise InvalidInput(f"月份格式应为 YYYY-MM（收到 {text}）", f"The month must be YYYY-MM (got {text})", field=field)


def contribution_quote(
    *,
    person_type: str,
    month: dt.date,
    region: str = DEFAULT_REGION,
    wage: Decimal | None = None,
    grade: Decimal | None = None,
    risk_class: int = 1,
    insurances: tuple[str, ...] | None = None,
    book: Rulebook | None = None,
) -> ContributionCalc:
    """One person's contributions for one month by the rows in force that month (a flexible
    worker's grade checked against that month's grade rule); provisional when a row was
    carried forward past its period."""
    book = book or rulebook_load(region=region)
    if person_type not in ("employee", "flexible"):
        raise InvalidInput(
            f"人员类别应为 employee 或 flexible（收到 {person_type}）",
            f"person_type must be employee or flexible (got {person_type})",
            field="person_type",
        )
    if wage is not None and (not wage.is_finite() or wage < 0):
        raise InvalidInput("工资不能为负数", "The wage cannot be negative", field="wage")
    limits = book.base_limits(month)
    rates = book.rates(person_type=person_type, on=month)
    injury = book.injury_rate(risk_class=risk_class, on=month) if person_type == "employee" else None
    bounds = book.grade_bounds(month) if person_type == "flexible" else None
    return contribution_month(
        person_type=person_type,
        month=month,
        limits=limits,
        rates=rates,
        wage=wage,
        grade=grade,
        injury=injury,
        insurances=insurances or INSURANCES,
        grade_bounds=bounds,
    )

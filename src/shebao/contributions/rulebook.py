"""Effective-dated look-ups: which rule rows are in force on a date, as the values
``rules.py`` computes with.

A row is in force from ``effective_from`` to ``effective_to`` (open when blank); among rows of
one key in force on a date the latest start wins. A date with no row is a clear
:class:`InvalidInput` naming the table, the region and the date, never a silent default.

:class:`Rulebook` loads one region's tables once (a few hundred rows) and answers in memory,
so a bulk run (the monthly assessment) asks the database once, not once per person.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from shebao.contributions.models import ContributionRate, InjuryRate, InterestRate, LateFeeRule, WageBase
from shebao.contributions.rules import INSURANCES, BaseLimits, ContributionCalc, RuleRef, contribution_month
from shebao.core.errors import InvalidInput


def _in_force(row: Any, on: dt.date) -> bool:
    return row.effective_from <= on and (row.effective_to is None or on <= row.effective_to)


def _latest(rows: list[Any], on: dt.date) -> Any | None:
    candidates = [row for row in rows if _in_force(row, on)]
    return max(candidates, key=lambda row: row.effective_from) if candidates else None


def _month(on: dt.date) -> str:
    return on.strftime("%Y-%m")


@dataclass(frozen=True)
class LateFee:
    id: int
    daily_rate: Decimal
    grace_days: int
    effective_from: dt.date
    confidence: str

    def ref(self) -> RuleRef:
        return RuleRef("LateFeeRule", self.id, "daily_rate", self.daily_rate, self.effective_from, self.confidence)


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

    def base_limits(self, on: dt.date) -> BaseLimits:
        row = _latest(self._bases, on)
        if row is None:
            raise InvalidInput(
                f"{self.region} 在 {_month(on)} 没有缴费基数上下限",
                f"No contribution base limits for {self.region} in {_month(on)}",
                field="month",
            )
        return BaseLimits(
            id=row.pk,
            year=row.year,
            average=row.average,
            floor=row.floor,
            cap=row.cap,
            effective_from=row.effective_from,
            confidence=row.confidence,
        )

    def rates(self, *, person_type: str, on: dt.date) -> dict[tuple[str, str], RuleRef]:
        """(insurance, payer) → the rate in force for ``person_type`` on ``on``."""
        found: dict[tuple[str, str], RuleRef] = {}
        for (kind, insurance, payer), rows in self._rates.items():
            if kind != person_type:
                continue
            row = _latest(rows, on)
            if row is not None:
                found[(insurance, payer)] = RuleRef(
                    "ContributionRate",
                    row.pk,
                    f"{person_type}/{insurance}/{payer}",
                    row.rate,
                    row.effective_from,
                    row.confidence,
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
        row = _latest(self._injury.get(risk_class, []), on)
        if row is None:
            raise InvalidInput(
                f"{self.region} 在 {_month(on)} 没有第{risk_class}类工伤保险费率",
                f"No work-injury rate of class {risk_class} for {self.region} in {_month(on)}",
                field="risk_class",
            )
        return RuleRef("InjuryRate", row.pk, f"class {risk_class}", row.rate, row.effective_from, row.confidence)

    def late_fee(self, on: dt.date) -> LateFee:
        row = _latest(self._late_fees, on)
        if row is None:
            raise InvalidInput(
                f"{self.region} 在 {on.isoformat()} 没有滞纳金规则",
                f"No late-fee rule for {self.region} on {on.isoformat()}",
                field="month",
            )
        return LateFee(row.pk, row.daily_rate, row.grace_days, row.effective_from, row.confidence)


def rulebook_load(*, region: str = "wuhan") -> Rulebook:
    return Rulebook(region=region)


def crediting_rate(*, year: int, provisional_allowed: bool = False) -> Crediting:
    """记账利率 of ``year``. Without a published row: for a part year (retirement, transfer or
    death before the rate is out) the latest published earlier rate stands in, marked
    provisional; for a full year it is an error naming the year."""
    row = InterestRate.objects.filter(year=year).first()
    provisional = False
    if row is None and provisional_allowed:
        row = InterestRate.objects.filter(year__lt=year, provisional=False).order_by("-year").first()
        provisional = True
    if row is None:
        raise InvalidInput(
            f"{year}年度的个人账户记账利率尚未公布", f"No account crediting rate is published for {year}", field="year"
        )
    rule = RuleRef("InterestRate", row.pk, str(row.year), row.rate, dt.date(row.year, 1, 1), row.confidence)
    return Crediting(year=year, rate=row.rate, provisional=provisional or row.provisional, rule=rule)


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
    region: str = "wuhan",
    wage: Decimal | None = None,
    grade: Decimal | None = None,
    risk_class: int = 1,
    insurances: tuple[str, ...] | None = None,
    book: Rulebook | None = None,
) -> ContributionCalc:
    """One person's contributions for one month by the rows in force that month."""
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
    return contribution_month(
        person_type=person_type,
        month=month,
        limits=limits,
        rates=rates,
        wage=wage,
        grade=grade,
        injury=injury,
        insurances=insurances or INSURANCES,
    )

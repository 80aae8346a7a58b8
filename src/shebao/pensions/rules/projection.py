"""The estimate of a pension at a future retirement month from today's record, pure.

The record today (actual months, Z̄, the account balance) is carried forward to the
retirement month under stated assumptions:

- each month until the retirement month is contributed at ``monthly_base`` (index
  ``monthly_index`` = base ÷ average wage), the account credited ``account_share`` of it;
- wages (the bases, the average wage and 计发基数 C̄) grow by ``wage_growth`` a year, compounded
  per calendar year after the first (0 unless the person sets it): the index does not change;
- the account earns ``interest_rate`` a year by the month-product method (a credit of month m
  earns its month and the rest of the year, the year-start balance the whole year), the year's
  interest rounded to the fen and credited at December or at the retirement month;
- C̄ is the 计发基数 row of the retirement month (carried forward, so provisional), grown from
  its own year.

Nothing here is a rule of law: it is an estimate, and says so with its assumptions.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

from shebao.core.money import round_fen
from shebao.pensions.rules.ages import MONTHS_IN_YEAR, YearMonth
from shebao.pensions.rules.formula import (
    INDEX_PLACES,
    DerivationLine,
    PensionInputs,
    PensionParams,
    PensionResult,
    pension_compute,
)


@dataclass(frozen=True)
class Record:
    """The person's record today: what the ledger and the account say."""

    actual_months: int
    average_index: Decimal
    account_balance: Decimal
    deemed_months: int = 0


@dataclass(frozen=True)
class Assumptions:
    monthly_base: Decimal  # the base of each future month, at today's wages
    monthly_index: Decimal  # that base ÷ the average wage
    account_share: Decimal  # share of the base credited to the account (8%)
    interest_rate: Decimal  # annual crediting rate assumed
    wage_growth: Decimal = Decimal(0)  # a year

    def lines(self) -> list[DerivationLine]:
        return [
            DerivationLine(
                "assumed_base",
                "假设今后每月缴费基数（按当前工资水平）",
                "Assumed monthly base (at today's wages)",
                f"{self.monthly_base}（指数 {self.monthly_index}）",
                self.monthly_base,
            ),
            DerivationLine(
                "assumed_interest",
                "假设个人账户记账利率（每年）",
                "Assumed account crediting rate (a year)",
                f"{(self.interest_rate * 100).normalize():f}%",
                self.interest_rate,
            ),
            DerivationLine(
                "assumed_growth",
                "假设工资和计发基数年增长率",
                "Assumed yearly growth of wages and the average wage",
                f"{(self.wage_growth * 100).normalize():f}%",
                self.wage_growth,
            ),
        ]


@dataclass(frozen=True)
class Projection:
    retirement: YearMonth
    age_years: int
    age_months: int
    future_months: int
    contribution_months: int
    average_index: Decimal
    account_balance: Decimal
    eligible: bool  # the minimum contribution is reached
    minimum_months: int
    result: PensionResult

    @property
    def derivation(self) -> tuple[DerivationLine, ...]:
        return self.result.derivation


def _growth(rate: Decimal, years: int) -> Decimal:
    return (1 + rate) ** max(years, 0)


def account_project(
    *, balance: Decimal, start: YearMonth, months: int, monthly_credit: Decimal, rate: Decimal, growth: Decimal
) -> Decimal:
    """The account balance after ``months`` months from ``start`` (month-product interest,
    credited at December and at the end)."""
    interest = Decimal(0)
    for i in range(months):
        month = start.plus(i)
        balance += round_fen(monthly_credit * _growth(growth, month.year - start.year))
        interest += balance * rate / MONTHS_IN_YEAR
        if month.month == MONTHS_IN_YEAR or i == months - 1:
            balance += round_fen(interest)
            interest = Decimal(0)
    return balance


def pension_project(
    *,
    record: Record,
    assumptions: Assumptions,
    start: YearMonth,
    retirement: YearMonth,
    birth: YearMonth,
    params: PensionParams,
    minimum_months: int,
) -> Projection:
    """The pension at ``retirement`` if the person contributes every month from ``start``
    (this month) until the month before it, under ``assumptions``."""
    future = max(0, start.months_until(retirement))
    actual = record.actual_months + future
    if actual:
        index = ((record.average_index * record.actual_months + assumptions.monthly_index * future) / actual).quantize(
            INDEX_PLACES, rounding=ROUND_HALF_UP
        )
    else:
        index = Decimal("0.0000")
    balance = account_project(
        balance=record.account_balance,
        start=start,
        months=future,
        monthly_credit=assumptions.monthly_base * assumptions.account_share,
        rate=assumptions.interest_rate,
        growth=assumptions.wage_growth,
    )
    if assumptions.wage_growth and params.average_wage_year is not None:
        grown = round_fen(
            params.average_wage * _growth(assumptions.wage_growth, retirement.year - params.average_wage_year)
        )
        params = replace(params, average_wage=grown, provisional=True)
    age = birth.months_until(retirement)
    inputs = PensionInputs(
        average_index=index,
        contribution_months=actual + record.deemed_months,
        deemed_months=record.deemed_months,
        account_balance=balance,
        age_years=age // MONTHS_IN_YEAR,
        age_months=age % MONTHS_IN_YEAR,
    )
    result = pension_compute(inputs=inputs, params=params)
    lead = [
        DerivationLine(
            "future_months",
            f"今后缴费月数（{start} 至退休前一月）",
            f"Months still to contribute ({start} to the month before retiring)",
            f"{future} 个月",
            Decimal(future),
        ),
        DerivationLine(
            "projected_index",
            "退休时平均缴费工资指数（加权）",
            "Average index at retirement (weighted)",
            f"({record.average_index} × {record.actual_months} + {assumptions.monthly_index} × {future}) ÷ {actual} = {index}"
            if actual
            else "0",
            index,
        ),
        DerivationLine(
            "projected_balance",
            "退休时个人账户储存额（估算）",
            "Account balance at retirement (estimated)",
            f"{record.account_balance} → {balance}",
            balance,
        ),
    ]
    result = replace(result, derivation=tuple(assumptions.lines() + lead) + result.derivation)
    return Projection(
        retirement=retirement,
        age_years=inputs.age_years,
        age_months=inputs.age_months,
        future_months=future,
        contribution_months=inputs.contribution_months,
        average_index=index,
        account_balance=balance,
        eligible=inputs.contribution_months >= minimum_months,
        minimum_months=minimum_months,
        result=result,
    )

"""A person's own record → the formula's ``PensionInputs``, with the derivation of each input.

From contributions' selectors only (never its tables): the ledger months that count (paid, or
transferred in) with each month's base and the 全口径 average wage of the WageBase row that
applied to that month; the personal-account balance (``account_summary``, the account's one
source of truth; at retirement ``account_balance_at``, the balance at the retirement month
with that year's interest). Deemed months (视同缴费) come from the pension profile; until the profile's
reader exists the caller passes them (default 0). Who may read: whoever may see the person's
account (the person, staff of their district, city-wide roles); anyone else ``NotFound``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.utils import timezone

from shebao.contributions.accounts import AccountAtMonth, account_balance_at, account_summary
from shebao.contributions.rulebook import Crediting, Rulebook, rulebook_load
from shebao.contributions.selectors import months_of_person
from shebao.core.errors import InvalidInput
from shebao.core.models import Account
from shebao.pensions.params import DEFAULT_REGION
from shebao.pensions.rules.formula import DerivationLine, PensionInputs, average_index
from shebao.registry.models import Person

COUNTED = frozenset({"paid", "transferred_in"})  # months that count as actual contribution


def ledger_index_months(
    *,
    actor: Account,
    person: Person,
    before: dt.date | None = None,
    region: str = DEFAULT_REGION,
    book: Rulebook | None = None,
) -> list[tuple[dt.date, Decimal, Decimal]]:
    """(month, base, average wage) of each counted month of the person's ledger, oldest first,
    before ``before`` (the retirement month) when given. ``book``: the region's rule tables
    already loaded (a page reading them several times loads them once)."""
    rulebook: Rulebook = book or rulebook_load(region=region)
    averages: dict[dt.date, Decimal] = {}
    out = []
    for view in months_of_person(actor=actor, person=person, as_of=timezone.localdate()):
        if view.shown_status not in COUNTED:
            continue
        period = view.row.period.replace(day=1)
        if before is not None and period >= before:
            continue
        if period not in averages:
            averages[period] = rulebook.base_limits(period).average
        out.append((period, view.row.base, averages[period]))
    out.sort(key=lambda m: m[0])
    return out


def index_derivation(months: Sequence[tuple[dt.date, Decimal, Decimal]], index: Decimal) -> DerivationLine:
    total = sum((base / avg for _, base, avg in months), Decimal(0))
    if months:
        first, last = months[0][0], months[-1][0]
        formula = (
            f"Σ(各月缴费基数 ÷ 当年平均工资) ÷ 月数 = {total.quantize(Decimal('0.0001'))} ÷ {len(months)} = {index}"
            f"（{first:%Y-%m} 至 {last:%Y-%m}）"
        )
    else:
        formula = "无实际缴费月份 / no contribution months: 0"
    return DerivationLine("average_index", "本人平均缴费工资指数 Z̄", "Average contribution index Z̄", formula, index)


def _rate_text(crediting: Crediting) -> str:
    return f"{crediting.rate}{'（暂定利率 / provisional）' if crediting.provisional else ''}"


def balance_at_lines(at: AccountAtMonth) -> list[DerivationLine]:
    """The balance at retirement step by step: the opening balance of the retirement year (with
    any earlier year's interest quoted because its crediting has not run), the year's credits
    before the retirement month, the year's interest to the month before (月积数法), the sum."""
    year, months = at.month.year, at.month.month - 1
    quoted = "".join(
        f"；含{y}年利息 {calc.interest}（未记账，按利率 {_rate_text(rate)} 计）"
        for y, calc, rate in at.earlier_interest
    )
    lines = [
        DerivationLine(
            "account_opening",
            f"{year}年初个人账户余额",
            f"Account balance at the start of {year}",
            f"截至{year - 1}年末的记账额及利息 = {at.opening}{quoted}",
            at.opening,
        ),
        DerivationLine(
            "account_credited",
            f"{year}年退休前记账额",
            f"Credited in {year} before retirement",
            f"{year}-01 至 {year}-{months:02d} 记账额合计 = {at.credited}"
            if months
            else f"{year}年1月退休，当年无记账额",
            at.credited,
        ),
    ]
    if at.interest is not None and at.crediting is not None:
        steps = "；".join(at.interest.steps[:3])
        lines.append(
            DerivationLine(
                "account_interest",
                f"{year}年利息（计息至{months}月，月积数法）",
                f"Interest of {year} to month {months} (monthly-product method)",
                f"利率 {_rate_text(at.crediting)}：{steps}",
                at.interest.interest,
            )
        )
    interest = at.interest.interest if at.interest is not None else Decimal("0.00")
    lines.append(
        DerivationLine(
            "account_balance",
            f"个人账户累计储存额（截至{at.month:%Y-%m}退休时）",
            f"Personal account balance at retirement ({at.month:%Y-%m})",
            f"{at.opening} + {at.credited} + {interest} = {at.balance}",
            at.balance,
        )
    )
    return lines


def pension_inputs_for(
    *,
    actor: Account,
    person: Person,
    age_years: int,
    age_months: int,
    retirement: dt.date | None = None,
    deemed_months: int = 0,
    region: str = DEFAULT_REGION,
    book: Rulebook | None = None,
) -> tuple[PensionInputs, list[DerivationLine]]:
    """The inputs of ``person``'s pension at a retirement age, from their own record now (the
    months before ``retirement`` when given). The balance is today's: interest and credits up to
    the retirement month are the estimator's projection, not the record's."""
    if deemed_months < 0:
        raise InvalidInput("视同缴费月数不能为负数", "deemed_months cannot be negative", field="deemed_months")
    if retirement is None:
        # NotFound for anyone who may not see it
        balance = account_summary(actor=actor, person=person).balance
        balance_lines = [
            DerivationLine(
                "account_balance",
                "个人账户累计储存额（截至目前）",
                "Personal account balance (to date)",
                f"{balance}",
                balance,
            )
        ]
    else:
        at = account_balance_at(actor=actor, person=person, month=retirement)
        balance, balance_lines = at.balance, balance_at_lines(at)
    months = ledger_index_months(actor=actor, person=person, before=retirement, region=region, book=book)
    index = average_index(months=[(base, avg) for _, base, avg in months])
    actual = len(months)
    lines = [
        DerivationLine(
            "actual_months",
            "实际缴费月数（已缴及转入）",
            "Actual contribution months (paid or transferred in)",
            f"{actual} 个月",
            Decimal(actual),
        ),
        DerivationLine(
            "deemed_months",
            "视同缴费月数",
            "Deemed contribution months",
            f"{deemed_months} 个月",
            Decimal(deemed_months),
        ),
        DerivationLine(
            "contribution_months",
            "累计缴费月数 = 实际 + 视同",
            "Contribution months = actual + deemed",
            f"{actual} + {deemed_months} = {actual + deemed_months}",
            Decimal(actual + deemed_months),
        ),
        index_derivation(months, index),
        *balance_lines,
    ]
    inputs = PensionInputs(
        average_index=index,
        contribution_months=actual + deemed_months,
        deemed_months=deemed_months,
        account_balance=balance,
        age_years=age_years,
        age_months=age_months,
    )
    return inputs, lines

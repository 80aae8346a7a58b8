"""A person's own record → the formula's ``PensionInputs``, with the derivation of each input.

From contributions' selectors only (never its tables): the ledger months that count (paid, or
transferred in) with each month's base and the 全口径 average wage of the WageBase row that
applied to that month; the personal-account balance (``account_summary``, the account's one
source of truth). Deemed months (视同缴费) come from the pension profile; until the profile's
reader exists the caller passes them (default 0). Who may read: whoever may see the person's
account (the person, staff of their district, city-wide roles); anyone else ``NotFound``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.utils import timezone

from shebao.contributions.accounts import account_summary
from shebao.contributions.rulebook import Rulebook, rulebook_load
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
    summary = account_summary(actor=actor, person=person)  # NotFound for anyone who may not see it
    months = ledger_index_months(actor=actor, person=person, before=retirement, region=region, book=book)
    index = average_index(months=[(base, avg) for _, base, avg in months])
    actual = len(months)
    balance = summary.balance
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
        DerivationLine(
            "account_balance",
            "个人账户累计储存额（截至目前）",
            "Personal account balance (to date)",
            f"{balance}",
            balance,
        ),
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

"""The balance at the start of a month (retirement), computed without writing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from shebao.contributions.accounts.common import ZERO
from shebao.contributions.accounts.interest import interest_quote
from shebao.contributions.accounts.summaries import _visible
from shebao.contributions.models import AccountEntry
from shebao.contributions.rulebook import Crediting, crediting_rate
from shebao.contributions.rules import MONTHS_IN_YEAR, InterestCalc
from shebao.core.errors import NotFound
from shebao.core.models import Account
from shebao.registry.models import Person


@dataclass(frozen=True)
class AccountAtMonth:
    """个人账户累计储存额 at the start of ``month`` (the retirement month), with how it was
    reached: the balance at the start of its year (the interest of any earlier year not yet
    credited quoted in, marked provisional when its rate is), the year's credits before
    ``month``, and the year's interest up to the month before by the monthly-product method
    (:func:`interest_quote`; none for a January). Nothing credited in or after ``month``
    counts: a later credit, back-payment or payout is not the balance at retirement."""

    person: Person
    month: dt.date
    opening: Decimal
    earlier_interest: tuple[tuple[int, InterestCalc, Crediting], ...]  # years quoted, not credited
    credited: Decimal
    interest: InterestCalc | None
    crediting: Crediting | None
    balance: Decimal

    @property
    def provisional(self) -> bool:
        quoted = [c for _, _, c in self.earlier_interest] + ([self.crediting] if self.crediting else [])
        return any(c.provisional for c in quoted)


def account_balance_at(*, actor: Account, person: Person, month: dt.date) -> AccountAtMonth:
    """The balance at the start of ``month`` as the account would stand had it been closed
    then (劳办发〔1997〕116号: at retirement interest is credited up to that month), computed
    from the entries without writing any. Visibility as :func:`account_summary`."""
    if not _visible(actor, person):
        raise NotFound("未找到该参保人", "No such insured person")
    first = month.replace(day=1)
    year, months = first.year, first.month - 1
    by_year: dict[int, tuple[list[Decimal], Decimal | None]] = {}
    rows = (
        AccountEntry.objects.filter(person=person, credited_month__lt=first)
        .values_list("year", "kind", "credited_month")
        .annotate(total=Sum("amount"))
    )
    for entry_year, kind, credited_month, raw in rows:
        total = raw.quantize(ZERO)
        credits, interest = by_year.get(entry_year, ([ZERO] * MONTHS_IN_YEAR, None))
        if kind == AccountEntry.Kind.INTEREST:
            interest = (interest or ZERO) + total
        else:
            credits[credited_month.month - 1] += total
        by_year[entry_year] = (credits, interest)
    opening = ZERO
    quoted: list[tuple[int, InterestCalc, Crediting]] = []
    for earlier in range(min(by_year), year) if by_year else ():
        credits, interest = by_year.get(earlier, ([ZERO] * MONTHS_IN_YEAR, None))
        if interest is None:  # the year-end crediting has not run for it yet: quoted, not written
            year_calc, rate = interest_quote(
                year=earlier,
                opening_balance=opening,
                monthly_credits=credits,
                crediting=crediting_rate(year=earlier, provisional_allowed=True),
            )
            quoted.append((earlier, year_calc, rate))
            interest = year_calc.interest
        opening += sum(credits, ZERO) + interest
    credits = by_year.get(year, ([ZERO] * MONTHS_IN_YEAR, None))[0]
    credited = sum(credits, ZERO)
    calc: InterestCalc | None = None
    crediting: Crediting | None = None
    if months:
        calc, crediting = interest_quote(year=year, opening_balance=opening, monthly_credits=credits, months=months)
    balance = opening + credited + (calc.interest if calc else ZERO)
    return AccountAtMonth(person, first, opening, tuple(quoted), credited, calc, crediting, balance)

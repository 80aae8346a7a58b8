"""The account year by year: the one place its figures are summed, and who may see them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from shebao.contributions.accounts.common import ZERO
from shebao.contributions.models import AccountEntry
from shebao.core.access import PersonGrant
from shebao.core.errors import NotFound
from shebao.core.models import Account
from shebao.registry.models import Person
from shebao.registry.selectors import persons_visible


@dataclass(frozen=True)
class AccountYear:
    """One year of an account: the balance brought in, the year's credits and debits (every
    entry but interest), the interest credited for it, and the balance carried out."""

    year: int
    opening: Decimal
    credited: Decimal
    interest: Decimal
    closing: Decimal
    interest_credited: bool


@dataclass(frozen=True)
class AccountSummary:
    person: Person
    years: tuple[AccountYear, ...]  # oldest first; only years with entries

    @property
    def balance(self) -> Decimal:
        """累计储存额: the sum of every entry."""
        return self.years[-1].closing if self.years else ZERO

    def year(self, year: int) -> AccountYear:
        """The year's figures; a year without entries carries the balance of the years before."""
        before = ZERO
        for row in self.years:
            if row.year == year:
                return row
            if row.year < year:
                before = row.closing
        return AccountYear(year, before, ZERO, ZERO, before, False)


def _years(person: Person) -> tuple[AccountYear, ...]:
    """Every year's figures in one grouped query: the only place an account is summed."""
    rows = (
        AccountEntry.objects.filter(person=person)
        .values_list("year", "kind")
        .annotate(total=Sum("amount"))
        .order_by("year")
    )
    return _years_from(rows)


def _visible_all(actor: Account, persons: Sequence[Person]) -> list[int]:
    """The persons' ids when the actor may see every one of them (as :func:`_visible`), else NotFound."""
    ids = [person.pk for person in persons]
    if actor is None or not actor.is_authenticated or actor.kind == Account.Kind.UNIT:
        raise NotFound("未找到该参保人", "No such insured person")
    if persons_visible(actor=actor).filter(pk__in=ids).count() != len(set(ids)):
        raise NotFound("未找到该参保人", "No such insured person")
    return ids


def account_summaries(*, actor: Account, persons: Sequence[Person]) -> dict[int, AccountSummary]:
    """:func:`account_summary` for many persons in one grouped query (a bulk job's chunk), the
    figures summed exactly as there. Any person the actor may not see makes it ``NotFound``."""
    ids = _visible_all(actor, persons)
    grouped: dict[int, list[tuple[int, str, Decimal]]] = {pk: [] for pk in ids}
    rows = (
        AccountEntry.objects.filter(person_id__in=ids)
        .values_list("person_id", "year", "kind")
        .annotate(total=Sum("amount"))
        .order_by("person_id", "year")
    )
    for person_id, year, kind, total in rows:
        grouped[person_id].append((year, kind, total))
    return {person.pk: AccountSummary(person=person, years=_years_from(grouped[person.pk])) for person in persons}


def _years_from(rows: Iterable[tuple[int, str, Decimal]]) -> tuple[AccountYear, ...]:
    """The years' figures from (year, kind, sum of amounts) rows, oldest year first."""
    sums: dict[int, list[Decimal]] = {}
    interest_years: set[int] = set()
    for year, kind, raw in rows:
        total = raw.quantize(ZERO)  # a sum of fen amounts (SQLite's Sum carries extra digits)
        credited, interest = sums.setdefault(year, [ZERO, ZERO])
        if kind == AccountEntry.Kind.INTEREST:
            sums[year][1] = interest + total
            interest_years.add(year)
        else:
            sums[year][0] = credited + total
    years = []
    balance = ZERO
    for year in sorted(sums):
        credited, interest = sums[year]
        closing = balance + credited + interest
        years.append(AccountYear(year, balance, credited, interest, closing, year in interest_years))
        balance = closing
    return tuple(years)


def _visible(actor: Account, person: Person, grant: PersonGrant | None = None) -> bool:
    if actor is None or not actor.is_authenticated or actor.kind == Account.Kind.UNIT:
        return False  # a unit sees its staff's contributions, not their personal accounts
    return persons_visible(actor=actor, grant=grant).filter(pk=person.pk).exists()


def account_summary(*, actor: Account, person: Person, grant: PersonGrant | None = None) -> AccountSummary:
    """The account year by year and its balance: the figures the home page, the account page,
    the API and the statement show. Seen by the person themselves, staff of their district,
    city-wide roles and the holder of a ``grant`` for this person (``core.access``); anyone
    else gets NotFound (a unit sees its staff's contributions, not their personal accounts)."""
    if not _visible(actor, person, grant):
        raise NotFound("未找到该参保人", "No such insured person")
    return AccountSummary(person=person, years=_years(person))

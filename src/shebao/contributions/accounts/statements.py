"""One year's account lines with the interest derivation (the account page, the API, the annual statement)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from shebao.contributions.accounts.interest import _monthly_credits
from shebao.contributions.accounts.summaries import AccountSummary, _visible_all, account_summary
from shebao.contributions.models import AccountEntry
from shebao.contributions.rules import InterestCalc, account_interest
from shebao.core import audit
from shebao.core.access import PersonGrant
from shebao.core.models import Account
from shebao.registry.models import Person


@dataclass(frozen=True)
class StatementLine:
    month: dt.date
    kind: str
    kind_label: str
    amount: Decimal
    rate: Decimal | None
    note: str


@dataclass(frozen=True)
class AccountStatement:
    person: Person
    year: int
    opening_balance: Decimal
    lines: tuple[StatementLine, ...]
    closing_balance: Decimal
    interest: InterestCalc | None
    summary: AccountSummary


def account_lines_of_persons(
    *, actor: Account, persons: Sequence[Person], year: int
) -> dict[int, tuple[StatementLine, ...]]:
    """The year's account lines of many persons in one query (a bulk job's chunk), each in the
    order :func:`account_statement` gives them. Visibility as :func:`account_summaries`."""
    ids = _visible_all(actor, persons)
    found: dict[int, list[StatementLine]] = {pk: [] for pk in ids}
    # value rows, the kind's label as get_kind_display gives it (a model instance per entry led
    # the mailing chunk's profile: ~13 entries a person)
    labels = {value: str(label) for value, label in AccountEntry.Kind.choices}
    rows = (
        AccountEntry.objects.filter(person_id__in=ids, year=year)
        .order_by("person_id", "credited_month", "kind", "id")
        .values_list("person_id", "credited_month", "kind", "amount", "rate", "note")
    )
    for person_id, month, kind, amount, rate, note in rows:
        found[person_id].append(StatementLine(month, kind, labels.get(kind, kind), amount, rate, note))
    return {pk: tuple(lines) for pk, lines in found.items()}


def account_statement(
    *, actor: Account, person: Person, year: int, grant: PersonGrant | None = None
) -> AccountStatement:
    """The year's account lines (month, kind, amount, rate) and the balances (from
    :func:`account_summary`, so the lines add up to the figures shown everywhere), with the
    interest derivation. Visibility (a ``grant`` too) as :func:`account_summary`; the view is
    an audit event."""
    summary = account_summary(actor=actor, person=person, grant=grant)
    entries = list(AccountEntry.objects.filter(person=person, year=year).order_by("credited_month", "kind", "id"))
    figures = summary.year(year)
    lines = tuple(
        StatementLine(e.credited_month, e.kind, e.get_kind_display(), e.amount, e.rate, e.note) for e in entries
    )
    interest_entry = next((e for e in entries if e.kind == AccountEntry.Kind.INTEREST), None)
    interest = None
    if interest_entry is not None and interest_entry.rate is not None:
        # replay the crediting from the stored lines and rate: the derivation the page shows
        interest = account_interest(
            year=year,
            opening_balance=figures.opening,
            monthly_credits=_monthly_credits(person, year),
            rate=interest_entry.rate,
            months=interest_entry.credited_month.month,
        )
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="account.view",
            subject_type="registry.Person",
            subject_id=person.pk,
            subject_person=person.id_number,
            after={"year": year},
        )
    return AccountStatement(person, year, figures.opening, lines, figures.closing, interest, summary)

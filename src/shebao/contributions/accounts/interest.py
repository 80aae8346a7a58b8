"""Interest on the personal account: the quote the calculator and the account share, the crediting of one person's year and the year-end bulk job (月积数法, DOMAIN.md §2.2)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum

from shebao.contributions.accounts.common import ZERO
from shebao.contributions.accounts.crediting import account_credit_paid, account_credit_rows
from shebao.contributions.models import AccountEntry, ContributionMonth
from shebao.contributions.rulebook import Crediting, crediting_rate
from shebao.contributions.rules import MONTHS_IN_YEAR, InterestCalc, account_interest
from shebao.core import audit
from shebao.core.channels import Channel
from shebao.core.errors import Conflict, InvalidInput
from shebao.core.jobs import JobKind, id_span
from shebao.core.models import Account
from shebao.registry.models import Person


def interest_quote(
    *,
    year: int,
    opening_balance: Decimal,
    monthly_credits: list[Decimal],
    months: int | None = None,
    crediting: Crediting | None = None,
) -> tuple[InterestCalc, Crediting]:
    """Interest of one year on an account: the year's crediting rate (provisional only for a
    part year whose rate is not yet published; ``crediting`` when the caller looked it up for
    many accounts) applied by :func:`rules.account_interest`."""
    part_year = months is not None and months < MONTHS_IN_YEAR
    if crediting is None:
        crediting = crediting_rate(year=year, provisional_allowed=part_year)
    calc = account_interest(
        year=year,
        opening_balance=opening_balance,
        monthly_credits=monthly_credits,
        rate=crediting.rate,
        months=months or MONTHS_IN_YEAR,
    )
    return calc, crediting


def _balance_before(person: Person, year: int) -> Decimal:
    total = AccountEntry.objects.filter(person=person, year__lt=year).aggregate(s=Sum("amount"))["s"]
    return total.quantize(ZERO) if total is not None else ZERO


def _monthly_credits(person: Person, year: int) -> list[Decimal]:
    credits = [ZERO] * MONTHS_IN_YEAR
    rows = (
        AccountEntry.objects.filter(person=person, year=year)
        .exclude(kind=AccountEntry.Kind.INTEREST)
        .values_list("credited_month", "amount")
    )
    for month, amount in rows:
        credits[month.month - 1] += amount
    return credits


def _interest_years_missing(person: Person, before: int) -> list[int]:
    """Years of the account before ``before`` that have entries or a balance but no interest."""
    first = AccountEntry.objects.filter(person=person, year__lt=before).order_by("year").values_list("year", flat=True)
    start = first.first()
    if start is None:
        return []
    done = set(
        AccountEntry.objects.filter(person=person, kind=AccountEntry.Kind.INTEREST, year__lt=before).values_list(
            "year", flat=True
        )
    )
    return [y for y in range(start, before) if y not in done]


def _interest_write(*, person: Person, year: int, up_to_month: int | None, actor: Account | None) -> AccountEntry:
    opening = _balance_before(person, year)
    credits = _monthly_credits(person, year)
    calc, crediting = interest_quote(year=year, opening_balance=opening, monthly_credits=credits, months=up_to_month)
    entry = AccountEntry.objects.create(
        person=person,
        kind=AccountEntry.Kind.INTEREST,
        year=year,
        credited_month=dt.date(year, calc.months, 1),
        amount=calc.interest,
        rate=crediting.rate,
        note=(
            f"年初余额利息 {calc.interest_on_opening} + 当年记账额利息 {calc.interest_on_credits}"
            f"（计息至{calc.months}月{'，暂定利率' if crediting.provisional else ''}）"
        ),
    )
    audit.record(
        actor=actor,
        action="account.interest",
        subject_type="contributions.AccountEntry",
        subject_id=entry.pk,
        subject_person=person.id_number,
        after={
            "year": year,
            "months": calc.months,
            "rate": crediting.rate,
            "provisional": crediting.provisional,
            "rate_row": crediting.rule.id,
            "opening": calc.opening_balance,
            "interest": calc.interest,
            "closing": calc.closing_balance,
        },
    )
    return entry


def account_interest_credit(
    *, person: Person, year: int, up_to_month: int | None = None, actor: Account | None = None
) -> AccountEntry:
    """记账利息 for ``year``, once: at year end (31 Dec) for the whole year, or at retirement,
    transfer-out or death up to that month (``up_to_month``), by the monthly-product method
    (劳办发〔1997〕116号, DOMAIN.md §2.2: the opening balance earns the whole year, each month's
    credit from its month to the year end). Paid months not yet credited are credited first,
    and so is the interest of any earlier year still without it, oldest first: the opening
    balance of a year includes every earlier year's interest."""
    if up_to_month is not None and not 1 <= up_to_month <= MONTHS_IN_YEAR:
        raise InvalidInput(
            f"计息截止月份应在1至12之间（收到 {up_to_month}）",
            f"up_to_month must be 1 to 12 (got {up_to_month})",
            field="up_to_month",
        )
    with transaction.atomic():
        # one crediting at a time per person: the person row is the lock
        Person.objects.select_for_update().filter(pk=person.pk).first()
        if AccountEntry.objects.filter(person=person, year=year, kind=AccountEntry.Kind.INTEREST).exists():
            raise Conflict(f"{year}年度利息已记账", f"Interest for {year} is already credited", field="year")
        account_credit_paid(person=person, actor=actor)
        for earlier in _interest_years_missing(person, year):
            _interest_write(person=person, year=earlier, up_to_month=None, actor=actor)
        return _interest_write(person=person, year=year, up_to_month=up_to_month, actor=actor)


def _interest_plan(params: dict[str, Any]) -> list[tuple[int, int]]:
    return id_span(Person.objects.all())


_CREDITED = (ContributionMonth.Status.PAID, ContributionMonth.Status.TRANSFERRED_IN)


def account_interest_range(*, lo: int, hi: int, through_year: int, actor: Account | None = None) -> dict[str, int]:
    """Year-end interest (月积数法, as :func:`account_interest_credit`) for every account of
    persons with ids in [lo, hi], every year up to ``through_year`` that has none yet, oldest
    first (so each opening balance holds the interest before it); paid months not yet credited
    are credited first. The bulk form of the year-end crediting: a few grouped reads for the
    whole range, the entries written in bulk, one audit event per year with the count, the
    total and the rate row (each person's derivation is replayed from the entries by
    :func:`account_statement`). Idempotent: a year credited before is left as it is."""
    with transaction.atomic():
        pending = list(
            ContributionMonth.objects.filter(
                person_id__gte=lo,
                person_id__lte=hi,
                period__lt=dt.date(through_year + 1, 1, 1),
                status__in=_CREDITED,
                account_credit__gt=0,
            )
            .exclude(
                pk__in=AccountEntry.objects.filter(
                    person_id__gte=lo, person_id__lte=hi, source_month__isnull=False
                ).values("source_month")
            )
            .select_related("bill")
        )
        credited_months = account_credit_rows(rows=pending) if pending else 0
        in_range = AccountEntry.objects.filter(person_id__gte=lo, person_id__lte=hi, year__lte=through_year)
        done = set(in_range.filter(kind=AccountEntry.Kind.INTEREST).values_list("person_id", "year"))
        # person → year → [Σ credits by month (12), interest credited]
        book: dict[int, dict[int, tuple[list[Decimal], Decimal]]] = {}
        rows = in_range.values_list("person_id", "year", "kind", "credited_month").annotate(total=Sum("amount"))
        for person_id, year, kind, month, raw in rows:
            total = raw.quantize(ZERO)
            credits, interest = book.setdefault(person_id, {}).get(year, ([ZERO] * MONTHS_IN_YEAR, ZERO))
            if kind == AccountEntry.Kind.INTEREST:
                interest += total
            else:
                credits[month.month - 1] += total
            book[person_id][year] = (credits, interest)
        years = sorted({year for by_year in book.values() for year in by_year})
        written = 0
        balance = dict.fromkeys(book, ZERO)
        for year in range(years[0], through_year + 1) if years else ():
            todo = [p for p, by_year in book.items() if min(by_year) <= year and (p, year) not in done]
            crediting = crediting_rate(year=year) if todo else None
            entries = []
            for person_id in sorted(book):
                credits, interest = book[person_id].get(year, ([ZERO] * MONTHS_IN_YEAR, ZERO))
                if person_id in todo:
                    calc, _ = interest_quote(
                        year=year, opening_balance=balance[person_id], monthly_credits=credits, crediting=crediting
                    )
                    interest = calc.interest
                    entries.append(
                        AccountEntry(
                            person_id=person_id,
                            kind=AccountEntry.Kind.INTEREST,
                            year=year,
                            credited_month=dt.date(year, MONTHS_IN_YEAR, 1),
                            amount=interest,
                            rate=crediting.rate if crediting else None,
                            note=(
                                f"年初余额利息 {calc.interest_on_opening} + 当年记账额利息 {calc.interest_on_credits}"
                                f"（计息至12月）"
                            ),
                        )
                    )
                balance[person_id] += sum(credits, ZERO) + interest
            if not entries or crediting is None:
                continue
            AccountEntry.objects.bulk_create(entries, batch_size=1000)
            written += len(entries)
            audit.record(
                actor=actor,
                action="account.interest",
                subject_type="contributions.AccountEntry",
                subject_id=f"persons {lo}-{hi}, {year}",
                after={
                    "year": year,
                    "persons": len(entries),
                    "interest": sum((e.amount for e in entries), ZERO),
                    "rate": crediting.rate,
                    "provisional": crediting.provisional,
                    "rate_row": crediting.rule.id,
                },
                channel=Channel.SYSTEM,
            )
    return {"credited_months": credited_months, "interest_entries": written}


def _interest_chunk(*, params: dict[str, Any], lo: int, hi: int) -> dict[str, Any]:
    """Year-end interest for the persons with ids in [lo, hi] (:func:`account_interest_range`):
    a resumed or repeated run credits nobody twice."""
    return account_interest_range(lo=lo, hi=hi, through_year=int(params["year"]))


ACCOUNT_INTEREST = JobKind(
    name="contributions.account_interest",
    title="个人账户年度计息 / Year-end account interest",
    plan=_interest_plan,
    run_chunk=_interest_chunk,
    chunk_size=5000,
)

"""The pension personal account (个人账户): credits from paid months, interest once a year by
the monthly-product method (月积数法, DOMAIN.md §2.2), and the statement that explains the
balance line by line.

Invariants: a paid month is credited once (constraint ``account_entry_once_per_month``);
interest is credited once per person and year (``account_interest_once_per_year``), and never
for a year while an earlier year of the account still lacks its interest. Debits (transfer
out, payout) are stored as negative amounts, so a balance is a plain sum of the entries.

One source of truth: every figure of an account — the home page's, the account page's, the
API's and later the annual statement's — is read through :func:`account_summary` (the years)
or :func:`account_statement` (one year's lines), both sums of the same entries. History from
before the monthly ledger reaches the account as ledger months (``contributions.history``), so
it is credited by the same code as a month paid today. The calculator endpoint and the account
use :func:`interest_quote`, so they cannot disagree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from shebao.contributions.models import AccountEntry, Bill, ContributionMonth
from shebao.contributions.rulebook import Crediting, crediting_rate
from shebao.contributions.rules import MONTHS_IN_YEAR, InterestCalc, account_interest
from shebao.core import audit
from shebao.core.channels import Channel
from shebao.core.errors import Conflict, InvalidInput, NotFound
from shebao.core.jobs import JobKind, id_span
from shebao.core.models import Account
from shebao.registry.models import Person
from shebao.registry.selectors import persons_visible

ZERO = Decimal("0.00")


# --- the calculation both the calculator and the account use -------------------------------------


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


# --- crediting contributions ------------------------------------------------------------------


def _credited_month(row: ContributionMonth) -> dt.date:
    """记账月: a monthly contribution is credited in its own month; a back-payment in the month
    it was paid (DOMAIN.md §2.2, "month attribution")."""
    bill = row.bill
    if bill is not None and bill.kind == Bill.Kind.BACK_PAYMENT and bill.paid_at is not None:
        return timezone.localtime(bill.paid_at).date().replace(day=1)
    return row.period


def account_credit_month(*, contribution_month: ContributionMonth, actor: Account | None = None) -> AccountEntry:
    """Credit one paid (or transferred-in) month's account share to the personal account, once.

    Crediting a month already credited returns its entry unchanged (idempotent: the constraint
    on ``source_month`` decides under concurrency)."""
    row = contribution_month
    if row.status not in (ContributionMonth.Status.PAID, ContributionMonth.Status.TRANSFERRED_IN):
        raise InvalidInput(
            f"{row.period:%Y-%m} 尚未缴费，不能记入个人账户",
            f"{row.period:%Y-%m} is not paid and cannot be credited",
            field="period",
        )
    existing = AccountEntry.objects.filter(source_month=row).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            entry = _entry_for(row)
            entry.save()
            audit.record(
                actor=actor,
                action="account.credit",
                subject_type="contributions.AccountEntry",
                subject_id=entry.pk,
                subject_person=row.person.id_number,
                after={"period": row.period, "credited_month": entry.credited_month, "amount": row.account_credit},
            )
    except IntegrityError:
        return AccountEntry.objects.get(source_month=row)
    return entry


def _entry_for(row: ContributionMonth) -> AccountEntry:
    month = _credited_month(row)
    kind = (
        AccountEntry.Kind.TRANSFER_IN
        if row.status == ContributionMonth.Status.TRANSFERRED_IN
        else AccountEntry.Kind.CONTRIBUTION
    )
    return AccountEntry(
        person_id=row.person_id,
        kind=kind,
        year=month.year,
        credited_month=month,
        amount=row.account_credit,
        source_month=row,
        note=f"费款所属期 {row.period:%Y-%m}，基数 {row.base}",
    )


def account_credit_rows(*, rows: list[ContributionMonth]) -> int:
    """Credit many paid (or transferred-in) months at once, each once: the months already
    credited are left out, and the constraint on ``source_month`` drops any a concurrent
    crediting wrote first. Part of the caller's command, whose audit event names the count
    (a payment, the history load, :func:`account_credit_paid`); returns how many were new."""
    credited = set(
        AccountEntry.objects.filter(source_month__in=[r.pk for r in rows]).values_list("source_month_id", flat=True)
    )
    pending = [
        row
        for row in rows
        if row.pk not in credited
        and row.account_credit
        and row.status in (ContributionMonth.Status.PAID, ContributionMonth.Status.TRANSFERRED_IN)
    ]
    AccountEntry.objects.bulk_create([_entry_for(row) for row in pending], batch_size=1000, ignore_conflicts=True)
    return len(pending)


def account_credit_paid(*, person: Person, actor: Account | None = None) -> int:
    """Credit every paid or transferred-in month of ``person`` not credited yet; returns how many."""
    pending = list(
        ContributionMonth.objects.filter(
            person=person,
            status__in=(ContributionMonth.Status.PAID, ContributionMonth.Status.TRANSFERRED_IN),
            account_credit__gt=0,
        )
        .exclude(pk__in=AccountEntry.objects.filter(person=person, source_month__isnull=False).values("source_month"))
        .select_related("bill")
        .order_by("period")
    )
    if not pending:
        return 0
    with transaction.atomic():
        count = account_credit_rows(rows=pending)
        audit.record(
            actor=actor,
            action="account.credit",
            subject_type="registry.Person",
            subject_id=person.pk,
            subject_person=person.id_number,
            after={
                "months": count,
                "first": pending[0].period,
                "last": pending[-1].period,
                "amount": sum((r.account_credit for r in pending), ZERO),
            },
        )
    return count


# --- interest ----------------------------------------------------------------------------------


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


def account_transfer_record(
    *, person: Person, direction: str, amount: Decimal, month: dt.date, note: str, actor: Account | None = None
) -> AccountEntry:
    """养老保险关系转移: the balance transferred in from another place is credited (``direction``
    "in"), or the balance transferred out is debited as a negative amount ("out"), in the
    month of the transfer. Called by the pension transfers in their command's transaction."""
    if direction not in ("in", "out"):
        raise ValueError(f"direction must be 'in' or 'out', not {direction!r}")
    if amount < 0:
        raise InvalidInput("转移金额不能为负", "A transferred amount cannot be negative", field="amount")
    kind = AccountEntry.Kind.TRANSFER_IN if direction == "in" else AccountEntry.Kind.TRANSFER_OUT
    signed = amount if direction == "in" else -amount
    first = month.replace(day=1)
    with transaction.atomic():
        entry = AccountEntry.objects.create(
            person=person, kind=kind, year=first.year, credited_month=first, amount=signed, note=note[:255]
        )
        audit.record(
            actor=actor,
            action="account.transfer",
            subject_type="contributions.AccountEntry",
            subject_id=entry.pk,
            subject_person=person.id_number,
            after={"direction": direction, "amount": signed, "month": first, "note": note[:255]},
        )
    return entry


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


# --- the statement -----------------------------------------------------------------------------


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


def _visible(actor: Account, person: Person) -> bool:
    if actor is None or not actor.is_authenticated or actor.kind == Account.Kind.UNIT:
        return False  # a unit sees its staff's contributions, not their personal accounts
    return persons_visible(actor=actor).filter(pk=person.pk).exists()


def account_summary(*, actor: Account, person: Person) -> AccountSummary:
    """The account year by year and its balance: the figures the home page, the account page,
    the API and the statement show. Seen by the person themselves, staff of their district and
    city-wide roles; anyone else gets NotFound (a unit sees its staff's contributions, not their
    personal accounts)."""
    if not _visible(actor, person):
        raise NotFound("未找到该参保人", "No such insured person")
    return AccountSummary(person=person, years=_years(person))


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
    rows = AccountEntry.objects.filter(person_id__in=ids, year=year).order_by(
        "person_id", "credited_month", "kind", "id"
    )
    for e in rows:
        found[e.person_id].append(
            StatementLine(e.credited_month, e.kind, e.get_kind_display(), e.amount, e.rate, e.note)
        )
    return {pk: tuple(lines) for pk, lines in found.items()}


def account_statement(*, actor: Account, person: Person, year: int) -> AccountStatement:
    """The year's account lines (month, kind, amount, rate) and the balances (from
    :func:`account_summary`, so the lines add up to the figures shown everywhere), with the
    interest derivation. Visibility as :func:`account_summary`; the view is an audit event."""
    summary = account_summary(actor=actor, person=person)
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


# --- the balance at a month (retirement) --------------------------------------------------------


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

"""The pension personal account (个人账户): credits from paid months, interest once a year by
the monthly-product method (月积数法, DOMAIN.md §2.2), and the statement that explains the
balance line by line.

Invariants: a paid month is credited once (constraint ``account_entry_once_per_month``);
interest is credited once per person and year (``account_interest_once_per_year``). Debits
(transfer out, payout) are stored as negative amounts, so a balance is a plain sum. The
calculator endpoint and the account use :func:`interest_quote`, so they cannot disagree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone

from shebao.contributions.models import AccountEntry, Bill, ContributionMonth
from shebao.contributions.rulebook import Crediting, crediting_rate
from shebao.contributions.rules import MONTHS_IN_YEAR, InterestCalc, account_interest
from shebao.core import audit
from shebao.core.errors import Conflict, InvalidInput, NotFound
from shebao.core.jobs import JobKind, id_span
from shebao.core.models import Account
from shebao.registry.models import Person
from shebao.registry.selectors import persons_visible

ZERO = Decimal("0.00")


# --- the calculation both the calculator and the account use -------------------------------------


def interest_quote(
    *, year: int, opening_balance: Decimal, monthly_credits: list[Decimal], months: int | None = None
) -> tuple[InterestCalc, Crediting]:
    """Interest of one year on an account: the year's crediting rate (provisional only for a
    part year whose rate is not yet published) applied by :func:`rules.account_interest`."""
    part_year = months is not None and months < MONTHS_IN_YEAR
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
    month = _credited_month(row)
    kind = (
        AccountEntry.Kind.TRANSFER_IN
        if row.status == ContributionMonth.Status.TRANSFERRED_IN
        else AccountEntry.Kind.CONTRIBUTION
    )
    try:
        with transaction.atomic():
            entry = AccountEntry.objects.create(
                person_id=row.person_id,
                kind=kind,
                year=month.year,
                credited_month=month,
                amount=row.account_credit,
                source_month=row,
                note=f"费款所属期 {row.period:%Y-%m}，基数 {row.base}",
            )
            audit.record(
                actor=actor,
                action="account.credit",
                subject_type="contributions.AccountEntry",
                subject_id=entry.pk,
                subject_person=row.person.id_number,
                after={"period": row.period, "credited_month": month, "amount": row.account_credit},
            )
    except IntegrityError:
        return AccountEntry.objects.get(source_month=row)
    return entry


def account_credit_paid(*, person: Person, actor: Account | None = None) -> int:
    """Credit every paid or transferred-in month of ``person`` not credited yet; returns how many."""
    pending = (
        ContributionMonth.objects.filter(
            person=person,
            status__in=(ContributionMonth.Status.PAID, ContributionMonth.Status.TRANSFERRED_IN),
        )
        .exclude(pk__in=AccountEntry.objects.filter(person=person, source_month__isnull=False).values("source_month"))
        .select_related("bill", "person")
        .order_by("period")
    )
    count = 0
    for row in pending:
        account_credit_month(contribution_month=row, actor=actor)
        count += 1
    return count


# --- interest ----------------------------------------------------------------------------------


def _balance_before(person: Person, year: int) -> Decimal:
    total = AccountEntry.objects.filter(person=person, year__lt=year).aggregate(s=Sum("amount"))["s"]
    return total if total is not None else ZERO


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


def account_interest_credit(
    *, person: Person, year: int, up_to_month: int | None = None, actor: Account | None = None
) -> AccountEntry:
    """记账利息 for ``year``, once: at year end (31 Dec) for the whole year, or at retirement,
    transfer-out or death up to that month (``up_to_month``), by the monthly-product method
    (劳办发〔1997〕116号). Paid months not yet credited are credited first, so the interest
    counts them."""
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
        opening = _balance_before(person, year)
        credits = _monthly_credits(person, year)
        calc, crediting = interest_quote(
            year=year, opening_balance=opening, monthly_credits=credits, months=up_to_month
        )
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


def _interest_plan(params: dict[str, Any]) -> list[tuple[int, int]]:
    return id_span(Person.objects.all())


_CREDITED = (ContributionMonth.Status.PAID, ContributionMonth.Status.TRANSFERRED_IN)


def _interest_chunk(*, params: dict[str, Any], lo: int, hi: int) -> dict[str, Any]:
    """Year-end interest for persons with ids in [lo, hi] who have an account (entries, or paid
    months still to credit) up to the year and no interest for it yet, so a resumed or
    repeated run credits nobody twice."""
    year = int(params["year"])
    in_range = Person.objects.filter(pk__gte=lo, pk__lte=hi)
    with_entries = in_range.filter(account_entries__year__lte=year).values("pk")
    with_months = in_range.filter(
        contribution_months__period__lt=dt.date(year + 1, 1, 1), contribution_months__status__in=_CREDITED
    ).values("pk")
    done = AccountEntry.objects.filter(year=year, kind=AccountEntry.Kind.INTEREST).values("person_id")
    persons = Person.objects.filter(Q(pk__in=with_entries) | Q(pk__in=with_months)).exclude(pk__in=done).order_by("pk")
    credited = 0
    for person in persons:
        account_interest_credit(person=person, year=year)
        credited += 1
    return {"credited": credited}


ACCOUNT_INTEREST = JobKind(
    name="contributions.account_interest",
    title="个人账户年度计息 / Year-end account interest",
    plan=_interest_plan,
    run_chunk=_interest_chunk,
    chunk_size=5000,
)


# --- the statement -----------------------------------------------------------------------------


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


def _visible(actor: Account, person: Person) -> bool:
    if actor is None or not actor.is_authenticated or actor.kind == Account.Kind.UNIT:
        return False  # a unit sees its staff's contributions, not their personal accounts
    return persons_visible(actor=actor).filter(pk=person.pk).exists()


def account_statement(*, actor: Account, person: Person, year: int) -> AccountStatement:
    """The year's account lines (month, kind, amount, rate) and the balances, with the interest
    derivation. Seen by the person themselves, staff of their district and city-wide roles;
    anyone else gets NotFound. The view is an audit event."""
    if not _visible(actor, person):
        raise NotFound("未找到该参保人", "No such insured person")
    entries = list(AccountEntry.objects.filter(person=person, year=year).order_by("credited_month", "kind", "id"))
    opening = _balance_before(person, year)
    lines = tuple(
        StatementLine(e.credited_month, e.kind, e.get_kind_display(), e.amount, e.rate, e.note) for e in entries
    )
    closing = opening + sum((e.amount for e in entries), ZERO)
    interest_entry = next((e for e in entries if e.kind == AccountEntry.Kind.INTEREST), None)
    interest = None
    if interest_entry is not None and interest_entry.rate is not None:
        # replay the crediting from the stored lines and rate: the derivation the page shows
        interest = account_interest(
            year=year,
            opening_balance=opening,
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
    return AccountStatement(person, year, opening, lines, closing, interest)

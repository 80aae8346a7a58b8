"""Crediting paid (or transferred-in) months to the personal account, each once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from shebao.contributions.accounts.common import ZERO
from shebao.contributions.models import AccountEntry, BaseDifference, Bill, ContributionMonth
from shebao.core import audit
from shebao.core.errors import InvalidInput
from shebao.core.models import Account
from shebao.registry.models import Person


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
            entry = _entry_for(row, owed=_owed_credits([row]).get(row.pk, ZERO))
            entry.save()
            audit.record(
                actor=actor,
                action="account.credit",
                subject_type="contributions.AccountEntry",
                subject_id=entry.pk,
                subject_person=row.person.id_number,
                after={"period": row.period, "credited_month": entry.credited_month, "amount": entry.amount},
            )
    except IntegrityError:
        return AccountEntry.objects.get(source_month=row)
    return entry


def _owed_credits(rows: Sequence[ContributionMonth]) -> dict[int, Decimal]:
    """Month id → the account credit of its open upward base difference (补差, ``differences``),
    for the months among ``rows`` with a difference bill unpaid: the month was paid at the base
    declared then and is credited with that; the difference is credited when its bill is paid
    (``differences.difference_settle``). One query, none when no month has one."""
    ids = [row.pk for row in rows if row.difference_bill_id is not None]
    if not ids:
        return {}
    return dict(
        BaseDifference.objects.filter(
            month_id__in=ids, kind=BaseDifference.Kind.DUE, status=BaseDifference.Status.OPEN
        ).values_list("month_id", "account_credit")
    )


def _entry_for(row: ContributionMonth, *, owed: Decimal = ZERO) -> AccountEntry:
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
        amount=row.account_credit - owed,
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
    owed = _owed_credits(pending)
    AccountEntry.objects.bulk_create(
        [_entry_for(row, owed=owed.get(row.pk, ZERO)) for row in pending], batch_size=1000, ignore_conflicts=True
    )
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

"""A retiree's personal account drawn down by the monthly pension (个人账户养老金 paid out)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum

from shebao.contributions.accounts.common import ZERO
from shebao.contributions.models import AccountEntry
from shebao.core import audit
from shebao.core.channels import Channel
from shebao.core.errors import InvalidInput
from shebao.core.models import Account
from shebao.registry.models import Person


@dataclass(frozen=True)
class PayoutDue:
    """One month of a retiree's pension: its account part (个人账户养老金, the determination's
    ``account_pension``) is paid out of the personal account in that month."""

    person_id: int
    month: dt.date
    amount: Decimal


def account_payout_months(*, payouts: Sequence[PayoutDue], actor: Account | None = None) -> int:
    """个人账户养老金支出: each month of pension paid draws its account part from the personal
    account, as a negative ``payout`` entry in that month (国发〔2005〕38号: the account pension
    is paid from the account; once the balance is used up the pooled fund pays it, so a payout
    never takes the balance below zero — the last one takes what is left, later ones nothing).

    Once per person and month (constraint ``account_payout_once_per_month``): a month already
    drawn is left as it is, so a repeated or resumed payment run draws nothing twice. Called
    by the monthly pension payment (pensions.services.payments) in its transaction; one audit
    event for the call with the count and the total. Returns how many entries were written."""
    for due in payouts:
        if not due.amount.is_finite() or due.amount < 0:
            raise InvalidInput("个人账户养老金不能为负", "An account pension cannot be negative", field="amount")
    wanted = sorted(
        {(d.person_id, d.month.replace(day=1)): d for d in payouts}.values(), key=lambda d: (d.person_id, d.month)
    )
    if not wanted:
        return 0
    ids = sorted({d.person_id for d in wanted})
    with transaction.atomic():
        # one drawing at a time per person: the person rows are the lock
        list(Person.objects.select_for_update().filter(pk__in=ids).values_list("pk", flat=True))
        drawn = set(
            AccountEntry.objects.filter(person_id__in=ids, kind=AccountEntry.Kind.PAYOUT).values_list(
                "person_id", "credited_month"
            )
        )
        balance = {
            person_id: (total or ZERO)
            for person_id, total in AccountEntry.objects.filter(person_id__in=ids)
            .values_list("person_id")
            .annotate(total=Sum("amount"))
            .values_list("person_id", "total")
        }
        entries = []
        for due in wanted:
            month = due.month.replace(day=1)
            if (due.person_id, month) in drawn:
                continue
            left = max(balance.get(due.person_id, ZERO).quantize(ZERO), ZERO)
            amount = min(due.amount.quantize(ZERO), left)
            if amount <= 0:
                continue  # the account is used up: the pooled fund pays the account part
            balance[due.person_id] = left - amount
            note = f"个人账户养老金 {month:%Y-%m}"
            if amount < due.amount:
                note += f"（账户余额用尽，应支 {due.amount.quantize(ZERO)}，余额不足部分由统筹基金支付）"
            entries.append(
                AccountEntry(
                    person_id=due.person_id,
                    kind=AccountEntry.Kind.PAYOUT,
                    year=month.year,
                    credited_month=month,
                    amount=-amount,
                    note=note,
                )
            )
        AccountEntry.objects.bulk_create(entries, batch_size=1000, ignore_conflicts=True)
        if entries:
            audit.record(
                actor=actor,
                action="account.payout",
                subject_type="contributions.AccountEntry",
                subject_id=f"persons {ids[0]}-{ids[-1]}",
                subject_person=_single_person(ids),
                after={
                    "persons": len({e.person_id for e in entries}),
                    "months": len(entries),
                    "amount": -sum((e.amount for e in entries), ZERO),
                    "first": min(e.credited_month for e in entries),
                    "last": max(e.credited_month for e in entries),
                },
                channel=Channel.SYSTEM,
            )
    return len(entries)


def _single_person(ids: list[int]) -> str:
    """The ID number the audit event names when the call is about one person, else blank."""
    if len(ids) != 1:
        return ""
    return Person.objects.filter(pk=ids[0]).values_list("id_number", flat=True).first() or ""

"""A base correction's difference written directly (what ``differences.difference_record`` leaves
behind), for the tests of what follows it: the transfer out's arrears, the refund's settlement,
the medical account. The correction itself is tested in tests/statements/test_correction_difference.py."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from shebao.contributions.models import BaseDifference, Bill, ContributionMonth


def difference_make(
    row: ContributionMonth,
    *,
    kind: str,
    employer: str,
    personal: str,
    base_after: str,
    credit: str = "0.00",
    due_date: dt.date | None = None,
    case_number: str = "QY20260101000001",
    lines: dict[str, tuple[str, str]] | None = None,
) -> BaseDifference:
    """``row`` (paid, with a unit) corrected to ``base_after``: its columns set to each line's
    after figure, and the difference recorded — upward with an open difference bill due on
    ``due_date`` that the month points at, downward a refund owed."""
    base_before = row.base
    lines = lines or {}
    for column, (_before, after) in lines.items():
        setattr(row, column, Decimal(after))
    row.base = Decimal(base_after)
    difference = BaseDifference(
        month=row,
        person=row.person,
        unit=row.unit,
        case_number=case_number,
        kind=kind,
        base_before=base_before,
        base_after=Decimal(base_after),
        employer_amount=Decimal(employer),
        personal_amount=Decimal(personal),
        account_credit=Decimal(credit),
        lines={
            c: {"before": b, "after": a, "difference": str(abs(Decimal(a) - Decimal(b)))} for c, (b, a) in lines.items()
        },
        original_bill=row.bill,
    )
    if kind == BaseDifference.Kind.DUE:
        assert due_date is not None
        difference.bill = Bill.objects.create(
            unit=row.unit,
            period=row.period,
            kind=Bill.Kind.DIFFERENCE,
            employer_total=Decimal(employer),
            personal_total=Decimal(personal),
            late_fee=Decimal("0.00"),
            due_date=due_date,
            case_number=case_number,
        )
        row.difference_bill = difference.bill
    row.save()
    difference.save()
    return difference

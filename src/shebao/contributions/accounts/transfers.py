"""The account side of a pension relation transfer (养老保险关系转移)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from shebao.contributions.models import AccountEntry
from shebao.core import audit
from shebao.core.errors import InvalidInput
from shebao.core.models import Account
from shebao.registry.models import Person


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

"""A records correction reaching the account (人社部令第14号): a month missing from the ledger
put back and credited, and the interest of every year since recomputed at its own rate."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction

from shebao.contributions.accounts.crediting import account_credit_month
from shebao.contributions.accounts.interest import _balance_before, _monthly_credits
from shebao.contributions.models import AccountEntry, ContributionMonth
from shebao.contributions.rules import account_interest
from shebao.core import audit
from shebao.core.errors import InvalidInput
from shebao.core.models import Account
from shebao.core.months import month_start
from shebao.registry.models import Person
from shebao.registry.selectors import person_employments

_INSURANCES = ("pension", "medical", "unemployment", "injury", "maternity")
_DEFAULT_INSURANCES = ("pension", "medical", "unemployment", "injury")


def account_interest_recompute(*, person: Person, from_year: int) -> dict[str, dict[str, Decimal]]:
    """Every interest entry of ``person`` from ``from_year`` on recomputed, oldest first, at the
    rate and up to the month it was credited at (a year's opening balance holds the interest
    recomputed before it), after a credit of that year changed. Part of the caller's
    transaction; returns the years changed with their interest before and after."""
    changed: dict[str, dict[str, Decimal]] = {}
    for interest in AccountEntry.objects.filter(
        person=person, kind=AccountEntry.Kind.INTEREST, year__gte=from_year
    ).order_by("year"):
        if interest.rate is None:
            continue
        again = account_interest(
            year=interest.year,
            opening_balance=_balance_before(person, interest.year),
            monthly_credits=_monthly_credits(person, interest.year),
            rate=interest.rate,
            months=interest.credited_month.month,
        )
        if again.interest != interest.amount:
            changed[str(interest.year)] = {"before": interest.amount, "after": again.interest}
            interest.amount = again.interest
            interest.save(update_fields=["amount"])
    return changed


def contribution_month_restore(
    *, actor: Account, person: Person, period: dt.date, base: Decimal | None, case_number: str, reason: str = ""
) -> ContributionMonth:
    """补记缺失月份: on the completion of a correction case (QY-001, the employer's evidence
    checked), a month the person was employed and paid for but that is missing from the ledger
    is put back: through the employer of that month (the registry's employment), at the base
    the case names (else the base of the person's nearest month with that employer), its
    amounts computed by that month's own rule rows (floor and cap applied, as the assessment),
    for the insurances the employer's other months of the person carry; marked paid, credited
    to the personal account in its own month, and the interest of that year and every year
    since recomputed at the rate each was credited at. The ledger had no row: the audit event
    (``contributions.month.restore``, before: none) and the month's ``rules`` (the case) keep
    the history. A month on record is a base correction; a month without an employer is a
    back-payment (JF-002), not a correction: both refused, nothing written."""
    from shebao.contributions.backpay import _month_calc
    from shebao.contributions.rulebook import rulebook_load

    month = month_start(period)
    with transaction.atomic():
        Person.objects.select_for_update().filter(pk=person.pk).first()
        if ContributionMonth.objects.filter(person=person, period=month).exists():
            raise InvalidInput(
                f"{month:%Y-%m} 已有缴费记录，基数有误的请按“缴费基数有误”申请更正",
                f"{month:%Y-%m} is on record: ask for a base correction instead",
                field="period",
            )
        month_end = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1) - dt.timedelta(days=1)
        employment = next(
            (
                e
                for e in person_employments(actor=actor, person=person)
                if e.start <= month_end and (e.end is None or e.end >= month)
            ),
            None,
        )
        if employment is None:
            raise InvalidInput(
                f"{month:%Y-%m} 无在职参保单位记录，不能补记；灵活就业或中断期间请办理补缴（JF-002）",
                f"{month:%Y-%m} has no employer on record: a month without one is a back-payment (JF-002)",
                field="period",
            )
        unit = employment.unit
        same_unit = list(ContributionMonth.objects.filter(person=person, unit=unit).order_by("period"))
        insurances = (
            tuple(
                n
                for n in _INSURANCES
                if any(
                    getattr(r, f"{n}_employer", None) is not None or getattr(r, f"{n}_personal", None) is not None
                    for r in same_unit
                )
            )
            or _DEFAULT_INSURANCES
        )
        if base is None:
            nearest = min(same_unit, key=lambda r: (abs((r.period - month).days), -r.period.toordinal()), default=None)
            if nearest is None:
                raise InvalidInput("请填写该月的缴费基数", "Give the month's contribution base", field="correct_base")
            base = nearest.base
        if base <= 0:
            raise InvalidInput("缴费基数应大于零", "The base must be above zero", field="correct_base")
        calc = _month_calc(
            book=rulebook_load(),
            person=person,
            person_type="employee",
            period=month,
            ratio=None,
            wage=base,
            risk_class=unit.injury_risk_class,
            insurances=insurances,
        )
        row = ContributionMonth(
            person=person,
            unit=unit,
            period=month,
            base=calc.base.quantize(Decimal("0.01")),
            account_credit=calc.account_credit,
            status=ContributionMonth.Status.PAID,
            rules={**calc.rule_ids(), "restored_by": case_number},
        )
        for line in calc.lines:
            if line.employer is not None:
                setattr(row, f"{line.insurance}_employer", line.employer)
            if line.personal is not None:
                setattr(row, f"{line.insurance}_personal", line.personal)
        row.save()
        interest_after: dict[str, Any] = {}
        if row.account_credit:
            entry = account_credit_month(contribution_month=row, actor=actor)
            interest_after = account_interest_recompute(person=person, from_year=entry.year)
        columns = [f"{n}_{side}" for n in insurances for side in ("employer", "personal")]
        after: dict[str, Any] = {"base": row.base, "account_credit": row.account_credit, "interest": interest_after}
        after.update({c: getattr(row, c) for c in columns if hasattr(row, c)})
        audit.record(
            actor=actor,
            action="contributions.month.restore",
            subject_type="contributions.ContributionMonth",
            subject_id=row.pk,
            subject_person=person.id_number,
            before=None,
            after={**after, "period": month, "unit": unit.credit_code, "case": case_number, "reason": reason[:200]},
        )
    return row

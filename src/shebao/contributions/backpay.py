"""中断期补缴: what is owed for each month of an interruption, at that month's own base and
rates, with the charge its BackpayCharge row says from that month's due date.

Rules used, each from the rule row in force in the month concerned:
- base: a flexible worker's grade (the one given, checked against that month's grade rule;
  else the grade in force that month; else the rule's lowest grade) × that year's average; an
  employee's declared wage clamped, else the floor;
- rates: the rows in force in the month, so a period spanning a rate change (pension employer
  19% → 16% on 2019-05-01) is priced per month;
- due date: the month's last day plus the late-fee row's ``grace_days`` (15: the 15th of the
  following month);
- charge (``BackpayCharge`` per payer kind): an employer's back-payment carries the 滞纳金 of
  社会保险法 Art. 86 (0.05 % a day, the late-fee row); a flexible worker's carries what the
  region's row says (late fee, interest or nothing: the law names employers only). It runs
  from the day after the month's due date to the day of the quote.

The bill asks for exactly the quote: contributions plus the charge to the day it was issued
(``Bill.late_fee``); paid after the bill's own due date, the late fee of any overdue bill is
added on top (``selectors.late_fee_for``). A month priced from a row carried forward past its
period makes the quote and the bill provisional, naming the row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from shebao.contributions.grades import flexible_grade_on
from shebao.contributions.models import Bill, ContributionMonth
from shebao.contributions.rulebook import Rulebook, rulebook_load
from shebao.contributions.rules import (
    ContributionCalc,
    LateFeeCalc,
    RuleRef,
    backpay_charge,
    carried_forward,
    contribution_month,
    due_date,
    grade_check,
)
from shebao.core import audit
from shebao.core.errors import InvalidInput
from shebao.core.models import Account
from shebao.core.months import month_end, month_start, months_between
from shebao.registry.models import Person, Unit

MAX_MONTHS = 600  # fifty years: a sanity bound on one request
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class BackpayMonth:
    period: dt.date
    calc: ContributionCalc
    due: dt.date
    late: LateFeeCalc
    late_fee_rule: int
    charge_rule: int

    @property
    def total(self) -> Decimal:
        return self.calc.total + self.late.fee

    @property
    def rules(self) -> tuple[RuleRef, ...]:
        return self.calc.rules + self.late.rules


@dataclass(frozen=True)
class BackpayQuote:
    person_type: str
    start_month: dt.date
    end_month: dt.date
    as_of: dt.date
    months: tuple[BackpayMonth, ...]
    employer_total: Decimal
    personal_total: Decimal
    late_fee_total: Decimal
    account_credit_total: Decimal

    @property
    def contributions_total(self) -> Decimal:
        return self.employer_total + self.personal_total

    @property
    def total(self) -> Decimal:
        return self.employer_total + self.personal_total + self.late_fee_total

    @property
    def carried_forward(self) -> tuple[RuleRef, ...]:
        return carried_forward([ref for month in self.months for ref in month.rules])

    @property
    def provisional(self) -> bool:
        return bool(self.carried_forward)


def _month_calc(
    *,
    book: Rulebook,
    person: Person,
    person_type: str,
    period: dt.date,
    ratio: Decimal | None,
    wage: Decimal | None,
    risk_class: int,
    insurances: tuple[str, ...],
) -> ContributionCalc:
    limits = book.base_limits(period)
    rates = book.rates(person_type=person_type, on=period)
    if person_type == "flexible":
        bounds = book.grade_bounds(period)
        grade = ratio
        if grade is None:
            in_force = flexible_grade_on(person=person, month=period)
            grade = in_force.ratio if in_force else bounds.minimum  # no grade ever chosen: the lowest
        return contribution_month(
            person_type=person_type,
            month=period,
            limits=limits,
            rates=rates,
            grade=grade,
            insurances=insurances,
            grade_bounds=bounds,
        )
    injury = book.injury_rate(risk_class=risk_class, on=period) if "injury" in insurances else None
    return contribution_month(
        person_type=person_type,
        month=period,
        limits=limits,
        rates=rates,
        wage=wage if wage is not None else limits.floor,
        injury=injury,
        insurances=insurances,
    )


def backpay_quote(
    *,
    person: Person,
    start_month: dt.date,
    end_month: dt.date,
    as_of: dt.date,
    ratio: Decimal | None = None,
    person_type: str | None = None,
    wage: Decimal | None = None,
    risk_class: int = 1,
    insurances: tuple[str, ...] = ("pension",),
    region: str = "wuhan",
) -> BackpayQuote:
    """Per month of [start_month, end_month]: base, amounts at that month's rates, the due date
    and the charge to ``as_of`` (its BackpayCharge row); and the totals. Months that already
    have a contribution record are not an interruption and are refused by name."""
    start, end = month_start(start_month), month_start(end_month)
    if end < start:
        raise InvalidInput("截止月份不能早于起始月份", "The end month is before the start month", field="period_to")
    if end > month_start(as_of):
        raise InvalidInput("补缴月份不能晚于本月", "A back-payment month cannot be in the future", field="period_to")
    periods = months_between(start, end)
    if len(periods) > MAX_MONTHS:
        raise InvalidInput(
            f"一次补缴最多{MAX_MONTHS}个月", f"At most {MAX_MONTHS} months in one back-payment", field="period_from"
        )
    person_type = person_type or ("flexible" if person.category == Person.Category.FLEXIBLE else "employee")
    taken = list(
        ContributionMonth.objects.filter(person=person, period__gte=start, period__lte=end)
        .order_by("period")
        .values_list("period", flat=True)
    )
    if taken:
        listed = "、".join(f"{p:%Y-%m}" for p in taken[:12])
        raise InvalidInput(
            f"以下月份已有缴费记录，不属于中断期：{listed}",
            f"These months already have a contribution record: {', '.join(f'{p:%Y-%m}' for p in taken[:12])}",
            field="period_from",
        )
    book = rulebook_load(region=region)
    if ratio is not None and person_type == "flexible":
        for bounds in {book.grade_bounds(period) for period in periods}:
            grade_check(ratio, bounds)
    months = []
    for period in periods:
        calc = _month_calc(
            book=book,
            person=person,
            person_type=person_type,
            period=period,
            ratio=ratio,
            wage=wage,
            risk_class=risk_class,
            insurances=insurances,
        )
        rule = book.late_fee(month_end(period))
        charge = book.backpay_charge(person_type=person_type, on=period)
        due = due_date(period, grace_days=rule.grace_days)
        late = backpay_charge(
            charge=charge.charge,
            amount=calc.total,
            due=due,
            as_of=as_of,
            daily_rate=rule.daily_rate,
            annual_rate=charge.annual_rate,
            rules=(charge.ref(), rule.ref()) if charge.charge == "late_fee" else (charge.ref(),),
        )
        months.append(BackpayMonth(period, calc, due, late, rule.id, charge.id))
    return BackpayQuote(
        person_type=person_type,
        start_month=start,
        end_month=end,
        as_of=as_of,
        months=tuple(months),
        employer_total=sum((m.calc.employer_total for m in months), ZERO),
        personal_total=sum((m.calc.personal_total for m in months), ZERO),
        late_fee_total=sum((m.late.fee for m in months), ZERO),
        account_credit_total=sum((m.calc.account_credit for m in months), ZERO),
    )


def _ledger_row(person: Person, unit: Unit | None, month: BackpayMonth, bill: Bill) -> ContributionMonth:
    row = ContributionMonth(
        person=person,
        unit=unit,
        period=month.period,
        base=month.calc.base,
        account_credit=month.calc.account_credit,
        status=ContributionMonth.Status.DUE,
        bill=bill,
        rules={
            **month.calc.rule_ids(),
            "BackpayCharge": month.charge_rule,
            "charge": month.late.charge,
            "LateFeeRule:daily_rate": month.late_fee_rule,
            "late_fee": str(month.late.fee),
        },
    )
    for line in month.calc.lines:
        if line.employer is not None:
            setattr(row, f"{line.insurance}_employer", line.employer)
        if line.personal is not None:
            setattr(row, f"{line.insurance}_personal", line.personal)
    return row


def backpay_create(
    *,
    actor: Account | None,
    person: Person,
    start_month: dt.date,
    end_month: dt.date,
    ratio: Decimal | None = None,
    unit: Unit | None = None,
    case_number: str = "",
) -> Bill:
    """Write the back-payment: one ledger row per month (status due) and one bill of kind
    back_payment for the payer (the unit for an employee's period, else the person), due at
    the end of the current month, asking for the quote's contributions and charge to today
    (``late_fee``); provisional (``carried_forward``) when a month used a carried-forward row.
    Months credited to the account once paid (accounts.py)."""
    today = timezone.localdate()
    with transaction.atomic():
        # the person row serialises two back-payments of one person
        Person.objects.select_for_update().filter(pk=person.pk).first()
        quote = backpay_quote(
            person=person,
            start_month=start_month,
            end_month=end_month,
            as_of=today,
            ratio=ratio,
            person_type="employee" if unit is not None else None,
            risk_class=unit.injury_risk_class if unit is not None else 1,
        )
        bill = Bill.objects.create(
            unit=unit,
            person=None if unit is not None else person,
            period=quote.start_month,
            kind=Bill.Kind.BACK_PAYMENT,
            employer_total=quote.employer_total,
            personal_total=quote.personal_total,
            late_fee=quote.late_fee_total,
            due_date=month_end(today),
            carried_forward=[ref.as_dict() for ref in quote.carried_forward],
        )
        ContributionMonth.objects.bulk_create([_ledger_row(person, unit, m, bill) for m in quote.months])
        audit.record(
            actor=actor,
            action="backpay.create",
            subject_type="contributions.Bill",
            subject_id=bill.pk,
            subject_person=person.id_number,
            after={
                "case": case_number,
                "from": quote.start_month,
                "to": quote.end_month,
                "months": len(quote.months),
                "contributions": quote.contributions_total,
                "late_fee": quote.late_fee_total,
                "total": quote.total,
                "provisional": quote.provisional,
            },
        )
    return bill

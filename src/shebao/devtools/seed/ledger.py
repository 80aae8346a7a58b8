"""The demo's monthly ledger (缴费明细): the last months assessed by the real monthly job (月度核定)
and paid through the bank on their due dates, the most recent month left open and a few
earlier bills unpaid — so a citizen's months, a unit's bills and receipts, the window's arrears
and the personal account show rows made by the same code as production, not fixtures.

The years before are the annual records (``ContributionYear``) the people seed writes.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Exists, OuterRef

from shebao.contributions.models import Bill, ContributionYear, DeclaredBase, FlexibleGrade
from shebao.contributions.rulebook import grade_bounds_on
from shebao.contributions.rules import grade_nearest, month_add
from shebao.contributions.selectors import bill_amount_due
from shebao.contributions.services import arrears_mark, assessment_run, payment_record
from shebao.core.channels import Channel
from shebao.core.errors import InvalidInput
from shebao.devtools.seed.rates import average_wage
from shebao.registry.models import Employment, InsuredStatus, Person

MONTHS = 3  # assessed months, ending with last month
UNPAID_SHARE = 0.04  # earlier bills left unpaid: the window's real-time arrears have something to collect


def _grades(effective: dt.date) -> int:
    """A grade for each enrolled flexible worker without one: the share of the average wage their
    latest annual record was paid at, the nearest grade the grade rule row allows."""
    enrolled = InsuredStatus.objects.filter(person=OuterRef("pk"), insurance="pension", status="active")
    graded = FlexibleGrade.objects.filter(person=OuterRef("pk"))
    people = Person.objects.filter(category=Person.Category.FLEXIBLE).filter(Exists(enrolled), ~Exists(graded))
    latest = {
        row.person_id: row
        for row in ContributionYear.objects.filter(person__in=people, insurance="pension", months__gt=0).order_by(
            "person_id", "year"
        )
    }
    grades = []
    bounds = grade_bounds_on(on=effective)
    for person_id in people.values_list("pk", flat=True):
        row = latest.get(person_id)
        share = (row.base_total / row.months / average_wage(row.year) if row is not None else bounds.minimum).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )
        ratio = grade_nearest(share, bounds)
        grades.append(FlexibleGrade(person_id=person_id, ratio=ratio, effective_month=effective))
    FlexibleGrade.objects.bulk_create(grades)
    return len(grades)


def _declared_bases(year: int) -> int:
    """Each employee's declared wage for ``year`` (缴费基数申报), from the monthly base of their
    latest annual record at that unit: the assessment then clamps it, as it does every wage."""
    done = set(DeclaredBase.objects.filter(year=year).values_list("unit_id", "person_id"))
    rows = {}
    for record in ContributionYear.objects.filter(unit__isnull=False, insurance="pension", months__gt=0).order_by(
        "year"
    ):
        rows[(record.unit_id, record.person_id)] = (record.base_total / record.months).quantize(Decimal("0.01"))
    current = Employment.objects.filter(end__isnull=True).values_list("unit_id", "person_id")
    bases = [
        DeclaredBase(unit_id=unit_id, person_id=person_id, year=year, wage=rows[(unit_id, person_id)])
        for unit_id, person_id in current
        if (unit_id, person_id) in rows and (unit_id, person_id) not in done
    ]
    DeclaredBase.objects.bulk_create(bases)
    return len(bases)


def write_demo_ledger(*, today: dt.date, seed: int = 0) -> dict[str, int]:
    """Assess the ``MONTHS`` months before ``today``'s and pay their bills as a bank would on
    each due date, but for the last month (still open) and a few unpaid ones; then mark arrears.
    Months without rule rows (a demo run years from now) are skipped."""
    rng = random.Random(f"{seed}:ledger")
    last = month_add(today.replace(day=1), -1)
    periods = [month_add(last, -k) for k in reversed(range(MONTHS))]
    grades = _grades(periods[0])
    declared = _declared_bases(periods[0].year)
    assessed = []
    for period in periods:
        try:
            assessment_run(period=period, actor=None)  # inside the seed's transaction: chunks run inline
        except InvalidInput:
            continue
        assessed.append(period)
    paid = 0
    for bill in Bill.objects.filter(period__in=assessed, status=Bill.Status.OPEN).exclude(period=last).order_by("pk"):
        if rng.random() < UNPAID_SHARE:
            continue
        on = min(bill.due_date, today)
        payment_record(
            actor=None,
            bill=bill,
            amount=bill_amount_due(bill=bill, as_of=on),
            key=f"demo-ledger-{bill.pk}",
            channel=Channel.BANK,
            bank_ref=f"DEMO{bill.pk:08d}",
            debited_on=on,
        )
        paid += 1
    return {
        "grades": grades,
        "declared_bases": declared,
        "months": len(assessed),
        "bills_paid": paid,
        "months_in_arrears": arrears_mark(as_of=today),
    }

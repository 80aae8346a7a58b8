"""The demo's monthly ledger (缴费明细) and personal accounts, made by the production code:

- the annual records (``ContributionYear``) the people seed writes are loaded into the ledger
  and the personal accounts by the history job (``contributions.history``), as the records of
  the system before would be;
- every month after the last annual record, up to last month, is assessed by the real monthly
  job (月度核定) and paid through the bank on its due date, the most recent month left open and
  a few earlier bills unpaid — so there is no gap between the history and the ledger;
- then the year-end interest job credits every closed year whose rate is published.

So a citizen's months, the home page, the personal account, a unit's bills and receipts and
the window's arrears all show rows made by the same code as production, not fixtures.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Exists, Max, OuterRef

from shebao.contributions.accounts import ACCOUNT_INTEREST
from shebao.contributions.history import HISTORY_LOAD, interest_year_latest
from shebao.contributions.models import AccountEntry, Bill, ContributionYear, DeclaredBase, FlexibleGrade
from shebao.contributions.rulebook import grade_bounds_on
from shebao.contributions.rules import grade_nearest
from shebao.contributions.selectors import bill_amount_due
from shebao.contributions.services import arrears_mark, assessment_run, payment_record
from shebao.core.channels import Channel
from shebao.core.errors import InvalidInput
from shebao.core.jobs import job_create, job_run
from shebao.core.months import month_add
from shebao.devtools.seed.rates import average_wage
from shebao.registry.models import Employment, InsuredStatus, Person

MONTHS = 3  # at least these months are assessed, ending with last month
MAX_MONTHS = 24  # and at most these: a demo run years after the records does not assess every month since
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


def ledger_periods(*, today: dt.date) -> list[dt.date]:
    """The months the demo assesses: from the month after the last annual record (at least
    ``MONTHS``, at most ``MAX_MONTHS``) to last month."""
    last = month_add(today.replace(day=1), -1)
    records_end = ContributionYear.objects.aggregate(y=Max("year"))["y"]
    first = dt.date(records_end + 1, 1, 1) if records_end is not None else last
    first = min(first, month_add(last, -(MONTHS - 1)))
    first = max(first, month_add(last, -(MAX_MONTHS - 1)))
    count = (last.year - first.year) * 12 + last.month - first.month + 1
    return [month_add(first, k) for k in range(count)]


def _run(kind: str, params: dict[str, object]) -> None:
    job_run(job_id=job_create(kind=kind, params=params).pk)  # inside the seed's transaction: chunks run inline


def write_demo_ledger(*, today: dt.date, seed: int = 0) -> dict[str, int]:
    """Load the annual records into the ledger and the accounts; assess the months after them up
    to last month and pay their bills as a bank would on each due date, but for the last month
    (still open) and a few unpaid ones; mark arrears; credit each closed year's interest.
    Months without rule rows (a demo run years from now) are skipped."""
    rng = random.Random(f"{seed}:ledger")
    _run(HISTORY_LOAD.name, {})
    periods = ledger_periods(today=today)
    last = periods[-1]
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
    in_arrears = arrears_mark(as_of=today)
    interest_year = interest_year_latest(today=today)
    if interest_year is not None:
        _run(ACCOUNT_INTEREST.name, {"year": interest_year})
    return {
        "grades": grades,
        "declared_bases": declared,
        "months": len(assessed),
        "bills_paid": paid,
        "months_in_arrears": in_arrears,
        "interest_entries": AccountEntry.objects.filter(kind=AccountEntry.Kind.INTEREST).count(),
    }

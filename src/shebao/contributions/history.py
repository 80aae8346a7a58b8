"""历年缴费记录: the annual records (``ContributionYear``, carried over from the system before
the monthly ledger) made into ledger months, so that a person's whole history is one monthly
ledger — what ``/my/contributions/`` lists month by month, what the personal account is
credited from (``accounts``), and what the annual statement will read.

An annual record says how many months of a year were paid and the year's totals, not which
months. The months are placed by :func:`record_months`: the months the person was employed
that year (any unit, from the registry's employment spells) for an employer's record, the
latest of them when there are more than the record counts (an interruption is taken at the
start); the latest months of the year otherwise (a flexible worker's record, or spells that do
not cover enough months). Amounts are spread evenly to the fen with the rounding difference in
the last month, so the months of a record add up to it exactly. A month already in the ledger
keeps its ledger row: history never overwrites what the monthly assessment wrote.

Loading is idempotent (the ``(person, period)`` constraint of the ledger, with the person row
locked) and runs as the chunked job ``contributions.history_load`` for many persons.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from shebao.contributions.accounts import account_credit_rows, account_interest_range
from shebao.contributions.models import ContributionMonth, ContributionYear, InterestRate
from shebao.contributions.rules import MONTHS_IN_YEAR
from shebao.core import audit
from shebao.core.channels import Channel
from shebao.core.jobs import JobKind, id_span
from shebao.core.models import Account
from shebao.core.money import FEN
from shebao.registry.models import Employment, Person

# (employer column, individual column) of the ledger for each insurance of an annual record
COLUMNS: dict[str, tuple[str, str | None]] = {
    "pension": ("pension_employer", "pension_personal"),
    "medical": ("medical_employer", "medical_personal"),
    "unemployment": ("unemployment_employer", "unemployment_personal"),
    "injury": ("injury_employer", None),
    "maternity": ("maternity_employer", None),
}


def split_evenly(total: Decimal, parts: int) -> list[Decimal]:
    """``total`` as ``parts`` monthly amounts to the fen (half up), the difference in the last,
    so that they add up to ``total`` exactly: 4318.08 / 12 → 12 × 359.84; 100.00 / 3 → 33.33,
    33.33, 33.34."""
    if parts < 1:
        raise ValueError("at least one part")
    each = (total / parts).quantize(FEN, rounding=ROUND_HALF_UP)
    return [each] * (parts - 1) + [total - each * (parts - 1)]


def record_months(*, months: int, employed: Sequence[int] = ()) -> list[int]:
    """The month numbers (1-12, ascending) an annual record of ``months`` months is placed in:
    the latest ``months`` of ``employed`` (the months the person was employed that year), made
    up with the latest other months when ``employed`` has fewer. Pure."""
    if not 1 <= months <= MONTHS_IN_YEAR:
        raise ValueError(f"months must be 1-12, got {months}")
    known = sorted(set(employed))
    if len(known) >= months:
        return known[len(known) - months :]
    others = [m for m in range(1, MONTHS_IN_YEAR + 1) if m not in known]
    return sorted(known + others[len(others) - (months - len(known)) :])


def _employed_months(spells: list[tuple[int, dt.date, dt.date | None]], year: int) -> dict[int, int]:
    """Month number → unit id of the months of ``year`` some spell covers (a later spell wins)."""
    covered: dict[int, int] = {}
    for unit_id, start, end in sorted(spells, key=lambda s: s[1]):
        for month in range(1, MONTHS_IN_YEAR + 1):
            first = dt.date(year, month, 1)
            last = (dt.date(year + 1, 1, 1) if month == 12 else dt.date(year, month + 1, 1)) - dt.timedelta(days=1)
            if start <= last and (end is None or end >= first):
                covered[month] = unit_id
    return covered


def _plan(
    records: list[ContributionYear], spells: list[tuple[int, dt.date, dt.date | None]]
) -> dict[dt.date, dict[str, Any]]:
    """Period → the ledger row's fields, from the records (pension first, so its base leads)."""
    rows: dict[dt.date, dict[str, Any]] = {}
    order = {name: i for i, name in enumerate(COLUMNS)}
    by_year: dict[int, list[ContributionYear]] = defaultdict(list)
    for record in records:
        by_year[record.year].append(record)
    for year, year_records in sorted(by_year.items()):
        employed = _employed_months(spells, year)
        for record in sorted(year_records, key=lambda r: order.get(r.insurance, 99)):
            if record.insurance not in COLUMNS:
                continue
            months = record_months(months=record.months, employed=sorted(employed) if record.unit_id else ())
            bases = split_evenly(record.base_total, len(months))
            employer = split_evenly(record.employer_amount, len(months))
            personal = split_evenly(record.personal_amount, len(months))
            credit = split_evenly(record.account_credit, len(months))
            employer_column, personal_column = COLUMNS[record.insurance]
            for i, month in enumerate(months):
                period = dt.date(year, month, 1)
                row = rows.setdefault(
                    period,
                    {
                        "base": bases[i],
                        "unit_id": employed.get(month, record.unit_id) if record.unit_id else None,
                        "account_credit": Decimal("0.00"),
                        "rules": {"source": "annual_record", "records": {}},
                    },
                )
                row[employer_column] = employer[i]
                if personal_column is not None:
                    row[personal_column] = personal[i]
                if record.insurance == "pension":
                    # only the pension's share goes to the pension personal account (8%, 国发〔2005〕38号)
                    row["account_credit"] = credit[i]
                row["rules"]["records"][record.insurance] = record.pk
    return rows


def history_load_persons(*, person_ids: Sequence[int], actor: Account | None = None) -> dict[str, int]:
    """Make the annual records of the persons ``person_ids`` into paid ledger months and credit
    them to the personal accounts, in one transaction with one audit event: a few grouped reads
    and bulk writes for the whole set. Returns the months written and credited (0 for persons
    loaded before: the months are there)."""
    ids = sorted(set(person_ids))
    if not ids:
        return {"persons": 0, "months": 0, "credited": 0}
    with transaction.atomic():
        list(Person.objects.select_for_update().filter(pk__in=ids).values_list("pk", flat=True))
        records: dict[int, list[ContributionYear]] = defaultdict(list)
        for record in ContributionYear.objects.filter(person_id__in=ids, months__gt=0).order_by(
            "person_id", "year", "insurance"
        ):
            records[record.person_id].append(record)
        spells: dict[int, list[tuple[int, dt.date, dt.date | None]]] = defaultdict(list)
        for person_id, unit_id, start, end in Employment.objects.filter(person_id__in=list(records)).values_list(
            "person_id", "unit_id", "start", "end"
        ):
            spells[person_id].append((unit_id, start, end))
        taken: dict[int, set[dt.date]] = defaultdict(set)
        years = {r.year for rows in records.values() for r in rows}
        if years:
            ledger = ContributionMonth.objects.filter(
                person_id__in=list(records),
                period__gte=dt.date(min(years), 1, 1),
                period__lte=dt.date(max(years), 12, 1),
            ).values_list("person_id", "period")
            for person_id, period in ledger:
                taken[person_id].add(period)
        new = [
            ContributionMonth(person_id=person_id, period=period, status=ContributionMonth.Status.PAID, **fields)
            for person_id, person_records in records.items()
            for period, fields in sorted(_plan(person_records, spells[person_id]).items())
            if period not in taken[person_id]
        ]
        months = ContributionMonth.objects.bulk_create(new, batch_size=1000)
        if not months:
            return {"persons": 0, "months": 0, "credited": 0}
        credited = account_credit_rows(rows=months)
        persons = len({m.person_id for m in months})
        single = Person.objects.get(pk=months[0].person_id) if persons == 1 else None
        audit.record(
            actor=actor,
            action="contributions.history.load",
            subject_type="registry.Person",
            subject_id=single.pk if single else f"{ids[0]}-{ids[-1]}",
            subject_person=single.id_number if single else "",
            after={
                "persons": persons,
                "months": len(months),
                "first": min(m.period for m in months),
                "last": max(m.period for m in months),
                "credited": credited,
                "amount": sum((m.account_credit for m in months), Decimal("0.00")),
            },
            channel=Channel.SYSTEM,
        )
    return {"persons": persons, "months": len(months), "credited": credited}


def history_load(*, person: Person, actor: Account | None = None) -> int:
    """One person's annual records into the ledger and the account (see
    :func:`history_load_persons`); returns the months written."""
    return history_load_persons(person_ids=[person.pk], actor=actor)["months"]


def interest_year_latest(*, today: dt.date | None = None) -> int | None:
    """The last closed year (before ``today``'s) whose crediting rate is published."""
    today = today or timezone.localdate()
    return (
        InterestRate.objects.filter(year__lt=today.year, provisional=False)
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )


def _plan_load(params: dict[str, Any]) -> list[tuple[int, int]]:
    return id_span(Person.objects.filter(pk__in=ContributionYear.objects.values("person_id")))


def history_load_chunk(*, params: dict[str, Any], lo: int, hi: int) -> dict[str, Any]:
    """The history of persons with ids in [lo, hi], then, with ``params["through_year"]``, their
    accounts brought up to the end of that year (every closed year's interest, 月积数法), so the
    balance of a person whose history was just loaded is the balance the agency would hold."""
    ids = list(
        ContributionYear.objects.filter(person_id__gte=lo, person_id__lte=hi, months__gt=0)
        .values_list("person_id", flat=True)
        .distinct()
    )
    result: dict[str, Any] = history_load_persons(person_ids=ids)
    through = params.get("through_year")
    if through is not None:
        result |= account_interest_range(lo=lo, hi=hi, through_year=int(through))
    return result


HISTORY_LOAD = JobKind(
    name="contributions.history_load",
    title="历年缴费记录入账 / Annual records into the ledger and the account",
    plan=_plan_load,
    run_chunk=history_load_chunk,
    chunk_size=2000,
)

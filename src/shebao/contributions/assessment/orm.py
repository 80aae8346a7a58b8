"""The ORM path (SQLite, and the benchmark's row-by-row reference): each person's month computed
in Python by ``rules.contribution_month``, the calculator's own arithmetic."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Q

from shebao.contributions.assessment.bills import _orm_write
from shebao.contributions.assessment.ruleset import AMOUNT_COLUMNS, COLUMNS, INSURANCES, RuleSet
from shebao.contributions.models import (
    Bill,
    ContributionMonth,
    DeclaredBase,
    FlexibleGrade,
)
from shebao.contributions.rules import contribution_month
from shebao.core.months import month_end
from shebao.registry.models import Employment, InsuredStatus, Person, UnitInsurance


def line_compute(
    *,
    rules: RuleSet,
    person_type: str,
    insured: set[str],
    wage: Decimal | None = None,
    grade: Decimal | None = None,
    risk_class: int | None = None,
) -> dict[str, Any] | None:
    """The columns of one person-month by ``rules.contribution_month`` (the calculator's own
    arithmetic) for the insurances in ``insured`` that are priced; None when none is."""
    charged = [name for name in INSURANCES if name in insured and rules.priced(person_type, name)]
    injury = rules.injury.get(risk_class) if risk_class is not None and "injury" in charged else None
    if "injury" in charged and injury is None:
        charged.remove("injury")
    if not charged:
        return None
    calc = contribution_month(
        person_type=person_type,
        month=rules.period,
        limits=rules.limits,
        rates=rules.rates[person_type],
        wage=wage,
        grade=grade,
        injury=injury,
        insurances=tuple(charged),
    )
    out: dict[str, Any] = dict.fromkeys(AMOUNT_COLUMNS)
    used: dict[str, Any] = {"wage_base": rules.wage_base_id}
    for line in calc.lines:
        for payer, amount in (("employer", line.employer), ("individual", line.personal)):
            if amount is None:
                continue
            if line.insurance == "injury":
                out["injury_employer"] = amount
                used["injury"] = injury.id if injury else None
            else:
                out[COLUMNS[(line.insurance, payer)]] = amount
                ref = rules.rate(person_type, line.insurance, payer)
                used[f"{line.insurance}.{payer}"] = ref.id if ref else None
    if calc.account_credit and "pension" in charged:
        ref = rules.rate(person_type, "pension", "account")
        used["pension.account"] = ref.id if ref else None
    carried = rules.carried_keys(person_type)
    if carried:
        used["carried_forward"] = carried
    out["account_credit"] = calc.account_credit
    out["base"] = calc.base
    out["rules"] = used
    return out


def _overlapping(first: dt.date, last: dt.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}start__lte": last}) & (
        Q(**{f"{prefix}end__isnull": True}) | Q(**{f"{prefix}end__gte": first})
    )


def _insured_units(last: dt.date) -> Any:
    return UnitInsurance.objects.filter(active=True, since__lte=last)


def _orm_units(*, rules: RuleSet, lo: int, hi: int) -> dict[str, int]:
    first, last = rules.period, month_end(rules.period)
    unit_ins: dict[int, set[str]] = {}
    for unit_id, insurance in (
        _insured_units(last).filter(unit_id__gte=lo, unit_id__lte=hi).values_list("unit_id", "insurance")
    ):
        unit_ins.setdefault(unit_id, set()).add(insurance)
    billed = set(
        Bill.objects.filter(unit_id__in=list(unit_ins), period=first, kind=Bill.Kind.MONTHLY).values_list(
            "unit_id", flat=True
        )
    )
    candidates = [
        row
        for row in Employment.objects.filter(_overlapping(first, last), unit_id__in=list(unit_ins)).values(
            "id", "person_id", "unit_id", "start", "unit__injury_risk_class"
        )
        if row["unit_id"] not in billed
    ]
    person_ids = {row["person_id"] for row in candidates}
    # The employment each person is assessed through: the latest start among insured units.
    best: dict[int, tuple[dt.date, int]] = {}
    insured_unit_ids = _insured_units(last).values("unit_id")
    for row in Employment.objects.filter(
        _overlapping(first, last), person_id__in=person_ids, unit_id__in=insured_unit_ids
    ).values("id", "person_id", "start"):
        best[row["person_id"]] = max(best.get(row["person_id"], (dt.date.min, 0)), (row["start"], row["id"]))
    assessed = set(
        ContributionMonth.objects.filter(person_id__in=person_ids, period=first).values_list("person_id", flat=True)
    )
    chosen = [r for r in candidates if best[r["person_id"]][1] == r["id"] and r["person_id"] not in assessed]
    statuses: dict[int, set[str]] = {}
    for person_id, insurance in InsuredStatus.objects.filter(
        person_id__in={r["person_id"] for r in chosen}, status=InsuredStatus.Status.ACTIVE, since__lte=last
    ).values_list("person_id", "insurance"):
        statuses.setdefault(person_id, set()).add(insurance)
    declared: dict[tuple[int, int, int], tuple[int, Decimal]] = {
        (d["unit_id"], d["person_id"], d["year"]): (d["id"], d["wage"])
        for d in DeclaredBase.objects.filter(
            unit_id__in={r["unit_id"] for r in chosen},
            person_id__in={r["person_id"] for r in chosen},
            year__in=(first.year, first.year - 1),
        ).values("id", "unit_id", "person_id", "year", "wage")
    }
    by_unit: dict[int, list[dict[str, Any]]] = {}
    for row in chosen:
        insured = unit_ins[row["unit_id"]] & statuses.get(row["person_id"], set())
        if not insured:
            continue
        found = declared.get((row["unit_id"], row["person_id"], first.year)) or declared.get(
            (row["unit_id"], row["person_id"], first.year - 1)
        )
        line = line_compute(
            rules=rules,
            person_type="employee",
            wage=found[1] if found else rules.floor,
            insured=insured,
            risk_class=row["unit__injury_risk_class"],
        )
        if line is None:
            continue
        if found:
            line["rules"]["declared_base"] = found[0]
        line["person_id"] = row["person_id"]
        line["unit_id"] = row["unit_id"]
        by_unit.setdefault(row["unit_id"], []).append(line)
    return _orm_write(rules=rules, groups=by_unit, payer="unit_id")


def _orm_flexible(*, rules: RuleSet, plo: int, phi: int) -> dict[str, int]:
    first, last = rules.period, month_end(rules.period)
    # Candidates of the range first; every other look-up is by their ids (no NOT IN over a table).
    candidates = set(
        InsuredStatus.objects.filter(
            person_id__gte=plo,
            person_id__lte=phi,
            person__category=Person.Category.FLEXIBLE,
            insurance="pension",
            status=InsuredStatus.Status.ACTIVE,
            since__lte=last,
        ).values_list("person_id", flat=True)
    )
    employed = set(
        Employment.objects.filter(
            _overlapping(first, last), person_id__in=candidates, unit_id__in=_insured_units(last).values("unit_id")
        ).values_list("person_id", flat=True)
    )
    assessed = set(
        ContributionMonth.objects.filter(person_id__in=candidates, period=first).values_list("person_id", flat=True)
    )
    billed = set(
        Bill.objects.filter(person_id__in=candidates, period=first, kind=Bill.Kind.MONTHLY).values_list(
            "person_id", flat=True
        )
    )
    people = sorted(candidates - employed - assessed - billed)
    grades: dict[int, FlexibleGrade] = {}
    for row in FlexibleGrade.objects.filter(person_id__in=people, effective_month__lte=first).order_by(
        "person_id", "effective_month"
    ):
        grades[row.person_id] = row  # the last one in force wins
    medical = set(
        InsuredStatus.objects.filter(
            person_id__in=people, insurance="medical", status=InsuredStatus.Status.ACTIVE, since__lte=last
        ).values_list("person_id", flat=True)
    )
    groups: dict[int, list[dict[str, Any]]] = {}
    for person_id in people:
        grade = grades.get(person_id)
        if grade is None:
            continue
        insured = {"pension"} | ({"medical"} if person_id in medical else set())
        line = line_compute(rules=rules, person_type="flexible", grade=grade.ratio, insured=insured)
        if line is None:
            continue
        line["rules"]["grade"] = grade.pk
        line["person_id"] = person_id
        groups[person_id] = [line]
    return _orm_write(rules=rules, groups=groups, payer="person_id")

"""月度核定 (monthly assessment): bases and rule rows → ``ContributionMonth`` rows and bills.

For a month M (the 费款所属期, stored as its first day):

* **employees** — every person with an employment overlapping M at a unit that has at least
  one active ``UnitInsurance`` (registered on or before M's last day). A person employed by two
  such units in M is assessed once, through the employment that started last (ties: the newer
  row), since the ledger keeps one row per person per month. Base = the unit's
  ``DeclaredBase.wage`` for M's year, else the previous year's, else the floor; clamped to the
  ``WageBase`` in force on the 1st of M (国办发〔2019〕13号). Each insurance the unit registered
  *and* the person is actively insured in is charged at the ``ContributionRate`` rows (work
  injury: the ``InjuryRate`` of the unit's risk class) in force on the 1st of M; the pension
  account credit is ``base × the account rate``.
* **flexible workers** — category flexible, an active pension status, a ``FlexibleGrade`` in
  force in M and no insured employment in M: base = ratio × the average wage, to the fen, kept
  within the published floor and cap; pension (20%, 8% to the account) and, if insured,
  medical at the flexible rates.

One ``Bill`` per unit and per flexible worker, due on M's last day + the ``grace_days`` of the
``LateFeeRule`` in force on the 1st of M (the same due date the back-payment quote uses). A
month after the last published base-limit row (or rate row) is assessed by that row carried
forward: its bills are provisional and name the row (``Bill.carried_forward``).

Idempotent: a unit (or worker) whose monthly bill for M exists is skipped, and so is a person
who already has a row for M; re-running M changes nothing. A unit's bill and its rows are
written in one chunk transaction, so a bill always equals the sum of its rows.

Two paths behind one job kind, ``contributions.assessment``: PostgreSQL runs set-based SQL
(one ``INSERT … SELECT`` per chunk with the bills created in a data-modifying CTE); the ORM
path (SQLite, and the benchmark's row-by-row reference) computes the same figures in Python.
Chunks cover unit id ranges; flexible workers ride in the same job as *virtual* ids above
:data:`FLEX_OFFSET`, each standing for :data:`FLEX_BLOCK` person ids.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Max, Min, Q
from django.utils import timezone

from shebao.contributions.models import (
    Bill,
    ContributionMonth,
    DeclaredBase,
    FlexibleGrade,
)
from shebao.contributions.rulebook import rulebook_load
from shebao.contributions.rules import BaseLimits, RuleRef, carried_forward, contribution_month
from shebao.contributions.rules import due_date as rules_due_date
from shebao.core import audit
from shebao.core.errors import InvalidInput
from shebao.core.jobs import JobKind, Params
from shebao.core.months import month_end, month_start
from shebao.registry.models import Employment, InsuredStatus, Person, Unit, UnitInsurance

JOB_KIND = "contributions.assessment"
DEFAULT_REGION = "wuhan"
FLEX_OFFSET = 1_000_000_000_000  # virtual ids at and above this are flexible-worker blocks
FLEX_BLOCK = 40  # person ids per virtual id: a 1,000-id chunk covers 40,000 person ids
INSURANCES = ("pension", "medical", "unemployment", "injury", "maternity")
FLEXIBLE_INSURANCES = ("pension", "medical")
# (insurance, payer) → ContributionMonth column; work injury is priced by risk class instead.
COLUMNS: dict[tuple[str, str], str] = {
    ("pension", "employer"): "pension_employer",
    ("pension", "individual"): "pension_personal",
    ("medical", "employer"): "medical_employer",
    ("medical", "individual"): "medical_personal",
    ("unemployment", "employer"): "unemployment_employer",
    ("unemployment", "individual"): "unemployment_personal",
    ("maternity", "employer"): "maternity_employer",
}
EMPLOYER_COLUMNS = (
    "pension_employer",
    "medical_employer",
    "unemployment_employer",
    "injury_employer",
    "maternity_employer",
)
PERSONAL_COLUMNS = ("pension_personal", "medical_personal", "unemployment_personal")
AMOUNT_COLUMNS = EMPLOYER_COLUMNS + PERSONAL_COLUMNS


# --- the rule rows in force ------------------------------------------------------------------


@dataclass(frozen=True)
class RuleSet:
    """The rows in force on the 1st of ``period`` for ``region`` (read through the rulebook):
    what one month is assessed by, for both paths."""

    period: dt.date
    region: str
    limits: BaseLimits
    # person_type → (insurance, payer) → the rate row in force
    rates: dict[str, dict[tuple[str, str], RuleRef]] = field(default_factory=dict)
    injury: dict[int, RuleRef] = field(default_factory=dict)
    grace_days: int = 0

    @property
    def wage_base_id(self) -> int:
        return int(self.limits.id or 0)

    @property
    def average(self) -> Decimal:
        return self.limits.average

    @property
    def floor(self) -> Decimal:
        return self.limits.floor

    @property
    def cap(self) -> Decimal:
        return self.limits.cap

    @property
    def due_date(self) -> dt.date:
        return rules_due_date(self.period, grace_days=self.grace_days)

    def rate(self, person_type: str, insurance: str, payer: str) -> RuleRef | None:
        return self.rates.get(person_type, {}).get((insurance, payer))

    def carried(self, person_type: str) -> list[dict[str, Any]]:
        """The rows a bill of ``person_type`` is computed from that were carried forward past
        their period (the bill is then provisional), as stored on the bill."""
        refs = [*self.limits.refs(), *self.rates.get(person_type, {}).values()]
        if person_type == "employee":
            refs += self.injury.values()
        return [ref.as_dict() for ref in carried_forward(refs)]

    def carried_keys(self, person_type: str) -> list[str] | None:
        """The same rows as ledger-row rule keys (``rules.carried_forward``); None when none."""
        return [f"{x['table']}:{x['key']}" for x in self.carried(person_type)] or None

    def priced(self, person_type: str, insurance: str) -> bool:
        """An insurance is charged only where an employer or individual rate is in force."""
        if insurance == "injury":
            return person_type == "employee" and bool(self.injury)
        return any(self.rate(person_type, insurance, payer) for payer in ("employer", "individual"))


def ruleset_for(*, period: dt.date, region: str = DEFAULT_REGION) -> RuleSet:
    """The rule rows in force on the 1st of ``period``. No base limits in force is a clear
    ``InvalidInput``: nothing can be assessed without them."""
    first = month_start(period)
    book = rulebook_load(region=region)
    limits = book.base_limits(first)
    rates: dict[str, dict[tuple[str, str], RuleRef]] = {}
    for person_type in ("employee", "flexible"):
        try:
            rates[person_type] = book.rates(person_type=person_type, on=first)
        except InvalidInput:
            rates[person_type] = {}
    injury: dict[int, RuleRef] = {}
    for risk_class in range(1, 9):
        with contextlib.suppress(InvalidInput):
            injury[risk_class] = book.injury_rate(risk_class=risk_class, on=first)
    try:
        grace = book.late_fee(first).grace_days
    except InvalidInput:
        grace = 0
    return RuleSet(period=first, region=region, limits=limits, rates=rates, injury=injury, grace_days=grace)


# --- one person's month, in Python (the ORM path and the reference) ----------------------------


def clamp(value: Decimal, rules: RuleSet) -> Decimal:
    return min(max(value, rules.floor), rules.cap)


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


def _totals(lines: list[dict[str, Any]]) -> tuple[Decimal, Decimal]:
    employer = sum((line[c] or Decimal(0) for line in lines for c in EMPLOYER_COLUMNS), Decimal("0.00"))
    personal = sum((line[c] or Decimal(0) for line in lines for c in PERSONAL_COLUMNS), Decimal("0.00"))
    return employer, personal


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


def _orm_write(*, rules: RuleSet, groups: dict[int, list[dict[str, Any]]], payer: str) -> dict[str, int]:
    bills = []
    carried = rules.carried("employee" if payer == "unit_id" else "flexible")
    for key, lines in groups.items():
        employer, personal = _totals(lines)
        bills.append(
            Bill(
                **{payer: key},
                period=rules.period,
                kind=Bill.Kind.MONTHLY,
                employer_total=employer,
                personal_total=personal,
                late_fee=Decimal("0.00"),
                due_date=rules.due_date,
                status=Bill.Status.OPEN,
                carried_forward=carried,
            )
        )
    Bill.objects.bulk_create(bills, batch_size=500)
    months = []
    for bill in bills:
        for line in groups[getattr(bill, payer)]:
            months.append(
                ContributionMonth(
                    person_id=line["person_id"],
                    unit_id=line.get("unit_id"),
                    period=rules.period,
                    base=line["base"],
                    account_credit=line["account_credit"],
                    status=ContributionMonth.Status.DUE,
                    bill=bill,
                    rules=line["rules"],
                    **{c: line[c] for c in AMOUNT_COLUMNS},
                )
            )
    ContributionMonth.objects.bulk_create(months, batch_size=1000)
    return {"bills": len(bills), "months": len(months)}


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


# --- the set-based SQL path (PostgreSQL) -----------------------------------------------------

_FLAGS = ", ".join(f"bool_or(insurance = '{name}') AS {name}" for name in INSURANCES)


def _sql_params(rules: RuleSet, person_type: str) -> dict[str, Any]:
    params: dict[str, Any] = {
        "first": rules.period,
        "last": month_end(rules.period),
        "year": rules.period.year,
        "floor": rules.floor,
        "cap": rules.cap,
        "average": rules.average,
        "wb_id": rules.wage_base_id,
        "due": rules.due_date,
        "now": timezone.now(),
        "carried": json.dumps(rules.carried(person_type)),
        "carried_keys": json.dumps(rules.carried_keys(person_type)),
    }
    for insurance, payer in [*COLUMNS, ("pension", "account")]:
        found = rules.rate(person_type, insurance, payer)
        params[f"id_{insurance}_{payer}"] = found.id if found else None
        params[f"r_{insurance}_{payer}"] = found.value if found else None
    classes = sorted(rules.injury)
    params["inj_cls"] = classes
    params["inj_id"] = [rules.injury[c].id for c in classes]
    params["inj_rate"] = [rules.injury[c].value for c in classes]
    return params


def _amount_sql(flag: dict[str, str]) -> tuple[str, str]:
    """The SELECT list computing each column and the rules JSON from ``base`` and the flags."""
    parts = []
    for (insurance, payer), column in COLUMNS.items():
        parts.append(
            f"CASE WHEN {flag[insurance]} THEN round(l.base * %(r_{insurance}_{payer})s::numeric, 2) END AS {column}"
        )
    parts.append(f"CASE WHEN {flag['injury']} THEN round(l.base * ir.rate, 2) END AS injury_employer")
    parts.append(
        f"CASE WHEN {flag['pension']} AND %(r_pension_account)s::numeric IS NOT NULL "
        "THEN round(l.base * %(r_pension_account)s::numeric, 2) ELSE 0 END AS account_credit"
    )
    keys = [f"'{ins}.{payer}', CASE WHEN {flag[ins]} THEN %(id_{ins}_{payer})s::int END" for ins, payer in COLUMNS]
    keys.append(f"'pension.account', CASE WHEN {flag['pension']} THEN %(id_pension_account)s::int END")
    keys.append(f"'injury', CASE WHEN {flag['injury']} THEN ir.rid END")
    keys.append("'carried_forward', %(carried_keys)s::jsonb")
    return ",\n      ".join(parts), ", ".join(keys)


def _tables() -> dict[str, str]:
    return {
        "employment": Employment._meta.db_table,
        "unit": Unit._meta.db_table,
        "unitins": UnitInsurance._meta.db_table,
        "status": InsuredStatus._meta.db_table,
        "declared": DeclaredBase._meta.db_table,
        "cm": ContributionMonth._meta.db_table,
        "bill": Bill._meta.db_table,
        "grade": FlexibleGrade._meta.db_table,
        "person": Person._meta.db_table,
    }


# A bill that exists already (a concurrent run of the same chunk) is skipped with its rows: the
# rows join the bills this statement inserted. A row is inserted without ON CONFLICT: a person
# assessed meanwhile through another bill (an employment changed during the run) must fail the
# chunk — to be retried, when the NOT EXISTS above skips the person — rather than leave a bill
# whose total is not the sum of its rows.
_WRITE_SQL = """
bills AS (
  INSERT INTO {bill} (unit_id, person_id, period, kind, employer_total, personal_total, late_fee, due_date,
                      status, created_at, carried_forward)
  SELECT {bill_unit}, {bill_person}, %(first)s, 'monthly',
         sum({employer_sum}), sum({personal_sum}), 0, %(due)s, 'open', %(now)s, %(carried)s::jsonb
  FROM amounts GROUP BY {payer}
  ON CONFLICT DO NOTHING
  RETURNING id, {payer}
),
written AS (
  INSERT INTO {cm} (person_id, unit_id, period, base, pension_employer, pension_personal, medical_employer,
                    medical_personal, unemployment_employer, unemployment_personal, injury_employer,
                    maternity_employer, account_credit, status, bill_id, rules)
  SELECT a.person_id, a.unit_id, %(first)s, a.base, a.pension_employer, a.pension_personal, a.medical_employer,
         a.medical_personal, a.unemployment_employer, a.unemployment_personal, a.injury_employer,
         a.maternity_employer, a.account_credit, 'due', b.id, a.rules
  FROM amounts a JOIN bills b ON b.{payer} = a.{payer}
  RETURNING 1
)
SELECT (SELECT count(*) FROM bills), (SELECT count(*) FROM written)
"""


def _write_sql(payer: str) -> str:
    employer_sum = " + ".join(f"COALESCE({c}, 0)" for c in EMPLOYER_COLUMNS)
    personal_sum = " + ".join(f"COALESCE({c}, 0)" for c in PERSONAL_COLUMNS)
    return _WRITE_SQL.format(
        payer=payer,
        bill_unit="unit_id" if payer == "unit_id" else "NULL::bigint",
        bill_person="person_id" if payer == "person_id" else "NULL::bigint",
        employer_sum=employer_sum,
        personal_sum=personal_sum,
        **{k: v for k, v in _tables().items() if k in ("bill", "cm")},
    )


# "Already assessed?" is asked with OFFSET 0 in the subquery: the planner then cannot turn it
# into a hash anti-join. The ledger grows by millions of rows during one run while the
# statistics (taken before it) say the month is empty, so a hash anti-join would scan the whole
# growing table in every chunk (quadratic: 746 s measured); a per-row probe of the unique
# (person, period) index costs the same in every chunk.
_EMPLOYEE_SQL = """
WITH units AS (
  SELECT x.unit_id, u.injury_risk_class AS risk, {flags}
  FROM {unitins} x JOIN {unit} u ON u.id = x.unit_id
  WHERE x.unit_id BETWEEN %(lo)s AND %(hi)s AND x.active AND x.since <= %(last)s
    AND NOT EXISTS (SELECT 1 FROM {bill} b WHERE b.unit_id = x.unit_id AND b.period = %(first)s
                    AND b.kind = 'monthly' OFFSET 0)
  GROUP BY x.unit_id, u.injury_risk_class
),
emp AS (
  SELECT e.person_id, e.unit_id
  FROM {employment} e
  WHERE e.unit_id BETWEEN %(lo)s AND %(hi)s
    AND e.start <= %(last)s AND (e."end" IS NULL OR e."end" >= %(first)s)
    AND NOT EXISTS (
      SELECT 1 FROM {employment} e2
      WHERE e2.person_id = e.person_id AND e2.id <> e.id
        AND e2.start <= %(last)s AND (e2."end" IS NULL OR e2."end" >= %(first)s)
        AND (e2.start > e.start OR (e2.start = e.start AND e2.id > e.id))
        AND EXISTS (SELECT 1 FROM {unitins} x WHERE x.unit_id = e2.unit_id AND x.active AND x.since <= %(last)s))
    AND NOT EXISTS (SELECT 1 FROM {cm} c WHERE c.person_id = e.person_id AND c.period = %(first)s OFFSET 0)
),
pins AS (
  SELECT person_id, {flags} FROM {status}
  WHERE person_id IN (SELECT person_id FROM emp) AND status = 'active' AND since <= %(last)s GROUP BY person_id
),
declared AS (
  SELECT DISTINCT ON (unit_id, person_id) unit_id, person_id, id, wage FROM {declared}
  WHERE unit_id BETWEEN %(lo)s AND %(hi)s AND year IN (%(year)s, %(year)s - 1)
  ORDER BY unit_id, person_id, year DESC
),
lines AS (
  SELECT emp.person_id, emp.unit_id, ui.risk,
         (ui.pension AND pi.pension) AS f_pension, (ui.medical AND pi.medical) AS f_medical,
         (ui.unemployment AND pi.unemployment) AS f_unemployment, (ui.injury AND pi.injury) AS f_injury,
         (ui.maternity AND pi.maternity) AS f_maternity,
         LEAST(GREATEST(COALESCE(d.wage, %(floor)s), %(floor)s), %(cap)s) AS base,
         d.id AS declared_id
  FROM emp
  JOIN units ui ON ui.unit_id = emp.unit_id
  JOIN pins pi ON pi.person_id = emp.person_id
  LEFT JOIN declared d ON d.unit_id = emp.unit_id AND d.person_id = emp.person_id
),
amounts AS (
  SELECT l.person_id, l.unit_id, l.base,
      {amounts},
      jsonb_strip_nulls(jsonb_build_object('wage_base', %(wb_id)s::int, 'declared_base', l.declared_id, {keys}))
        AS rules
  FROM lines l
  LEFT JOIN unnest(%(inj_cls)s::int[], %(inj_id)s::int[], %(inj_rate)s::numeric[]) AS ir(cls, rid, rate)
    ON ir.cls = l.risk
  WHERE {where}
),
"""

_FLEXIBLE_SQL = """
WITH fx AS (
  SELECT p.id AS person_id,
         (SELECT g.id FROM {grade} g WHERE g.person_id = p.id AND g.effective_month <= %(first)s
          ORDER BY g.effective_month DESC LIMIT 1) AS grade_id
  FROM {person} p
  WHERE p.id BETWEEN %(lo)s AND %(hi)s AND p.category = 'flexible'
    AND EXISTS (SELECT 1 FROM {status} s WHERE s.person_id = p.id AND s.insurance = 'pension'
                AND s.status = 'active' AND s.since <= %(last)s)
    AND NOT EXISTS (
      SELECT 1 FROM {employment} e WHERE e.person_id = p.id
        AND e.start <= %(last)s AND (e."end" IS NULL OR e."end" >= %(first)s)
        AND EXISTS (SELECT 1 FROM {unitins} x WHERE x.unit_id = e.unit_id AND x.active AND x.since <= %(last)s))
    AND NOT EXISTS (SELECT 1 FROM {cm} c WHERE c.person_id = p.id AND c.period = %(first)s OFFSET 0)
    AND NOT EXISTS (SELECT 1 FROM {bill} b WHERE b.person_id = p.id AND b.period = %(first)s
                    AND b.kind = 'monthly' OFFSET 0)
),
lines AS (
  SELECT fx.person_id, NULL::bigint AS unit_id, g.id AS grade_id,
         LEAST(GREATEST(round(g.ratio * %(average)s, 2), %(floor)s), %(cap)s) AS base,
         TRUE AS f_pension,
         EXISTS (SELECT 1 FROM {status} s WHERE s.person_id = fx.person_id AND s.insurance = 'medical'
                 AND s.status = 'active' AND s.since <= %(last)s) AS f_medical,
         NULL::int AS risk
  FROM fx JOIN {grade} g ON g.id = fx.grade_id
),
amounts AS (
  SELECT l.person_id, l.unit_id, l.base,
      {amounts},
      jsonb_strip_nulls(jsonb_build_object('wage_base', %(wb_id)s::int, 'grade', l.grade_id, {keys})) AS rules
  FROM lines l
  LEFT JOIN unnest(%(inj_cls)s::int[], %(inj_id)s::int[], %(inj_rate)s::numeric[]) AS ir(cls, rid, rate)
    ON ir.cls = l.risk
  WHERE {where}
),
"""


def _flags(rules: RuleSet, person_type: str, names: tuple[str, ...]) -> tuple[dict[str, str], str]:
    """Per insurance the SQL condition that it is charged (insured on both sides and priced),
    and their disjunction: a person with none gets no row."""
    flag = {}
    for name in INSURANCES:
        if name not in names or not rules.priced(person_type, name):
            flag[name] = "FALSE"
        elif name == "injury":
            flag[name] = "(l.f_injury AND ir.rid IS NOT NULL)"
        else:
            flag[name] = f"l.f_{name}"
    return flag, " OR ".join(f"({cond})" for cond in flag.values())


# The planner's row estimates for these statements (millions, from the joins' product) pass
# jit_above_cost, and compiling them took 0.7 s of a chunk's 3 s (EXPLAIN ANALYZE, bench/README.md);
# each statement runs once per chunk, so compiling never pays. Off for the chunk's transaction.
_NO_JIT = "SET LOCAL jit = off"


def _sql_units(*, rules: RuleSet, lo: int, hi: int) -> dict[str, int]:
    flag, where = _flags(rules, "employee", INSURANCES)
    amounts, keys = _amount_sql(flag)
    sql = _EMPLOYEE_SQL.format(flags=_FLAGS, amounts=amounts, keys=keys, where=where, **_tables()) + _write_sql(
        "unit_id"
    )
    params = {**_sql_params(rules, "employee"), "lo": lo, "hi": hi}
    with connection.cursor() as cursor:
        cursor.execute(_NO_JIT)
        cursor.execute(sql, params)
        bills, months = cursor.fetchone()
    return {"bills": bills, "months": months}


def _sql_flexible(*, rules: RuleSet, plo: int, phi: int) -> dict[str, int]:
    flag, where = _flags(rules, "flexible", FLEXIBLE_INSURANCES)
    amounts, keys = _amount_sql(flag)
    sql = _FLEXIBLE_SQL.format(amounts=amounts, keys=keys, where=where, **_tables()) + _write_sql("person_id")
    params = {**_sql_params(rules, "flexible"), "lo": plo, "hi": phi}
    with connection.cursor() as cursor:
        cursor.execute(_NO_JIT)
        cursor.execute(sql, params)
        bills, months = cursor.fetchone()
    return {"bills": bills, "months": months}


# --- the job kind ----------------------------------------------------------------------------


def path_resolve(path: str) -> str:
    """``auto`` → ``sql`` on PostgreSQL, ``orm`` elsewhere; ``sql`` needs PostgreSQL."""
    if path not in ("auto", "sql", "orm"):
        raise InvalidInput(f"未知的核定方式：{path}", f"Unknown assessment path: {path}", field="path")
    if path == "auto":
        return "sql" if connection.vendor == "postgresql" else "orm"
    if path == "sql" and connection.vendor != "postgresql":
        raise InvalidInput("批量 SQL 核定需要 PostgreSQL", "The bulk SQL path needs PostgreSQL", field="path")
    return path


def _plan(params: Params) -> list[tuple[int, int]]:
    ranges: list[tuple[int, int]] = []
    last = month_end(dt.date.fromisoformat(params["period"]))
    units = UnitInsurance.objects.filter(active=True, since__lte=last).aggregate(lo=Min("unit_id"), hi=Max("unit_id"))
    if units["lo"] is not None:
        ranges.append((units["lo"], units["hi"]))
    people = Person.objects.filter(category=Person.Category.FLEXIBLE).aggregate(lo=Min("id"), hi=Max("id"))
    if people["lo"] is not None:
        ranges.append((FLEX_OFFSET + people["lo"] // FLEX_BLOCK, FLEX_OFFSET + people["hi"] // FLEX_BLOCK))
    return ranges


def _run_chunk(*, params: Params, lo: int, hi: int) -> dict[str, Any]:
    rules = ruleset_for(period=dt.date.fromisoformat(params["period"]), region=params.get("region", DEFAULT_REGION))
    sql = params.get("path") == "sql"
    if lo >= FLEX_OFFSET:
        plo, phi = (lo - FLEX_OFFSET) * FLEX_BLOCK, (hi - FLEX_OFFSET + 1) * FLEX_BLOCK - 1
        counts = _sql_flexible(rules=rules, plo=plo, phi=phi) if sql else _orm_flexible(rules=rules, plo=plo, phi=phi)
        scope = {"persons": [plo, phi]}
    else:
        counts = _sql_units(rules=rules, lo=lo, hi=hi) if sql else _orm_units(rules=rules, lo=lo, hi=hi)
        scope = {"units": [lo, hi]}
    # Last, so the audit chain's lock is held only for the commit, not for the chunk's work.
    if counts["bills"]:
        audit.record(
            actor=None,
            action="contributions.assessment.chunk",
            subject_type="contributions.Bill",
            subject_id=rules.period.isoformat(),
            after={**scope, **counts, "path": params.get("path")},
            channel="system",
        )
    return counts


ASSESSMENT = JobKind(
    name=JOB_KIND,
    title="月度核定 / Monthly assessment",
    plan=_plan,
    run_chunk=_run_chunk,
    chunk_size=1000,
)


def register_job_kinds() -> None:
    """Called from ``ContributionsConfig.ready()``."""
    from shebao.core.jobs import job_kinds

    if JOB_KIND not in job_kinds:
        job_kinds.add(ASSESSMENT)

"""The set-based SQL path (PostgreSQL): one ``INSERT … SELECT`` per chunk computing the same
figures as the ORM path, with the bills created in a data-modifying CTE."""

from __future__ import annotations

import json
from typing import Any

from django.db import connection
from django.utils import timezone

from shebao.contributions.assessment.bills import _tables, _write_sql
from shebao.contributions.assessment.ruleset import COLUMNS, FLEXIBLE_INSURANCES, INSURANCES, RuleSet
from shebao.core.months import month_end

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

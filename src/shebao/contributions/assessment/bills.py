"""One bill per payer (a unit, or a flexible worker) written with its rows in the same statement
or transaction, so that a bill always equals the sum of its rows: in Python for the ORM path,
as a data-modifying CTE for the SQL path."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from shebao.contributions.assessment.ruleset import AMOUNT_COLUMNS, EMPLOYER_COLUMNS, PERSONAL_COLUMNS, RuleSet
from shebao.contributions.models import (
    Bill,
    ContributionMonth,
    DeclaredBase,
    FlexibleGrade,
)
from shebao.registry.models import Employment, InsuredStatus, Person, Unit, UnitInsurance


def _totals(lines: list[dict[str, Any]]) -> tuple[Decimal, Decimal]:
    employer = sum((line[c] or Decimal(0) for line in lines for c in EMPLOYER_COLUMNS), Decimal("0.00"))
    personal = sum((line[c] or Decimal(0) for line in lines for c in PERSONAL_COLUMNS), Decimal("0.00"))
    return employer, personal


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
# chunk — to be retried, when the selection's NOT EXISTS (``sql``) skips the person — rather than leave a bill
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

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

By concern: ``ruleset`` (the rule rows in force, the columns), ``orm`` (the Python path),
``sql`` (the PostgreSQL path), ``bills`` (a bill written with its rows) and ``job`` (the
plan, the chunks, the path chosen). Callers import from the package: its public names are
re-exported here.
"""

from shebao.contributions.assessment.job import (
    ASSESSMENT,
    FLEX_BLOCK,
    FLEX_OFFSET,
    JOB_KIND,
    path_resolve,
    register_job_kinds,
)
from shebao.contributions.assessment.orm import (
    line_compute,
)
from shebao.contributions.assessment.ruleset import (
    AMOUNT_COLUMNS,
    DEFAULT_REGION,
    EMPLOYER_COLUMNS,
    FLEXIBLE_INSURANCES,
    INSURANCES,
    PERSONAL_COLUMNS,
    RuleSet,
    ruleset_for,
)

__all__ = [
    "AMOUNT_COLUMNS",
    "ASSESSMENT",
    "DEFAULT_REGION",
    "EMPLOYER_COLUMNS",
    "FLEXIBLE_INSURANCES",
    "FLEX_BLOCK",
    "FLEX_OFFSET",
    "INSURANCES",
    "JOB_KIND",
    "PERSONAL_COLUMNS",
    "RuleSet",
    "line_compute",
    "path_resolve",
    "register_job_kinds",
    "ruleset_for",
]

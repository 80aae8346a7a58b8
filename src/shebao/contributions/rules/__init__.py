"""Contribution and personal-account arithmetic, pure (no Django): the rule rows come in as
values, every result goes out with its derivation (inputs, rule rows used, steps).

Money is ``Decimal``; each published figure (an amount, an interest, a late fee) is rounded
once, half up to the fen, at the end of its own calculation (DOMAIN.md, "Money"). The named
rules of this package:

- base limits: published floors and caps (whole yuan) as published; computed only where a
  row publishes none (:func:`base_limits_compute`: floor up, cap down to the yuan);
- a flexible worker's grade: the bounds and step of the grade row in force (:func:`grade_check`);
- account interest: one rounding of the whole year's interest (:func:`account_interest`);
- a back-payment's charge: late fee, interest or nothing, as its row says (:func:`backpay_charge`);
- a row used after its own period (no newer row published yet) is *carried forward*: the
  result is marked provisional and names that row (``RuleRef.provisional``).

By concern: ``common`` (the insurances, :class:`RuleRef` and rows carried forward), ``bases``
(limits, clamping, grades), ``contribution`` (one month's amounts), ``interest`` (the personal
account's interest) and ``charges`` (due date, late fee, a back-payment's charge). Pure, like
every rules module: no Django, strict under mypy. Callers import from the package: its public
names are re-exported here.
"""

from shebao.contributions.rules.bases import (
    BaseLimits,
    GradeBounds,
    base_limits_compute,
    base_limits_make,
    clamp_base,
    grade_base,
    grade_check,
    grade_nearest,
)
from shebao.contributions.rules.charges import (
    BACKPAY_CHARGES,
    LateFeeCalc,
    backpay_charge,
    due_date,
    late_fee,
)
from shebao.contributions.rules.common import (
    CAP_SHARE,
    DAYS_IN_YEAR,
    FLOOR_SHARE,
    INSURANCE_NAMES,
    INSURANCES,
    MONTHS_IN_YEAR,
    Round,
    RuleRef,
    carried_forward,
    carried_step,
)
from shebao.contributions.rules.contribution import (
    ContributionCalc,
    InsuranceAmounts,
    contribution_month,
)
from shebao.contributions.rules.interest import (
    InterestCalc,
    InterestLine,
    account_interest,
)

__all__ = [
    "BACKPAY_CHARGES",
    "CAP_SHARE",
    "DAYS_IN_YEAR",
    "FLOOR_SHARE",
    "INSURANCES",
    "INSURANCE_NAMES",
    "MONTHS_IN_YEAR",
    "BaseLimits",
    "ContributionCalc",
    "GradeBounds",
    "InsuranceAmounts",
    "InterestCalc",
    "InterestLine",
    "LateFeeCalc",
    "Round",
    "RuleRef",
    "account_interest",
    "backpay_charge",
    "base_limits_compute",
    "base_limits_make",
    "carried_forward",
    "carried_step",
    "clamp_base",
    "contribution_month",
    "due_date",
    "grade_base",
    "grade_check",
    "grade_nearest",
    "late_fee",
]

"""Pension commands: the only code that writes the pension tables.

By concern: ``retirement`` (YL-001: the checks at the window, the certificate, the retiree
status and the determination at completion; YL-002's redetermination), ``determination``
(compute, approve, replay), ``payments`` (the monthly job, suspension, resumption with back
payment, the payment card, certification, survivors' benefits and the account balance) and
``common`` (who may write, the profile lock, audit and events). Callers import from here.
"""

from shebao.pensions.services.determination import (
    Replay,
    determination_current,
    pension_determination_approve,
    pension_determine,
    pension_replay,
)
from shebao.pensions.services.payments import (
    PAYMENTS,
    PAYMENTS_JOB,
    OneOff,
    Resumption,
    next_unpaid_month,
    payments_issue_range,
    pension_account_change,
    pension_certify,
    pension_inheritance,
    pension_resume,
    pension_survivors,
    pension_suspend,
)
from shebao.pensions.services.retirement import (
    Retirement,
    RetirementPlan,
    base_age_of,
    certificate_number_make,
    certificate_number_valid,
    pension_redetermine,
    pension_retire,
    retirement_plan,
)

__all__ = [
    "PAYMENTS",
    "PAYMENTS_JOB",
    "OneOff",
    "Replay",
    "Resumption",
    "Retirement",
    "RetirementPlan",
    "base_age_of",
    "certificate_number_make",
    "certificate_number_valid",
    "determination_current",
    "next_unpaid_month",
    "payments_issue_range",
    "pension_account_change",
    "pension_certify",
    "pension_determination_approve",
    "pension_determine",
    "pension_inheritance",
    "pension_redetermine",
    "pension_replay",
    "pension_resume",
    "pension_retire",
    "pension_survivors",
    "pension_suspend",
    "retirement_plan",
]

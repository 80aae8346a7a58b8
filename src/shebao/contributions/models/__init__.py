"""Contribution tables: effective-dated rule rows, the monthly ledger, bills and payments, the
pension personal account, and the annual roll-up."""

from shebao.contributions.models.accounts import AccountEntry
from shebao.contributions.models.ledger import (
    BaseDifference,
    Bill,
    ContributionMonth,
    DeclaredBase,
    FlexibleGrade,
    Payment,
)
from shebao.contributions.models.rules import (
    BackpayCharge,
    ContributionRate,
    GradeRule,
    InjuryRate,
    InterestRate,
    LateFeeRule,
    WageBase,
)
from shebao.contributions.models.years import ContributionYear, Insurance

__all__ = [
    "AccountEntry",
    "BackpayCharge",
    "BaseDifference",
    "Bill",
    "ContributionMonth",
    "ContributionRate",
    "ContributionYear",
    "DeclaredBase",
    "FlexibleGrade",
    "GradeRule",
    "InjuryRate",
    "Insurance",
    "InterestRate",
    "LateFeeRule",
    "Payment",
    "WageBase",
]

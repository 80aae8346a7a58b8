"""医疗保险 models: the hospitals register, the reimbursement rule rows, the filings and
approvals that a reimbursement reads, the reimbursements with their payments, and the
military-transferred cadres."""

from shebao.medical.models.account import AccountCreditRule
from shebao.medical.models.cadres import Cadre, CentralDistrictsRule
from shebao.medical.models.filings import CareAuthorisation
from shebao.medical.models.hospitals import Hospital, HospitalLevel, HospitalLocation
from shebao.medical.models.reimbursements import Reimbursement, ReimbursementPayment
from shebao.medical.models.rules import BenefitRule, Confidence, CrossRegionCut, FundLimit

__all__ = [
    "AccountCreditRule",
    "BenefitRule",
    "Cadre",
    "CareAuthorisation",
    "CentralDistrictsRule",
    "Confidence",
    "CrossRegionCut",
    "FundLimit",
    "Hospital",
    "HospitalLevel",
    "HospitalLocation",
    "Reimbursement",
    "ReimbursementPayment",
]

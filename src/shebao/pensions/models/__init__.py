"""The pensions app's tables: the rule rows of the benefit formula (``rules``) and what a
retiree has with the agency (``benefits``)."""

from shebao.pensions.models.benefits import (
    BenefitEvent,
    InjuryBenefit,
    InjuryRecognition,
    JobType,
    NumberSequence,
    PensionDetermination,
    PensionPayment,
    PensionProfile,
    RetirementCertificate,
    SurvivorBenefitRule,
)
from shebao.pensions.models.rules import Confidence, DeemedIndexRule, PensionBase, PensionRuleRow, TransitionRule

__all__ = [
    "BenefitEvent",
    "Confidence",
    "DeemedIndexRule",
    "InjuryBenefit",
    "InjuryRecognition",
    "JobType",
    "NumberSequence",
    "PensionBase",
    "PensionDetermination",
    "PensionPayment",
    "PensionProfile",
    "PensionRuleRow",
    "RetirementCertificate",
    "SurvivorBenefitRule",
    "TransitionRule",
]

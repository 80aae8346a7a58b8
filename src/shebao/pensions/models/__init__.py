"""The pensions app's tables: the rule rows of the benefit formula (``rules``) and what a
retiree has with the agency (``benefits``)."""

from shebao.pensions.models.rules import Confidence, DeemedIndexRule, PensionBase, PensionRuleRow, TransitionRule

__all__ = ["Confidence", "DeemedIndexRule", "PensionBase", "PensionRuleRow", "TransitionRule"]

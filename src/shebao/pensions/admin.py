"""Administrators correct the pension rule rows (计发基数, the transition rule) here, when the
agency's official Hubei/Wuhan table replaces the L figures; every save and delete is an audit
event with the row before and after, in the same transaction (``rule.add`` / ``rule.change`` /
``rule.delete``, as for the contribution rules)."""

from __future__ import annotations

from django.contrib import admin

from shebao.core.audit.admin import AuditedModelAdmin
from shebao.pensions.models import PensionBase, SurvivorBenefitRule, TransitionRule

RULE_FIELDS = ("effective_from", "effective_to", "confidence", "source")


class AuditedRuleAdmin(AuditedModelAdmin):
    audit_action_names = {"add": "rule.add", "change": "rule.change", "delete": "rule.delete"}


@admin.register(PensionBase)
class PensionBaseAdmin(AuditedRuleAdmin):
    list_display = ("region", "year", "amount", *RULE_FIELDS)
    list_filter = ("region", "confidence")


@admin.register(TransitionRule)
class TransitionRuleAdmin(AuditedRuleAdmin):
    list_display = ("region", "coefficient", "deemed_index_rule", "account_start", *RULE_FIELDS)
    list_filter = ("region", "confidence")


@admin.register(SurvivorBenefitRule)
class SurvivorBenefitRuleAdmin(AuditedRuleAdmin):
    """丧葬补助金 / 抚恤金 months (the demo row is an assumption at confidence L: correct it here)."""

    list_display = ("region", "funeral_months", "survivor_months", "effective_from", "confidence", "source")
    list_filter = ("region", "confidence")

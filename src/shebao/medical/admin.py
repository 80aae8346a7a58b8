"""Administrators correct the hospitals register and the medical rule rows here (audited: every
save and delete is an audit event with the row before and after)."""

from __future__ import annotations

from django.contrib import admin

from shebao.core.audit.admin import AuditedModelAdmin
from shebao.medical.models import (
    AccountCreditRule,
    BenefitRule,
    Cadre,
    CentralDistrictsRule,
    CrossRegionCut,
    FundLimit,
    Hospital,
)

RULE_FIELDS = ("effective_from", "effective_to", "confidence", "source")


class AuditedRuleAdmin(AuditedModelAdmin):
    audit_action_names = {"add": "rule.add", "change": "rule.change", "delete": "rule.delete"}


@admin.register(Hospital)
class HospitalAdmin(AuditedModelAdmin):
    list_display = ("code", "name", "level", "designated", "location", "district", "place")
    list_filter = ("level", "designated", "location")
    search_fields = ("code", "name")


@admin.register(BenefitRule)
class BenefitRuleAdmin(AuditedRuleAdmin):
    list_display = ("person_type", "hospital_level", "admission_sequence", "deductible", "rate", *RULE_FIELDS)
    list_filter = ("person_type", "hospital_level", "confidence")


@admin.register(CrossRegionCut)
class CrossRegionCutAdmin(AuditedRuleAdmin):
    list_display = ("filing_type", "cut_points", *RULE_FIELDS)


@admin.register(FundLimit)
class FundLimitAdmin(AuditedRuleAdmin):
    list_display = ("annual_cap", "large_band", "large_rate", *RULE_FIELDS)


@admin.register(AccountCreditRule)
class AccountCreditRuleAdmin(AuditedRuleAdmin):
    list_display = (
        "person_type",
        "personal_share",
        "employer_share",
        "flexible_base_share",
        "monthly_amount",
        *RULE_FIELDS,
    )
    list_filter = ("person_type", "confidence")


@admin.register(CentralDistrictsRule)
class CentralDistrictsRuleAdmin(AuditedRuleAdmin):
    list_display = ("district_codes", *RULE_FIELDS)


@admin.register(Cadre)
class CadreAdmin(AuditedModelAdmin):
    list_display = ("id_number", "name", "residence_district", "management", "managing_office", "split_on")
    list_filter = ("management", "residence_district")
    search_fields = ("id_number", "name")

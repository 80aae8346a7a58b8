"""Administrators correct the rule tables (bases, rates, work-injury classes, crediting rates,
late fees) here; every save and delete is an audit event with the row before and after, in
the same transaction. The ledger tables are read-only here: they change through services."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from shebao.contributions.models import (
    AccountEntry,
    BackpayCharge,
    BaseDifference,
    Bill,
    ContributionRate,
    FlexibleGrade,
    GradeRule,
    InjuryRate,
    InterestRate,
    LateFeeRule,
    Payment,
    WageBase,
)
from shebao.core.audit.admin import AuditedModelAdmin


class AuditedRuleAdmin(AuditedModelAdmin):
    """Saves and deletes a rule row together with its audit event, before and after
    (``rule.add`` / ``rule.change`` / ``rule.delete``)."""

    audit_action_names = {"add": "rule.add", "change": "rule.change", "delete": "rule.delete"}


RULE_FIELDS = ("effective_from", "effective_to", "confidence", "source")


@admin.register(WageBase)
class WageBaseAdmin(AuditedRuleAdmin):
    list_display = ("region", "year", "average", "floor", "cap", *RULE_FIELDS)
    list_filter = ("region", "confidence")


@admin.register(ContributionRate)
class ContributionRateAdmin(AuditedRuleAdmin):
    list_display = ("region", "insurance", "person_type", "payer", "rate", *RULE_FIELDS)
    list_filter = ("region", "insurance", "person_type", "payer", "confidence")


@admin.register(InjuryRate)
class InjuryRateAdmin(AuditedRuleAdmin):
    list_display = ("region", "risk_class", "rate", *RULE_FIELDS)
    list_filter = ("region", "confidence")


@admin.register(InterestRate)
class InterestRateAdmin(AuditedRuleAdmin):
    list_display = ("year", "rate", "provisional", "confidence", "source")
    list_filter = ("provisional", "confidence")


@admin.register(LateFeeRule)
class LateFeeRuleAdmin(AuditedRuleAdmin):
    list_display = ("region", "daily_rate", "grace_days", *RULE_FIELDS)


@admin.register(GradeRule)
class GradeRuleAdmin(AuditedRuleAdmin):
    list_display = ("region", "minimum", "maximum", "step", *RULE_FIELDS)


@admin.register(BackpayCharge)
class BackpayChargeAdmin(AuditedRuleAdmin):
    list_display = ("region", "person_type", "charge", "annual_rate", *RULE_FIELDS)
    list_filter = ("region", "person_type", "charge", "confidence")


class ReadOnly(AuditedModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(FlexibleGrade)
class FlexibleGradeAdmin(ReadOnly):
    list_display = ("person", "ratio", "effective_month", "case_number")
    raw_id_fields = ("person",)


@admin.register(Bill)
class BillAdmin(ReadOnly):
    list_display = (
        "id",
        "unit",
        "person",
        "period",
        "kind",
        "employer_total",
        "personal_total",
        "late_fee",
        "status",
        "case_number",
    )
    list_filter = ("kind", "status")
    raw_id_fields = ("unit", "person")


@admin.register(BaseDifference)
class BaseDifferenceAdmin(ReadOnly):
    """The corrections' differences: the finance office's list of refunds owed (退差, open)
    and the difference bills raised (补差). A refund paid is recorded on /window/refunds/
    (``differences.difference_refund_settle``), not edited here."""

    list_display = (
        "case_number",
        "kind",
        "status",
        "unit",
        "person",
        "base_before",
        "base_after",
        "employer_amount",
        "personal_amount",
        "bill",
        "created_at",
        "settled_at",
        "bank_ref",
    )
    list_filter = ("kind", "status")
    raw_id_fields = ("month", "person", "unit", "bill", "original_bill", "settled_by")


@admin.register(Payment)
class PaymentAdmin(ReadOnly):
    list_display = ("key", "bill", "amount", "channel", "paid_at")
    raw_id_fields = ("bill",)


@admin.register(AccountEntry)
class AccountEntryAdmin(ReadOnly):
    list_display = ("person", "year", "credited_month", "kind", "amount", "rate")
    list_filter = ("kind", "year")
    raw_id_fields = ("person", "source_month")

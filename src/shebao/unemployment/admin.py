"""Administrators correct the unemployment rule rows here (the benefit share and the minimum
wage are L figures, the window period an office schedule): every save and delete is an audit
event with the row before and after (``rule.add`` / ``rule.change`` / ``rule.delete``). Claims
and payments are read-only here: they change through the service items."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from shebao.core.audit.admin import AuditedModelAdmin
from shebao.unemployment.models import Claim, ClaimPayment, DurationStep, Parameter, SeparationReason

RULE_FIELDS = ("effective_from", "confidence", "source")


class AuditedRuleAdmin(AuditedModelAdmin):
    audit_action_names = {"add": "rule.add", "change": "rule.change", "delete": "rule.delete"}


@admin.register(Parameter)
class ParameterAdmin(AuditedRuleAdmin):
    list_display = ("region", "key", "value", *RULE_FIELDS)
    list_filter = ("region", "key", "confidence")


@admin.register(DurationStep)
class DurationStepAdmin(AuditedRuleAdmin):
    list_display = ("region", "min_months", "months", *RULE_FIELDS)
    list_filter = ("region",)


@admin.register(SeparationReason)
class SeparationReasonAdmin(AuditedRuleAdmin):
    list_display = ("region", "code", "label_zh", "eligible", "basis", *RULE_FIELDS)
    list_filter = ("region", "eligible")


class ReadOnlyAdmin(AuditedModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Claim)
class ClaimAdmin(ReadOnlyAdmin):
    list_display = ("case_number", "start_month", "max_months", "monthly_benefit", "status")
    list_filter = ("status",)


@admin.register(ClaimPayment)
class ClaimPaymentAdmin(ReadOnlyAdmin):
    list_display = ("claim", "month", "amount", "status", "key")

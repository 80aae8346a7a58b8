"""Administrators correct the rule tables (bases, rates, work-injury classes, crediting rates,
late fees) here; every save and delete is an audit event with the row before and after, in
the same transaction. The ledger tables are read-only here: they change through services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models, transaction
from django.forms.models import model_to_dict
from django.http import HttpRequest

from shebao.contributions.models import (
    AccountEntry,
    Bill,
    ContributionRate,
    FlexibleGrade,
    InjuryRate,
    InterestRate,
    LateFeeRule,
    Payment,
    WageBase,
)
from shebao.core import audit


def _row(obj: models.Model) -> dict[str, Any]:
    return model_to_dict(obj)


class AuditedRuleAdmin(admin.ModelAdmin):
    """Saves and deletes a rule row together with its audit event (action ``rule.change``)."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        with transaction.atomic():
            before = _row(type(obj).objects.get(pk=obj.pk)) if change and obj.pk else None
            super().save_model(request, obj, form, change)
            audit.record(
                actor=request.user,  # type: ignore[arg-type]
                action="rule.change" if change else "rule.add",
                subject_type=f"contributions.{type(obj).__name__}",
                subject_id=obj.pk,
                before=before,
                after=_row(obj),
                channel="admin",
            )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            before, pk = _row(obj), obj.pk
            super().delete_model(request, obj)
            audit.record(
                actor=request.user,  # type: ignore[arg-type]
                action="rule.delete",
                subject_type=f"contributions.{type(obj).__name__}",
                subject_id=pk,
                before=before,
                channel="admin",
            )

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


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


class ReadOnly(admin.ModelAdmin):
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
    list_display = ("id", "unit", "person", "period", "kind", "employer_total", "personal_total", "late_fee", "status")
    list_filter = ("kind", "status")
    raw_id_fields = ("unit", "person")


@admin.register(Payment)
class PaymentAdmin(ReadOnly):
    list_display = ("key", "bill", "amount", "channel", "paid_at")
    raw_id_fields = ("bill",)


@admin.register(AccountEntry)
class AccountEntryAdmin(ReadOnly):
    list_display = ("person", "year", "credited_month", "kind", "amount", "rate")
    list_filter = ("kind", "year")
    raw_id_fields = ("person", "source_month")

"""Administrators adjust the catalogue without code: time limits (the promise, the legal limit,
extensions, the window to return a wrong dispatch), who may transfer a case, channels, office
kinds, Saturday service, materials, activation. Every change bumps the item's version (cases record
the version they were opened under) and is an audit event."""

from __future__ import annotations

from django.contrib import admin
from django.forms import ModelForm
from django.http import HttpRequest

from shebao.catalog.models import FormGroup, ItemMaterial, ItemPhase, ItemStep, ServiceItem
from shebao.core.audit.admin import AuditedModelAdmin


class ItemPhaseInline(admin.TabularInline):
    model = ItemPhase
    extra = 0
    fields = ("order", "code", "name", "party", "jurisdiction", "promised_days", "legal_days")
    readonly_fields = ("order", "code", "party")
    show_change_link = True


class ItemMaterialInline(admin.TabularInline):
    model = ItemMaterial
    extra = 0
    fields = ("code", "name", "name_en", "required", "commitment_allowed")


@admin.register(ServiceItem)
class ServiceItemAdmin(AuditedModelAdmin):
    audit_action_names = {"change": "catalog.item_change"}  # phases and materials: admin.* per row
    list_display = (
        "code",
        "name",
        "insurance",
        "risk_level",
        "promised_days",
        "legal_days",
        "saturday",
        "is_active",
        "version",
    )
    list_filter = ("insurance", "risk_level", "saturday", "is_active", "form_group")
    search_fields = ("code", "name", "name_en")
    readonly_fields = (
        "code",
        "name",
        "name_en",
        "insurance",
        "policy_basis",
        "handler",
        "form_schema",
        "risk_level",
        "skill_group",
        "jurisdiction",
        "form_group",
        "version",
    )
    inlines = [ItemPhaseInline, ItemMaterialInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # items are declared by the apps that handle them (shebao catalog sync)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # deactivate instead: cases refer to the item

    def save_model(self, request: HttpRequest, obj: ServiceItem, form: ModelForm, change: bool) -> None:
        obj.version += 1  # audited with the change, before and after (AuditedModelAdmin)
        super().save_model(request, obj, form, change)


class ItemStepInline(admin.TabularInline):
    model = ItemStep
    extra = 0
    fields = ("order", "kind", "name", "min_authority")
    readonly_fields = ("order", "kind")


@admin.register(ItemPhase)
class ItemPhaseAdmin(AuditedModelAdmin):
    list_display = ("item", "order", "name", "party", "promised_days")
    inlines = [ItemStepInline]
    readonly_fields = ("item", "order", "code", "party")


@admin.register(FormGroup)
class FormGroupAdmin(AuditedModelAdmin):
    list_display = ("code", "name", "name_en")

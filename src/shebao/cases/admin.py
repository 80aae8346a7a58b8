"""Cases are changed through their services only: the admin shows them read-only."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from shebao.cases.models import Case, CasePause, CasePhase, CaseStepRecord
from shebao.core.audit.admin import AuditedModelAdmin


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class PhaseInline(_ReadOnlyInline):
    model = CasePhase
    fields = (
        "phase",
        "office",
        "status",
        "limit_days",
        "started_on",
        "used_days",
        "extension_days",
        "due_date",
        "finished_on",
    )


class StepInline(_ReadOnlyInline):
    model = CaseStepRecord
    fields = ("at", "action", "step", "actor", "office", "note")


class PauseInline(_ReadOnlyInline):
    model = CasePause
    fields = ("kind", "started_on", "ended_on", "days", "reason", "actor")


@admin.register(Case)
class CaseAdmin(AuditedModelAdmin):
    list_display = ("number", "item", "status", "office", "channel", "due_date", "escalation_level", "received_at")
    list_filter = ("status", "channel", "item__insurance", "escalation_level")
    search_fields = ("number", "item__code")
    list_select_related = ("item", "office")
    inlines = [PhaseInline, StepInline, PauseInline]

    def get_readonly_fields(self, request: HttpRequest, obj: object = None) -> list[str]:
        return [f.name for f in Case._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

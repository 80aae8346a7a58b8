"""The transfers in the admin: read-only (every change goes through the services, audited)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from shebao.core.audit.admin import AuditedModelAdmin
from shebao.pensions.transfers.models import PlatformMessage, Transfer, TransferredPeriod


class ReadOnly(AuditedModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Transfer)
class TransferAdmin(ReadOnly):
    list_display = ("ref", "direction", "state", "name", "other_agency_name", "applied_on", "completed_on", "total")
    list_filter = ("direction", "state")
    search_fields = ("ref",)


@admin.register(PlatformMessage)
class PlatformMessageAdmin(ReadOnly):
    list_display = ("message_id", "direction", "kind", "state", "sender", "receiver", "recorded_at")
    list_filter = ("direction", "kind", "state")
    search_fields = ("message_id", "transfer_ref")


@admin.register(TransferredPeriod)
class TransferredPeriodAdmin(ReadOnly):
    list_display = ("transfer", "year", "months", "base_total", "pooled", "place")

"""Issued statements in the admin: read-only (a statement is signed; a change would break its
signature, so corrections go through QY-001 and a new version)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from shebao.core.audit.admin import AuditedModelAdmin
from shebao.statements.models import Statement


@admin.register(Statement)
class StatementAdmin(AuditedModelAdmin):
    list_display = ("ref", "year", "version", "issued_at", "channel", "superseded_at")
    list_filter = ("year", "channel")
    search_fields = ("ref",)
    raw_id_fields = ("person", "issued_by", "superseded_by")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

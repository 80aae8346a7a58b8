"""Django admin for core configuration: organisation, opening hours, calendar, accounts,
and read-only views of the audit chain, the outbox and jobs."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest

from shebao.core import calendar as calendar_services
from shebao.core.models import (
    Account,
    Area,
    AuditEvent,
    CalendarDay,
    CalendarYear,
    Job,
    JobChunk,
    Notification,
    Office,
    OpeningException,
    OpeningHours,
    SkillGroup,
)


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "parent", "district")
    list_filter = ("kind",)
    search_fields = ("code", "name")
    raw_id_fields = ("parent", "district")


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0


class OpeningExceptionInline(admin.TabularInline):
    model = OpeningException
    extra = 0


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "area", "phone", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("code", "name", "address")
    raw_id_fields = ("area", "parent")
    inlines = [OpeningHoursInline, OpeningExceptionInline]


@admin.register(SkillGroup)
class SkillGroupAdmin(admin.ModelAdmin):
    list_display = ("code", "name")


@admin.register(Account)
class AccountAdmin(UserAdmin):
    list_display = ("username", "full_name", "kind", "role", "office", "authority_level", "is_active")
    list_filter = ("kind", "role", "authority_level", "is_active")
    search_fields = ("username", "full_name", "id_number", "unit_code")
    raw_id_fields = ("office",)
    filter_horizontal = ("skill_groups", "groups", "user_permissions")
    fieldsets = (
        *UserAdmin.fieldsets,
        (
            "社保 / shebao",
            {
                "fields": (
                    "kind",
                    "role",
                    "full_name",
                    "id_number",
                    "unit_code",
                    "phone",
                    "office",
                    "authority_level",
                    "skill_groups",
                )
            },
        ),
    )


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ("year", "source", "source_url")

    def save_model(self, request: HttpRequest, obj: CalendarYear, form: object, change: bool) -> None:
        calendar_services.calendar_year_publish(
            actor=request.user, year=obj.year, source=obj.source, source_url=obj.source_url
        )  # type: ignore[arg-type]


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ("date", "kind", "name")
    list_filter = ("kind",)
    date_hierarchy = "date"

    def save_model(self, request: HttpRequest, obj: CalendarDay, form: object, change: bool) -> None:
        calendar_services.calendar_day_set(actor=request.user, date=obj.date, kind=obj.kind, name=obj.name)  # type: ignore[arg-type]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("id", "at", "actor_label", "role", "office", "channel", "action", "subject_type", "subject_id")
    list_filter = ("action", "channel", "role")
    search_fields = ("actor_label", "subject_person", "subject_id")


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("id", "channel", "recipient", "status", "attempts", "created_at", "sent_at")
    list_filter = ("status", "channel")


class JobChunkInline(admin.TabularInline):
    model = JobChunk
    extra = 0
    can_delete = False
    readonly_fields = ("index", "lo", "hi", "status", "attempts", "done_at", "error")


@admin.register(Job)
class JobAdmin(ReadOnlyAdmin):
    list_display = ("id", "kind", "status", "done_chunks", "total_chunks", "created_at", "finished_at")
    list_filter = ("status", "kind")
    inlines = [JobChunkInline]

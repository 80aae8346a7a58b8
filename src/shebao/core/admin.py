"""Django admin for core configuration: organisation, opening hours, calendar, accounts, and
read-only views of the audit chain, its checkpoints, the outbox and jobs.

Every admin here, in the other apps and the third-party ones core re-registers below (groups,
authenticators, sign-in throttle records) is an :class:`AuditedModelAdmin`: each change is an
audit event with before and after (``shebao.core.audit.admin``). Administrators sign in on the
staff sign-in page (password and TOTP, Chinese first, with enrolment on the first sign-in):
:class:`ShebaoAdminSite` sends its own login page there.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.debug import sensitive_post_parameters
from django_otp.admin import OTPAdminSite
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from shebao.core import audit
from shebao.core import calendar as calendar_services
from shebao.core.audit.admin import SECRET_CHANGED, AuditedModelAdmin, audited_action
from shebao.core.channels import Channel
from shebao.core.models import (
    Account,
    AppSession,
    Area,
    AuditCheckpoint,
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

# The third-party apps' names as shebao's own read ("中文 / English"); theirs are English only.
THIRD_PARTY_NAMES: dict[str, tuple[str, dict[str, str]]] = {
    "axes": (
        "登录限制 / Sign-in throttle",
        {
            "AccessAttempt": "失败登录计数 / Access attempts",
            "AccessFailureLog": "失败登录记录 / Access failures",
            "AccessLog": "登录记录 / Access logs",
        },
    ),
    "otp_totp": ("动态口令 / Authenticators", {"TOTPDevice": "动态口令设备 / TOTP devices"}),
}


class ShebaoAdminSite(OTPAdminSite):  # type: ignore[misc]  # django-otp ships no type hints
    """The admin needs a verified second factor (django-otp), and signs in through the staff
    sign-in page, never through django-otp's English device-picking form."""

    def get_app_list(self, request: HttpRequest, app_label: str | None = None) -> list[dict[str, Any]]:
        apps: list[dict[str, Any]] = super().get_app_list(request, app_label)
        for app in apps:
            names = THIRD_PARTY_NAMES.get(app["app_label"])
            if names is not None:
                app["name"] = names[0]
                for model in app["models"]:
                    model["name"] = names[1].get(model["object_name"], model["name"])
        return apps

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        index = reverse("admin:index", current_app=self.name)
        target = request.GET.get(REDIRECT_FIELD_NAME) or index
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = index
        if request.method == "GET" and self.has_permission(request):
            return HttpResponseRedirect(target)
        return HttpResponseRedirect(f"{reverse('web:login')}?{urlencode({REDIRECT_FIELD_NAME: target})}")


@admin.register(Area)
class AreaAdmin(AuditedModelAdmin):
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
class OfficeAdmin(AuditedModelAdmin):
    list_display = ("code", "name", "kind", "area", "phone", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("code", "name", "address")
    raw_id_fields = ("area", "parent")
    inlines = [OpeningHoursInline, OpeningExceptionInline]


@admin.register(SkillGroup)
class SkillGroupAdmin(AuditedModelAdmin):
    list_display = ("code", "name")


@admin.register(Account)
class AccountAdmin(AuditedModelAdmin, UserAdmin):
    list_display = ("username", "full_name", "kind", "role", "office", "authority_level", "is_active")
    list_filter = ("kind", "role", "authority_level", "is_active")
    search_fields = ("username", "full_name", "id_number", "unit_code")
    raw_id_fields = ("office",)
    filter_horizontal = ("skill_groups", "groups", "user_permissions")
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
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

    @method_decorator(sensitive_post_parameters())
    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        """The password page: a new password is audited as "password changed", never its hash."""
        with transaction.atomic():
            account = self.get_object(request, unquote(id))
            before = account.password if account is not None else None
            response = super().user_change_password(request, id, form_url)
            if account is not None:
                account.refresh_from_db(fields=["password"])
                if account.password != before:
                    audit.record(
                        actor=request.user if isinstance(request.user, Account) else None,
                        action="account.password_change",
                        subject_type=Account._meta.label,
                        subject_id=account.pk,
                        subject_person=account.id_number or "",
                        after={"password": SECRET_CHANGED, "usable": account.has_usable_password()},
                        channel=Channel.ADMIN,
                    )
        return response


@admin.register(CalendarYear)
class CalendarYearAdmin(AuditedModelAdmin):
    list_display = ("year", "source", "source_url")

    def save_model(self, request: HttpRequest, obj: CalendarYear, form: object, change: bool) -> None:
        # the service records calendar.year_publish itself
        calendar_services.calendar_year_publish(
            actor=request.user,  # type: ignore[arg-type]  # the admin site lets in signed-in staff only
            year=obj.year,
            source=obj.source,
            source_url=obj.source_url,
        )


@admin.register(CalendarDay)
class CalendarDayAdmin(AuditedModelAdmin):
    list_display = ("date", "kind", "name")
    list_filter = ("kind",)
    date_hierarchy = "date"

    def save_model(self, request: HttpRequest, obj: CalendarDay, form: object, change: bool) -> None:
        # the service records calendar.day_set (before and after) itself
        calendar_services.calendar_day_set(actor=request.user, date=obj.date, kind=obj.kind, name=obj.name)  # type: ignore[arg-type]  # staff only in the admin


class ReadOnlyAdmin(AuditedModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "at",
        "actor_label",
        "role",
        "office",
        "channel",
        "action_label",
        "subject_type",
        "subject_id",
    )
    list_filter = ("action", "channel", "role")
    search_fields = ("actor_label", "subject_person", "subject_id")

    @admin.display(description="操作 / Action", ordering="action")
    def action_label(self, event: AuditEvent) -> str:
        found = audit.audit_actions.get(event.action)
        return f"{found.label_zh} / {found.label_en}" if found else event.action


@admin.register(AuditCheckpoint)
class AuditCheckpointAdmin(ReadOnlyAdmin):
    list_display = ("id", "at", "seq", "event_hash", "key_id")


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("id", "channel", "recipient", "status", "attempts", "created_at", "sent_at")
    list_filter = ("status", "channel")


@admin.register(AppSession)
class AppSessionAdmin(ReadOnlyAdmin):
    """The app's device sign-ins, to answer "where am I signed in?"; the tokens themselves are
    stored as hashes and not shown. A person signs a device out through the app."""

    list_display = ("id", "account", "device_id", "created_at", "revoked_at", "revoked_reason", "push_platform")
    list_filter = ("revoked_reason", "push_platform")
    search_fields = ("account__username", "device_id")
    exclude = ("push_token",)


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


# --- Third-party admins, re-registered on the audited base ------------------------------
# (their apps come before core in INSTALLED_APPS, so they are registered by now)


class AuditedGroupAdmin(AuditedModelAdmin, GroupAdmin):
    """Roles as permission groups: a change of a group's permissions is audited."""


class AuditedTOTPDeviceAdmin(AuditedModelAdmin, TOTPDeviceAdmin):  # type: ignore[misc]  # django-otp ships no type hints
    """Authenticators: their secret key is never written to the audit."""


class AuditedAccessAttemptAdmin(AuditedModelAdmin, AccessAttemptAdmin):  # type: ignore[misc]  # django-axes ships no type hints
    """Sign-in throttle records: deleting one unlocks an account or an address, so it is audited;
    the submitted form data they keep is not copied into the audit."""

    audit_secret_fields = frozenset({"get_data", "post_data"})

    @admin.action(description="清理过期的失败记录 / Clean up expired attempts")
    @audited_action(scope=lambda modeladmin, request, queryset: AccessAttempt.objects.all())
    def cleanup_expired_attempts(self, request: HttpRequest, queryset: Any) -> None:
        # axes' action reads the request attributes its middleware sets only on sign-in pages
        # (without them the action answers 500)
        AxesProxyHandler.update_request(request)
        AccessAttemptAdmin.cleanup_expired_attempts(self, request, queryset)


class AuditedAccessLogAdmin(AuditedModelAdmin, AccessLogAdmin):  # type: ignore[misc]  # django-axes ships no type hints
    pass


class AuditedAccessFailureLogAdmin(AuditedModelAdmin, AccessFailureLogAdmin):  # type: ignore[misc]  # django-axes ships no type hints
    pass


for _model, _audited in (
    (Group, AuditedGroupAdmin),
    (TOTPDevice, AuditedTOTPDeviceAdmin),
    (AccessAttempt, AuditedAccessAttemptAdmin),
    (AccessLog, AuditedAccessLogAdmin),
    (AccessFailureLog, AuditedAccessFailureLogAdmin),
):
    if admin.site.is_registered(_model):  # axes' admin may be turned off (AXES_ENABLE_ADMIN)
        admin.site.unregister(_model)
        admin.site.register(_model, _audited)

"""Staff publish content in the admin: each save is an audit event (AuditedModelAdmin); the
public reads honour status, ``publish_at`` and ``expire_at``, so a notice is prepared ahead
and goes out and comes down by itself. Publishing or withdrawing several rows at once is an
audited action."""

from __future__ import annotations

from django.contrib import admin
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest

from shebao.content.models import Answer, JobNotice, Policy, Status
from shebao.core.audit.admin import AuditedModelAdmin, audited_action


def _set_status(queryset: QuerySet[Policy] | QuerySet[Answer] | QuerySet[JobNotice], status: str) -> None:
    for row in queryset:
        row.status = status
        row.save(update_fields=["status", "updated_at"])


@admin.action(description="发布所选 / Publish the selected")
@audited_action
def publish(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
    _set_status(queryset, Status.PUBLISHED)


@admin.action(description="撤回所选 / Withdraw the selected")
@audited_action
def withdraw(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
    _set_status(queryset, Status.WITHDRAWN)


WINDOW = ("status", "publish_at", "expire_at")


class ContentAdmin(AuditedModelAdmin):
    # a link typed without a scheme is read as https (Django 6's default, and no warning now)
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    actions = [publish, withdraw]


@admin.register(Policy)
class PolicyAdmin(ContentAdmin):
    list_display = ("title", "number", "issuer", "effective_on", "insurance", *WINDOW)
    list_filter = ("status", "insurance")
    search_fields = ("title", "number", "tags")


@admin.register(Answer)
class AnswerAdmin(ContentAdmin):
    list_display = ("question", "category", *WINDOW)
    list_filter = ("status", "category")
    search_fields = ("question", "keywords")


@admin.register(JobNotice)
class JobNoticeAdmin(ContentAdmin):
    list_display = ("title", "kind", "district", "starts_on", "ends_on", *WINDOW)
    list_filter = ("status", "kind", "district")
    search_fields = ("title", "organiser", "place")

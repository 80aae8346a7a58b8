"""The audit chain: one append-only table, each event's hash covering the previous hash."""

from __future__ import annotations

from django.db import models


class AuditEvent(models.Model):
    """Who did what, in which role and office, on whose record, before and after.

    ``hash`` = SHA-256 over the canonical JSON of the event's fields and ``prev_hash``; any
    edit, deletion or reordering breaks the chain (``shebao audit verify``). On PostgreSQL a
    trigger refuses UPDATE and DELETE.
    """

    at = models.DateTimeField("时间 / At")
    actor = models.ForeignKey(
        "core.Account", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_constraint=False
    )
    actor_label = models.CharField("操作人 / Actor", max_length=160)
    role = models.CharField("角色 / Role", max_length=32, blank=True)
    office = models.CharField("机构 / Office", max_length=32, blank=True)
    channel = models.CharField("渠道 / Channel", max_length=16, blank=True)
    action = models.CharField("操作 / Action", max_length=64)
    subject_type = models.CharField("对象类型 / Subject type", max_length=64, blank=True)
    subject_id = models.CharField("对象 / Subject", max_length=64, blank=True)
    subject_person = models.CharField("涉及人员 / Person", max_length=18, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = "审计事件 / Audit event"
        verbose_name_plural = "审计事件 / Audit events"
        ordering = ["id"]
        indexes = [
            models.Index(fields=["subject_person", "id"]),
            models.Index(fields=["subject_type", "subject_id"]),
            models.Index(fields=["action", "at"]),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.actor_label}"

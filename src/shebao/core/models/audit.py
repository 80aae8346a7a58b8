"""The audit chain: one append-only table, each event's hash covering the previous hash; and
the signed checkpoints that anchor the chain's head outside the database's reach."""

from __future__ import annotations

from django.db import models


class AuditEvent(models.Model):
    """Who did what, in which role and office, on whose record, before and after.

    ``hash`` = SHA-256 over the canonical JSON of the event's fields and ``prev_hash``; any
    edit, deletion or reordering breaks the chain (``shebao audit verify``). On PostgreSQL a
    trigger refuses UPDATE and DELETE. ``action`` is one of the declared audit actions
    (``shebao.core.audit.actions``).
    """

    at = models.DateTimeField("时间 / At")
    actor = models.ForeignKey(
        "core.Account",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
        verbose_name="操作人账户 / Actor account",
    )
    actor_label = models.CharField("操作人 / Actor", max_length=160)
    role = models.CharField("角色 / Role", max_length=32, blank=True)
    office = models.CharField("机构 / Office", max_length=32, blank=True)
    channel = models.CharField("渠道 / Channel", max_length=16, blank=True)
    action = models.CharField("操作 / Action", max_length=64)
    subject_type = models.CharField("对象类型 / Subject type", max_length=64, blank=True)
    subject_id = models.CharField("对象 / Subject", max_length=64, blank=True)
    subject_person = models.CharField("涉及人员 / Person", max_length=18, blank=True)
    before = models.JSONField("变更前 / Before", null=True, blank=True)
    after = models.JSONField("变更后 / After", null=True, blank=True)
    prev_hash = models.CharField("前一事件哈希 / Previous hash", max_length=64)
    hash = models.CharField("哈希 / Hash", max_length=64, unique=True)

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


class AuditCheckpoint(models.Model):
    """A signed statement "the chain's head was event ``seq`` with hash ``event_hash``".

    ``mac`` = HMAC-SHA256, under a key kept outside the database (``SHEBAO_AUDIT_KEY``), over
    the checkpoint's fields including ``prev_mac``, so checkpoints form a chain of their own.
    Each is also appended to a file outside the database (one JSON line each, as transparency
    logs do). Whoever can write the database but does not hold the key can neither truncate
    nor rewrite the events below a checkpoint unnoticed, nor forge or remove a checkpoint.
    On PostgreSQL a trigger refuses UPDATE and DELETE.
    """

    seq = models.BigIntegerField("链头事件序号 / Head event", unique=True)
    event_hash = models.CharField("链头事件哈希 / Head hash", max_length=64)
    at = models.DateTimeField("时间 / At")
    prev_mac = models.CharField("前一检查点签名 / Previous MAC", max_length=64, blank=True)
    key_id = models.CharField("密钥标识 / Key id", max_length=16)
    mac = models.CharField("签名 / MAC", max_length=64, unique=True)

    class Meta:
        verbose_name = "审计检查点 / Audit checkpoint"
        verbose_name_plural = "审计检查点 / Audit checkpoints"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"#{self.pk} @{self.seq}"

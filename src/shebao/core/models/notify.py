"""The notifications outbox: every SMS, push and e-mail is a row before it is a message."""

from __future__ import annotations

from django.db import models


class Notification(models.Model):
    class Channel(models.TextChoices):
        SMS = "sms", "短信 / SMS"
        PUSH = "push", "App 推送 / Push"
        EMAIL = "email", "电子邮件 / E-mail"

    class Status(models.TextChoices):
        PENDING = "pending", "待发送 / Pending"
        SENDING = "sending", "发送中 / Sending"
        SENT = "sent", "已发送 / Sent"
        FAILED = "failed", "失败 / Failed"

    key = models.CharField("幂等键 / Idempotency key", max_length=128, unique=True)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    recipient = models.CharField("接收人 / Recipient", max_length=128)
    account = models.ForeignKey(
        "core.Account", null=True, blank=True, on_delete=models.SET_NULL, related_name="notifications"
    )
    subject = models.CharField("标题 / Subject", max_length=128, blank=True)
    body = models.TextField("内容 / Body")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    provider_ref = models.CharField("回执 / Provider reference", max_length=128, blank=True)
    last_error = models.CharField(max_length=255, blank=True)
    read_at = models.DateTimeField("已读时间 / Read at", null=True, blank=True)  # in the app's message list

    class Meta:
        verbose_name = "通知 / Notification"
        verbose_name_plural = "通知 / Notifications"
        indexes = [models.Index(fields=["status", "next_attempt_at"]), models.Index(fields=["account", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.channel} → {self.recipient}: {self.subject or self.body[:20]}"

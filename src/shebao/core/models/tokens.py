"""The mobile app's sign-ins: one row per device sign-in (a token *family*) and the tokens
issued in it, stored as SHA-256 hashes only (a leaked table gives no usable token).

A family starts when a citizen signs in on a device and ends when it is revoked: by the person
(this device or all), or by the server when a refresh token that was already rotated is shown
again (a copy of it is in someone else's hands, so every token of the family stops working).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class AppSession(models.Model):
    """One device's sign-in (a token family) and the push token it registered."""

    class Revoked(models.TextChoices):
        SIGN_OUT = "sign_out", "本机退出 / Signed out on this device"
        ALL_DEVICES = "all_devices", "全部设备退出 / Signed out everywhere"
        REUSE = "reuse", "刷新令牌被重复使用 / A rotated refresh token was reused"

    account = models.ForeignKey("core.Account", on_delete=models.CASCADE, related_name="app_sessions")
    device_id = models.CharField("设备标识 / Device id", max_length=128)
    created_at = models.DateTimeField("登录时间 / Signed in at")
    revoked_at = models.DateTimeField("撤销时间 / Revoked at", null=True, blank=True)
    revoked_reason = models.CharField("撤销原因 / Revoked because", max_length=16, choices=Revoked.choices, blank=True)
    push_platform = models.CharField("推送平台 / Push platform", max_length=16, blank=True)
    push_token = models.CharField("推送令牌 / Push token", max_length=512, blank=True)
    push_registered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "App 登录 / App sign-in"
        verbose_name_plural = "App 登录 / App sign-ins"
        indexes = [models.Index(fields=["account", "device_id"])]

    def __str__(self) -> str:
        return f"{self.account_id} @ {self.device_id}"


class AppToken(models.Model):
    """An access or refresh token of one family, by its hash. A refresh token is used once:
    ``used_at`` is set when it is exchanged for the next pair."""

    class Kind(models.TextChoices):
        ACCESS = "access", "访问令牌 / Access token"
        REFRESH = "refresh", "刷新令牌 / Refresh token"

    session = models.ForeignKey(AppSession, on_delete=models.CASCADE, related_name="tokens")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    token_hash = models.CharField("令牌摘要 / Token hash (SHA-256)", max_length=64, unique=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "App 令牌 / App token"
        verbose_name_plural = "App 令牌 / App tokens"
        constraints = [
            models.CheckConstraint(condition=Q(expires_at__gt=models.F("created_at")), name="app_token_expires_after")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.token_hash[:8]}…"

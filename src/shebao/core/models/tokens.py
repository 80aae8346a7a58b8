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


class UnitApiToken(models.Model):
    """A named API token of an employer unit, for its payroll system to call the unit's batch
    API (增减员, base declarations) without a browser session.

    Made by one of the unit's operators and shown to them once; only its SHA-256 is kept, with
    the first characters (``prefix``) to tell tokens apart on the page. It acts as the operator
    who made it, for that unit only (``unit_code`` = the operator's ``Account.unit_code`` at use
    time), within its ``scope``, until ``expires_at`` or its revocation by any operator of the unit.
    """

    class Scope(models.TextChoices):
        BATCHES = "batches", "批量申报接口 / Batch API"

    account = models.ForeignKey(
        "core.Account", on_delete=models.CASCADE, related_name="unit_api_tokens", verbose_name="创建人 / Made by"
    )
    unit_code = models.CharField("统一社会信用代码 / USCC", max_length=18)
    name = models.CharField("名称 / Name", max_length=64)
    scope = models.CharField("权限范围 / Scope", max_length=16, choices=Scope.choices)
    token_hash = models.CharField("令牌摘要 / Token hash (SHA-256)", max_length=64, unique=True)
    prefix = models.CharField("令牌前缀 / Token prefix", max_length=16)
    created_at = models.DateTimeField("创建时间 / Made at")
    expires_at = models.DateTimeField("到期时间 / Expires at")
    last_used_at = models.DateTimeField("最近使用 / Last used", null=True, blank=True)
    revoked_at = models.DateTimeField("撤销时间 / Revoked at", null=True, blank=True)
    revoked_by = models.ForeignKey(
        "core.Account",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="撤销人 / Revoked by",
    )

    class Meta:
        verbose_name = "单位接口令牌 / Unit API token"
        verbose_name_plural = "单位接口令牌 / Unit API tokens"
        indexes = [models.Index(fields=["unit_code", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")), name="unit_api_token_expires_after"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_code} {self.name} ({self.prefix}…)"


class AppSignInCode(models.Model):
    """The SMS step of an app sign-in: after a correct password, a 6-digit code goes to the
    citizen's mobile and the tokens are issued only once it is sent back from the same device.

    The app has no session, so the pending step is this row, named by a random challenge the
    app holds (kept as its SHA-256); the code is kept as an HMAC only. As on the web: valid five
    minutes from its sending, five wrong tries void it, a new code after a minute, three codes
    at most; ``done_at`` is set when it is used or voided.
    """

    account = models.ForeignKey("core.Account", on_delete=models.CASCADE, related_name="app_sign_in_codes")
    device_id = models.CharField("设备标识 / Device id", max_length=128)
    challenge_hash = models.CharField("挑战摘要 / Challenge hash (SHA-256)", max_length=64, unique=True)
    code_hash = models.CharField("验证码摘要 / Code HMAC", max_length=64)
    sent_at = models.DateTimeField("发送时间 / Code sent at")
    sends = models.PositiveSmallIntegerField("发送次数 / Codes sent", default=1)
    tries = models.PositiveSmallIntegerField("错误次数 / Wrong tries", default=0)
    done_at = models.DateTimeField("结束时间 / Used or voided at", null=True, blank=True)

    class Meta:
        verbose_name = "App 登录短信验证码 / App sign-in SMS code"
        verbose_name_plural = "App 登录短信验证码 / App sign-in SMS codes"

    def __str__(self) -> str:
        return f"{self.account_id} @ {self.device_id}"

"""The mobile app's tokens: issue on sign-in, refresh with rotation, revoke, verify.

- An access token lives ``ACCESS_TTL`` (15 minutes), a refresh token ``REFRESH_TTL`` (30 days);
  both are 256-bit random strings, stored only as their SHA-256 (the table never holds one in
  clear), and both are bound to the device id they were issued to: shown from another device
  they are refused as if unknown.
- A refresh token is exchanged once for a new pair (rotation). Shown again after that, it
  proves a copy exists elsewhere: the whole family (every token of that device sign-in) is
  revoked and the event audited, so the thief's and the owner's tokens stop alike and the owner
  signs in again (OAuth 2.0 Security BCP, RFC 9700 §4.14.2).
- Revocation is of this device's family or of every family of the account.
- Every app request is counted by the rate limits (:mod:`shebao.core.tokens.rates`).

The web session (:class:`SessionAuth`) is checked for CSRF only when the request carries a
session cookie: a bearer-only client (the app, a payroll system) has no ambient credential a
forged cross-site request could ride on, so it goes on to its token instead of a CSRF 403.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth

from shebao.core import audit
from shebao.core.channels import Channel
from shebao.core.errors import InvalidInput, ShebaoError
from shebao.core.models import Account, AppSession, AppToken
from shebao.core.tokens.rates import app_rate_check

ACCESS_TTL = dt.timedelta(minutes=15)
REFRESH_TTL = dt.timedelta(days=30)


class InvalidToken(ShebaoError):
    """Unknown, expired, revoked, already used, or from another device: one answer for all."""

    status = 401
    code = "invalid_token"

    def __init__(self) -> None:
        super().__init__("登录已失效，请重新登录", "The token is not valid: sign in again")


@dataclass(frozen=True)
class TokenPair:
    access: str
    refresh: str
    access_expires_at: dt.datetime
    refresh_expires_at: dt.datetime
    session_id: int


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def device_id_valid(device_id: str) -> str:
    device = (device_id or "").strip()
    if not 8 <= len(device) <= 128 or not device.isprintable():
        raise InvalidInput(
            "设备标识应为 8-128 个可见字符", "device_id must be 8-128 printable characters", field="device_id"
        )
    return device


def _pair(*, session: AppSession, now: dt.datetime) -> TokenPair:
    access, refresh = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    AppToken.objects.bulk_create(
        [
            AppToken(
                session=session,
                kind=AppToken.Kind.ACCESS,
                token_hash=token_hash(access),
                created_at=now,
                expires_at=now + ACCESS_TTL,
            ),
            AppToken(
                session=session,
                kind=AppToken.Kind.REFRESH,
                token_hash=token_hash(refresh),
                created_at=now,
                expires_at=now + REFRESH_TTL,
            ),
        ]
    )
    return TokenPair(access, refresh, now + ACCESS_TTL, now + REFRESH_TTL, session.pk)


def token_issue(*, account: Account, device_id: str) -> TokenPair:
    """A new family for ``account`` on ``device_id`` (its password already checked by the caller)."""
    device = device_id_valid(device_id)
    now = timezone.now()
    with transaction.atomic():
        session = AppSession.objects.create(account=account, device_id=device, created_at=now)
        pair = _pair(session=session, now=now)
        audit.record(
            actor=account,
            action="app_token.issue",
            subject_type="app_session",
            subject_id=session.pk,
            subject_person=account.id_number or "",
            after={"device_id": device},
            channel=Channel.APP,
        )
    return pair


def _revoke(*, sessions: list[AppSession], reason: str, now: dt.datetime) -> None:
    AppSession.objects.filter(pk__in=[s.pk for s in sessions], revoked_at__isnull=True).update(
        revoked_at=now, revoked_reason=reason
    )


def token_refresh(*, refresh: str, device_id: str) -> TokenPair:
    """The next pair for a valid, unused refresh token shown from its own device. A used one
    revokes its family (reuse detection); the refusal is committed, the new pair is not made."""
    now = timezone.now()
    reused: AppSession | None = None
    with transaction.atomic():
        row = (
            AppToken.objects.select_for_update()
            .select_related("session__account")
            .filter(token_hash=token_hash(refresh), kind=AppToken.Kind.REFRESH)
            .first()
        )
        if row is None or row.session.device_id != (device_id or "").strip():
            raise InvalidToken()
        session = row.session
        if session.revoked_at is not None or row.expires_at <= now or not session.account.is_active:
            raise InvalidToken()
        if row.used_at is not None:
            reused = session
            _revoke(sessions=[session], reason=AppSession.Revoked.REUSE, now=now)
            audit.record(
                actor=session.account,
                action="app_token.reuse",
                subject_type="app_session",
                subject_id=session.pk,
                subject_person=session.account.id_number or "",
                after={"device_id": session.device_id, "revoked": AppSession.Revoked.REUSE},
                channel=Channel.APP,
            )
        else:
            row.used_at = now
            row.save(update_fields=["used_at"])
            return _pair(session=session, now=now)
    assert reused is not None
    raise InvalidToken()


def token_verify(*, access: str, device_id: str) -> tuple[Account, AppSession]:
    """The account and sign-in behind a valid access token shown from its own device."""
    now = timezone.now()
    row = (
        AppToken.objects.select_related("session__account")
        .filter(token_hash=token_hash(access), kind=AppToken.Kind.ACCESS)
        .first()
    )
    if (
        row is None
        or row.expires_at <= now
        or row.session.revoked_at is not None
        or row.session.device_id != (device_id or "").strip()
        or not row.session.account.is_active
    ):
        raise InvalidToken()
    return row.session.account, row.session


def token_revoke(*, account: Account, session: AppSession, all_devices: bool = False) -> int:
    """Sign out this device's family, or every family of ``account``; the number revoked."""
    now = timezone.now()
    with transaction.atomic():
        live = AppSession.objects.filter(account=account, revoked_at__isnull=True)
        if not all_devices:
            live = live.filter(pk=session.pk)
        sessions = list(live.select_for_update())
        reason = AppSession.Revoked.ALL_DEVICES if all_devices else AppSession.Revoked.SIGN_OUT
        _revoke(sessions=sessions, reason=reason, now=now)
        audit.record(
            actor=account,
            action="app_token.revoke",
            subject_type="app_session",
            subject_id=session.pk,
            subject_person=account.id_number or "",
            after={"sessions": [s.pk for s in sessions], "reason": reason},
            channel=Channel.APP,
        )
    return len(sessions)


def push_register(*, session: AppSession, platform: str, token: str) -> None:
    """Store the device's push token on its sign-in (sending is the outbox adapter's work)."""
    if platform not in {"apns", "fcm", "hms", "mipush", "jpush"}:
        raise InvalidInput("不支持的推送平台", "Unsupported push platform", field="platform")
    if not 8 <= len(token) <= 512 or not token.isprintable():
        raise InvalidInput("推送令牌格式不正确", "push token must be 8-512 printable characters", field="token")
    AppSession.objects.filter(pk=session.pk).update(
        push_platform=platform, push_token=token, push_registered_at=timezone.now()
    )


DEVICE_HEADER = "HTTP_X_DEVICE_ID"


class AppBearer(HttpBearer):
    """``Authorization: Bearer <access token>`` with ``X-Device-Id: <the device it was issued
    to>``. A token from another device, expired or revoked answers like no token at all (401).
    ``request.auth`` is the account; ``request.app_session`` the device's sign-in."""

    openapi_description = "App 访问令牌，须同时发送 X-Device-Id / The app's access token, sent with X-Device-Id"

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        try:
            account, session = token_verify(access=token, device_id=str(request.META.get(DEVICE_HEADER, "")))
        except InvalidToken:
            app_rate_check(request)  # guessed tokens count against the address
            return None
        app_rate_check(request, session=session)
        request.app_session = session  # type: ignore[attr-defined]  # the app's routes read the sign-in
        return account


class SessionAuth(NinjaSessionAuth):
    """A signed-in web session, CSRF-checked as ninja's — when the request carries a session
    cookie. Without one there is no session to authenticate, and no ambient credential for a
    forged request to use: the request goes on to the route's next authentication (a bearer
    token) instead of failing ninja's CSRF check with a 403 before its token is read (a phone's
    POST /my/payments, a payroll system's batch). Named as ninja's: the OpenAPI scheme is the same."""

    def _get_key(self, request: HttpRequest) -> str | None:
        if self.param_name not in request.COOKIES:
            return None
        return super()._get_key(request)


session_auth = SessionAuth()
app_bearer = AppBearer()
# The person's own routes (/api/v1/my/...): a signed-in web session, or the app's bearer token.
person_auth: list[Any] = [session_auth, app_bearer]

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
- Rate limits (:func:`app_rate_check`): every app request counts against its address, and a
  request with a valid token against its sign-in too, in fixed one-minute windows in the
  shared cache (Redis in production; each process alone without one). Over the limit: 429
  with ``Retry-After`` (the seconds left in the window). The limits are the settings
  ``SHEBAO_APP_RATE_PER_TOKEN`` and ``SHEBAO_APP_RATE_PER_ADDRESS`` (requests per minute).

Unit API tokens (:class:`UnitApiToken`, issue 13): an employer's payroll system calls the
unit's batch API with ``Authorization: Bearer sbu_…`` instead of a browser session. An operator
of the unit makes a named token (shown once, stored as its SHA-256), valid for a chosen number
of days, and any operator of the unit may revoke it; both are audited. The token acts as the
operator who made it, for that unit only, on the routes of its scope only (:class:`UnitBearer`
with ``scope="batches"``: no other route accepts it), and is counted by the same rate limits as
an app sign-in (``SHEBAO_APP_RATE_PER_TOKEN`` per token, the address's limit besides).

The SMS step of an app sign-in (:func:`sms_challenge_start`, :func:`sms_code_check`,
:func:`sms_code_resend`): a citizen with a mobile on file gets a 6-digit code through the
outbox's SMS adapter after the correct password, and the tokens only for the code sent back
from the same device — the web's rules (5 minutes, 5 tries, a new code after 60 s, 3 codes).

The web session (:class:`SessionAuth`) is checked for CSRF only when the request carries a
session cookie: a bearer-only client (the app, a payroll system) has no ambient credential a
forged cross-site request could ride on, so it goes on to its token instead of a CSRF 403.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import math
import secrets
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth

from shebao.core import audit
from shebao.core.channels import Channel
from shebao.core.errors import Conflict, InvalidInput, NotAllowed, NotFound, ShebaoError, TooManyAttempts
from shebao.core.models import Account, AppSession, AppSignInCode, AppToken, UnitApiToken
from shebao.core.notify import notification_enqueue
from shebao.core.throttle import client_address

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


def _device(device_id: str) -> str:
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
    device = _device(device_id)
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


# --- rate limits ----------------------------------------------------------------------------

RATE_WINDOW = 60  # seconds
RATE_PER_TOKEN = 120  # a person's phone: a screen is a few requests; two a second sustained is a script
RATE_PER_ADDRESS = 600  # one address may be a carrier's NAT in front of many phones


class RateLimited(TooManyAttempts):
    """Too many app requests in the current window; ``headers`` carries ``Retry-After``."""

    code = "rate_limited"

    def __init__(self, *, retry_after: int) -> None:
        super().__init__(
            f"请求过于频繁，请 {retry_after} 秒后再试",
            f"Too many requests: try again in {retry_after} seconds",
            retry_after=retry_after,
        )
        self.headers = {"Retry-After": str(retry_after)}


def _rate_count(key: str, *, limit: int, now: float) -> None:
    window = int(now // RATE_WINDOW)
    full = f"shebao:rate:{key}:{window}"
    # add-then-incr is atomic in Redis and in the local memory cache: no lost counts under load
    if not cache.add(full, 1, timeout=RATE_WINDOW + 1):
        try:
            count = cache.incr(full)
        except ValueError:  # expired between add and incr: the window just turned
            cache.add(full, 1, timeout=RATE_WINDOW + 1)
            count = 1
        if count > limit:
            raise RateLimited(retry_after=max(1, math.ceil((window + 1) * RATE_WINDOW - now)))


def app_rate_check(request: HttpRequest, *, session: AppSession | None = None) -> None:
    """Count this request against its address and, with a valid token, its sign-in (the
    device's token family: a refreshed token does not start a new count); 429 over either."""
    _rate_check(request, holder=f"session:{session.pk}" if session is not None else None)


def _rate_check(request: HttpRequest, *, holder: str | None) -> None:
    """The address's count, then the token holder's (an app sign-in, a unit API token)."""
    now = time.time()
    per_address = int(getattr(settings, "SHEBAO_APP_RATE_PER_ADDRESS", RATE_PER_ADDRESS))
    _rate_count(f"addr:{client_address(request)}", limit=per_address, now=now)
    if holder is not None:
        per_token = int(getattr(settings, "SHEBAO_APP_RATE_PER_TOKEN", RATE_PER_TOKEN))
        _rate_count(holder, limit=per_token, now=now)


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


# --- unit API tokens ------------------------------------------------------------------------

UNIT_TOKEN_PREFIX = "sbu_"  # noqa: S105  (not a secret: a leaked token is recognisable by it)
UNIT_TOKEN_DAYS = (30, 90, 180, 365)
UNIT_TOKENS_LIVE = 20  # a unit's valid tokens at once: one per system and environment is plenty


def _unit_code(actor: Account) -> str:
    if actor.kind != Account.Kind.UNIT or not actor.unit_code or not actor.is_active:
        raise NotAllowed("仅限单位经办人使用", "For employer operators only")
    return actor.unit_code


def unit_tokens_of(*, actor: Account) -> QuerySet[UnitApiToken]:
    """The tokens of the operator's own unit (made by any of its operators), newest first."""
    return (
        UnitApiToken.objects.filter(unit_code=_unit_code(actor))
        .select_related("account", "revoked_by")
        .order_by("-created_at", "-pk")
    )


def unit_token_issue(
    *, actor: Account, name: str, days: int | str, scope: str = UnitApiToken.Scope.BATCHES
) -> tuple[UnitApiToken, str]:
    """A new token of the operator's unit: the row, and the token itself — shown to the
    operator this once, never stored (only its SHA-256 and its first characters are)."""
    unit_code = _unit_code(actor)
    name = (name or "").strip()
    if not 1 <= len(name) <= 64 or not name.isprintable():
        raise InvalidInput("令牌名称应为 1-64 个可见字符", "The name must be 1-64 printable characters", field="name")
    try:
        lifetime = int(days)
    except (TypeError, ValueError):
        lifetime = 0
    if lifetime not in UNIT_TOKEN_DAYS:
        raise InvalidInput(
            "有效期应为 30、90、180 或 365 天", "The validity must be 30, 90, 180 or 365 days", field="days"
        )
    if scope not in UnitApiToken.Scope.values:
        raise InvalidInput("不支持的权限范围", "Unsupported scope", field="scope")
    now = timezone.now()
    secret = UNIT_TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        live = list(
            UnitApiToken.objects.select_for_update()
            .filter(unit_code=unit_code, revoked_at__isnull=True, expires_at__gt=now)
            .values_list("name", flat=True)
        )
        if name in live:
            raise Conflict("本单位已有同名的有效令牌", "The unit already has a valid token of that name", field="name")
        if len(live) >= UNIT_TOKENS_LIVE:
            raise Conflict(
                f"本单位的有效令牌已达 {UNIT_TOKENS_LIVE} 个，请先撤销不用的令牌",
                f"The unit has {UNIT_TOKENS_LIVE} valid tokens: revoke one it no longer uses first",
            )
        row = UnitApiToken.objects.create(
            account=actor,
            unit_code=unit_code,
            name=name,
            scope=scope,
            token_hash=token_hash(secret),
            prefix=secret[: len(UNIT_TOKEN_PREFIX) + 6],
            created_at=now,
            expires_at=now + dt.timedelta(days=lifetime),
        )
        audit.record(
            actor=actor,
            action="unit_token.issue",
            subject_type="unit_api_token",
            subject_id=row.pk,
            after={"unit_code": unit_code, "name": name, "scope": scope, "expires_at": row.expires_at.isoformat()},
            channel=Channel.ONLINE,
        )
    return row, secret


def unit_token_revoke(*, actor: Account, token_id: int) -> UnitApiToken:
    """Revoke a token of the operator's own unit (any operator of the unit may); a token of
    another unit is not found. Revoking a revoked token changes nothing."""
    unit_code = _unit_code(actor)
    with transaction.atomic():
        row = UnitApiToken.objects.select_for_update().filter(pk=token_id, unit_code=unit_code).first()
        if row is None:
            raise NotFound("未找到该令牌", "No such token")
        if row.revoked_at is not None:
            return row
        row.revoked_at, row.revoked_by = timezone.now(), actor
        row.save(update_fields=["revoked_at", "revoked_by"])
        audit.record(
            actor=actor,
            action="unit_token.revoke",
            subject_type="unit_api_token",
            subject_id=row.pk,
            before={"unit_code": unit_code, "name": row.name},
            after={"revoked_at": row.revoked_at.isoformat()},
            channel=Channel.ONLINE,
        )
    return row


def unit_token_verify(*, token: str, scope: str) -> tuple[Account, UnitApiToken]:
    """The operator and token behind a valid unit token of ``scope``: not expired, not revoked,
    its maker still an active operator of the token's unit."""
    if not token.startswith(UNIT_TOKEN_PREFIX):
        raise InvalidToken()
    row = UnitApiToken.objects.select_related("account").filter(token_hash=token_hash(token)).first()
    if (
        row is None
        or row.scope != scope
        or row.revoked_at is not None
        or row.expires_at <= timezone.now()
        or row.account.kind != Account.Kind.UNIT
        or row.account.unit_code != row.unit_code
        or not row.account.is_active
    ):
        raise InvalidToken()
    return row.account, row


class UnitBearer(HttpBearer):
    """``Authorization: Bearer <unit API token>`` for the routes of one scope. An unknown,
    expired or revoked token, or one of another scope, answers like no token at all (401).
    ``request.auth`` is the operator who made the token; ``request.unit_token`` the token."""

    openapi_description = (
        "单位接口令牌（在单位网厅“接口令牌”页创建）/ The unit's API token, made on the unit hall's API tokens page"
    )

    def __init__(self, *, scope: str) -> None:
        super().__init__()
        self.scope = scope

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        try:
            account, row = unit_token_verify(token=token, scope=self.scope)
        except InvalidToken:
            _rate_check(request, holder=None)  # guessed tokens count against the address
            return None
        _rate_check(request, holder=f"unit_token:{row.pk}")
        UnitApiToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
        request.unit_token = row  # type: ignore[attr-defined]  # the route may read which token acted
        return account


unit_batches_bearer = UnitBearer(scope=UnitApiToken.Scope.BATCHES)
# The unit's batch routes: a payroll system's unit token first (no CSRF), or an operator's session.
unit_batches_auth: list[Any] = [unit_batches_bearer, session_auth]


# --- the SMS step of an app sign-in --------------------------------------------------------

SMS_CODE_TTL = dt.timedelta(minutes=5)  # as the web's SMS_CODE_SECONDS
SMS_CODE_TRIES = 5
SMS_RESEND = dt.timedelta(seconds=60)
SMS_SENDS = 3


class SmsCodeInvalid(ShebaoError):
    """The code is wrong (``left`` tries remain), or the step is void: expired, spent, used."""

    status = 401
    code = "sms_code_invalid"

    def __init__(self, *, account: Account | None = None, left: int = 0) -> None:
        if left:
            super().__init__(
                f"验证码不正确，还可尝试 {left} 次", f"The code is not correct: {left} tries left", field="code"
            )
        else:
            super().__init__(
                "验证码已失效，请重新登录以获取新的验证码", "The code is no longer valid: sign in again for a new one"
            )
        self.account = account  # the sign-in it belonged to, for the throttle's count


@dataclass(frozen=True)
class SmsChallenge:
    challenge: str
    mobile_masked: str
    expires_at: dt.datetime
    resend_at: dt.datetime


def _sms_hash(row_challenge_hash: str, sent_at: dt.datetime, code: str) -> str:
    message = f"{row_challenge_hash}:{sent_at.timestamp()}:{code}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def _masked_mobile(number: str) -> str:
    return f"{number[:3]}****{number[-4:]}" if len(number) >= 7 else "****"


def _sms_send(*, row: AppSignInCode, mobile: str, now: dt.datetime) -> None:
    """A new code for ``row``: its HMAC kept, the SMS queued in the outbox (as the web's)."""
    code = f"{secrets.randbelow(10**6):06d}"
    row.code_hash, row.sent_at, row.tries = _sms_hash(row.challenge_hash, now, code), now, 0
    minutes = int(SMS_CODE_TTL.total_seconds() // 60)
    notification_enqueue(
        key=f"app-signin-sms:{row.pk}:{row.sends}",
        channel="sms",
        recipient=mobile,
        body=(
            f"【武汉社保】您的登录验证码为 {code}，{minutes} 分钟内有效，请勿告诉他人。"
            f" / Your Wuhan social insurance sign-in code is {code}, valid {minutes} minutes."
        ),
    )  # no account: a spent code does not belong in the person's messages


def _challenge(row: AppSignInCode, challenge: str, mobile: str) -> SmsChallenge:
    return SmsChallenge(challenge, _masked_mobile(mobile), row.sent_at + SMS_CODE_TTL, row.sent_at + SMS_RESEND)


def sms_challenge_start(*, account: Account, device_id: str, mobile: str) -> SmsChallenge:
    """After a correct password: a pending sign-in for ``device_id`` and its first code, sent
    to ``mobile``. The challenge names the pending step to the app (kept only as its hash)."""
    device = _device(device_id)
    now = timezone.now()
    challenge = secrets.token_urlsafe(32)
    with transaction.atomic():
        row = AppSignInCode.objects.create(
            account=account,
            device_id=device,
            challenge_hash=token_hash(challenge),
            code_hash="",
            sent_at=now,
        )
        _sms_send(row=row, mobile=mobile, now=now)
        row.save(update_fields=["code_hash", "sent_at", "tries"])
    return _challenge(row, challenge, mobile)


def sms_challenge_account(*, challenge: str, device_id: str) -> Account:
    """The account of a pending step shown from its own device (for the throttle's check)."""
    row = (
        AppSignInCode.objects.select_related("account")
        .filter(challenge_hash=token_hash(challenge), done_at__isnull=True)
        .first()
    )
    if row is None or row.device_id != (device_id or "").strip() or not row.account.is_active:
        raise SmsCodeInvalid()
    return row.account


def sms_code_check(*, challenge: str, code: str, device_id: str) -> TokenPair:
    """The token pair for the right code, within its five minutes and five tries, from the
    device the password was given on; the step is then used. A wrong code counts a try (the
    fifth voids the step); the refusal names the account so the caller counts it for axes."""
    given = (code or "").replace(" ", "")
    if len(given) != 6 or not given.isdigit():
        raise InvalidInput("验证码为 6 位数字", "The code is 6 digits", field="code")
    now = timezone.now()
    with transaction.atomic():
        row = (
            AppSignInCode.objects.select_for_update()
            .select_related("account")
            .filter(challenge_hash=token_hash(challenge), done_at__isnull=True)
            .first()
        )
        if row is None or row.device_id != (device_id or "").strip() or not row.account.is_active:
            raise SmsCodeInvalid()
        if row.sent_at + SMS_CODE_TTL <= now or row.tries >= SMS_CODE_TRIES:
            AppSignInCode.objects.filter(pk=row.pk).update(done_at=now)
            refusal = SmsCodeInvalid(account=row.account)
        elif not hmac.compare_digest(row.code_hash, _sms_hash(row.challenge_hash, row.sent_at, given)):
            tries = row.tries + 1
            AppSignInCode.objects.filter(pk=row.pk).update(
                tries=tries, done_at=now if tries >= SMS_CODE_TRIES else None
            )
            refusal = SmsCodeInvalid(account=row.account, left=SMS_CODE_TRIES - tries)
        else:
            AppSignInCode.objects.filter(pk=row.pk).update(done_at=now)
            return token_issue(account=row.account, device_id=row.device_id)
    raise refusal  # after the commit: the try counted, the void step stays void


def sms_code_resend(*, challenge: str, device_id: str, mobile: str) -> SmsChallenge:
    """A new code for a pending step, a minute or more after the last and at most three in
    all (429 with ``Retry-After`` before the minute; 429 to sign in again after the third)."""
    now = timezone.now()
    with transaction.atomic():
        row = (
            AppSignInCode.objects.select_for_update()
            .filter(challenge_hash=token_hash(challenge), done_at__isnull=True)
            .first()
        )
        if row is None or row.device_id != (device_id or "").strip():
            raise SmsCodeInvalid()
        if not mobile.strip():  # the number was removed since the password step: no code to nobody
            raise SmsCodeInvalid()
        wait = math.ceil((row.sent_at + SMS_RESEND - now).total_seconds())
        if wait > 0:
            raise RateLimited(retry_after=wait)
        if row.sends >= SMS_SENDS:
            raise TooManyAttempts("验证码发送次数已达上限，请重新登录", "No more codes for this sign-in: sign in again")
        row.sends += 1
        _sms_send(row=row, mobile=mobile, now=now)
        row.save(update_fields=["code_hash", "sent_at", "tries", "sends"])
    return _challenge(row, challenge, mobile)

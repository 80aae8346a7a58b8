"""The app API (/api/v1/app/...): sign-in with device-bound tokens, nearby service points,
service guides, the person's own information and messages. Each route parses, calls one
service or selector, and shapes the answer; refusals are the house's 4xx bodies."""

from __future__ import annotations

from typing import Any, Literal

from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Query, Router, Schema, Status

from shebao.catalog.models import ServiceItem
from shebao.catalog.outlets import guides_search, outlets_nearby
from shebao.catalog.selectors import item_get
from shebao.core import tokens
from shebao.core.api import answers
from shebao.core.channels import Channel
from shebao.core.errors import InvalidInput, NotFound, TooManyAttempts
from shebao.core.geo import gcj02_to_wgs84
from shebao.core.identifiers import id_number_validate, mask_id_number
from shebao.core.models import Account
from shebao.core.notify import notification_mark_read, notifications_of
from shebao.core.tokens import app_rate_check
from shebao.mobile.auth import app_account, app_bearer, app_session
from shebao.mobile.schemas import (
    AppGuideOut,
    AppMeOut,
    AppNotificationOut,
    AppOkOut,
    AppOutletOut,
    AppPushIn,
    AppRefreshIn,
    AppRevokedOut,
    AppRevokeIn,
    AppSmsChallengeOut,
    AppSmsCodeIn,
    AppSmsResendIn,
    AppTokenIn,
    AppTokenOut,
)
from shebao.registry.selectors import account_sign_in_mobile, person_find_by_id_number

router = Router(tags=["app 手机 App"])
TOKEN_ERRORS = (401, 429)  # 429: the rate limits (core.tokens.app_rate_check)


def _pair_out(pair: tokens.TokenPair) -> dict[str, Any]:
    return {
        "access_token": pair.access,
        "refresh_token": pair.refresh,
        "access_expires_at": pair.access_expires_at,
        "refresh_expires_at": pair.refresh_expires_at,
    }


# --- tokens -----------------------------------------------------------------------------------


@router.post(
    "/auth/token",
    response=answers(AppTokenOut, errors=(401, 429)) | {202: AppSmsChallengeOut},
    auth=None,
    summary="App 登录 / Sign in on the app",
)
def token_issue(request: HttpRequest, payload: AppTokenIn) -> Any:
    """A citizen's ID number and password → an access token (15 minutes) and a refresh token
    (30 days) bound to ``device_id``. Failures are counted by the web sign-in's throttle
    (django-axes): too many answer 429. Whatever was wrong, the answer is the same 401.

    A citizen with a mobile on file (as the web's SMS sign-in) gets 202 instead: a 6-digit code
    went to that number, and ``POST /auth/token/sms`` with the challenge and the code answers
    the tokens."""
    app_rate_check(request)
    try:
        username = id_number_validate(payload.id_number).number
    except InvalidInput:
        username = payload.id_number.strip()  # not a citizen's: fails below, counted like any other
    user = authenticate(request, username=username, password=payload.password)
    if getattr(request, "axes_locked_out", False):
        raise TooManyAttempts("登录失败次数过多，请稍后再试", "Too many failed sign-ins: try again later")
    if user is None or not isinstance(user, Account):
        raise tokens.InvalidToken()
    if user.kind != Account.Kind.CITIZEN or not user.is_active:
        user_login_failed.send(sender=__name__, credentials={"username": username}, request=request)
        raise tokens.InvalidToken()
    mobile = account_sign_in_mobile(account=user)
    if mobile:
        pending = tokens.sms_challenge_start(account=user, device_id=payload.device_id, mobile=mobile)
        return Status(202, _challenge_out(pending))
    return _pair_out(tokens.token_issue(account=user, device_id=payload.device_id))


def _challenge_out(challenge: tokens.SmsChallenge) -> dict[str, Any]:
    return {
        "challenge": challenge.challenge,
        "mobile_masked": challenge.mobile_masked,
        "expires_at": challenge.expires_at,
        "resend_at": challenge.resend_at,
    }


@router.post(
    "/auth/token/sms",
    response=answers(AppTokenOut, errors=(401, 429)),
    auth=None,
    summary="App 登录短信验证码 / Sign in on the app: the SMS code",
)
def token_issue_sms(request: HttpRequest, payload: AppSmsCodeIn) -> dict[str, Any]:
    """The code sent after the password, from the same device → the token pair. Valid five
    minutes; each wrong code is a failed sign-in for django-axes (as the web's), five void it."""
    app_rate_check(request)
    account = tokens.sms_challenge_account(challenge=payload.challenge, device_id=payload.device_id)
    if AxesProxyHandler.is_locked(request, {"username": account.get_username()}):
        raise TooManyAttempts("登录失败次数过多，请稍后再试", "Too many failed sign-ins: try again later")
    try:
        pair = tokens.sms_code_check(challenge=payload.challenge, code=payload.code, device_id=payload.device_id)
    except tokens.SmsCodeInvalid as refusal:
        if refusal.account is not None:
            user_login_failed.send(sender=__name__, credentials={"username": account.get_username()}, request=request)
        raise
    return _pair_out(pair)


@router.post(
    "/auth/token/sms/resend",
    response=answers(AppSmsChallengeOut, status=202, errors=(401, 429)),
    auth=None,
    summary="重新发送登录验证码 / Send the sign-in code again",
)
def token_sms_resend(request: HttpRequest, payload: AppSmsResendIn) -> Any:
    """A new code for the pending sign-in, a minute after the last at the soonest, three in all."""
    app_rate_check(request)
    account = tokens.sms_challenge_account(challenge=payload.challenge, device_id=payload.device_id)
    challenge = tokens.sms_code_resend(
        challenge=payload.challenge, device_id=payload.device_id, mobile=account_sign_in_mobile(account=account)
    )
    return Status(202, _challenge_out(challenge))


@router.post(
    "/auth/refresh",
    response=answers(AppTokenOut, errors=TOKEN_ERRORS),
    auth=None,
    summary="刷新令牌 / Refresh the tokens",
)
def token_refresh(request: HttpRequest, payload: AppRefreshIn) -> dict[str, Any]:
    """A new pair for an unused refresh token from its own device; the old one stops working.
    A refresh token shown a second time revokes every token of that sign-in."""
    app_rate_check(request)
    return _pair_out(tokens.token_refresh(refresh=payload.refresh_token, device_id=payload.device_id))


@router.post(
    "/auth/revoke",
    response=answers(AppRevokedOut, errors=TOKEN_ERRORS),
    auth=app_bearer,
    summary="退出登录 / Sign out (this device or all)",
)
def token_revoke(request: HttpRequest, payload: AppRevokeIn) -> dict[str, Any]:
    count = tokens.token_revoke(
        account=app_account(request), session=app_session(request), all_devices=payload.all_devices
    )
    return {"revoked": count}


# --- nearby service points ------------------------------------------------------------------


class AppNearbyQuery(Schema):
    lat: float = Field(..., ge=-90, le=90, description="纬度 / Latitude")
    lng: float = Field(..., ge=-180, le=180, description="经度 / Longitude")
    crs: Literal["wgs84", "gcj02"] = Field("wgs84", description="坐标系 / Coordinate system")
    item: str | None = Field(None, max_length=32, description="服务事项编码 / Service item code")
    limit: int = Field(10, ge=1, le=50)


@router.get(
    "/outlets/nearby",
    response=answers(list[AppOutletOut], errors=(404, 429)),
    auth=None,
    summary="附近服务网点 / Nearby service points",
)
def outlets_near(request: HttpRequest, query: Query[AppNearbyQuery]) -> list[dict[str, Any]]:
    """The nearest offices, community centres, bank outlets and kiosks that offer ``item``
    (any when omitted), nearest first, with distance in metres, today's hours, whether open
    now (Asia/Shanghai) or when next open, and the waiting count where the hall reports it."""
    app_rate_check(request)
    lat, lng = query.lat, query.lng
    if query.crs == "gcj02":
        lat, lng = gcj02_to_wgs84(lat, lng)
    item = item_get(code=query.item) if query.item else None
    if item is not None and not item.is_active:
        raise NotFound(f"服务事项 {item.code} 不存在", f"Service item {item.code} does not exist")
    found = outlets_nearby(lat=lat, lng=lng, item=item, limit=query.limit)
    return [
        {
            "code": o.office.code,
            "name": o.office.name,
            "kind": o.office.kind,
            "kind_label": o.office.get_kind_display(),
            "address": o.office.address,
            "phone": o.office.phone,
            "latitude": float(o.office.latitude or 0),
            "longitude": float(o.office.longitude or 0),
            "distance_m": o.distance_m,
            "open_now": o.open_now,
            "next_opening": o.next_opening,
            "hours_today": [{"opens": a.strftime("%H:%M"), "closes": b.strftime("%H:%M")} for a, b in o.day.spans],
            "day_kind": o.day.kind,
            "waiting": o.waiting,
        }
        for o in found
    ]


# --- guides ---------------------------------------------------------------------------------


class AppGuideQuery(Schema):
    q: str = Field("", max_length=64, description="关键词 / Search words (Chinese substring)")
    limit: int = Field(20, ge=1, le=100)


def _guide(item: ServiceItem) -> dict[str, Any]:
    return {
        "code": item.code,
        "name": item.name,
        "name_en": item.name_en,
        "insurance": item.insurance,
        "description": item.description,
        "policy_basis": item.policy_basis,
        "channels": list(item.channels),
        "office_kinds": list(item.office_kinds),
        "saturday": item.saturday,
        "promised_days": item.promised_days,
        "legal_days": item.legal_days,
        "instant": item.is_instant,
        "materials": [
            {
                "code": m.code,
                "name": m.name,
                "name_en": m.name_en,
                "required": m.required,
                "commitment_allowed": m.commitment_allowed,
            }
            for m in item.materials.all()
        ],
        "poster_url": reverse("web:guide_poster", args=[item.code]),
    }


@router.get(
    "/guides", response=answers(list[AppGuideOut], errors=(429,)), auth=None, summary="办事指南 / Service guides"
)
def guides(request: HttpRequest, query: Query[AppGuideQuery]) -> list[dict[str, Any]]:
    """Active catalogue items whose name, English name, code, description or materials contain
    ``q`` (all when empty), by code: materials, channels, Saturday service, time limits, poster."""
    app_rate_check(request)
    return [_guide(item) for item in guides_search(query=query.q, limit=query.limit)]


# --- the person's own -----------------------------------------------------------------------


@router.get("/me", response=answers(AppMeOut, errors=TOKEN_ERRORS), auth=app_bearer, summary="我的信息 / About me")
def me(request: HttpRequest) -> dict[str, Any]:
    account = app_account(request)
    category = label = None
    try:
        person = person_find_by_id_number(actor=account, id_number=account.id_number or "", channel=Channel.APP)
    except NotFound:
        person = None
    if person is not None:
        category, label = person.category, person.get_category_display()
    return {
        "name": account.full_name,
        "id_number_masked": mask_id_number(account.id_number or ""),
        "category": category,
        "category_label": label,
        "links": {
            "records": "/api/v1/app/my/records",
            "accounts": "/api/v1/app/my/accounts",
            "pension": "/api/v1/app/my/pension",
            "statements": "/api/v1/app/my/statements",
            "cases": "/api/v1/app/my/cases",
            "notifications": "/api/v1/app/notifications",
        },
    }


class AppPageQuery(Schema):
    unread: bool = False
    limit: int = Field(50, ge=1, le=200)


@router.get(
    "/notifications",
    response=answers(list[AppNotificationOut], errors=TOKEN_ERRORS),
    auth=app_bearer,
    summary="我的消息 / My messages",
)
def notifications(request: HttpRequest, query: Query[AppPageQuery]) -> list[dict[str, Any]]:
    """The signed-in person's own messages from the outbox, newest first."""
    rows = notifications_of(account=app_account(request), unread=query.unread)
    return [
        {
            "id": n.id,
            "channel": n.channel,
            "subject": n.subject,
            "body": n.body,
            "created_at": n.created_at,
            "read": n.read_at is not None,
        }
        for n in rows[: query.limit]
    ]


@router.post(
    "/notifications/{notification_id}/read",
    response=answers(AppOkOut, errors=(401, 404, 429)),
    auth=app_bearer,
    summary="标记已读 / Mark a message read",
)
def notification_read(request: HttpRequest, notification_id: int) -> dict[str, Any]:
    """Marks one of the person's own messages read (again: no change); another's is 404."""
    notification_mark_read(account=app_account(request), notification_id=notification_id)
    return {"ok": True}


@router.post(
    "/push",
    response=answers(AppOkOut, errors=TOKEN_ERRORS),
    auth=app_bearer,
    summary="登记推送令牌 / Register the device's push token",
)
def push(request: HttpRequest, payload: AppPushIn) -> dict[str, Any]:
    tokens.push_register(session=app_session(request), platform=payload.platform, token=payload.token)
    return {"ok": True}

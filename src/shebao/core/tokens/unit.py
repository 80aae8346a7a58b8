"""Unit API tokens (:class:`~shebao.core.models.UnitApiToken`, issue 13): an employer's payroll
system calls the unit's batch API with ``Authorization: Bearer sbu_…`` instead of a browser
session. An operator of the unit makes a named token (shown once, stored as its SHA-256), valid
for a chosen number of days, and any operator of the unit may revoke it; both are audited. The
token acts as the operator who made it, for that unit only, on the routes of its scope only
(:class:`UnitBearer` with ``scope="batches"``: no other route accepts it), and is counted by the
same rate limits as an app sign-in (``SHEBAO_APP_RATE_PER_TOKEN`` per token, the address's limit
besides; :mod:`shebao.core.tokens.rates`).
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from shebao.core import audit
from shebao.core.channels import Channel
from shebao.core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from shebao.core.models import Account, UnitApiToken
from shebao.core.tokens.app import InvalidToken, session_auth, token_hash
from shebao.core.tokens.rates import rate_check

UNIT_TOKEN_PREFIX = "sbu_"  # noqa: S105  (not a secret: a leaked token is recognisable by it)
UNIT_TOKEN_DAYS = (30, 90, 180, 365)
UNIT_TOKENS_LIVE = 20  # a unit's valid tokens at once: one per system and environment is plenty


def unit_operator_of(account: Account, *, unit_code: str) -> bool:
    """Whether ``account`` is an active operator (单位经办人) of the unit ``unit_code``: the one
    unit-operator check, for the one who makes a token and for the one a token acts as."""
    return (
        account.kind == Account.Kind.UNIT
        and account.is_active
        and bool(account.unit_code)
        and account.unit_code == unit_code
    )


def unit_operator_code(*, actor: Account) -> str:
    """The code of the unit ``actor`` operates; anyone but an active operator of a unit is
    refused (403). The apps' own token rules (``contributions.batch_tokens``) start with it."""
    unit_code = actor.unit_code or ""
    if not unit_operator_of(actor, unit_code=unit_code):
        raise NotAllowed("仅限单位经办人使用", "For employer operators only")
    return unit_code


def unit_tokens_of(*, actor: Account) -> QuerySet[UnitApiToken]:
    """The tokens of the operator's own unit (made by any of its operators), newest first."""
    return (
        UnitApiToken.objects.filter(unit_code=unit_operator_code(actor=actor))
        .select_related("account", "revoked_by")
        .order_by("-created_at", "-pk")
    )


def unit_token_issue(
    *, actor: Account, name: str, days: int | str, scope: str = UnitApiToken.Scope.BATCHES
) -> tuple[UnitApiToken, str]:
    """A new token of the operator's unit: the row, and the token itself — shown to the
    operator this once, never stored (only its SHA-256 and its first characters are)."""
    unit_code = unit_operator_code(actor=actor)
    name = (name or "").strip()
    if not 1 <= len(name) <= 64 or not name.isprintable():
        raise InvalidInput("令牌名称应为 1-64 个可见字符", "The name must be 1-64 printable characters", field="name")
    try:
        lifetime = int(days)
    except (TypeError, ValueError):
        lifetime = 0
    if lifetime not in UNIT_TOKEN_DAYS:
        *most, last = map(str, UNIT_TOKEN_DAYS)
        raise InvalidInput(
            f"有效期应为 {'、'.join(most)} 或 {last} 天",
            f"The validity must be {', '.join(most)} or {last} days",
            field="days",
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
    unit_code = unit_operator_code(actor=actor)
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
        or not unit_operator_of(row.account, unit_code=row.unit_code)
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
            rate_check(request, holder=None)  # guessed tokens count against the address
            return None
        rate_check(request, holder=f"unit_token:{row.pk}")
        UnitApiToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
        request.unit_token = row  # type: ignore[attr-defined]  # the route may read which token acted
        return account


unit_batches_bearer = UnitBearer(scope=UnitApiToken.Scope.BATCHES)
# The unit's batch routes: a payroll system's unit token first (no CSRF), or an operator's session.
unit_batches_auth: list[Any] = [unit_batches_bearer, session_auth]

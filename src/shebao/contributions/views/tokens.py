"""The employer's API tokens page (issue 13): an operator of a VIP unit makes named tokens for
the unit's payroll system to call the batch API (``/api/v1/unit/batches/...``), sees each
token's state, expiry and last use, and revokes them.

A new token is shown once, on the answer to the form that made it (never stored, never put
in the session or a redirect), with ``Cache-Control: no-store``. The rules are the services':
``contributions.batch_tokens`` (VIP units only) and ``core.tokens`` (operators of the unit
only, names, validity, revocation, audit).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from shebao.contributions import batch_tokens
from shebao.contributions.views._pages import error_page, error_text, signed_in
from shebao.core import tokens
from shebao.core.errors import InvalidInput, NotAllowed, NotFound, ShebaoError
from shebao.core.http import AccountRequest
from shebao.core.models import Account, UnitApiToken
from shebao.registry import selectors as registry_selectors


def _rows(actor: Account) -> list[tuple[UnitApiToken, str]]:
    now = timezone.now()
    return [
        (row, "revoked" if row.revoked_at else "expired" if row.expires_at <= now else "valid")
        for row in tokens.unit_tokens_of(actor=actor)
    ]


def _page(request: AccountRequest, *, status: int = 200, **extra: Any) -> HttpResponse:
    user = request.user
    if user.kind != Account.Kind.UNIT:
        raise NotAllowed("仅限单位经办人使用", "For employer operators only")
    unit = registry_selectors.unit_get_own(actor=user)
    context = {
        "unit": unit,
        "rows": _rows(user),
        "days": tokens.UNIT_TOKEN_DAYS,
        "chosen_days": 90,
        "name": "",
        **extra,
    }
    response = render(request, "contributions/unit_api_tokens.html", context, status=status)
    response["Cache-Control"] = "no-store"  # the answer that shows a new token must not be kept
    return response


@require_http_methods(["GET", "POST"])
@signed_in
def unit_api_tokens(request: AccountRequest) -> HttpResponse:
    """GET: the unit's tokens and the form; POST: make a token and show it once."""
    if request.method == "GET":
        try:
            return _page(request)
        except ShebaoError as error:
            return error_page(request, error)
    name, days = request.POST.get("name", ""), request.POST.get("days", "")
    try:
        row, secret = batch_tokens.batch_token_issue(actor=request.user, name=name, days=days)
    except (NotAllowed, NotFound) as error:
        return error_page(request, error)
    except ShebaoError as error:
        try:
            return _page(
                request,
                status=error.status,
                form_error=error_text(error),
                error_field=error.field or "",
                name=name,
                chosen_days=int(days) if days.isdigit() else 90,
            )
        except ShebaoError as again:
            return error_page(request, again)
    return _page(request, status=201, new_token=secret, new_row=row)


@require_POST
@signed_in
def unit_api_token_revoke(request: AccountRequest, pk: int) -> HttpResponse:
    try:
        row = tokens.unit_token_revoke(actor=request.user, token_id=pk)
    except (NotAllowed, NotFound, InvalidInput) as error:
        return error_page(request, error)
    messages.success(request, f"已撤销令牌“{row.name}” / Token “{row.name}” revoked")
    return redirect("web:unit_api_tokens")

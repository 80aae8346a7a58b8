"""The insured person's months (我的缴费记录): the whole history month by month — the annual
records of earlier years and the monthly ledger alike — grouped by year, newest first, with the
base, each insurance's amounts, and whether it is paid, in arrears, due or transferred in; and
the pension personal account (个人账户) year by year and line by line."""

from __future__ import annotations

from decimal import Decimal

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from shebao.contributions import selectors
from shebao.contributions.accounts import account_statement
from shebao.contributions.views._pages import channel_for, error_page, signed_in
from shebao.core.errors import NotAllowed, ShebaoError
from shebao.core.http import AccountRequest
from shebao.core.models import Account
from shebao.registry import selectors as registry_selectors

YEARS_PER_PAGE = 10  # the newest year open, the others folded; older years on further pages


@require_GET
@signed_in
def my_contributions(request: AccountRequest) -> HttpResponse:
    user = request.user
    if user.kind != Account.Kind.CITIZEN:
        return error_page(request, NotAllowed("仅限参保人本人查询", "For insured persons only"))
    try:
        person = registry_selectors.person_self(actor=user, channel=channel_for(user))
    except NotAllowed as refusal:  # 代办 whose authorisation no longer holds
        return error_page(request, refusal)
    except ShebaoError:
        return render(request, "contributions/mine.html", {"person": None})
    today = timezone.localdate()
    history = selectors.contribution_history(actor=user, person=person, as_of=today)
    page = Paginator(history, YEARS_PER_PAGE).get_page(request.GET.get("page"))
    totals = {
        "paid": sum((y.personal_paid for y in history), Decimal("0.00")),
        "arrears": sum((y.arrears for y in history), Decimal("0.00")),
        "count_paid": sum(y.paid_count for y in history),
        "first": history[-1].months[-1].row.period if history else None,
    }
    return render(
        request,
        "contributions/mine.html",
        {"person": person, "page": page, "years": page.object_list, "totals": totals},
    )


@require_GET
@signed_in
def my_account(request: AccountRequest) -> HttpResponse:
    """个人账户: the year's lines — each month's credit, the interest with its derivation — and
    the balances, so the person can follow every yuan."""
    user = request.user
    if user.kind != Account.Kind.CITIZEN:
        return error_page(request, NotAllowed("仅限参保人本人查询", "For insured persons only"))
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    year = max(1996, min(year, today.year))
    try:
        person = registry_selectors.person_self(actor=user, channel=channel_for(user))
        statement = account_statement(actor=user, person=person, year=year)
    except ShebaoError as error:
        return error_page(request, error)
    years = list(range(today.year, max(1995, today.year - 10), -1))
    context = {
        "statement": statement,
        "figures": statement.summary.year(year),
        "year": year,
        "years": years,
        "this_year": today.year,
    }
    return render(request, "contributions/account.html", context)

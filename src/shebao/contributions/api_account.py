"""The insured person's pension personal account over the API (the app's "我的个人账户"): the
same figures as the home page and ``/my/account/``, read through ``accounts.account_summary``
and ``accounts.account_statement``, so the channels agree to the fen."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone
from ninja import Router, Schema

from shebao.contributions.accounts import account_statement
from shebao.core.api import answers
from shebao.core.channels import Channel
from shebao.core.errors import InvalidInput, NotAllowed
from shebao.core.http import ApiRequest
from shebao.core.models import Account
from shebao.core.tokens import person_auth
from shebao.registry.selectors import person_find_by_id_number

router = Router(tags=["account 个人账户"])
FIRST_YEAR = 1996  # the personal accounts began with 国发〔1997〕26号 (accounts kept from 1996 on)


class AccountYearOut(Schema):
    year: int
    opening: Decimal
    credited: Decimal
    interest: Decimal
    closing: Decimal
    interest_credited: bool


class AccountLineOut(Schema):
    month: dt.date
    kind: str
    kind_label: str
    amount: Decimal
    rate: Decimal | None
    note: str


class AccountOut(Schema):
    balance: Decimal
    years: list[AccountYearOut]
    year: int
    opening_balance: Decimal
    closing_balance: Decimal
    lines: list[AccountLineOut]


@router.get(
    "/my/account",
    response=answers(AccountOut, errors=(401, 403, 404)),
    auth=person_auth,
    summary="我的个人账户 / My pension personal account",
)
def my_account(request: ApiRequest, year: int | None = None) -> dict[str, Any]:
    """The balance (累计储存额), every year's opening, credits, interest and closing, and the
    lines of ``year`` (this year by default). For the insured person themselves."""
    user = request.auth
    if user.kind != Account.Kind.CITIZEN:
        raise NotAllowed("仅限参保人本人查询", "For insured persons only")
    this_year = timezone.localdate().year
    year = this_year if year is None else year
    if not FIRST_YEAR <= year <= this_year:
        raise InvalidInput(
            f"年度应在{FIRST_YEAR}年至{this_year}年之间", f"The year is {FIRST_YEAR} to {this_year}", field="year"
        )
    person = person_find_by_id_number(actor=user, id_number=user.id_number or "", channel=Channel.APP)
    statement = account_statement(actor=user, person=person, year=year)
    return {
        "balance": statement.summary.balance,
        "years": [vars(y) for y in statement.summary.years],
        "year": year,
        "opening_balance": statement.opening_balance,
        "closing_balance": statement.closing_balance,
        "lines": [vars(line) for line in statement.lines],
    }
